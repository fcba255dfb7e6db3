"""The keyed hash chain of audit events and its signed checkpoints, as pure functions.

Each event's hash is an HMAC-SHA256, under the audit key, of its position (``seq``), its content
and the previous event's hash. The key is not in the database, so whoever can write the
database still cannot make an edited event, or a whole recomputed chain, verify:

- changing an event breaks its own hash; removing one breaks the link of the next;
- recomputing every hash after an edit needs the key (plain SHA-256, or HMAC under another key,
  breaks at the first event);
- removing the newest events, or putting back an older copy of the database, leaves a chain that
  is internally sound but shorter than a **checkpoint**: the sequence number and hash of the
  newest event at some moment, signed with the same key (under its own label) and kept outside
  the database (a file in the data dir, and copies exported wherever the operator wants).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

GENESIS_HASH = "0" * 64


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
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), default=_default, ensure_ascii=False
    )


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


def _event_message(event: EventData) -> bytes:
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
    return "\x1f".join(fields).encode("utf-8")


def key_bytes(key: str | bytes) -> bytes:
    if not key:
        raise ValueError("the audit chain needs a key")
    return key.encode("utf-8") if isinstance(key, str) else key


def event_hash(event: EventData, key: str | bytes) -> str:
    """The event's link in the chain: HMAC-SHA256 under the audit key."""
    return hmac.new(key_bytes(key), _event_message(event), hashlib.sha256).hexdigest()


def legacy_event_hash(event: EventData) -> str:
    """The unkeyed SHA-256 the chain used before it was keyed; only to check an old chain once
    before it is re-keyed (see :mod:`audit.rekey`)."""
    return hashlib.sha256(_event_message(event)).hexdigest()


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


CHECKPOINT_LABEL = "tenderdesk audit checkpoint v1"


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at a moment, signed with the audit key: kept outside the database, it
    shows when the newest events were removed or an older copy of the database was put back."""

    seq: int
    hash: str
    made_at: datetime
    mac: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "hash": self.hash,
                "time": timestamp_text(self.made_at),
                "mac": self.mac,
            },
            separators=(",", ":"),
        )

    def is_authentic(self, key: str | bytes) -> bool:
        return hmac.compare_digest(self.mac, checkpoint_mac(self.seq, self.hash, self.made_at, key))


def checkpoint_mac(seq: int, chain_hash: str, made_at: datetime, key: str | bytes) -> str:
    message = "\x1f".join([CHECKPOINT_LABEL, str(seq), chain_hash, timestamp_text(made_at)])
    return hmac.new(key_bytes(key), message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_checkpoint(head: ChainHead, made_at: datetime, key: str | bytes) -> Checkpoint:
    return Checkpoint(
        head.seq, head.hash, made_at, checkpoint_mac(head.seq, head.hash, made_at, key)
    )


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint from its JSON line; ValueError when it is not one."""
    try:
        value = json.loads(text)
        seq, chain_hash, time, mac = value["seq"], value["hash"], value["time"], value["mac"]
        made_at = datetime.strptime(time, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("not a checkpoint") from exc
    if not (
        isinstance(seq, int) and seq >= 0 and isinstance(chain_hash, str) and isinstance(mac, str)
    ):
        raise ValueError("not a checkpoint")
    return Checkpoint(seq, chain_hash, made_at, mac)


class ChainVerifier:
    """Checks events in ``seq`` order one batch at a time, so any size fits in memory.

    ``hasher`` computes an event's hash (by default HMAC under ``key``); every checkpoint given
    must match the event at its position, and none may lie beyond the end of the chain.
    """

    def __init__(
        self,
        key: str | bytes | None = None,
        checkpoints: Iterable[Checkpoint] = (),
        hasher: Callable[[EventData], str] | None = None,
    ) -> None:
        if hasher is None:
            if key is None:
                raise ValueError("give the audit key or a hasher")
            keyed = key_bytes(key)
            hasher = lambda event: event_hash(event, keyed)  # noqa: E731
        self.hasher = hasher
        self.expected_seq = 1
        self.previous_hash = GENESIS_HASH
        self.checked = 0
        self.checkpoints: dict[int, list[Checkpoint]] = {}
        for checkpoint in checkpoints:
            self.checkpoints.setdefault(checkpoint.seq, []).append(checkpoint)

    def start_after(self, head: ChainHead) -> None:
        """Check only the events after ``head`` (trusted, e.g. a verified checkpoint)."""
        self.expected_seq = head.seq + 1
        self.previous_hash = head.hash

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
            if self.hasher(event) != stored.hash:
                return ChainBreak(
                    event.seq,
                    "was altered (its content no longer matches its hash under the audit key)",
                )
            for checkpoint in self.checkpoints.get(event.seq, ()):
                if checkpoint.hash != stored.hash:
                    return ChainBreak(
                        event.seq,
                        f"differs from the checkpoint of {timestamp_text(checkpoint.made_at)}",
                    )
            self.previous_hash = stored.hash
            self.expected_seq += 1
            self.checked += 1
        return None

    def finish(self, head: ChainHead | None = None) -> ChainBreak | None:
        """After the last event: the chain must reach every checkpoint (and ``head``, if any)."""
        last_seq = self.expected_seq - 1
        beyond = [seq for seq in self.checkpoints if seq > last_seq]
        if beyond:
            newest = max(self.checkpoints[max(beyond)], key=lambda c: c.made_at)
            return ChainBreak(
                last_seq + 1,
                f"missing (the log ends at #{last_seq}, the "
                f"checkpoint of {timestamp_text(newest.made_at)} "
                f"says #{newest.seq})",
            )
        if head is None:
            return None
        if head.seq > last_seq:
            return ChainBreak(
                last_seq + 1, f"missing (the log ends at #{last_seq}, its head says #{head.seq})"
            )
        if head.seq < last_seq or head.hash != self.previous_hash:
            return ChainBreak(last_seq, "does not match the chain head")
        return None
