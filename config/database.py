"""The database engine, transactions, migrations and health.

Services open one transaction per use case with :func:`transaction`. On SQLite it is an
IMMEDIATE transaction: the write lock is taken at the start, so two requests that both read and
then write wait for each other (up to the busy timeout) instead of failing with
"database is locked" halfway. The database runs in WAL mode so that readers never wait for a
writer. On PostgreSQL a connection pool is opened and closed in the app's lifespan.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Sequence
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from config.settings import Settings

SQLITE_BUSY_TIMEOUT_SECONDS = 30


def create_engine(settings: Settings) -> Engine:
    if settings.is_postgres:
        url = re.sub(r"^postgres://", "postgresql://", settings.database_url)
        return PostgresEngine(config={"dsn": url})
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteEngine(path=str(settings.sqlite_path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)


def engine() -> Engine:
    found = engine_finder()
    if found is None:
        raise RuntimeError("No Piccolo engine configured (PICCOLO_CONF)")
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def contains(column: Any, text: str) -> Any:
    """Case-insensitive "column contains text" on both databases (SQLite's LIKE already is)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)


def transaction() -> Any:
    """One transaction for one use case. Nested calls join the outer transaction."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def in_transaction() -> bool:
    return engine().transaction_exists()


async def lock(table: type[Table], *ids: int, share: bool = False) -> None:
    """Lock rows of ``table`` by id until the use case's transaction ends: the one pattern
    for every check-then-write (see CONTRIBUTING.md, "Concurrent changes").

    Call it first thing in the transaction, before reading what the checks look at: a
    concurrent change of the same rows then waits until this transaction commits, and reads
    what it wrote (on PostgreSQL every statement of a READ COMMITTED transaction sees the
    latest commits), so its check refuses instead of both writing. PostgreSQL:
    ``SELECT ... FOR UPDATE`` (``share``: ``FOR SHARE``, for use cases that only need the
    rows to stay as they are, such as evaluators saving their own sheets while the lead may
    close the evaluation). Ids are locked in ascending order, so two use cases locking the
    same rows never deadlock. SQLite: nothing to do, :func:`transaction` already holds the
    database's write lock from its start.
    """
    if not in_transaction():
        raise RuntimeError("lock() runs inside the use case's transaction")
    if not ids or is_sqlite():
        return
    query = table.select(table.id).where(table.id.is_in(sorted(set(ids)))).order_by(table.id)
    await query.lock_rows("SHARE" if share else "UPDATE")


async def lock_name(name: str) -> None:
    """Lock a name until the use case's transaction ends, for a check that looks for a row
    not yet there (is this email address still free?): :func:`lock` needs a row to lock.
    PostgreSQL: a transaction-level advisory lock on the name's hash; SQLite: nothing to do,
    as in :func:`lock`."""
    if not in_transaction():
        raise RuntimeError("lock_name() runs inside the use case's transaction")
    if not is_sqlite():
        await raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", name)


async def raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run SQL with ``{}`` placeholders on the current engine (inside a transaction if open)."""
    from piccolo.querystring import QueryString

    return await engine().run_querystring(QueryString(sql, *args))


async def raw_rows(sql: str, *args: Any) -> Sequence[Sequence[Any]]:
    """Like :func:`raw`, but rows come as tuples (PostgreSQL: records, which index and iterate
    like tuples): for large reads into numpy or pandas.

    Building a dict per row costs more than the query itself once rows run into the hundreds
    of thousands. On SQLite, columns of a declared type still go through the driver's
    converters; select ``CAST(x AS INTEGER)`` or ``CAST(x AS REAL)`` to skip them.
    """
    from piccolo.querystring import QueryString

    db = engine()
    query, values = QueryString(sql, *args).compile_string(engine_type=db.engine_type)
    current = db.current_transaction.get()
    if isinstance(db, SQLiteEngine):
        connection = current.connection if current else await db.get_connection()
        try:
            async with connection.execute(query, values) as cursor:
                cursor.row_factory = None
                return list(await cursor.fetchall())
        finally:
            if not current:
                await connection.close()
    if current:
        return await current.connection.fetch(query, *values)
    assert isinstance(db, PostgresEngine)
    if db.pool:
        async with db.pool.acquire() as connection:
            return await connection.fetch(query, *values)
    connection = await db.get_new_connection()
    try:
        return await connection.fetch(query, *values)
    finally:
        await connection.close()


async def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``columns``) with one prepared statement run
    for every row, on the current transaction's connection: bulk appends without an ORM
    instance and SQL text per row. ``table`` and ``columns`` are names from code, never input.
    """
    if not rows:
        return
    db = engine()
    current = db.current_transaction.get()
    if current is None:
        raise RuntimeError("insert_rows runs inside a transaction")
    names = ", ".join(f'"{column}"' for column in columns)
    if isinstance(db, SQLiteEngine):
        marks = ", ".join("?" for _ in columns)
    else:
        marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    await current.connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608 - names from code


async def update_rows(
    table: str, key_column: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set ``columns`` of many rows with one prepared statement, on the current transaction's
    connection: each row holds the new values in the order of ``columns``, then the value of
    ``key_column`` that picks the row. Names come from code, never input."""
    if not rows:
        return
    db = engine()
    current = db.current_transaction.get()
    if current is None:
        raise RuntimeError("update_rows runs inside a transaction")
    sqlite = isinstance(db, SQLiteEngine)
    marks = ["?" if sqlite else f"${n}" for n in range(1, len(columns) + 2)]
    assignments = ", ".join(
        f'"{column}" = {mark}' for column, mark in zip(columns, marks, strict=False)
    )
    await current.connection.executemany(
        f'UPDATE "{table}" SET {assignments} WHERE "{key_column}" = {marks[-1]}',  # noqa: S608
        rows,
    )


