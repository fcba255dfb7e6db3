"""Appending events (inside the caller's transaction), verifying the chain, listing events.

The chain is keyed with the audit key (``TENDERDESK_AUDIT_KEY``, kept out of the database) and
anchored by signed checkpoints outside the database (:mod:`audit.checkpoints`). There is no head
row: appends are ordered by a lock (PostgreSQL: a transaction-level advisory lock; SQLite: the
write lock the IMMEDIATE transaction already holds) and continue from the newest event, and on
PostgreSQL the events table refuses UPDATE, DELETE and TRUNCATE (a trigger, and
``tenderdesk audit harden`` for the app's role). A head row in the same database would need
exactly the UPDATE right that an attacker could use to roll it back; the checkpoints do its job
from outside.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit import checkpoints as kept
from audit.chain import audit_key, events_after, last_event
from audit.domain import (
    ChainBreak,
    ChainHead,
    ChainVerifier,
    Checkpoint,
    EventData,
    canonical_json,
    event_hash,
)
from audit.sentences import SYSTEM, sentence
from audit.tables import AuditEvent
from common import clock
from common.errors import Conflict, DomainError, Moment, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Actor
from config.database import contains, in_transaction, insert_rows, is_sqlite, raw
from config.settings import get_settings

EVENT_COLUMNS = (*EventData.__dataclass_fields__, "hash")
# pg_advisory_xact_lock key that orders appends to the chain ("tenderdesk audit").
APPEND_LOCK_KEY = 0x7E4D_A0D1


@dataclass(frozen=True)
class NewEvent:
    action: str
    object_type: str
    object_id: Any
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


async def _lock_chain() -> ChainHead:
    """Take the lock that orders concurrent appends, then read the newest event."""
    # SQLite: the IMMEDIATE transaction already holds the database's write lock.
    if not is_sqlite():
        await raw("SELECT pg_advisory_xact_lock({})", APPEND_LOCK_KEY)
    return await last_event()


async def record_many(actor: Actor, events: list[NewEvent]) -> None:
    """Append ``events`` to the chain. Must run inside the transaction of the change itself."""
    if not events:
        return
    if not in_transaction():
        raise RuntimeError("audit events must be written in the transaction of their change")
    key = audit_key()
    head = await _lock_chain()
    occurred_at = clock.now()
    rows: list[tuple[Any, ...]] = []
    seq, previous = head.seq, head.hash
    for event in events:
        seq += 1
        data = EventData(
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor.id,
            actor=actor.label,
            action=event.action,
            object_type=event.object_type,
            object_id=str(event.object_id),
            before=canonical_json(event.before),
            after=canonical_json(event.after),
            prev_hash=previous,
        )
        previous = event_hash(data, key)
        rows.append((*(getattr(data, name) for name in EVENT_COLUMNS[:-1]), previous))
    await insert_rows(AuditEvent._meta.tablename, EVENT_COLUMNS, rows)


async def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: Any,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    await record_many(actor, [NewEvent(action, object_type, object_id, before, after)])


@dataclass(frozen=True)
class Verification:
    checked: int
    problem: ChainBreak | None
    # The newest checkpoint the chain was held against, and how many events came after it.
    anchor: Checkpoint | None = None
    unanchored: int = 0
    checkpoints: int = 0

    @property
    def intact(self) -> bool:
        return self.problem is None


async def verify(extra_checkpoints: Iterable[Checkpoint] = ()) -> Verification:
    """Check the whole chain under the audit key, against every checkpoint kept in the data dir
    and ``extra_checkpoints`` (exported ones given back). A checkpoint not signed with the audit
    key is itself a break."""
    key = audit_key()
    found = kept.read_checkpoints()
    given = list(extra_checkpoints)
    forged = [cp for cp in given if not cp.is_authentic(key)]
    if found.problem is not None or forged:
        problem = found.problem or ChainBreak(
            forged[0].seq, "a checkpoint given is not signed with the audit key"
        )
        return Verification(0, problem)
    anchors = [*found.checkpoints, *given]
    verifier = ChainVerifier(key, anchors)
    async for batch in events_after(0):
        problem = verifier.feed(batch)
        if problem:
            return Verification(verifier.checked, problem, checkpoints=len(anchors))
    problem = verifier.finish()
    anchor = max(anchors, key=lambda cp: (cp.seq, cp.made_at)) if anchors else None
    return Verification(
        verifier.checked,
        problem,
        anchor,
        verifier.checked - (anchor.seq if anchor else 0),
        len(anchors),
    )


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class EventPage:
    events: list[dict[str, Any]]
    next_before: int | None


async def list_events(
    filters: EventFilter, before_seq: int | None = None, limit: int = 50
) -> EventPage:
    """Newest first, ``limit`` at a time; ``before_seq`` continues after the previous page."""
    query = AuditEvent.select().order_by(AuditEvent.seq, ascending=False).limit(limit + 1)
    if filters.actor:
        query = query.where(contains(AuditEvent.actor, filters.actor))
    if filters.action:
        query = query.where(contains(AuditEvent.action, filters.action))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.occurred_at < filters.until)
    if before_seq:
        query = query.where(AuditEvent.seq < before_seq)
    rows = await query
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(rows, rows[-1]["seq"] if more and rows else None)


# How many of an object's latest events of the actions asked for are looked through for one
# that is about the part refused (``about``).
CONFLICT_SCAN = 200


def _about(row: Mapping[str, Any], about: Mapping[str, Any]) -> bool:
    told = {**_values(row["before"]), **_values(row["after"])}
    return all(str(told.get(key)) == str(value) for key, value in about.items())


def _values(stored: Any) -> dict[str, Any]:
    try:
        found = json.loads(stored) if isinstance(stored, str) else stored
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


async def latest_change(
    object_type: str,
    object_id: Any,
    *,
    actions: Iterable[str] = (),
    actor: str | None = None,
    about: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The object's newest event of ``actions`` (any action when none are given), by
    ``actor`` when given, whose ``before`` or ``after`` holds the values of ``about``."""
    query = AuditEvent.select(
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.occurred_at,
        AuditEvent.before,
        AuditEvent.after,
    ).where((AuditEvent.object_type == object_type) & (AuditEvent.object_id == str(object_id)))
    if actions:
        query = query.where(AuditEvent.action.is_in(list(actions)))
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    rows = await query.order_by(AuditEvent.seq, ascending=False).limit(
        CONFLICT_SCAN if about else 1
    )
    return next((row for row in rows if _about(row, about or {})), None)


