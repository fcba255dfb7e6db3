"""A bid at the deadline's last second (server clock) is accepted; one second later it is
refused, with the moment it came shown: across both daylight-saving changes of the tender's
zone (Europe/Amsterdam)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from common.errors import DomainError
from tenders import service
from tenders.tables import Bid
from tests.tenders.conftest import DST_DEADLINES


@pytest.mark.parametrize(("deadline", "questions", "deadline_utc", "shown"), DST_DEADLINES)
async def test_the_last_second_counts_and_the_next_is_refused(
    world, deadline, questions, deadline_utc, shown
):
    tender_id = await world.tender(deadline_bids=deadline, deadline_questions=questions)
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    last_second = deadline_utc - timedelta(seconds=1)
    world.clock.set(last_second)
    accepted = await world.bid(tender_id, lot_id, 0)
    assert (await Bid.select(Bid.received_at).where(Bid.id == accepted).first())[
        "received_at"
    ] == last_second
    for late in (deadline_utc, deadline_utc + timedelta(seconds=1)):
        world.clock.set(late)
        with pytest.raises(DomainError) as refused:
            await world.bid(tender_id, lot_id, 1)
        local = late.astimezone(ZoneInfo("Europe/Amsterdam"))
        assert str(refused.value) == (
            f"Bids closed at {deadline[:10]} 03:00:00 ({shown}); "
            f"this one came at {local:%Y-%m-%d %H:%M:%S} ({shown})"
        )
    assert await Bid.count().where(Bid.tender == tender_id) == 1
