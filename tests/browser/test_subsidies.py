"""A subsidy round in Chromium: the officer creates it, imports applications (meeting the bad-row
preview first), marks eligibility, starts the review, allocates under the ceiling, changes an
amount with a reason and decides."""

import re
from pathlib import Path

import pytest

from scoring import service as scoring
from scoring import sheets
from subsidies.tables import Application, Payment, SubsidyRound
from tests.subsidies.conftest import APPLICANTS, row, xlsx
from tests.support.browser import screenshot, serious_accessibility_violations, sign_in_page
from tests.support.criteria import quality
from tests.support.fixtures import TEST_PASSWORD
from tests.support.jobs import run_jobs

pytestmark = pytest.mark.browser


async def accessible(page, name: str) -> None:
    await screenshot(page, name)
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


async def submit(page, selector: str) -> None:
    await page.click(selector)
    await page.wait_for_load_state("networkidle")


async def score_everything(officer, evaluator, evaluation_id: int, marks: dict[str, str]):
    await scoring.replace_criteria(
        officer,
        evaluation_id,
        [quality("Reach", "100")],
    )
    await scoring.assign(officer, evaluation_id, evaluator.id)
    await scoring.freeze_criteria(officer, evaluation_id)
    subjects = await scoring.list_subjects(officer, evaluation_id)
    await sheets.declare(evaluator, evaluation_id, {s.id: ("none", "") for s in subjects})
    [criterion] = (await scoring.criteria(officer, evaluation_id)).criteria
    for subject in subjects:
        await sheets.save_scores(
            evaluator,
            evaluation_id,
            subject.code,
            {criterion.id: (marks[subject.name], "Clear plan")},
        )
    await sheets.submit_sheet(evaluator, evaluation_id)


