"""The clock: every rule that depends on the current time asks for it here.

Pure functions take ``now`` as an argument; services ask :func:`now`. Tests install a
:class:`FixedClock` to travel in time without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until it is moved; for tests and time travel."""

    current: datetime

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware moment")

    def now(self) -> datetime:
        return self.current.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self.current = self.current + delta

    def set(self, moment: datetime) -> None:
        self.current = moment


_SYSTEM_CLOCK = SystemClock()
_clock: ContextVar[Clock | None] = ContextVar("tenderdesk_clock", default=None)


def get_clock() -> Clock:
    return _clock.get() or _SYSTEM_CLOCK


def now() -> datetime:
    """The current moment (UTC) according to the installed clock."""
    return get_clock().now()


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Install ``clock`` for the current context (and tasks started from it)."""
    token = _clock.set(clock)
    try:
        yield clock
    finally:
        _clock.reset(token)
