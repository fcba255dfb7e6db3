"""Issue 14's journeys in Chromium, in the Dutch UI: an officer creates a tender from nothing
with Dutch amounts, publishes it (confirming), declares a lot without valid bids unsuccessful,
starts scoring from the evaluation page by clicking, and sends the award decisions; an
evaluator opens a bid's document from their scoring page. Bids and scores in between are put
in through the services (their pages have their own browser tests)."""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from audit.tables import AuditEvent
from authorities import service as authorities
from common.localtime import utc_to_local
from scoring import service as scoring
from scoring import sheets
from tenders import bids
from tenders.deadlines import DEADLINES
from tenders.tables import Bid, Lot, Tender
from tests.support.browser import screenshot, serious_accessibility_violations, sign_in_page
from tests.support.criteria import price, quality
from tests.support.fixtures import SETUP, TEST_PASSWORD

pytestmark = pytest.mark.browser
TREE = [quality("Plan van aanpak", "60"), price("40", "Prijs")]


def local(days: int) -> str:
    moment = datetime.now(UTC) + timedelta(days=days)
    return utc_to_local(moment, "Europe/Amsterdam").strftime("%Y-%m-%dT%H:%M")


async def submit(page, form: str) -> None:
    """Submit a form as a person does, ticking its confirmation box when it has one."""
    boxes = page.locator(f"{form} input[name=confirm]")
    for index in range(await boxes.count()):
        await boxes.nth(index).check()
    await page.click(f"{form} button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def messages(page) -> str:
    return await page.locator("#messages").inner_text()


async def accessible(page, name: str) -> None:
    await screenshot(page, name)
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


async def test_dutch_officer_from_nothing_to_award_decisions_with_an_unsuccessful_lot(
    db, live_server, page, browser, make_user, make_authority
):
    authority = await make_authority("Gemeente Utrecht", registration_number="30280353")
    officer = await make_user(
        "officer", authorities=[authority["id"]], name="Olga de Vries", language="nl"
    )
    second = await make_user(
        "officer", authorities=[authority["id"]], name="Sanne Visser", language="nl"
    )
    evaluator = await make_user("evaluator", name="Eva Beoordelaar", language="nl")
    await authorities.create_service_type(
        SETUP,
        {
            "code": "household_help",
            "name_en": "Household help",
            "name_nl": "Hulp bij het huishouden",
        },
    )

    # A new tender, the amounts typed the Dutch way.
    await sign_in_page(page, live_server, officer.email, TEST_PASSWORD)
    await page.goto(f"{live_server.url}/tenders/new")
    await page.fill("#f-title", "Hulp bij het huishouden 2027")
    await page.fill("#f-reference", "UTR-HH-2027")
    await page.select_option("#f-procedure", "open")
    await page.select_option("#f-service_type_id", label="Hulp bij het huishouden")
    await page.fill("#f-cpv_codes", "98513310-8")
    await page.fill("#f-estimated_value", "€ 12.500.000,00")
    await submit(page, "form[action='/tenders']")
    tender_id = int(page.url.rsplit("/", 1)[1])
    row = await Tender.select(Tender.estimated_value).where(Tender.id == tender_id).first()
    assert row["estimated_value"] == Decimal("12500000.00")
    base = f"{live_server.url}/tenders/{tender_id}"
    await page.locator("details:has(form[action$='/deadlines']) > summary").click()
    await page.fill("#f-deadline_questions", local(20))
    await page.fill("#f-deadline_bids", local(40))
    await submit(page, "form[action$='/deadlines']")
    for number, title, value in (
        ("1", "Noordwest", "400.000,50"),
        ("2", "Binnenstad", "1250000,5"),
    ):
        await page.goto(f"{base}/lots")
        await page.fill("#f-number", number)
        await page.fill("#f-title", title)
        await page.fill("#f-estimated_value", value)
        await submit(page, "form[action$='/lots']")
    lots = await Lot.select().where(Lot.tender == tender_id).order_by(Lot.number)
    assert [lot["estimated_value"] for lot in lots] == [Decimal("400000.50"), Decimal("1250000.50")]
    # Publishing is refused while the lots have no award criteria, each lot named.
    await page.goto(base)
    assert "Perceel 1. Noordwest heeft geen gunningscriteria" in await page.content()
    assert await page.locator("form[action$='/actions/publish']").count() == 0
    for lot in lots:
        await scoring.replace_criteria(officer, lot["evaluation_id"], TREE)
    await page.goto(base)
    assert (
        "Er zijn geen aanbestedingsstukken" in await page.locator("#publish-warnings").inner_text()
    )
    await accessible(page, "journey-1-draft-nl")
    await submit(page, "form[action$='/actions/publish']")
    assert "gepubliceerd" in await messages(page)

    # Bids: three on lot 1, one on lot 2 (knocked out later). Then the deadline passes.
    ids = [
        await bids.register_bid(
            officer,
            tender_id,
            lots[0]["id"],
            {"name": name, "country": "NL", "registration_number": kvk, "price": price},
            [(f"inschrijving-{index}.pdf", "application/pdf", f"%PDF-1.4 {name}".encode())],
        )
        for index, (name, kvk, price) in enumerate(
            (
                ("Zorg Plus BV", "30280353", "150.000,00"),
                ("Thuishulp West", "41216593", "100.000,00"),
            )
        )
    ]
    lone = await bids.register_bid(
        officer,
        tender_id,
        lots[1]["id"],
        {
            "name": "Samen Sterk",
            "country": "NL",
            "registration_number": "27124701",
            "price": "90000",
        },
        [("inschrijving-binnenstad.pdf", "application/pdf", b"%PDF-1.4 x")],
    )
    await Tender.update({Tender.deadline_bids: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Tender.id == tender_id
    )
    assert await DEADLINES.tick(datetime.now(UTC))

    # The opening: approve, then a second officer confirms; each sees only what they may do.
    await page.goto(f"{base}/opening")
    await submit(page, "form[action$='/actions/open_bids']")
    await page.goto(f"{base}/opening")
    assert await page.locator("form[action$='/actions/open_bids']").count() == 0
    assert (
        "een tweede, andere inkoper moet haar bevestigen"
        in await page.locator("#opening-not-now").inner_text()
    )
    other = await (
        await browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    ).new_page()
    await sign_in_page(other, live_server, second.email, TEST_PASSWORD)
    await other.goto(f"{base}/opening")
    await submit(other, "form[action$='/actions/open_bids']")
    assert "geopend" in await messages(other)

    # Lot 2's only bid is knocked out; the officer declares the lot unsuccessful.
    await bids.knock_out(officer, tender_id, lone, "Tarief boven het maximumtarief")
    await page.goto(f"{base}/lots/{lots[1]['id']}")
    await page.fill("#f-reason", "Geen geldige inschrijving op dit perceel")
    await accessible(page, "journey-2-lot-unsuccessful-nl")
    await submit(page, f"form[action$='/lots/{lots[1]['id']}/unsuccessful']")
    assert "mislukt verklaard" in await messages(page)
    assert "Geen geldige inschrijving" in await page.locator("#lot-unsuccessful").inner_text()

    # Scoring starts from the evaluation page by clicking.
    evaluation_id = lots[0]["evaluation_id"]
    await page.goto(f"{live_server.url}/scoring/evaluations/{evaluation_id}")
    await accessible(page, "journey-3-criteria-nl")
    await submit(page, "form[action$='/freeze']")
    assert (await scoring.get_evaluation(officer, evaluation_id)).frozen
    await scoring.assign(officer, evaluation_id, evaluator.id)
    subjects = {s.ref: s for s in await scoring.list_subjects(officer, evaluation_id)}
    await sheets.declare(evaluator, evaluation_id, {s.id: ("none", "") for s in subjects.values()})

    # The evaluator opens a bid's document from their scoring page.
    reader = await (
        await browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="nl-NL", accept_downloads=True
        )
    ).new_page()
    await sign_in_page(reader, live_server, evaluator.email, TEST_PASSWORD)
    code = subjects[f"bid:{ids[0]}"].code
    await reader.goto(f"{live_server.url}/scoring/evaluations/{evaluation_id}/sheet/{code}")
    link = reader.locator("#subject-documents a").first
    assert await link.inner_text() == "inschrijving-0.pdf"
    async with reader.expect_download() as waiting:
        await link.click()
    download = await waiting.value
    assert download.suggested_filename == "inschrijving-0.pdf"
    data = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert data == b"%PDF-1.4 Zorg Plus BV"
    assert await AuditEvent.count().where(AuditEvent.action == "bid.file_downloaded") == 1

    # Scores, quality final, ranking, award intent; the decisions go out from the award page.
    [plan] = [
        c
        for c in (await scoring.criteria(officer, evaluation_id)).criteria
        if c.kind.value == "quality"
    ]
    for ref, mark in ((f"bid:{ids[0]}", "9"), (f"bid:{ids[1]}", "6")):
        await sheets.save_scores(
            evaluator, evaluation_id, subjects[ref].code, {plan.id: (mark, "Overtuigend")}
        )
    await sheets.submit_sheet(evaluator, evaluation_id)
    await scoring.finalise_quality(officer, evaluation_id)
    ranking = await scoring.confirm_ranking(officer, evaluation_id)
    await bids.choose_award(
        officer,
        tender_id,
        lots[0]["id"],
        [int(ranking.winners[0].split(":")[1])],
        advantages="Het beste plan van aanpak voor de wijk.",
    )
    await page.goto(f"{base}/award")
    await accessible(page, "journey-4-award-nl")
    await submit(page, "form[action$='/award/letters']")
    assert "gunningsbeslissingen zijn verzonden" in await messages(page)
    assert (await Tender.select(Tender.phase).where(Tender.id == tender_id).first())[
        "phase"
    ] == "award_intent"
    assert not await Bid.exists().where((Bid.lot == lots[1]["id"]) & Bid.winner.eq(True))