async def prepare() -> None:
    """Per-database settings that persist in the database file (SQLite: WAL journal)."""
    if is_sqlite():
        await raw("PRAGMA journal_mode=WAL")


async def open_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


async def migrate() -> None:
    """Apply every migration that has not run yet, app by app in dependency order.

    Piccolo's progress output is kept back and shown only when a migration fails.
    """
    from piccolo.apps.migrations.commands.forwards import run_forwards

    await prepare()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"Migrations failed: {result.message}\n{output.getvalue()}")


async def status() -> dict[str, Any]:
    """Whether the database answers, for the health endpoint."""
    db = engine()
    kind = "postgresql" if isinstance(db, PostgresEngine) else "sqlite"
    try:
        await raw("SELECT 1")
    except Exception as exc:  # any driver error means the database is not usable
        return {"engine": kind, "ok": False, "error": type(exc).__name__}
    return {"engine": kind, "ok": True}


_KNOWN_MIGRATIONS: set[tuple[str, str]] | None = None


def known_migrations() -> set[tuple[str, str]]:
    """(app, migration id) of every migration this code has (read once per process)."""
    global _KNOWN_MIGRATIONS
    if _KNOWN_MIGRATIONS is None:
        from piccolo.apps.migrations.commands.base import BaseMigrationManager

        manager = BaseMigrationManager()
        found = set()
        for module in manager.get_app_modules():
            app_config = module.APP_CONFIG
            modules = manager.get_migration_modules(app_config.resolved_migrations_folder_path)
            found.update((app_config.app_name, id_) for id_ in manager.get_migration_ids(modules))
        _KNOWN_MIGRATIONS = found
    return _KNOWN_MIGRATIONS


async def pending_migrations() -> list[tuple[str, str]]:
    """Migrations of this code that the database has not run (none: the schema is current)."""
    try:
        rows = await raw('SELECT app_name, name FROM "migration"')
    except Exception:  # no migration table yet: nothing has run
        rows = []
    done = {(row["app_name"], row["name"]) for row in rows}
    return sorted(known_migrations() - done)
