"""Appending events (inside the caller's transaction), verifying the chain, listing events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit.domain import (
    GENESIS_HASH,
    Actor,
    ChainBreak,
    ChainHead,
    ChainVerifier,
    EventData,
    StoredEvent,
    canonical_json,
    event_hash,
)
from audit.tables import AuditEvent, AuditHead
from common import clock
from config.database import contains, in_transaction, insert_rows, is_sqlite, raw

HEAD_ID = 1
EVENT_COLUMNS = (*EventData.__dataclass_fields__, "hash")
VERIFY_BATCH = 5000


@dataclass(frozen=True)
class NewEvent:
    action: str
    object_type: str
    object_id: Any
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


async def _lock_head() -> ChainHead:
    """Read the chain head, holding the lock that orders concurrent appends."""
    await AuditHead.insert(AuditHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)).on_conflict(
        action="DO NOTHING"
    )
    # SQLite: the IMMEDIATE transaction already holds the database's write lock.
    lock = "" if is_sqlite() else " FOR UPDATE"
    query = f"SELECT seq, hash FROM audit_head WHERE id = {{}}{lock}"  # noqa: S608 - constant
    rows = await raw(query, HEAD_ID)
    return ChainHead(seq=int(rows[0]["seq"]), hash=rows[0]["hash"])


async def record_many(actor: Actor, events: list[NewEvent]) -> None:
    """Append ``events`` to the chain. Must run inside the transaction of the change itself."""
    if not events:
        return
    if not in_transaction():
        raise RuntimeError("audit events must be written in the transaction of their change")
    head = await _lock_head()
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
        previous = event_hash(data)
        rows.append((*(getattr(data, name) for name in EVENT_COLUMNS[:-1]), previous))
    await insert_rows(AuditEvent._meta.tablename, EVENT_COLUMNS, rows)
    await AuditHead.update({AuditHead.seq: seq, AuditHead.hash: previous}).where(
        AuditHead.id == HEAD_ID
    )


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


def _stored(row: dict[str, Any]) -> StoredEvent:
    data = EventData(**{name: row[name] for name in EventData.__dataclass_fields__})
    return StoredEvent(data=data, hash=row["hash"])


async def _all_events() -> AsyncIterator[list[StoredEvent]]:
    after = 0
    while True:
        rows = (
            await AuditEvent.select()
            .where(AuditEvent.seq > after)
            .order_by(AuditEvent.seq)
            .limit(VERIFY_BATCH)
        )
        if not rows:
            return
        yield [_stored(row) for row in rows]
        after = rows[-1]["seq"]


@dataclass(frozen=True)
class Verification:
    checked: int
    problem: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.problem is None


async def verify() -> Verification:
    verifier = ChainVerifier()
    async for batch in _all_events():
        problem = verifier.feed(batch)
        if problem:
            return Verification(verifier.checked, problem)
    head_row = await AuditHead.select().where(AuditHead.id == HEAD_ID).first()
    head = ChainHead(int(head_row["seq"]), head_row["hash"]) if head_row else None
    return Verification(verifier.checked, verifier.finish(head))


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


async def list_events(filters: EventFilter, before_seq: int | None = None,
                      limit: int = 50) -> EventPage:
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


async def object_types() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.object_type).distinct().order_by(
        AuditEvent.object_type
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
