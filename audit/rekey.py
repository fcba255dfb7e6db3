"""Re-keying a chain written before the audit key existed (plain SHA-256), once, on record.

The migration that keys the chain calls :func:`rekey_legacy_chain` inside its transaction: it
first checks the old chain as it was (plain SHA-256 and its head row), then recomputes every
event's link with the audit key, and appends an ``audit.rekeyed`` event that says how many
events were re-keyed and what the check of the old chain found. A break in the old chain is
not hidden by the re-keying: it is written into the keyed chain itself, and a missing event
stays missing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from audit.chain import audit_key, events_after
from audit.domain import GENESIS_HASH, ChainHead, ChainVerifier, event_hash, legacy_event_hash
from audit.service import record
from common.identity import Actor
from config.database import in_transaction, is_sqlite, raw, update_rows


async def _legacy_head() -> ChainHead | None:
    """The old head row, while its table is still there (the migration drops it after)."""
    exists = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'"
        if is_sqlite()
        else "SELECT to_regclass('audit_head') AS name"
    )
    found = await raw(exists)
    if not found or found[0]["name"] is None:
        return None
    rows = await raw("SELECT seq, hash FROM audit_head ORDER BY id LIMIT 1")
    return ChainHead(int(rows[0]["seq"]), rows[0]["hash"]) if rows else None


async def check_legacy_chain(head: ChainHead | None) -> tuple[int, str]:
    """(events, what the check of the unkeyed chain found) — "intact" or the first break."""
    verifier = ChainVerifier(hasher=legacy_event_hash)
    async for batch in events_after(0):
        problem = verifier.feed(batch)
        if problem:
            return verifier.checked, f"broken at {problem}"
    problem = verifier.finish(head)
    return verifier.checked, f"broken at {problem}" if problem else "intact"


async def rekey_legacy_chain(actor: Actor | None = None) -> dict[str, Any] | None:
    """Re-key every event with the audit key; None when the log is empty (nothing to do)."""
    if not in_transaction():
        raise RuntimeError("re-keying runs in one transaction")
    count = int((await raw("SELECT COUNT(*) AS n FROM audit_event"))[0]["n"])
    if count == 0:
        return None
    head = await _legacy_head()
    checked, legacy = await check_legacy_chain(head)
    key = audit_key()
    previous = GENESIS_HASH
    rekeyed = 0
    async for batch in events_after(0):
        updates = []
        for stored in batch:
            data = replace(stored.data, prev_hash=previous)
            previous = event_hash(data, key)
            updates.append((data.prev_hash, previous, data.seq))
        await update_rows("audit_event", "seq", ("prev_hash", "hash"), updates)
        rekeyed += len(updates)
    summary = {
        "events": rekeyed,
        "legacy_chain": legacy,
        "legacy_checked": checked,
        "legacy_head": {"seq": head.seq, "hash": head.hash} if head else None,
        "scheme": "HMAC-SHA256 with the audit key",
    }
    await record(
        actor or Actor.system("migration"), "audit.rekeyed", "audit", "chain", after=summary
    )
    return summary
