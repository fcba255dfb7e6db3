"""A supplier in Chromium: registers, confirms the address, signs in, is approved, reads its
rejection letter in the portal's inbox and asks a clarification question. Keyboard only for
the forms (fields found by their labels, sent with Enter); axe-core on each page on the way."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from documents.letters.service import record_sent
from organisations.tables import Organisation
from portal.service import accounts as portal_accounts
from portal.tables import PortalMembership
from tenders import service
from tenders.tables import Question
from tests.browser.portal_steps import no_violations, register_in_browser
from tests.portal.support import rejection_to_zorg_plus
from tests.support.browser import console_errors, screenshot
from tests.tenders.conftest import KVK, World, fixed_clock, local, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

EMAIL = "inschrijver@zorgplus.example"


async def test_a_supplier_registers_and_reads_its_letter(db, live_server, page, world: World):  # noqa: F811
    tender_id = await world.tender(lots=1)
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    bid_id = await world.bid(tender_id, lot_id, 0)
    world.travel(timedelta(minutes=1))
    [letter] = await record_sent(
        world.officer.as_actor(),
        "lot",
        lot_id,
        [rejection_to_zorg_plus(bid_id, b"PK\x03\x04 rejection")],
    )

    await register_in_browser(
        page, live_server.url, EMAIL, KVK[0], "Zorg Plus BV", "Inge Inschrijver"
    )
    assert "waiting for approval" in await page.locator("main").inner_text()
    await no_violations(page, "home")

    # The organisation registered by the officer's bid is the one the supplier joined.
    organisation = (
        await Organisation.select(Organisation.id)
        .where(Organisation.registration_number == KVK[0])
        .first()
    )
    [membership] = await PortalMembership.select(PortalMembership.id, PortalMembership.organisation)
    assert membership["organisation"] == organisation["id"]
    await portal_accounts.decide_as_officer(
        world.officer, organisation["id"], membership["id"], True, "signatory"
    )

    await page.get_by_role("link", name="Inbox").click()
    await page.wait_for_selector("h1:has-text('Inbox')")
    inbox = await page.locator("main").inner_text()
    assert "Rejection (award decision)" in inbox
    assert "Hulp bij het huishouden 2022" in inbox
    await no_violations(page, "inbox")
    await screenshot(page, "portal-inbox")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download afwijzing-zorg-plus.docx").click()
    download = await download_info.value
    assert download.suggested_filename == "afwijzing-zorg-plus.docx"
    saved = Path(await download.path())
    assert await asyncio.to_thread(saved.read_bytes) == b"PK\x03\x04 rejection"
    assert letter.file_id is not None

    # A clarification question, by keyboard: the field by its label, Tab to the button, Enter.
    # The live server runs on the real clock: a tender whose question deadline is still ahead.
    ahead = datetime.now(UTC)
    asking_id = await world.tender(
        lots=1,
        reference="UTR-VRAAG",
        deadline_questions=local(ahead + timedelta(days=30)),
        deadline_bids=local(ahead + timedelta(days=40)),
    )
    await service.publish(world.officer, asking_id)
    await page.goto(f"{live_server.url}/portal/tenders/{asking_id}")
    question = page.get_by_label("Your question")
    await question.fill("Mag een combinatie inschrijven?")
    await question.press("Tab")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("text=Your question has been received.")
    main = await page.locator("main").inner_text()
    assert "Mag een combinatie inschrijven?" in main and "Awaiting an answer" in main
    await no_violations(page, "tender with a question")
    [asked] = await Question.select(Question.organisation).where(Question.tender == asking_id)
    assert asked["organisation"] == organisation["id"]
    assert console_errors(page) == []
