"""A bid at the deadline's last second (server clock) is accepted; one second later it is
refused, with the moment it came shown: across both daylight-saving changes of the tender's
zone (Europe/Amsterdam)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from common.errors import DomainError
from tenders import service
from tenders.tables import Bid


@pytest.mark.parametrize(
    ("deadline", "questions", "deadline_utc", "shown"),
    [
        # Spring forward: 02:00 CET becomes 03:00 CEST; the last second is 01:59:59 CET.
        ("2026-03-29T03:00", "2026-03-20T12:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "CEST"),
        # Fall back: 03:00 CEST becomes 02:00 CET; the last second is the second 02:59:59.
        ("2026-10-25T03:00", "2026-10-01T12:00", datetime(2026, 10, 25, 2, 0, tzinfo=UTC), "CET"),
    ],
)
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