async def change_told(
    object_type: str,
    object_id: Any,
    *,
    actions: Iterable[str] = (),
    actor: str | None = None,
    about: Mapping[str, Any] | None = None,
    zone: str | None = None,
) -> Problem | None:
    """The object's latest change of ``actions`` (see :func:`latest_change`) as a message:
    who did what, and when (wall-clock time in ``zone``, the site's zone by default, written
    in the reader's language); None without such a change."""
    latest = await latest_change(object_type, object_id, actions=actions, actor=actor, about=about)
    if latest is None:
        return None
    told = sentence(latest, await actor_names({latest["actor"]}), Problem(SYSTEM))
    return Problem(
        N_("{change} on {moment}"),
        {"change": told, "moment": Moment(latest["occurred_at"], zone or get_settings().timezone)},
    )


async def conflict(
    reason: DomainError,
    object_type: str,
    object_id: Any,
    *,
    actions: Iterable[str] = (),
    actor: str | None = None,
    about: Mapping[str, Any] | None = None,
    zone: str | None = None,
) -> DomainError:
    """``reason`` (a refusal because the object is no longer in the state the action needs)
    as a :class:`Conflict` that names the change that put it there (:func:`change_told`).
    Raise it where a locked use case finds that someone got there first; without such a
    change ``reason`` is kept as it is."""
    change = await change_told(
        object_type, object_id, actions=actions, actor=actor, about=about, zone=zone
    )
    return reason if change is None else Conflict(change, reason.problem)


async def taken(
    problem: Problem,
    object_type: str,
    object_id: Any,
    *,
    actions: Iterable[str] = (),
    about: Mapping[str, Any] | None = None,
) -> ValidationFailed:
    """Input refused because another object already holds it (an email address, a name):
    ``problem`` followed by who gave the value to that object, and when."""
    change = await change_told(object_type, object_id, actions=actions, about=about)
    if change is None:
        return ValidationFailed([problem])
    return ValidationFailed(
        [
            Problem(
                N_("{problem} ({change})"),
                {"problem": Problem(problem.message, problem.params), "change": change},
                problem.location,
            )
        ]
    )


ActorNames = Callable[[set[str]], Awaitable[dict[str, str]]]


async def _no_names(emails: set[str]) -> dict[str, str]:
    return {}


# People's names for the actors' emails. The users are kept by ``accounts``, which records its
# changes through this module and so depends on ``audit``; the composition root
# (``config.app``) plugs its lookup in here, so that ``audit`` never imports ``accounts``.
_actor_names: ActorNames = _no_names


def use_actor_names(lookup: ActorNames) -> None:
    global _actor_names
    _actor_names = lookup


async def actor_names(emails: set[str]) -> dict[str, str]:
    """The names of the people with these emails (an email unknown, or the system, has none)."""
    return await _actor_names(emails) if emails else {}


async def object_types() -> list[str]:
    rows = (
        await AuditEvent.select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    )
    return [row["object_type"] for row in rows]


async def history(object_type: str, object_id: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Every event of one object, oldest first: the history shown on an object's page."""
    return (
        await AuditEvent.select()
        .where((AuditEvent.object_type == object_type) & (AuditEvent.object_id == str(object_id)))
        .order_by(AuditEvent.seq)
        .limit(limit)
    )
