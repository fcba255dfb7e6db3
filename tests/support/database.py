"""Migrating and emptying the test database."""

from __future__ import annotations

from piccolo.conf.apps import Finder
from piccolo.table import sort_table_classes

from audit.checkpoints import forget_checkpoints
from config.database import engine, is_sqlite, raw, transaction


async def reset_database() -> None:
    """Every table empty, and the audit checkpoints of the emptied log forgotten.

    PostgreSQL: audit_event refuses TRUNCATE (a trigger); the test database's superuser empties
    it anyway with triggers off for this one transaction (session_replication_role).
    """
    forget_checkpoints()
    tables = sort_table_classes(Finder().get_table_classes())
    names = [table._meta.tablename for table in tables]
    if is_sqlite():
        async with transaction():
            for name in reversed(names):
                await raw(f'DELETE FROM "{name}"')
    else:
        quoted = ", ".join(f'"{name}"' for name in names)
        async with engine().transaction():
            await raw("SET LOCAL session_replication_role = replica")
            await raw(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
