"""Reading corpus files under a memory and a time limit, each in its own process.

    python -m tests.documents.scoresheet_limits FILE...

Prints one JSON line per file: its name, size, outcome ("refused", "read", or how the child
died), seconds (wall clock and CPU) and extra peak RSS in MB. The modules are imported once;
each file is read in a child forked from this process, after resetting its peak RSS
(``/proc/self/clear_refs``), with ``RLIMIT_AS`` at its current address space plus
:data:`MEMORY_MB`, ``RLIMIT_CPU`` and an alarm at :data:`ABORT_SECONDS`. Used by
tests/documents/test_scoresheet_limits.py and by bench/scoresheets.py.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

MEMORY_MB = 150
ABORT_SECONDS = 10


def _status(field: str) -> int:
    """A field of /proc/self/status in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _child(path: Path, write: int) -> None:
    from common.errors import ValidationFailed
    from documents import scoresheet_reader
    from tests.documents.scoresheet_corpus import KEY

    data = path.read_bytes()
    Path("/proc/self/clear_refs").write_text("5")
    before = _status("VmRSS")
    limit = _status("VmSize") * 1024 + MEMORY_MB * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (ABORT_SECONDS, ABORT_SECONDS + 1))
    signal.alarm(ABORT_SECONDS)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        scoresheet_reader.read(data, KEY, filename=path.name)
        outcome = "read"
    except ValidationFailed:
        outcome = "refused"
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    extra = max(0, _status("VmHWM") - before) / 1024
    os.write(
        write,
        json.dumps(
            {
                "outcome": outcome,
                "seconds": round(seconds, 3),
                "cpu": round(cpu, 3),
                "extra_mb": round(extra, 1),
            }
        ).encode(),
    )
    os._exit(0)


def measure(path: Path) -> dict[str, object]:
    """Read one file in a forked child under the limits; what happened."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            _child(path, write)
        except MemoryError:
            os._exit(3)
        except BaseException:
            os._exit(4)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 4096):
        chunks.append(chunk)
    os.close(read)
    _pid, status = os.waitpid(pid, 0)
    found: dict[str, object] = {"name": path.name, "bytes": path.stat().st_size}
    if chunks:
        found.update(json.loads(b"".join(chunks)))
    else:
        code = os.waitstatus_to_exitcode(status)
        found["outcome"] = {3: "out of memory", 4: "crashed"}.get(
            code, f"killed by signal {-code}" if code < 0 else f"exit {code}"
        )
    return found


def main(paths: list[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    from documents import scoresheet_reader  # noqa: F401 - imported once, before forking
    from tests.documents import scoresheet_corpus  # noqa: F401

    for name in paths:
        print(json.dumps(measure(Path(name))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
