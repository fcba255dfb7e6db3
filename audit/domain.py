"""The hash chain of audit events, as pure functions.

Each event's hash covers its position (``seq``), its content and the previous event's hash, so
changing an event breaks its own hash, removing one breaks the link of the next, and removing the
newest ones leaves the head (last ``seq`` and hash, kept in its own row) pointing past the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who caused an event: a user, or the system itself (scheduler, CLI)."""

    id: int | None
    label: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(None, label)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    raise TypeError(f"cannot put {type(value).__name__} into an audit event")


def canonical_json(value: Mapping[str, Any] | None) -> str | None:
    """Deterministic JSON (sorted keys, no spaces) so the same data always hashes the same."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=_default,
                      ensure_ascii=False)


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after) pairs for an update event."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def timestamp_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class EventData:
    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: str
    before: str | None
    after: str | None
    prev_hash: str


def event_hash(event: EventData) -> str:
    fields = [
        str(event.seq),
        timestamp_text(event.occurred_at),
        "" if event.actor_id is None else str(event.actor_id),
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.before if event.before is not None else "\x00",
        event.after if event.after is not None else "\x00",
        event.prev_hash,
    ]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    data: EventData
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event #{self.seq}: {self.reason}"


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


class ChainVerifier:
    """Checks events in ``seq`` order one batch at a time, so any size fits in memory."""

    def __init__(self) -> None:
        self.expected_seq = 1
        self.previous_hash = GENESIS_HASH
        self.checked = 0

    def feed(self, events: Iterable[StoredEvent]) -> ChainBreak | None:
        for stored in events:
            event = stored.data
            if event.seq != self.expected_seq:
                return ChainBreak(
                    self.expected_seq,
                    f"missing (the chain jumps from #{self.expected_seq - 1} to #{event.seq})",
                )
            if event.prev_hash != self.previous_hash:
                return ChainBreak(event.seq, "does not link to the event before it")
            if event_hash(event) != stored.hash:
                return ChainBreak(event.seq, "was altered (its content no longer matches its hash)")
            self.previous_hash = stored.hash
            self.expected_seq += 1
            self.checked += 1
        return None

    def finish(self, head: ChainHead | None) -> ChainBreak | None:
        last_seq = self.expected_seq - 1
        if head is None:
            if last_seq == 0:
                return None
            return ChainBreak(last_seq, "the chain head is missing")
        if head.seq > last_seq:
            return ChainBreak(last_seq + 1, f"missing (the log ends at #{last_seq}, "
                                            f"its head says #{head.seq})")
        if head.seq < last_seq or head.hash != self.previous_hash:
            return ChainBreak(last_seq, "does not match the chain head")
        return None
