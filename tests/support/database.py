"""Migrating and emptying the test database."""

from __future__ import annotations

from piccolo.conf.apps import Finder
from piccolo.table import sort_table_classes

from config.database import engine, is_sqlite, raw, transaction


async def reset_database() -> None:
    tables = sort_table_classes(Finder().get_table_classes())
    names = [table._meta.tablename for table in tables]
    if is_sqlite():
        async with transaction():
            for name in reversed(names):
                await raw(f'DELETE FROM "{name}"')
    else:
        quoted = ", ".join(f'"{name}"' for name in names)
        await engine().run_ddl(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
