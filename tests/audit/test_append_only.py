"""PostgreSQL only (roles, grants and the trigger exist there; on SQLite the data dir's
permissions are the protection): the audit log refuses UPDATE, DELETE and TRUNCATE, and
`tenderdesk audit harden` leaves the app's role reading and appending only."""

import uuid

import asyncpg
import pytest

from audit import service
from audit.hardening import HardeningError, harden, statements
from config.database import is_sqlite, raw, transaction
from config.settings import get_settings
from tests.audit.tampering import record_events
from tests.support.cli import tenderdesk


@pytest.fixture
def postgres(db):
    if is_sqlite():
        pytest.skip("the append-only trigger and grants exist on PostgreSQL only")


async def _refused(sql: str) -> str:
    with pytest.raises(asyncpg.PostgresError) as caught:
        async with transaction():
            await raw(sql)
    return str(caught.value)


async def test_the_trigger_refuses_update_delete_and_truncate(postgres):
    await record_events(3)
    for sql in (
        "UPDATE audit_event SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM audit_event WHERE seq = 3",
        "TRUNCATE audit_event",
    ):
        assert "append-only" in await _refused(sql)
    assert (await service.verify()).checked == 3 and (await service.verify()).intact


async def test_harden_leaves_the_role_select_and_insert_only(postgres):
    role = f"tenderdesk_app_{uuid.uuid4().hex[:8]}"
    await raw(f'CREATE ROLE "{role}" LOGIN')
    try:
        await raw(f'GRANT ALL ON audit_event TO "{role}"')
        report = await harden(role)
        assert report.privileges == {
            "SELECT": True,
            "INSERT": True,
            "UPDATE": False,
            "DELETE": False,
            "TRUNCATE": False,
        }
        assert report.warnings == []
        # As that role: appending works, changing does not (denied before any trigger runs).
        async with transaction():
            await raw(f'SET LOCAL ROLE "{role}"')
            await record_events(1)
        assert "permission denied" in await _refused_as(role, "DELETE FROM audit_event")
        assert "permission denied" in await _refused_as(role, "UPDATE audit_event SET actor=''")
        hardened = await raw("SELECT after FROM audit_event WHERE action = 'audit.hardened'")
        assert role in hardened[0]["after"]
        assert (await service.verify()).intact
    finally:
        await raw(f'DROP OWNED BY "{role}"')
        await raw(f'DROP ROLE "{role}"')


async def _refused_as(role: str, sql: str) -> str:
    with pytest.raises(asyncpg.PostgresError) as caught:
        async with transaction():
            await raw(f'SET LOCAL ROLE "{role}"')
            await raw(sql)
    return str(caught.value)


async def test_harden_warns_about_an_owner_and_refuses_unknown_roles(postgres):
    owner = (await raw("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'"))[0]
    report = await harden(owner["tableowner"])
    assert any("superuser" in w or "owns" in w for w in report.warnings)
    with pytest.raises(HardeningError, match="no database role"):
        await harden("no_such_role_here")
    with pytest.raises(HardeningError, match="not a role name"):
        await harden('x"; DROP TABLE audit_event; --')


def test_the_sql_can_be_printed_for_a_dba():
    result = tenderdesk("audit", "harden", "--role", "tenderdesk_app", "--print-sql")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [f"{s};" for s in statements("tenderdesk_app")]
    assert 'GRANT SELECT, INSERT ON audit_event TO "tenderdesk_app";' in result.stdout


def test_harden_on_sqlite_says_why_not():
    if get_settings().is_postgres:
        pytest.skip("about SQLite")
    result = tenderdesk("audit", "harden", "--role", "tenderdesk_app")
    assert result.returncode == 1 and "PostgreSQL only" in result.stderr
