"""A real tender, driven through the services, publishes what the public may know at each step
(from its audit history): the deadline moved later and the clarification appear as releases,
the opened bids and their bidders do not, and the JSON API withholds and publishes it again."""

from __future__ import annotations

import json
from datetime import timedelta

from opendata.ocds import packages, service
from tenders import procurement
from tenders import service as tenders
from tests.opendata.validation import RELEASE, codelist_problems, problems
from tests.support.http import csrf_token, sign_in
from tests.tenders.conftest import NAMES, local


async def _releases(reference: str) -> list[dict]:
    return await service.tender_releases(f"{service.options().prefix}-{reference}")


async def test_a_driven_tender_publishes_each_step_and_never_a_sealed_price(world, client):
    tender_id = await world.tender(lots=2)
    assert await _releases("UTR-HH-2022") == []  # a draft is not published
    await tenders.publish(world.officer, tender_id)
    world.travel(timedelta(days=2))
    first_deadline = (await _releases("UTR-HH-2022"))[0]["tender"]["tenderPeriod"]["endDate"]
    later = world.clock.now() + timedelta(days=45)
    await tenders.set_deadlines(world.officer, tender_id, {"deadline_bids": local(later)})
    question = await procurement.ask(world.officer, tender_id, "Zorg Plus BV", "May we?")
    await procurement.answer(world.officer, tender_id, question, "Yes, you may.")
    [lot_id, _] = await world.lot_ids(tender_id)
    await world.bid(tender_id, lot_id, 0, "123456.78")
    await world.bid(tender_id, lot_id, 1, "98765.43")
    world.travel(timedelta(days=50))
    await tenders.apply_due(tenders.TICKER, tender_id, world.clock.now())

    found = await _releases("UTR-HH-2022")
    assert [r["tag"] for r in found] == [
        ["planning", "tender"],
        ["tenderAmendment"],
        ["tenderUpdate"],
    ]
    for release in found:
        assert problems(RELEASE, release) == [] and codelist_problems(release) == []
    record = packages.compiled(found)
    assert found[0]["tender"]["tenderPeriod"]["endDate"] == first_deadline
    assert record["tender"]["tenderPeriod"]["endDate"] != first_deadline
    assert record["tender"]["documents"][-1]["description"] == "Yes, you may."
    text = json.dumps(found)
    for sealed in ("123456", "98765", NAMES[0], NAMES[1]):
        assert sealed not in text  # no bid price, no bidder, no asker

    # The JSON API withholds it (a reason is required), then publishes it again.
    await sign_in(client, world.officer.email)
    headers = {"x-csrftoken": await csrf_token(client)}
    url = f"/api/v1/tenders/{tender_id}/open-data"
    refused = await client.post(url, json={"withheld": True}, headers=headers)
    assert refused.status_code in (409, 422)
    withheld = await client.post(
        url, json={"withheld": True, "reason": "Safety of clients"}, headers=headers
    )
    assert withheld.status_code == 200, withheld.text
    assert withheld.json()["open_data_withheld_reason"] == "Safety of clients"
    assert await _releases("UTR-HH-2022") == []
    assert all(
        r["tender"]["id"] != "UTR-HH-2022" for r in service.all_releases(await service.histories())
    )
    again = await client.post(url, json={"withheld": False}, headers=headers)
    assert again.status_code == 200 and again.json()["open_data_withheld_at"] is None
    assert [r["id"] for r in await _releases("UTR-HH-2022")] == [r["id"] for r in found]

    await tenders.cancel(world.officer, tender_id, "No longer needed")
    last = (await _releases("UTR-HH-2022"))[-1]
    assert last["tag"] == ["tenderCancellation"] and last["tender"]["status"] == "cancelled"
