"""An officer's flow in Chromium: draft, publication, selection, bids, the four-eyes opening and
evaluation to the award intent, with a screenshot of the tender page at each phase (kept in
test-artifacts/). The clock moving past a deadline is the stored deadline moved into the past,
then the deadline source's sweep, as the scheduler would run it."""

from datetime import UTC, datetime, timedelta

import pytest

from authorities import service as authorities
from common.localtime import utc_to_local
from scoring import service as scoring
from scoring import sheets
from tenders.deadlines import DEADLINES
from tenders.tables import Lot, Tender
from tests.support.browser import screenshot, serious_accessibility_violations, sign_in_page
from tests.support.criteria import price, quality
from tests.support.fixtures import SETUP, TEST_PASSWORD

pytestmark = pytest.mark.browser
CANDIDATES = [("Zorg Plus BV", "30280353"), ("Thuishulp West", "41216593")]


def local(days: int) -> str:
    moment = datetime.now(UTC) + timedelta(days=days)
    return utc_to_local(moment, "Europe/Amsterdam").strftime("%Y-%m-%dT%H:%M")


async def accessible(page, name: str) -> None:
    await screenshot(page, name)
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


async def deadline_passes(tender_id: int, column: str) -> None:
    """The deadline lies a second behind us; the scheduler's sweep applies what is due."""
    await Tender.update({column: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Tender.id == tender_id
    )
    assert await DEADLINES.tick(datetime.now(UTC))


async def phase_shown(page) -> str:
    return await page.locator(".phase-stepper__step--current").inner_text()


async def submit(page, form: str) -> None:
    """Submit a form as a person does, ticking its confirmation box when it has one."""
    boxes = page.locator(f"{form} input[name=confirm]")
    for index in range(await boxes.count()):
        await boxes.nth(index).check()
    await page.click(f"{form} button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def test_officer_runs_a_restricted_tender_to_the_award_intent(
    db, live_server, page, browser, make_user, make_authority
):
    authority = await make_authority("Gemeente Utrecht", registration_number="30280353")
    officer = await make_user("officer", authorities=[authority["id"]], name="Olga de Vries")
    second = await make_user("officer", authorities=[authority["id"]], name="Sanne Visser")
    evaluator = await make_user("evaluator", authorities=[authority["id"]])
    await authorities.create_service_type(
        SETUP,
        {
            "code": "household_help",
            "name_en": "Household help",
            "name_nl": "Hulp bij het huishouden",
        },
    )

    # Draft: the officer fills in the particulars and deadlines as local times.
    await sign_in_page(page, live_server, officer.email, TEST_PASSWORD)
    await page.goto(f"{live_server.url}/tenders/new")
    await page.fill("#f-title", "Household help 2027")
    await page.fill("#f-reference", "UTR-HH-2027")
    await page.select_option("#f-procedure", "restricted")
    await page.select_option("#f-service_type_id", label="Household help")
    await page.fill("#f-cpv_codes", "98513310-8")
    await page.fill("#f-estimated_value", "1250000.00")
    await page.check("#f-electronic_submission")
    await accessible(page, "tender-0-new")
    await submit(page, "form[action='/tenders']")
    assert await page.locator("h1").inner_text() == "Household help 2027"
    tender_id = int(page.url.rsplit("/", 1)[1])
    base = f"{live_server.url}/tenders/{tender_id}"
    await page.click("text=Change the deadlines")
    await page.fill("#f-deadline_requests", local(31))
    await page.fill("#f-deadline_questions", local(45))
    await page.fill("#f-deadline_bids", local(75))
    await submit(page, "form[action$='/deadlines']")
    assert "The deadlines have been saved." in await page.locator("#messages").inner_text()
    await page.goto(f"{base}/lots")
    await page.fill("#f-number", "1")
    await page.fill("#f-title", "Noordwest")
    await submit(page, "form[action$='/lots']")
    await page.goto(f"{base}/selection")
    await page.select_option("#f-kind", "suitability")
    await page.fill("#f-name", "Quality mark HKZ")
    await submit(page, "form[action$='/requirements']")
    lot = await Lot.select().where(Lot.tender == tender_id).first()
    await scoring.replace_criteria(
        officer,
        lot["evaluation_id"],
        [quality("Plan", "60"), price("40")],
    )
    await page.goto(base)
    assert await phase_shown(page) == "current:\n1. Draft" or "Draft" in await phase_shown(page)
    await accessible(page, "tender-1-draft")

    # Published: requests to participate come in.
    await submit(page, "form[action$='/actions/publish']")
    assert "The tender has been published." in await page.locator("#messages").inner_text()
    assert "Published" in await phase_shown(page)
    await accessible(page, "tender-2-published")
    for name, kvk in CANDIDATES:
        await page.goto(f"{base}/candidates")
        await page.fill("#f-name", name)
        await page.fill("#f-registration_number", kvk)
        await submit(page, "form[action$='/candidates']")
        assert "registered" in await page.locator("#messages").inner_text()

    # Selection: after the requests deadline every candidate is assessed and admitted.
    await deadline_passes(tender_id, "deadline_requests")
    await page.goto(f"{base}/selection")
    assert "Selection" in await phase_shown(page)
    for label in ("Zorg Plus BV", "Thuishulp West"):
        section = page.locator("section", has=page.locator("h3", has_text=label))
        await section.locator("input[value=pass]").check()
        await section.locator("form[action$='/assessment'] button").click()
        await page.wait_for_load_state("networkidle")
        section = page.locator("section", has=page.locator("h3", has_text=label))
        await section.locator("form[action$='/decision'] button").click()
        await page.wait_for_load_state("networkidle")
    await accessible(page, "tender-3-selection")
    await page.goto(base)
    await submit(page, "form[action$='/actions/complete_selection']")
    assert "Tendering" in await phase_shown(page)
    await accessible(page, "tender-4-tendering")

    # Bids, sealed: the list shows neither price nor file.
    for index, (name, kvk) in enumerate(CANDIDATES):
        await page.goto(f"{base}/bids")
        await page.fill("#f-name", name)
        await page.fill("#f-registration_number", kvk)
        await page.fill("#f-price", ("120000.00", "95000.00")[index])
        await page.fill("#f-paper_reason", "Received on paper at the front desk")
        await page.set_input_files(
            "#f-files",
            files=[
                {
                    "name": f"bid-{index}.pdf",
                    "mimeType": "application/pdf",
                    "buffer": b"%PDF-1.4 bid " + name.encode(),
                }
            ],
        )
        await submit(page, "form[action$='/bids']")
        assert "registered and sealed" in await page.locator("#messages").inner_text()
    table = await page.locator("table").inner_text()
    assert "sealed" in table and "95" not in table and "bid-0.pdf" not in table
    await accessible(page, "tender-5-bids-sealed")

    # Opening: after the deadline, by two different officers.
    await deadline_passes(tender_id, "deadline_bids")
    await page.goto(f"{base}/opening")
    assert "Opening" in await phase_shown(page)
    await submit(page, "form[action$='/actions/open_bids']")
    assert "a second officer must confirm" in await page.locator("#messages").inner_text()
    await accessible(page, "tender-6-opening")
    other = await (
        await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    ).new_page()
    await sign_in_page(other, live_server, second.email, TEST_PASSWORD)
    await other.goto(f"{base}/opening")
    await submit(other, "form[action$='/actions/open_bids']")
    assert "The bids are open." in await other.locator("#messages").inner_text()
    await other.goto(f"{base}/bids")
    assert "95,000.00" in await other.locator("table").inner_text()

    # Evaluation: the evaluator scores in the scoring engine; the ranking is confirmed.
    evaluation_id = lot["evaluation_id"]
    await scoring.freeze_criteria(officer, evaluation_id)
    await scoring.assign(officer, evaluation_id, evaluator.id)
    subjects = await scoring.list_subjects(officer, evaluation_id)
    await sheets.declare(evaluator, evaluation_id, {s.id: ("none", "") for s in subjects})
    [plan] = [
        c for c in (await scoring.criteria(officer, evaluation_id)).criteria if c.name == "Plan"
    ]
    for subject in subjects:
        mark = "9" if subject.name == "Zorg Plus BV" else "6"
        await sheets.save_scores(
            evaluator, evaluation_id, subject.code, {plan.id: (mark, "A convincing plan")}
        )
    await sheets.submit_sheet(evaluator, evaluation_id)
    await scoring.finalise_quality(officer, evaluation_id)
    await scoring.confirm_ranking(officer, evaluation_id)
    await page.goto(f"{base}/evaluation")
    assert "Evaluation" in await phase_shown(page)
    await accessible(page, "tender-7-evaluation")

    # Award intent: the best-ranked bid is chosen on the lot page; the decisions are sent.
    await page.goto(f"{base}/lots/{lot['id']}")
    ranking = await page.locator("table").first.inner_text()
    assert ranking.index("Zorg Plus BV") < ranking.index("Thuishulp West")
    award_form = f"form[action$='/lots/{lot['id']}/award']"
    await page.fill(
        f"{award_form} textarea[name='advantages']",
        "Zorg Plus BV offers the best plan of approach at a lower price.",
    )
    await submit(page, award_form)
    assert "award intent for this lot" in await page.locator("#messages").inner_text()
    await page.goto(f"{base}/award")
    await submit(page, "form[action$='/award/letters']")
    assert "2 award decisions have been sent" in await page.locator("#messages").inner_text()
    sent = await page.locator("#letters").inner_text()
    assert "Zorg Plus BV" in sent and "Thuishulp West" in sent and "Rejection" in sent
    await accessible(page, "tender-8-award-letters")
    await page.goto(base)
    assert "Award intent" in await phase_shown(page)
    assert "End of the standstill period" in await page.locator("#next-step + p").inner_text()
    await accessible(page, "tender-8-award-intent")
    row = (
        await Tender.select(Tender.phase, Tender.standstill_ends_at)
        .where(Tender.id == tender_id)
        .first()
    )
    assert row["phase"] == "award_intent" and row["standstill_ends_at"] is not None
