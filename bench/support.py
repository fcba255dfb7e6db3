"""What every benchmark needs: a fresh database per engine, in its own process, and fast inserts.

A benchmark script calls :func:`main_per_database` with a coroutine that fills the database and
returns its figures as a dict; each engine runs in a subprocess (the app chooses its engine once
per process), on SQLite in a temporary data dir and on PostgreSQL in a database created for the
run and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def admin(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def bulk_insert(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Rows straight through the driver (fast), on the app's own database."""
    from piccolo.engine.sqlite import ADAPTERS

    from config.database import engine, is_sqlite

    if not rows:
        return
    if is_sqlite():
        import sqlite3

        adapt = [ADAPTERS.get(type(v), lambda x: x) for v in rows[0]]
        connection = sqlite3.connect(engine().path, timeout=60)
        with connection:
            placeholders = ", ".join("?" for _ in columns)
            connection.executemany(
                f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})',
                ([a(v) for a, v in zip(adapt, row, strict=True)] for row in rows),
            )
        connection.close()
    else:
        import asyncpg

        connection = await asyncpg.connect(engine().config["dsn"])
        try:
            await connection.copy_records_to_table(table, records=list(rows), columns=list(columns))
        finally:
            await connection.close()


async def bench_officer(authority_id: int, email: str, language: str, password_hash: str) -> Any:
    """An officer of the authority, as a signed-in ``Principal``."""
    from accounts.tables import Membership, User
    from common import clock
    from common.identity import Principal, Role

    user = User(
        email=email,
        name="Bench",
        role="officer",
        language=language,
        password_hash=password_hash,
        active=True,
        created_at=clock.now(),
    )
    await user.save()
    await Membership(user=user.id, authority=authority_id).save()
    return Principal(
        user.id, user.email, "Bench", Role.OFFICER, language, frozenset({authority_id})
    )


async def bench_people(authority_id: int, roles: list[Any]) -> list[Any]:
    """A user of each role (``role0@bench.example``, ...), in English, as ``Principal``s of the
    authority (no membership row: the principal names the authority)."""
    from accounts.tables import User
    from common import clock
    from common.identity import Principal

    now = clock.now()
    people = []
    for n, role in enumerate(roles):
        user = User(
            email=f"{role.value}{n}@bench.example",
            name=f"{role.value} {n}",
            role=role.value,
            password_hash="-",
            created_at=now,
        )
        await user.save()
        people.append(
            Principal(user.id, user.email, user.name, role, "en", frozenset({authority_id}))
        )
    return people


async def insert_organisations(count: int, name: str, address: str = "") -> list[dict[str, Any]]:
    """``count`` organisations (``name`` and ``address`` formatted with ``n``), 500 an insert;
    their ids in order."""
    from common import clock
    from organisations.tables import Organisation

    now = clock.now()
    found: list[dict[str, Any]] = []
    for first in range(0, count, 500):
        found += await Organisation.insert(
            *[
                Organisation(
                    name=name.format(n=n),
                    country="NL",
                    registration_number=f"{n:08d}",
                    created_at=now,
                    updated_at=now,
                    **({"address": address.format(n=n)} if address else {}),
                )
                for n in range(first, min(count, first + 500))
            ]
        ).returning(Organisation.id)
    return found


def run_here(target: str, work: Callable[[], Awaitable[dict[str, Any]]]) -> None:
    os.environ["TENDERDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="tenderdesk-bench-")
    os.environ["PICCOLO_CONF"] = "config.piccolo_conf"
    os.environ["TENDERDESK_DB_POOL"] = "0"
    os.environ["TENDERDESK_SCHEDULER"] = "0"
    os.environ["TENDERDESK_JOBS"] = "0"
    database = None
    if target == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    else:
        database = f"tenderdesk_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(admin(target, f'CREATE DATABASE "{database}"'))
        os.environ["DATABASE_URL"] = with_database(target, database)
        # Instances on PostgreSQL take their keys from the environment.
        os.environ.setdefault("TENDERDESK_SECRET_KEY", f"bench-{uuid.uuid4().hex}")
        os.environ.setdefault("TENDERDESK_AUDIT_KEY", f"bench-{uuid.uuid4().hex}")
        os.environ.setdefault("TENDERDESK_SEALING_KEY", f"bench-{uuid.uuid4().hex}")
    try:

        async def migrated() -> dict[str, Any]:
            from config.database import migrate

            await migrate()
            return await work()

        print(json.dumps(asyncio.run(migrated()), default=str))
    finally:
        if database:
            asyncio.run(admin(target, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def per_database(
    script: str,
    argv: Sequence[str],
    postgres: str | None,
    work: Callable[[], Awaitable[dict[str, Any]]],
) -> list[tuple[str, dict[str, Any] | None]]:
    """Run ``work`` on SQLite and (when given) PostgreSQL, each in a fresh subprocess.

    Inside the subprocess (``--run-database TARGET`` in ``argv``) it runs ``work`` and prints
    the figures; in the parent it returns each engine's figures (None when it failed, after
    printing the error).
    """
    if "--run-database" in argv:
        run_here(argv[argv.index("--run-database") + 1], work)
        sys.exit(0)
    results: list[tuple[str, dict[str, Any] | None]] = []
    for target in ["sqlite"] + ([postgres] if postgres else []):
        done = subprocess.run(
            [sys.executable, script, *argv, "--run-database", target],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        name = "SQLite" if target == "sqlite" else "PostgreSQL"
        if done.returncode != 0:
            print(f"  {name}: failed\n{done.stderr[-3000:]}")
            results.append((name, None))
            continue
        results.append((name, json.loads(done.stdout.strip().splitlines()[-1])))
    return results
