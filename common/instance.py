"""Which process this is, for claims that other processes must be able to check.

A claim (a job run, a message being sent) carries the id of the process that holds it:
``host:pid:random``. A process on the same host can tell at once whether the holder still
runs; one on another host waits for the claim's heartbeat to go stale.
"""

from __future__ import annotations

import os
import socket
import uuid

HOST = socket.gethostname()
INSTANCE = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def is_dead(instance: str) -> bool:
    """Whether ``instance`` is known to have stopped: a process of this host that no longer
    runs (or this process's pid under another id: a previous process of the same pid).
    Unknown (another host, an id of another form) is not dead."""
    host, _, rest = instance.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return instance != INSTANCE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # runs, as another user
        return False
    return False
