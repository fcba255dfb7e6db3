"""Appending to the log in the change's transaction, and `tenderdesk audit verify`."""

import pytest

from audit import service
from audit.domain import Actor
from audit.tables import AuditEvent, AuditHead
from config.database import raw, transaction
from tests.support.cli import tenderdesk

ACTOR = Actor(1, "olga@utrecht.nl")


async def record_events(count: int) -> None:
    for number in range(count):
        async with transaction():
            await service.record(ACTOR, "thing.changed", "thing", number,
                                 before={"n": number}, after={"n": number + 1})


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
    monkeypatch.setattr(service, "VERIFY_BATCH", 3)
    await record_events(10)
    result = await service.verify()
    assert result.intact and result.checked == 10
    assert (await AuditHead.select(AuditHead.seq).first())["seq"] == 10


async def test_cli_verify_passes_then_names_an_edited_event(db):
    await record_events(5)
    intact = tenderdesk("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "intact: 5 events" in intact.stdout

    await raw("UPDATE audit_event SET after = {} WHERE seq = 3", '{"n":1000}')
    broken = tenderdesk("audit", "verify")
    assert broken.returncode == 1
    assert "event #3" in broken.stderr and "altered" in broken.stderr


async def test_cli_verify_names_a_deleted_event(db):
    await record_events(5)
    await raw("DELETE FROM audit_event WHERE seq = 2")
    broken = tenderdesk("audit", "verify")
    assert broken.returncode == 1
    assert "event #2" in broken.stderr and "missing" in broken.stderr


async def test_cli_verify_notices_the_newest_event_deleted(db):
    await record_events(4)
    await raw("DELETE FROM audit_event WHERE seq = 4")
    broken = tenderdesk("audit", "verify")
    assert broken.returncode == 1 and "event #4" in broken.stderr


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
    api = await client.get("/api/v1/audit/events", params={"limit": 2})
    assert api.status_code == 200 and len(api.json()["events"]) == 2
    assert api.json()["next_before"] is not None
