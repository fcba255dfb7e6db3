"""The kept releases are brought up to date after each event: a tender's event rebuilds only
that tender's releases, an organisation's (shared by many tenders) or a replaced audit chain
rebuilds them all; either way the pages equal a rebuild from scratch."""

from __future__ import annotations

from datetime import timedelta

import pytest

from opendata.ocds import service
from organisations import service as organisations
from tenders import service as tenders
from tenders.tables import Bid
from tests.tenders.conftest import local


@pytest.fixture
def asked(monkeypatch) -> list:
    """The tender ids each load of histories asked for (None: all of them)."""
    found: list = []
    original = service.histories

    async def recording(tender_ids=None):
        found.append(None if tender_ids is None else sorted(tender_ids))
        return await original(tender_ids)

    monkeypatch.setattr(service, "histories", recording)
    return found


async def test_only_the_tender_with_an_event_is_rebuilt(world, asked):
    first = await world.tender()
    second = await world.tender(reference="UTR-HH-2023", title="Hulp 2023")
    for tender_id in (first, second):
        await tenders.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(second)
    await world.bid(second, lot_id, 0)
    service._kept.clear()
    await service.kept()
    assert asked == [None]

    world.travel(timedelta(days=1))
    later = local(world.clock.now() + timedelta(days=60))
    await tenders.set_deadlines(world.officer, first, {"deadline_bids": later})
    before = len(asked)
    kept = await service.kept()
    assert asked[before:] == [[first]]
    assert len(kept.releases) == 3  # two publications and the amendment
    assert kept.releases == [text for _, text in service.serialised(await _all())]

    await tenders.withhold_from_open_data(world.officer, first, "Safety of clients")
    before = len(asked)
    kept = await service.kept()
    assert asked[before:] == [[first]]
    assert kept.releases == [text for _, text in service.serialised(await _all())]
    assert len(kept.releases) == 1

    bidder = await Bid.select(Bid.organisation).where(Bid.lot == lot_id).first()
    await organisations.set_natural_person(world.officer.as_actor(), bidder["organisation"], True)
    before = len(asked)
    await service.kept()
    assert asked[before:] == [None]  # an organisation's event: all of them


async def _all():
    return await service.histories()
