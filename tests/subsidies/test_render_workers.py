"""kill -9 of a server while its process pool renders a round's letters: the pool's workers die
with it, and a restarted server binds the same port (they held its listening socket)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from subsidies import jobs as subsidy_jobs
from tests.subsidies.test_letters import decided_round
from tests.support.browser import ROOT, _free_port

# The real server (``tenderdesk serve``) with the job worker on, rendering through the pool
# from two letters, and each letter held in the worker long enough to kill the server then.
SERVER = """
import sys, time
from documents.letters import bundle
from subsidies import letters
letters.PARALLEL_FROM = 2
rendered = bundle.render
def slowly(*args, **kwargs):
    time.sleep(120)
    return rendered(*args, **kwargs)
bundle.render = slowly
from config.cli import main
sys.argv = ["tenderdesk", "serve", "--port", sys.argv[1]]
main()
"""


def start_server(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={
            **os.environ,
            "TENDERDESK_JOBS": "1",
            "TENDERDESK_SCHEDULER": "0",
            "TENDERDESK_DB_POOL": "1",
        },
    )


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its parent's wait is missing


async def until(condition, seconds: float, what: str) -> None:
    ends = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < ends, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


def answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


async def test_render_workers_die_with_a_killed_server_which_restarts_on_its_port(
    setup, fixed_clock
):
    await decided_round(setup, fixed_clock)
    await subsidy_jobs.queue_decision_letters(setup.officer, setup.round_id)
    port = _free_port()
    first = start_server(port)
    second = None
    workers: set[int] = set()
    try:
        await until(lambda: len(children(first.pid)) >= 2, 60, "the pool's workers")
        workers = children(first.pid)
        first.send_signal(signal.SIGKILL)
        first.wait()
        await until(lambda: not any(alive(w) for w in workers), 10, "the workers to die")

        second = start_server(port)
        await until(lambda: answers(port) or second.poll() is not None, 60, "the restart")
        assert second.poll() is None, "the restarted server could not bind its port"
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        for pid in workers:  # survivors of a failed run, so they free the port
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
