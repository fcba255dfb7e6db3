"""The Excel round trip in Chromium: an evaluator downloads their scoresheet, uploads it with two
mistakes, reads both cells named, fixes them, uploads again and finds the scores on the page;
the lead officer sets the deadline and downloads the consensus workbook."""

from __future__ import annotations

import pytest

from tests.scoring.conftest import make_scenario
from tests.scoring.scoresheet_support import fill, rows_of
from tests.support.browser import screenshot, serious_accessibility_violations, sign_in_page
from tests.support.fixtures import TEST_PASSWORD

pytestmark = pytest.mark.browser


async def accessible(page, name: str) -> None:
    await screenshot(page, name)
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


async def test_evaluator_round_trip_through_excel(
    db, live_server, page, make_user, make_authority, tmp_path
):
    s = await make_scenario(make_user, make_authority)
    evaluator = s.evaluators[0]
    await s.declare_all(evaluator)
    base = f"{live_server.url}/scoring/evaluations/{s.evaluation_id}"

    # The lead officer sets when the scores are due.
    await sign_in_page(page, live_server, s.officer.email, TEST_PASSWORD)
    await page.goto(base)
    await page.fill("#f-scores_due_at", "2026-12-01T17:00")
    await page.click("text=Save the deadline")
    await page.wait_for_load_state("networkidle")
    assert (
        "The deadline for the scores has been saved."
        in await page.locator("#messages").inner_text()
    )
    await accessible(page, "scoresheets-overview")
    await page.context.clear_cookies()

    await sign_in_page(page, live_server, evaluator.email, TEST_PASSWORD)
    await page.goto(f"{base}/sheet")
    assert "Scores are due on 1 Dec 2026, 17:00" in await page.locator("main").inner_text()
    async with page.expect_download() as waiting:
        await page.click("text=Download my scoresheet (.xlsx)")
    download = await waiting.value
    blank = tmp_path / "blank.xlsx"
    await download.save_as(str(blank))
    assert len(rows_of(blank.read_bytes())) == 9

    values = {
        2: (8, "Clear method"),
        3: (11, "Strong team"),
        4: (1, ""),
        5: (6, None),
        6: (6.5, "Adequate"),
        7: (1, ""),
        8: (4, "Vague"),
        9: (5, "Small team"),
        10: (0, "No certificate"),
    }
    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(fill(blank.read_bytes(), values))
    await page.set_input_files("#f-file", str(wrong))
    await page.click("text=Upload the workbook")
    await page.wait_for_load_state("networkidle")
    problems = await page.locator("#upload-problems").inner_text()
    assert "The workbook was not stored: 2 problems" in problems
    assert "Scores!E3: 11 is above the maximum 10" in problems
    assert "Scores!F5: justification is required" in problems
    await accessible(page, "scoresheets-upload-problems")

    right = tmp_path / "right.xlsx"
    right.write_bytes(
        fill(blank.read_bytes(), {**values, 3: (9.5, "Strong team"), 5: (6, "Sufficient method")})
    )
    await page.set_input_files("#f-file", str(right))
    await page.check("#f-submit")
    await page.click("text=Upload the workbook")
    await page.wait_for_load_state("networkidle")
    main = await page.locator("main").inner_text()
    assert "Your scores have been stored and submitted." in main
    assert "Scores!E3" in main and "9.5" in main
    await accessible(page, "scoresheets-upload-result")

    await page.click("text=Back to your scores")
    await page.wait_for_load_state("networkidle")
    assert "You submitted your scores" in await page.locator("main").inner_text()
    await page.get_by_role("link", name="Zorg Plus BV").click()
    await page.wait_for_load_state("networkidle")
    team = (await s.criteria())["Team"]
    assert await page.locator(f"#f-value-{team}").input_value() == "9.5"
    assert await page.locator(f"#f-justification-{team}").input_value() == "Strong team"

    # The lead officer downloads the consensus workbook.
    await page.context.clear_cookies()
    await sign_in_page(page, live_server, s.officer.email, TEST_PASSWORD)
    await page.goto(f"{base}/consensus")
    await page.click("text=Consensus workbook (Excel)")
    await accessible(page, "scoresheets-consensus")
    async with page.expect_download() as waiting:
        await page.click("text=Download the consensus workbook (.xlsx)")
    workbook = tmp_path / "consensus.xlsx"
    await (await waiting.value).save_as(str(workbook))
    rows = rows_of(workbook.read_bytes(), "Consensus")
    assert rows[1][:4] == (
        "Zorg Plus BV",
        "Plan of approach › Team",
        "A number from 0 to 10 in steps of 0.5",
        9.5,
    )
