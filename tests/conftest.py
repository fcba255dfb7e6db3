"""Test setup shared by every test.

- A fresh database per test run: an SQLite file in a temporary data dir, or, when DATABASE_URL
  points at a PostgreSQL server, a new database created on that server (and dropped afterwards).
  An unreachable PostgreSQL fails the run; it is never skipped.
- Migrations run once per run; the ``db`` fixture empties every table before a test.
- ``client`` is an in-process client of the app; ``live_server`` and ``browser`` serve the app
  in a subprocess and drive headless Chromium for page tests.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from urllib.parse import urlsplit, urlunsplit

_DATA_DIR = tempfile.mkdtemp(prefix="tenderdesk-test-")
os.environ["TENDERDESK_DATA_DIR"] = _DATA_DIR
os.environ["PICCOLO_CONF"] = "config.piccolo_conf"
os.environ.pop("TENDERDESK_SECRET_KEY", None)
os.environ.pop("TENDERDESK_AUDIT_KEY", None)
os.environ.pop("TENDERDESK_SEALING_KEY", None)
os.environ.pop("TENDERDESK_STORAGE", None)
os.environ.pop("TENDERDESK_SMTP_HOST", None)
# The in-process test client runs the app in its own event loop; a pool opened there could not
# serve the test's own queries. The live server for browser tests turns the pool back on.
os.environ["TENDERDESK_DB_POOL"] = "0"
# The scheduler runs only where a test turns it on.
os.environ["TENDERDESK_SCHEDULER"] = "0"
# Queued jobs are run by the test itself (tests.support.jobs.run_jobs) or by a live server.
os.environ["TENDERDESK_JOBS"] = "0"

_SERVER_URL = os.environ.get("DATABASE_URL", "")
_TEST_DATABASE: str | None = None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def _admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_SERVER_URL, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


if _SERVER_URL.startswith(("postgres://", "postgresql://")):
    _TEST_DATABASE = f"tenderdesk_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{_TEST_DATABASE}"'))
    os.environ["DATABASE_URL"] = _with_database(_SERVER_URL, _TEST_DATABASE)
    # With PostgreSQL every instance takes its keys from the environment (several instances
    # share the database); a run has its own.
    os.environ["TENDERDESK_SECRET_KEY"] = f"test-secret-{uuid.uuid4().hex}"
    os.environ["TENDERDESK_AUDIT_KEY"] = f"test-audit-{uuid.uuid4().hex}"
    os.environ["TENDERDESK_SEALING_KEY"] = f"test-sealing-{uuid.uuid4().hex}"
else:
    os.environ.pop("DATABASE_URL", None)

import pytest  # noqa: E402

from config.database import migrate  # noqa: E402
from tests.support.database import reset_database  # noqa: E402

pytest_plugins = ["tests.support.fixtures", "tests.support.browser", "tests.support.smtp"]


def pytest_sessionstart(session: pytest.Session) -> None:
    asyncio.run(migrate())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _TEST_DATABASE:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{_TEST_DATABASE}" WITH (FORCE)'))
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


@pytest.fixture
async def db() -> None:
    """Every table empty at the start of the test."""
    await reset_database()
