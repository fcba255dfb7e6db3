"""An applicant in Chromium: signs in to the portal, applies in an open round (the form with
two budget rows and the declarations, an attachment, submitted), the officer decides a grant
(through the services) and sends the letters, and the applicant sees the decision and its
letter, accepts the grant, sends the activity report and the settlement request and sees
its payments. axe-core on the form and on the decided application."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from organisations.tables import Organisation
from portal.demo import DEMO_APPLICANT
from portal.service import accounts as portal_accounts
from portal.tables import PortalAccount, PortalMembership
from subsidies import letters, service
from subsidies.tables import Application, Report
from tests.browser.test_crawl import demo, page_problems, portal_crawl, portal_in_chromium  # noqa: F401
from tests.portal.subsidy import CRITERIA, open_round, window
from tests.portal.support import PORTAL_PASSWORD, register_and_verify
from tests.support.browser import console_errors, screenshot, serious_accessibility_violations
from tests.tenders.conftest import KVK, World, fixed_clock, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

EMAIL = "aanvrager@zorgplus.example"


async def no_violations(page, where: str) -> None:
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{where}: " + "\n".join(violations)


async def _approved_applicant(scene_world: World, client_factory) -> int:
    async with client_factory() as client:
        await register_and_verify(client, EMAIL, KVK[0], "Zorg Plus BV")
    organisation = (
        await Organisation.select(Organisation.id)
        .where(Organisation.registration_number == KVK[0])
        .first()
    )
    account = (
        await PortalAccount.select(PortalAccount.id).where(PortalAccount.email == EMAIL).first()
    )
    membership = (
        await PortalMembership.select(PortalMembership.id)
        .where(PortalMembership.account == account["id"])
        .first()
    )
    await portal_accounts.decide_as_officer(
        scene_world.officer, organisation["id"], membership["id"], True, "signatory"
    )
    return organisation["id"]


async def test_an_applicant_applies_is_granted_accepts_and_reports(
    db,
    live_server,
    page,
    world: World,  # noqa: F811
    client_factory,
    tmp_path,
):
    await _approved_applicant(world, client_factory)
    # The live server runs on the real clock: a round open now.
    now = datetime.now(UTC)
    round_id = await open_round(
        world.officer,
        world.authority["id"],
        **window(now, timedelta(days=10), title="Ontmoeting in de wijk 2027"),
    )

    await page.goto(f"{live_server.url}/portal/login")
    await page.get_by_label("Email address").fill(EMAIL)
    password = page.get_by_label("Password")
    await password.fill(PORTAL_PASSWORD)
    await password.press("Enter")
    await page.wait_for_selector("h1:has-text('My account')")
    await page.get_by_role("link", name="Subsidies").click()
    await page.get_by_role("link", name="Rounds that take applications").click()
    await page.get_by_role("link", name="Ontmoeting in de wijk 2027").click()
    await page.get_by_role("button", name="Start an application").click()
    await page.wait_for_selector("h1:has-text('Application')")
    await no_violations(page, "application form")

    await page.get_by_label("Title").fill("Koffie en ontmoeting")
    await page.get_by_label("Activity plan").fill("Wekelijkse ontmoetingen voor mantelzorgers")
    await page.get_by_label("Target group").fill("Mantelzorgers")
    await page.get_by_label("Expected participants").fill("40")
    await page.get_by_label("Requested amount").fill("40000")
    await page.get_by_label("Own contribution").fill("2000")
    await page.get_by_label("Description of row 1").fill("Begeleiding")
    await page.get_by_label("Amount of row 1").fill("30000")
    await page.get_by_role("button", name="Add a budget row").click()
    await page.get_by_label("Description of row 2").fill("Huur ruimte")
    await page.get_by_label("Amount of row 2").fill("12000")
    for criterion in CRITERIA:
        await page.get_by_label(criterion).check()
    await page.get_by_role("button", name="Save as draft").click()
    await page.wait_for_selector("text=The draft has been saved.")
    plan = tmp_path / "activiteitenplan.pdf"
    plan.write_bytes(b"%PDF-1.4 het plan")
    await page.get_by_label("Add an attachment").set_input_files(str(plan))
    await page.get_by_role("button", name="Upload").click()
    await page.wait_for_selector("text=activiteitenplan.pdf has been added.")
    await page.get_by_role("button", name="Submit the application").click()
    await page.wait_for_selector("text=Your application has been submitted.")
    assert "Submitted" in await page.locator("#state").inner_text()
    [application] = await Application.select().where(Application.round == round_id)
    assert application["state"] == "submitted" and application["submitted_by"] == f"portal:{EMAIL}"
    assert '"Huur ruimte"' in application["budget_lines"]

    # The officer's side, through the services: complete, eligible, decided after the close.
    officer = world.officer
    await service.act(officer, application["id"], "complete")
    await service.mark_eligibility(officer, application["id"], list(CRITERIA), "")
    world.clock.set(now + timedelta(days=11))
    await service.propose_allocation(officer, round_id)
    await service.decide(officer, round_id)
    await letters.send_decision_letters(officer, round_id)

    await page.reload()
    assert "Granted" in await page.locator("#decision-outcome").inner_text()
    assert "40,000.00" in await page.locator("#granted").inner_text()
    letter = page.locator("a[href^='/portal/inbox/letters/']")  # the decision letter
    assert await letter.count() == 1 and ".docx" in await letter.inner_text()
    await no_violations(page, "decided application")
    await page.get_by_role("button", name="Accept the grant").click()
    await page.wait_for_selector("text=You have accepted the grant.")
    assert EMAIL in await page.locator("#accepted").inner_text()

    report = tmp_path / "activiteitenverslag.pdf"
    report.write_bytes(b"%PDF-1.4 het verslag")
    await page.get_by_label("Upload the report").set_input_files(str(report))
    await page.get_by_role("button", name="Send the report").click()
    await page.wait_for_selector("text=The report has been received.")
    [due] = await Report.select().where(Report.application == application["id"])
    assert due["received_at"] is not None and due["file"] is not None

    request = tmp_path / "afrekening.pdf"
    request.write_bytes(b"%PDF-1.4 de afrekening")
    await page.get_by_label("Amount to settle the grant at").fill("39000")
    await page.get_by_label("Settlement request").set_input_files(str(request))
    await page.get_by_role("button", name="Request the settlement").click()
    await page.wait_for_selector("text=Your settlement request has been received.")
    main = await page.locator("main").inner_text()
    assert "Advance" in main and "Scheduled" in main  # the payments of the grant
    assert "afrekening.pdf" in main and "activiteitenverslag.pdf" in main
    await screenshot(page, "portal-application-granted")
    assert not console_errors(page)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="renders pages; once, on SQLite, is enough",
)
async def test_the_demo_applicants_pages_in_every_language(demo, live_server, browser):  # noqa: F811
    """The demo applicant's portal (its grant, its draft form, the rounds), as the supplier's
    is crawled: the same checks in each language; axe on the Dutch pages, phone width."""
    password = demo[DEMO_APPLICANT]
    problems: list[str] = []
    urls: list[str] = []
    for language, pages in (
        await portal_crawl(DEMO_APPLICANT, password, "/portal/applications")
    ).items():
        own = [url for url in pages if url.startswith("/portal/applications/")]
        if len(own) < 2:  # the grant and the draft
            problems.append(f"applicant [{language}] reached only {list(pages)}")
        for url, (status, body) in pages.items():
            problems += page_problems(f"applicant [{language}] {url}", language, status, body)
            if url.startswith(("/portal/applications", "/portal/rounds")) and url not in urls:
                urls.append(url)
    assert not problems, "\n".join(sorted(set(problems)))
    problems = await portal_in_chromium(
        browser, live_server, DEMO_APPLICANT, password, urls, "applicant"
    )
    assert not problems, "\n".join(problems)
