"""A refusal because someone else changed the tender first names them, and when.

Sequential on every database: the second request comes after the first (the races themselves
are in ``test_races.py``, on PostgreSQL). The moment is the authority's wall-clock time
(Amsterdam: START is 10:00 there), written in the reader's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from common.errors import DomainError
from tenders import bids, openings, service
from tests.support.http import sign_in


async def test_a_second_cancel_names_who_cancelled_and_when(
    world, make_user, client_factory
) -> None:
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    dutch = await make_user(
        "officer", authorities=[world.authority["id"]], name="Dirk Derde", language="nl"
    )
    url = f"/api/v1/tenders/{tender_id}/actions/cancel"
    async with client_factory() as anna, client_factory() as dirk:
        await sign_in(anna, world.officer.email)
        await sign_in(dirk, dutch.email)
        assert (await anna.post(url, json={"reason": "Budget withdrawn"})).status_code == 200
        refused = await dirk.post(url, json={"reason": "Budget withdrawn"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["detail"].endswith(
        f"(Anna Inkoper heeft aanbesteding {tender_id} ingetrokken op 2 mrt 2026, 10:00)"
    )
    change, reason = (p["message"] for p in body["problems"])
    assert change == (
        f"Anna Inkoper heeft aanbesteding {tender_id} ingetrokken op 2 mrt 2026, 10:00"
    )
    assert body["detail"] == f"{reason} ({change})"


async def _refusal(action) -> str:
    with pytest.raises(DomainError) as refused:
        await action
    return str(refused.value)


async def test_approving_the_opening_twice_names_the_first_approval(world) -> None:
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    await world.bid(tender_id, lot_id, 0)
    world.travel(timedelta(days=41))  # 12 April, 11:00 in Amsterdam (summer time)
    assert not await openings.approve_opening(world.officer, tender_id)
    world.travel(timedelta(minutes=5))
    refused = await _refusal(openings.approve_opening(world.officer, tender_id))
    assert refused == (
        "You have already approved the opening; a second, different officer must confirm "
        f"(Anna Inkoper approved opening the bids of tender {tender_id} on 12 Apr 2026, "
        "11:00)"
    )


async def test_withdrawing_a_withdrawn_bid_names_who_withdrew_it(world) -> None:
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    bid_id = await world.bid(tender_id, lot_id, 0)
    await bids.withdraw_bid(world.officer, tender_id, bid_id, "Sent in error")
    refused = await _refusal(bids.withdraw_bid(world.second, tender_id, bid_id, "Twice"))
    assert refused.endswith(
        f"has already withdrawn this bid (Anna Inkoper withdrew a bid for "
        f"tender {tender_id} on 2 Mar 2026, 10:00)"
    )
    [bid] = [b for b in await bids.bids(world.officer, tender_id) if b.id == bid_id]
    assert bid.withdrawn_reason == "Sent in error"


async def test_a_phase_refusal_names_who_moved_the_tender(world) -> None:
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    refused = await _refusal(service.update_tender(world.second, tender_id, world.form()))
    assert refused.endswith(f"(Anna Inkoper published tender {tender_id} on 2 Mar 2026, 10:00)")
