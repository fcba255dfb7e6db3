"""A supplier in Chromium: registers in the portal (the verification mail's link), is
approved, asks a clarification question, submits a bid on two lots and reads each receipt (the
moment and the SHA-256 of its file), finds them again from the tender's page; the officers
(through the services) open the bids, award the first lot to another bidder and send the award
decisions; the supplier finds its rejection letter in the portal's inbox. axe-core on each
portal page on the way."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from organisations.tables import Organisation
from portal.service import accounts as portal_accounts
from portal.tables import PortalMembership
from scoring import service as scoring
from tenders import bids, letters, openings, service
from tenders.tables import Bid, Question
from tests.browser.portal_steps import no_violations, register_in_browser
from tests.documents.letters_support import docx_text
from tests.support.browser import console_errors, screenshot
from tests.tenders.conftest import ADVANTAGES, KVK, World, fixed_clock, local, world  # noqa: F401

pytestmark = pytest.mark.browser

EMAIL = "inschrijver@zorgplus.example"
PLANS = {1: b"%PDF-1.4 plan district 1 " * 40, 2: b"%PDF-1.4 plan district 2 " * 40}


async def test_a_supplier_bids_on_two_lots_and_reads_its_rejection_in_the_inbox(
    db,
    live_server,
    page,
    world: World,  # noqa: F811
):
    # The live server runs on the real clock: a tender whose deadlines are ahead of it.
    now = datetime.now(UTC).replace(microsecond=0)
    world.clock.set(now)
    tender_id = await world.tender(
        lots=2,
        deadline_questions=local(now + timedelta(days=30)),
        deadline_bids=local(now + timedelta(days=40)),
    )
    await service.publish(world.officer, tender_id)
    lot_1, lot_2 = await world.lot_ids(tender_id)
    await register_in_browser(
        page, live_server.url, EMAIL, KVK[0], "Zorg Plus BV", "Inge Inschrijver"
    )
    assert "waiting for approval" in await page.locator("main").inner_text()
    organisation = (
        await Organisation.select(Organisation.id)
        .where(Organisation.registration_number == KVK[0])
        .first()
    )
    [membership] = await PortalMembership.select(PortalMembership.id)
    await portal_accounts.decide_as_officer(
        world.officer, organisation["id"], membership["id"], True, "member"
    )

    # A clarification question on the tender's page.
    await page.goto(f"{live_server.url}/portal/tenders/{tender_id}")
    await page.get_by_label("Your question").fill("Mag een combinatie inschrijven?")
    await page.get_by_role("button", name="Send the question").click()
    await page.wait_for_selector("text=Your question has been received.")
    [asked] = await Question.select(Question.organisation).where(Question.tender == tender_id)
    assert asked["organisation"] == organisation["id"]

    # A bid on each lot, each with its receipt.
    for lot, price in ((lot_1, "95.000,00"), (lot_2, "41.500,00")):
        await page.goto(f"{live_server.url}/portal/tenders/{tender_id}")
        await page.get_by_role("link", name="Submit, replace or withdraw a bid").click()
        await page.wait_for_selector("h1:has-text('Your bids on')")
        await no_violations(page, "bid form")
        number = 1 if lot == lot_1 else 2
        await page.get_by_label("Lot").select_option(str(lot))
        await page.get_by_label("Price (EUR)").fill(price)
        await page.get_by_label("Documents of the bid").set_input_files(
            files=[
                {
                    "name": f"plan-district-{number}.pdf",
                    "mimeType": "application/pdf",
                    "buffer": PLANS[number],
                }
            ]
        )
        await page.get_by_role("button", name="Submit the bid").click()
        await page.wait_for_selector("h1:has-text('Receipt of bid')")
        receipt = await page.locator("main").inner_text()
        assert "Your bid has been received and sealed." in receipt
        assert hashlib.sha256(PLANS[number]).hexdigest() in receipt
        assert f"{number}. District {number}" in receipt
        assert "UTC" in receipt and ("(CET)" in receipt or "(CEST)" in receipt)
        await no_violations(page, f"receipt {number}")
    await screenshot(page, "portal-bid-receipt")
    ours = {
        r["lot"]: r["id"]
        for r in await Bid.select(Bid.id, Bid.lot).where(Bid.organisation == organisation["id"])
    }
    assert set(ours) == {lot_1, lot_2}
    # The tender's page lists both, each linking to its receipt.
    await page.goto(f"{live_server.url}/portal/tenders/{tender_id}")
    for bid_id in ours.values():
        assert await page.locator(f"a[href$='/bids/{bid_id}']").count() == 1
    await no_violations(page, "tender with bids")

    # The officers: another bid on lot 1, the deadline, the four-eyes opening, the award of
    # lot 1 to the other bidder, the award decisions sent.
    other = await world.bid(tender_id, lot_1, 1, "90000")
    world.clock.set(now + timedelta(days=41))
    assert not await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)
    for lot, marks, winner in (
        (lot_1, {ours[lot_1]: "5", other: "9"}, other),
        (lot_2, {ours[lot_2]: "8"}, ours[lot_2]),
    ):
        evaluation_id = await world.score_quality(tender_id, lot, marks)
        await scoring.confirm_ranking(world.officer, evaluation_id)
        await bids.choose_award(world.officer, tender_id, lot, [winner], advantages=ADVANTAGES)
    await letters.send_award_decisions(world.officer, tender_id, world.clock.now())

    await page.goto(f"{live_server.url}/portal/inbox")
    await page.wait_for_selector("h1:has-text('Inbox')")
    row = page.locator("tr", has_text="Rejection (award decision)")
    assert await row.count() == 1
    await no_violations(page, "inbox")
    async with page.expect_download() as download_info:
        await row.get_by_role("link").click()
    saved = Path(await (await download_info.value).path())
    text = docx_text(await asyncio.to_thread(saved.read_bytes))
    assert "Thuishulp West" in text
    assert console_errors(page) == []
