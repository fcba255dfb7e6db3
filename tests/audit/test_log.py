"""Appending to the log in the change's transaction, and `tenderdesk audit verify`."""

import pytest

from audit import chain, service
from audit.tables import AuditEvent
from common.identity import Actor
from config.database import transaction
from tests.audit.tampering import record_events, tamper
from tests.support.cli import tenderdesk

ACTOR = Actor(1, "olga@utrecht.nl")


async def test_events_must_be_written_inside_a_transaction(db):
    with pytest.raises(RuntimeError, match="transaction"):
        await service.record(ACTOR, "thing.changed", "thing", 1)


async def test_a_rolled_back_change_leaves_no_event(db):
    with pytest.raises(ZeroDivisionError):
        async with transaction():
            await service.record(ACTOR, "thing.changed", "thing", 1)
            1 / 0  # noqa: B018
    assert await AuditEvent.count() == 0
    assert (await service.verify()).intact


async def test_the_chain_of_many_batches_verifies(db, monkeypatch):
    monkeypatch.setattr(chain, "VERIFY_BATCH", 3)
    await record_events(10)
    result = await service.verify()
    assert result.intact and result.checked == 10
    assert (await service.last_event()).seq == 10


async def test_one_change_appends_several_events_in_order(db):
    async with transaction():
        await service.record_many(
            ACTOR, [service.NewEvent("a.done", "thing", 1), service.NewEvent("b.done", "thing", 2)]
        )
    await record_events(1)
    rows = await AuditEvent.select(AuditEvent.seq, AuditEvent.action).order_by(AuditEvent.seq)
    assert [(r["seq"], r["action"]) for r in rows] == [
        (1, "a.done"),
        (2, "b.done"),
        (3, "thing.changed"),
    ]
    assert (await service.verify()).intact


async def test_cli_verify_passes_then_names_an_edited_event(db):
    await record_events(5)
    intact = tenderdesk("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "intact: 5 events" in intact.stdout
    assert "No checkpoint yet" in intact.stdout

    await tamper("UPDATE audit_event SET after = {} WHERE seq = 3", '{"n":1000}')
    broken = tenderdesk("audit", "verify")
    assert broken.returncode == 1
    assert "event #3" in broken.stderr and "altered" in broken.stderr


async def test_cli_verify_names_a_deleted_event(db):
    await record_events(5)
    await tamper("DELETE FROM audit_event WHERE seq = 2")
    broken = tenderdesk("audit", "verify")
    assert broken.returncode == 1
    assert "event #2" in broken.stderr and "missing" in broken.stderr


async def test_admin_page_filters_and_checks_the_chain(client, make_user):
    from tests.support.http import post_form, sign_in, text_of

    admin = await make_user("admin")
    await record_events(3)
    await sign_in(client, admin.email)
    page = await client.get("/admin/audit", params={"action": "thing", "object_id": "1"})
    text = text_of(page.text)
    assert "thing.changed" in text and "login.succeeded" not in text
    checked = await post_form(client, "/admin/audit/verify")
    assert "The chain is intact" in text_of(checked.text)
    assert "No checkpoint has been written yet" in text_of(checked.text)
    api = await client.get("/api/v1/audit/events", params={"limit": 2})
    assert api.status_code == 200 and len(api.json()["events"]) == 2
    assert api.json()["next_before"] is not None
