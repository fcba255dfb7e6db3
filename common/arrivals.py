"""Something addressed to organisations arrived: a letter was sent, a notice was published.

The contexts that send letters (``documents.letters.service.record_sent``) and publish notices
(``tenders``: an answered clarification question, a deadline moved) announce each arrival
here, inside the transaction of the change. Who listens is plugged in by the composition root
(``config.app``: the portal mails its members), so that no lower package imports the portal.
Pure Python: the listeners do the I/O.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from common.identity import Actor


@dataclass(frozen=True)
class Arrival:
    """A letter to one addressee (``ref``, e.g. ``bid:12``) or a notice on a tender (to every
    organisation taking part in it). ``key`` names the arrival once (a letter's reference and
    hash, a notice's tender, number and text): announced twice, it is told once."""

    kind: str  # a letter kind's value ("award", "rejection", ...) or a notice: see NOTICE_KINDS
    key: str
    ref: str = ""  # a letter's addressee
    tender_id: int | None = None  # a notice's tender
    file_id: int | None = None  # a letter's stored file
    number: int | None = None  # a clarification answer's question number


CLARIFICATION = "clarification"  # an answer published (or amended) in the clarification notice
DEADLINE_MOVED = "deadline_moved"  # a deadline of a published tender moved
NOTICE_KINDS = (CLARIFICATION, DEADLINE_MOVED)

Listener = Callable[[Actor, Sequence[Arrival]], Awaitable[None]]

_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Have ``listener`` told of every arrival (once, however often it is plugged in)."""
    if listener not in _listeners:
        _listeners.append(listener)


async def announce(actor: Actor, arrivals: Sequence[Arrival]) -> None:
    """Tell every listener, in the caller's transaction."""
    if not arrivals:
        return
    for listener in _listeners:
        await listener(actor, arrivals)
