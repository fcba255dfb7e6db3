"""Reading the chain of audit events: the key it is hashed under, its newest event and its
events in order. Shared by appending (:mod:`audit.service`), the checkpoints
(:mod:`audit.checkpoints`) and rekeying (:mod:`audit.rekey`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from audit.domain import GENESIS_HASH, ChainHead, EventData, StoredEvent, key_bytes
from audit.tables import AuditEvent
from config.database import raw
from config.settings import get_settings

VERIFY_BATCH = 5000


def audit_key() -> bytes:
    return key_bytes(get_settings().audit_key)


async def last_event() -> ChainHead:
    """The newest event's position and hash (seq 0 and the genesis hash for an empty log)."""
    rows = await raw("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
    if not rows:
        return ChainHead(0, GENESIS_HASH)
    return ChainHead(int(rows[0]["seq"]), rows[0]["hash"])


def stored_event(row: Mapping[str, Any]) -> StoredEvent:
    data = EventData(**{name: row[name] for name in EventData.__dataclass_fields__})
    return StoredEvent(data=data, hash=row["hash"])


async def events_after(after: int = 0) -> AsyncIterator[list[StoredEvent]]:
    """Every event after ``seq`` ``after``, in order, a batch at a time."""
    while True:
        rows = (
            await AuditEvent.select()
            .where(AuditEvent.seq > after)
            .order_by(AuditEvent.seq)
            .limit(VERIFY_BATCH)
        )
        if not rows:
            return
        yield [stored_event(row) for row in rows]
        after = rows[-1]["seq"]
