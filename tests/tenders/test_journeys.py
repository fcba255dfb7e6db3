"""Journeys of issue 14 through the tender pages and API: what a state refuses is not offered,
unknown actions are refused, lots without (valid) bids are closed on their own."""

from datetime import UTC, datetime, timedelta

from tenders.tables import Tender
from tests.tenders.conftest import clock_days_ago

fixed_clock = clock_days_ago(60)  # published in the past: its deadlines have passed


async def test_an_unknown_action_is_refused_naming_the_allowed_ones(world, login):
    tender_id = await world.tender()
    client = await login(world.officer)
    refused = await client.post(f"/api/v1/tenders/{tender_id}/actions/publsh")
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert problem["location"] == "action" and "publish" in problem["message"]
    assert "declare_unsuccessful" in problem["message"]
    row = await Tender.select(Tender.phase).where(Tender.id == tender_id).first()
    assert row["phase"] == "draft"


async def test_the_opening_page_offers_only_what_is_possible_now(world, login):
    """Before the deadline: no button, a sentence saying when. After it: "Approve" for the
    first officer; then that officer reads why not, and a second one gets "Confirm"."""

    from tenders import openings, service
    from tests.support.http import post_form, text_of

    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    await world.bid(tender_id, lot_id, 0)
    world.clock.set(datetime.now(UTC) - timedelta(days=30))  # bids still open for 10 days
    first = await login(world.officer)
    url = f"/tenders/{tender_id}/opening"
    page = (await first.get(url)).text
    assert "/actions/open_bids" not in page
    assert "The bids can be opened after the deadline for bids" in text_of(page)
    refused = await post_form(first, f"/tenders/{tender_id}/actions/open_bids", {"confirm": "yes"})
    assert refused.status_code == 303  # refused, not approved
    assert await openings.opening_approvals(tender_id) == []

    world.clock.set(datetime.now(UTC))  # the deadline has passed (a new sign-in: a month on)
    first = await login(world.officer)
    page = (await first.get(url)).text
    assert "/actions/open_bids" in page and "Approve the opening" in text_of(page)
    approved = await post_form(first, f"/tenders/{tender_id}/actions/open_bids", {"confirm": "yes"})
    assert approved.status_code == 303
    page = (await first.get(url)).text
    assert "/actions/open_bids" not in page
    assert "a second, different officer must confirm it" in text_of(page)
    second = await login(world.second)
    page = (await second.get(url)).text
    assert "Confirm the opening" in text_of(page) and "/actions/open_bids" in page
    # The tender page links to the opening instead of offering a button that is refused.
    overview = (await first.get(f"/tenders/{tender_id}")).text
    assert f'action="/tenders/{tender_id}/actions/open_bids"' not in overview
