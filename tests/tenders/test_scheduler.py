"""Time travel through the scheduler itself (config.scheduler.Scheduler with every source, as
the app runs it): bidding closes exactly once, and the end of the standstill period is what
makes the definitive award possible."""

from datetime import timedelta

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError
from config.app import DEADLINE_SOURCES
from config.scheduler import Scheduler
from config.settings import load_settings
from notifications.tables import OutboxMessage
from tenders import bids, letters, service
from tenders.tables import Tender
from tests.tenders.conftest import ADVANTAGES


async def phase(tender_id: int) -> str:
    return (await Tender.select(Tender.phase).where(Tender.id == tender_id).first())["phase"]


async def closings(tender_id: int) -> int:
    return await AuditEvent.count().where(
        (AuditEvent.action == "tender.close_bids") & (AuditEvent.object_id == str(tender_id))
    )


async def test_the_bid_deadline_closes_bidding_exactly_once(world):
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    scheduler = Scheduler(load_settings(), DEADLINE_SOURCES)
    deadline = (await Tender.select(Tender.deadline_bids).where(Tender.id == tender_id).first())[
        "deadline_bids"
    ]

    world.clock.set(deadline - timedelta(seconds=1))
    assert (await scheduler.sweep()).applied == []
    assert await phase(tender_id) == "tendering"
    world.clock.set(deadline)
    [applied] = (await scheduler.sweep()).applied
    assert applied.key == f"tender:{tender_id}" and applied.late_by_seconds == 0
    for _ in range(3):
        world.travel(timedelta(minutes=1))
        assert (await scheduler.sweep()).applied == []
    assert await phase(tender_id) == "opening" and await closings(tender_id) == 1


async def test_the_end_of_the_standstill_enables_the_definitive_award(world):
    tender_id = await world.tender()
    ids = await world.to_evaluation(tender_id)
    lot_id = await world.score_and_confirm(tender_id, {ids[0]: "9", ids[1]: "5", ids[2]: "8"})
    await bids.choose_award(world.officer, tender_id, lot_id, [ids[2]], advantages=ADVANTAGES)
    ends = (await letters.send_award_decisions(world.officer, tender_id)).standstill_ends_at
    scheduler = Scheduler(load_settings(), DEADLINE_SOURCES)

    world.clock.set(ends - timedelta(seconds=1))
    await scheduler.sweep()
    with pytest.raises(DomainError, match="standstill"):
        await service.award(world.officer, tender_id)
    world.clock.set(ends)
    await scheduler.sweep()
    await scheduler.sweep()
    [told] = await OutboxMessage.select().where(OutboxMessage.subject.like("Standstill%"))
    assert told["recipient"] == world.officer.email, "the lead officer is told, once"
    await service.award(world.officer, tender_id)
    assert await phase(tender_id) == "awarded"
