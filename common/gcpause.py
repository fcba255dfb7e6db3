"""Cyclic garbage collection paused while a large table of plain rows is built or written.

Building 50,000 rows allocates hundreds of thousands of containers (tuples, row objects,
dicts), and each allocation burst sets off collections that walk every live object: about a
third of an export's time went to collecting garbage that does not exist (the rows hold no
cycles; reference counting frees them). The pause lasts as long as the block; nested and
concurrent pauses leave collection off until the outermost one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_enabled_before = [True]


@contextmanager
def paused_collection() -> Iterator[None]:
    """Collection off for the block (and on again after it, if it was on before)."""
    global _depth
    with _lock:
        if _depth == 0:
            _enabled_before[0] = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _enabled_before[0]:
                gc.enable()
