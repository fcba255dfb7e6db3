"""What a bounded context tells the scheduler about its deadlines. Pure data and a protocol.

Each context with deadline-driven steps (tenders, subsidy rounds, scoring reminders) provides a
:class:`DeadlineSource`. Its ``tick`` applies everything that is due, idempotently, in deadline
order, and audits a step applied late with its delay; ``upcoming`` names each open procedure's
next automatic step. The database stays the only source of truth: the scheduler keeps nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Deadline:
    """The next automatic step of one procedure."""

    key: str  # stable per procedure, e.g. "tender:12"
    due_at: datetime  # UTC
    step: str  # message id of what will happen ("Bids close")
    subject: str  # the procedure's title
    url: str
    zone: str  # the authority's time zone, for showing the wall-clock time
    authority_ids: tuple[int, ...] = ()  # who may see it (the procedure's authorities)


@dataclass(frozen=True)
class AppliedStep:
    key: str
    step: str
    due_at: datetime
    applied_at: datetime

    @property
    def late_by_seconds(self) -> float:
        return (self.applied_at - self.due_at).total_seconds()


def visible_deadlines(
    deadlines: list[Deadline], authority_ids: frozenset[int], sees_all: bool
) -> list[Deadline]:
    """The deadlines of the given authorities' procedures (all of them for ``sees_all``)."""
    if sees_all:
        return list(deadlines)
    return [d for d in deadlines if authority_ids.intersection(d.authority_ids)]


class DeadlineSource(Protocol):
    name: str

    async def upcoming(self, now: datetime) -> list[Deadline]:
        """Each open procedure's next automatic step (at most one per key)."""
        ...

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        """Apply every step due at ``now`` (of one procedure when ``key`` is given)."""
        ...


class DeadlineChanges:
    """Tells the scheduler in this process that a deadline moved, so it reschedules at once.

    Other processes pick the change up at their next sweep (within a minute).
    """

    def __init__(self) -> None:
        self._listeners: list[Callable[[str], None]] = []

    def subscribe(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[str], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def changed(self, key: str) -> None:
        for listener in list(self._listeners):
            listener(key)


deadline_changes = DeadlineChanges()
