"""Scoring in Chromium: an evaluator declares, scores (meeting a validation message) and submits;
the lead officer settles a flagged score in the consensus view and reads the ranking."""

import pytest

from scoring import service, sheets
from tests.scoring.conftest import make_scenario
from tests.support.browser import (
    console_errors,
    screenshot,
    serious_accessibility_violations,
    sign_in_page,
)
from tests.support.fixtures import TEST_PASSWORD

pytestmark = pytest.mark.browser


async def accessible(page, name: str) -> None:
    await screenshot(page, name)
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


async def test_evaluator_scores_and_officer_sees_consensus_and_ranking(
    db, live_server, page, make_user, make_authority
):
    s = await make_scenario(make_user, make_authority, spread_limit="30")
    browser_evaluator, colleague = s.evaluators
    await s.declare_all(colleague)
    for ref in ("bid:1", "bid:2", "bid:3"):
        await s.score(
            colleague,
            ref,
            {"Method": "2" if ref == "bid:2" else "8", "Team": "7", "Certified": "1"},
            justification="Colleague's view",
        )
    await sheets.submit_sheet(colleague, s.evaluation_id)
    await service.set_prices(
        s.officer,
        s.evaluation_id,
        {"bid:1": "95000", "bid:2": "80000", "bid:3": "120000"},
        by_owner=True,
    )
    criteria = await s.criteria()
    base = f"{live_server.url}/scoring/evaluations/{s.evaluation_id}"

    # The evaluator finds the evaluation on the dashboard and declares first.
    await sign_in_page(page, live_server, browser_evaluator.email, TEST_PASSWORD)
    await page.click("text=Household help, lot 1")
    assert await page.locator("h1").inner_text() == "Your scores"
    await page.click("text=Declare now")
    assert await page.locator("h1").inner_text() == "Conflicts of interest"
    await accessible(page, "scoring-declarations")
    await page.click("button[name=all_none]")
    await page.wait_for_load_state("networkidle")
    assert "3 declarations have been recorded." in await page.locator("#messages").inner_text()

    # Scores are saved as drafts while typing; an off-scale score is refused at once.
    await page.get_by_role("link", name="Zorg Plus BV").click()
    team, method, certified = criteria["Team"], criteria["Method"], criteria["Certified"]
    await page.fill(f"#f-value-{team}", "11")
    status = page.locator(f"#status-{team}")
    await status.filter(has_text="11 is above the maximum 10").wait_for()
    await accessible(page, "scoring-sheet-refused")
    await page.fill(f"#f-value-{team}", "7.5")
    await status.filter(has_text="Draft saved.").wait_for()
    await page.check(f"#value-{method}-5")  # the fifth level: 8 = good
    await page.fill(f"#f-justification-{method}", "A clear, tested method")
    await page.locator(f"#status-{method}").filter(has_text="Draft saved.").wait_for()
    await page.fill(f"#f-justification-{team}", "Experienced team")
    await status.filter(has_text="Draft saved.").wait_for()
    await page.check(f"#value-{certified}-2")  # Pass
    await page.locator(f"#status-{certified}").filter(has_text="Draft saved.").wait_for()
    # htmx saved those drafts within the Content-Security-Policy (no refused script or style).
    assert console_errors(page) == []

    # Submitting too early lists what is missing.
    await page.click("text=Back to your subjects")
    await page.check("#f-confirm-submit")
    await page.click("button:has-text('Submit my scores')")
    await page.wait_for_load_state("networkidle")
    problems = await page.locator("#problems").inner_text()
    assert "Thuishulp West · Method: No score yet" in problems
    assert await page.evaluate("document.activeElement.id") == "problems"
    await accessible(page, "scoring-sheet-problems")

    # The same without JavaScript's help: the whole form with its Save button.
    for name in ("Thuishulp West", "Samen Sterk"):
        await page.get_by_role("link", name=name).click()
        await page.check(f"#value-{method}-4")  # 6 = sufficient
        await page.fill(f"#f-justification-{method}", "Sufficient")
        await page.fill(f"#f-value-{team}", "6")
        await page.fill(f"#f-justification-{team}", "Adequate")
        await page.check(f"#value-{certified}-2")
        await page.click("text=Save my scores")
        await page.wait_for_load_state("networkidle")
        assert "Your draft scores have been saved." in await page.locator("#messages").inner_text()
        await page.click("text=Back to your subjects")
    await page.check("#f-confirm-submit")
    await page.click("button:has-text('Submit my scores')")
    await page.wait_for_load_state("networkidle")
    assert "Your scores have been submitted" in await page.locator("#messages").inner_text()

    # The lead officer sees the flag (8 against 2 on Thuishulp West's method) and settles it.
    await page.context.clear_cookies()
    await sign_in_page(page, live_server, s.officer.email, TEST_PASSWORD)
    for tab in ("overview", "criteria", "assignments"):
        await page.goto(base if tab == "overview" else f"{base}/{tab}")
        await accessible(page, f"scoring-{tab}")
    await page.goto(f"{base}/consensus")
    assert "1 flagged score still needs a consensus." in await page.locator("main").inner_text()
    await accessible(page, "scoring-consensus")
    await page.get_by_role("link", name="Thuishulp West").click()
    assert "Colleague's view" in await page.locator("main").inner_text()
    await page.fill(f"#f-value-{method}", "4")
    await page.fill(f"#f-justification-{method}", "Agreed: the method is moderate")
    await page.click("text=Record the consensus score")
    await page.wait_for_load_state("networkidle")
    assert "The consensus score has been recorded." in await page.locator("#messages").inner_text()
    await accessible(page, "scoring-consensus-subject")
    await page.goto(base)
    await page.check("#f-confirm-finalise")
    await page.click("button:has-text('Make quality final')")
    await page.wait_for_load_state("networkidle")
    assert "Quality is final." in await page.locator("#messages").inner_text()
    await page.click("nav.evaluation-tabs >> text=Ranking")
    table = await page.locator("table").inner_text()
    # Zorg Plus: 25 × 8/10 + 15 × 7.25/10 = 30.88 + 60 × 80,000 / 95,000 = 50.53 → 81.40
    # Thuishulp West: 25 × 4/10 (consensus) + 15 × 6.5/10 = 19.75 + 60.00 → 79.75
    assert table.index("Zorg Plus BV") < table.index("Thuishulp West") < table.index("Samen Sterk")
    assert "81.40" in table and "79.75" in table and "winner" in table
    await accessible(page, "scoring-ranking")
    await page.get_by_role("link", name="Zorg Plus BV").click()
    assert "A clear, tested method" in await page.locator("main").inner_text()
    await accessible(page, "scoring-ranking-explanation")
