"""What an attacker with write access to the database (but not the audit key) does."""

from __future__ import annotations

from dataclasses import replace

from audit import chain, service
from audit.domain import GENESIS_HASH
from common.identity import Actor
from config.database import engine, is_sqlite, raw, transaction

ACTOR = Actor(1, "olga@utrecht.nl")


async def record_events(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        async with transaction():
            await service.record(
                ACTOR,
                "thing.changed",
                "thing",
                number,
                before={"n": number},
                after={"n": number + 1},
            )


async def tamper(sql: str, *args) -> None:
    """Run ``sql`` against the audit log past its append-only trigger (PostgreSQL), as its
    owner or a superuser could: the chain and its checkpoints must show it all the same."""
    async with engine().transaction():
        if not is_sqlite():
            await raw("SET LOCAL session_replication_role = replica")
        await raw(sql, *args)


async def rewrite_chain(hasher, edit=lambda data: data) -> None:
    """Edit events (``edit`` on each) and recompute every link with ``hasher``."""
    rows = await raw("SELECT * FROM audit_event ORDER BY seq")
    previous = GENESIS_HASH
    for row in rows:
        stored = chain.stored_event(row)
        data = replace(edit(stored.data), prev_hash=previous)
        previous = hasher(data)
        await tamper(
            "UPDATE audit_event SET actor = {}, after = {}, prev_hash = {}, hash = {} "
            "WHERE seq = {}",
            data.actor,
            data.after,
            data.prev_hash,
            previous,
            data.seq,
        )
