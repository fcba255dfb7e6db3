"""What the deployment tests share: PostgreSQL only, real `tenderdesk serve` instances."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from config.settings import get_settings
from tests.support.browser import ROOT, _free_port

needs_postgres = pytest.mark.skipif(
    not get_settings().is_postgres,
    reason="several instances share one database only on PostgreSQL (runs in CI's "
    "PostgreSQL run); on SQLite files and keys live in the one data dir",
)


class Instance:
    """``tenderdesk serve`` in a subprocess, with its own data dir."""

    def __init__(self, data_dir: Path, **env: str) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.log = data_dir / "serve.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "config", "serve", "--port", self.url.rsplit(":", 1)[1]],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={
                    **os.environ,
                    "TENDERDESK_DATA_DIR": str(data_dir),
                    "TENDERDESK_DB_POOL": "1",
                    **env,
                },
            )

    def wait_ready(self, seconds: float = 120) -> None:
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            if self.process.poll() is not None:
                raise AssertionError(f"instance stopped: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise AssertionError(f"instance not ready: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
