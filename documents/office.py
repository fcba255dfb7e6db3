"""Converting documents with LibreOffice, where it is installed (PDF letters, re-saved sheets).

One conversion runs at a time per process, each with its own throw-away user profile (two
soffice processes sharing a profile block each other), in a worker thread so the event loop
keeps serving, and with a time limit.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

from common.errors import DomainError
from common.i18n import N_

CONVERSION_TIMEOUT_SECONDS = 120
_one_at_a_time = asyncio.Lock()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def convert_file(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert ``source`` (e.g. to "pdf" or "xlsx") into ``out_dir``; returns the new file."""
    program = soffice()
    if program is None:
        raise DomainError(N_("PDF is not available: LibreOffice is not installed"))
    with tempfile.TemporaryDirectory(prefix="tenderdesk-soffice-") as profile:
        completed = subprocess.run(  # noqa: S603 - fixed program, our own file paths
            [program, f"-env:UserInstallation=file://{profile}", "--headless",
             "--norestore", "--convert-to", target_format, "--outdir", str(out_dir),
             str(source)],
            capture_output=True, text=True, timeout=CONVERSION_TIMEOUT_SECONDS, check=False)
    produced = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    if completed.returncode != 0 or not produced.exists():
        raise DomainError(N_("LibreOffice could not convert {name}: {detail}"),
                          name=source.name,
                          detail=(completed.stderr or completed.stdout).strip()[:300] or "-")
    return produced


def convert_bytes(data: bytes, source_suffix: str, target_format: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="tenderdesk-convert-") as work:
        source = Path(work) / f"document{source_suffix}"
        source.write_bytes(data)
        out_dir = Path(work) / "out"
        out_dir.mkdir()
        return convert_file(source, target_format, out_dir).read_bytes()


async def convert(data: bytes, source_suffix: str, target_format: str) -> bytes:
    """Convert in a worker thread, one conversion at a time."""
    async with _one_at_a_time:
        return await asyncio.to_thread(convert_bytes, data, source_suffix, target_format)