async def test_officer_runs_a_round_from_settings_to_decision(
    db, live_server, page, make_user, make_authority, tmp_path: Path
):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    evaluator = await make_user("evaluator")
    await sign_in_page(page, live_server, officer.email, TEST_PASSWORD)

    # Settings: a bad ceiling first, then the round.
    await page.click("nav >> text=Subsidy rounds")
    await page.click("text=New round")
    await page.fill("#f-title", "Sociale Prestatie en Dagondersteuning 2021")
    await page.fill("#f-opens_at", "2026-09-01T09:00")
    await page.fill("#f-closes_at", "2026-10-01T12:00")
    await page.fill("#f-ceiling", "one million")
    await page.select_option("#f-method", "ranking")
    await page.fill("#f-eligibility_criteria", "Activities in Utrecht\nOpen to everyone")
    await page.fill("#f-period_start", "2027-01-01")
    await page.fill("#f-period_end", "2027-12-31")
    await submit(page, "text=Save")
    assert "one million is not an amount" in await page.locator("#problems").inner_text()
    await accessible(page, "subsidies-round-form-problems")
    await page.fill("#f-ceiling", "100000")
    await submit(page, "text=Save")
    assert await page.locator("h1").inner_text() == "Sociale Prestatie en Dagondersteuning 2021"
    await page.check("#f-confirm-open")  # an irreversible step: confirmed
    await submit(page, "button:has-text('Open the round')")
    assert "method and ceiling are now fixed" in await page.locator("#messages").inner_text()

    # Import: a file with a bad row is refused as a whole, with the row and column named.
    bad = tmp_path / "portal-bad.xlsx"
    bad.write_bytes(
        xlsx(
            [
                row(*APPLICANTS[0], **{"Submitted at": "2026-09-15 10:00"}),
                row("Buurtteam", "123", "NL00BANK0000000000", "40000"),
            ]
        )
    )
    good = tmp_path / "portal.xlsx"
    good.write_bytes(xlsx([row(*a, **{"Submitted at": "2026-09-15 10:00"}) for a in APPLICANTS]))
    await page.click("text=Import applications")
    await page.set_input_files("#f-file", str(bad))
    await submit(page, "text=Check the file")
    alert = await page.locator(".utrecht-alert--error").inner_text()
    assert "nothing has been imported" in alert
    assert "Row 3, registration_number: 123 is not a valid KvK number" in alert
    assert "Row 3, iban: NL00BANK0000000000 is not a valid IBAN" in alert
    await accessible(page, "subsidies-import-refused")
    assert await Application.count() == 0
    await page.set_input_files("#f-file", str(good))
    await submit(page, "text=Check the file")
    assert "4 applications are ready to import" in await page.locator("main").inner_text()
    await submit(page, "text=Import all rows")
    # The import runs as a job (here the test runs it): its page says how it went and leads
    # back to the applications.
    assert "Waiting to start" in await page.locator("main").inner_text()
    await accessible(page, "job-waiting")
    await run_jobs()
    await page.reload()
    assert "4 applications have been imported" in await page.locator("main").inner_text()
    await submit(page, "text=Back")

    # Completeness and eligibility: three at once, the fourth fails a criterion.
    for checkbox in await page.locator("input[name=ids]").all():
        await checkbox.check()
    await submit(page, "button[value=complete]")
    for name in APPLICANTS[:3]:
        await page.get_by_label(f"Choose {name[0]}").check()
    await submit(page, "button[value=eligible]")
    assert "3 applications marked eligible" in await page.locator("#messages").inner_text()
    await accessible(page, "subsidies-applications")
    await page.get_by_role("link", name=APPLICANTS[3][0]).click()
    await page.get_by_label("Activities in Utrecht").check()
    await page.fill("#f-note", "Activities only for members")
    await submit(page, "text=Record eligibility")
    assert "The application is ineligible." in await page.locator("#messages").inner_text()
    await accessible(page, "subsidies-application")

    # Review through the scoring engine.
    round_id = (await SubsidyRound.select(SubsidyRound.id).first())["id"]
    await page.goto(f"{live_server.url}/subsidies/rounds/{round_id}")
    await submit(page, "text=Review the eligible applications")
    assert "/scoring/evaluations/" in page.url
    evaluation_id = int(re.search(r"/scoring/evaluations/(\d+)", page.url).group(1))
    await score_everything(
        officer,
        evaluator,
        evaluation_id,
        {APPLICANTS[0][0]: "9", APPLICANTS[1][0]: "8", APPLICANTS[2][0]: "7"},
    )
    await page.reload()
    await page.check("#f-confirm-finalise")  # an irreversible step: confirmed
    await submit(page, "button:has-text('Make quality final')")

    # Allocation with reasons; the officer moves money and decides.
    await page.goto(f"{live_server.url}/subsidies/rounds/{round_id}")
    await submit(page, "text=Propose the allocation")
    table = await page.locator("table").inner_text()
    assert "place 3 in the ranking; granted what was left of the budget: 25,000.00" in table
    await accessible(page, "subsidies-allocation")
    third = (
        await Application.select(Application.id)
        .where(Application.organisation.name == APPLICANTS[2][0])
        .first()
    )["id"]
    await page.click(f"text=Change {APPLICANTS[2][0]}")
    await page.fill(f"#f-amount-{third}", "20000")
    await page.fill(f"#f-reason-{third}", "Activities in two districts only")
    await submit(page, f"form[action$='/allocation/{third}'] button")
    assert (
        "changed by the officer: Activities in two districts only"
        in await page.locator("table").inner_text()
    )
    await page.check("#f-confirm-decide")  # an irreversible step: confirmed
    await submit(page, "button:has-text('Decide on every application as shown')")
    assert (
        "Decided: 2 granted, 1 partly granted, 0 refused."
        in await page.locator("#messages").inner_text()
    )
    budget = await page.locator(".budget").inner_text()
    assert "95,000.00" in budget
    await accessible(page, "subsidies-round")
    await page.click(".tab-list >> text=Payments")
    await accessible(page, "subsidies-payments")
    assert await Payment.count() == 6

    # The decision letters: sent once from the Letters tab, then listed for download.
    await page.click(".tab-list >> text=Letters")
    await accessible(page, "subsidies-letters-to-send")
    await page.check("#f-confirm-letters")  # an irreversible step: confirmed
    await submit(page, "button:has-text('Send the decision letters')")
    # Sending runs as a job: its page follows it (an htmx fragment that asks again every
    # two seconds) until the letters are sent, then leads back to the Letters tab.
    assert "Waiting to start" in await page.locator("#job-status").inner_text()
    await run_jobs()
    await page.wait_for_selector("#job-status >> text=4 decision letters have been sent.")
    await accessible(page, "job-done")
    await submit(page, "text=Back")
    letters = await page.locator("table").inner_text()
    assert APPLICANTS[2][0] in letters and "Subsidy grant decision" in letters
    async with page.expect_download() as download:
        await page.click("text=Download all (zip)")
    assert (await download.value).suggested_filename.endswith(".zip")
    await accessible(page, "subsidies-letters")
