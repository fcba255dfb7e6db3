"""A phase change caught up after downtime keeps the moment it was due beside the moment it
was applied, and the tender's pages show both; a change someone makes has no due moment."""

from datetime import timedelta

from tenders import service
from tenders.deadlines import DEADLINES
from tenders.tables import Tender
from tests.support.http import sign_in, text_of
from web.formatting import moment


async def test_a_phase_change_caught_up_after_downtime_shows_when_it_was_due(world, client_factory):
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [upcoming] = await DEADLINES.upcoming(world.clock.now())
    world.travel(timedelta(days=40, hours=2))  # the service was down across the deadline
    await DEADLINES.tick(world.clock.now())

    row = (
        await Tender.select(Tender.phase, Tender.phase_changed_at, Tender.phase_due_at)
        .where(Tender.id == tender_id)
        .first()
    )
    assert row["phase"] == "opening"
    assert row["phase_changed_at"] == world.clock.now(), "when it was applied"
    assert row["phase_due_at"] == upcoming.due_at, "when it was due"

    async with client_factory() as client:
        await sign_in(client, world.officer.email)
        text = text_of((await client.get(f"/tenders/{tender_id}")).text)
        due = moment(upcoming.due_at, upcoming.zone, "en")
        applied = moment(world.clock.now(), upcoming.zone, "en")
        out = (await client.get(f"/api/v1/tenders/{tender_id}")).json()
    assert f"since {due} (applied {applied}, after the service was down)" in text
    assert out["phase_due_at"].startswith(upcoming.due_at.isoformat()[:19])
    assert out["phase_changed_at"].startswith(world.clock.now().isoformat()[:19])


async def test_a_change_on_time_or_by_hand_shows_one_moment(world, client_factory):
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [upcoming] = await DEADLINES.upcoming(world.clock.now())
    world.travel(upcoming.due_at - world.clock.now())
    await DEADLINES.tick(world.clock.now())
    row = await Tender.select(Tender.phase_due_at).where(Tender.id == tender_id).first()
    assert row["phase_due_at"] == upcoming.due_at
    async with client_factory() as client:
        await sign_in(client, world.officer.email)
        text = text_of((await client.get(f"/tenders/{tender_id}")).text)
    assert f"since {moment(upcoming.due_at, upcoming.zone, 'en')}" in text
    assert "after the service was down" not in text

    draft = await world.tender()
    await service.publish(world.officer, draft)
    row = await Tender.select(Tender.phase_due_at).where(Tender.id == draft).first()
    assert row["phase_due_at"] is None, "published by hand: nothing was due"
