"""Scoresheets saved again by LibreOffice Calc read back the same; the sheet prints to PDF.

CI installs LibreOffice and sets TENDERDESK_REQUIRE_TOOLS=1, so these fail there rather than
skip when soffice is missing.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from common.errors import ValidationFailed
from documents import office
from scoring import scoresheets, sheets
from scoring.tables import Consensus
from tests.scoring.conftest import make_scenario
from tests.scoring.scoresheet_support import fill, libreoffice_edit, rows_of, stored_scores
from tests.support.browser import require_tool

pytestmark = pytest.mark.office


async def test_a_sheet_filled_and_saved_by_libreoffice_imports(scenario):
    require_tool(office.available(), "LibreOffice")
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    await scenario.score(evaluator, "bid:3", {"Team": "4"}, justification="=B2 is not a formula")
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    filled = fill(
        data,
        {
            2: (8, "Clear method"),
            3: (7.5, "Ervaren team; ‘quotes’ & <tags>"),
            4: (1, ""),
            5: (0, "- a dash, then text"),
            6: (10, "Line one\nline two"),
        },
    )
    resaved = await office.convert(filled, ".xlsx", "xlsx")
    assert resaved != filled
    assert rows_of(resaved) == rows_of(filled)
    summary = await scoresheets.import_scoresheet(
        evaluator, scenario.evaluation_id, "libreoffice.xlsx", resaved
    )
    assert (summary.added, summary.changed, summary.removed) == (5, 0, 0)
    scores = await stored_scores(evaluator, scenario)
    assert scores == {
        ("bid:1", "Method"): (Decimal("8"), "Clear method"),
        ("bid:1", "Team"): (Decimal("7.5"), "Ervaren team; ‘quotes’ & <tags>"),
        ("bid:1", "Certified"): (Decimal("1"), ""),
        ("bid:2", "Method"): (Decimal("0"), "- a dash, then text"),
        ("bid:2", "Team"): (Decimal("10"), "Line one\nline two"),
        ("bid:3", "Team"): (Decimal("4"), "=B2 is not a formula"),
    }


async def test_a_sheet_saved_by_libreoffice_keeps_its_problems_located(scenario):
    require_tool(office.available(), "LibreOffice")
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    resaved = await office.convert(fill(data, {6: (11, "Too much")}), ".xlsx", "xlsx")
    with pytest.raises(ValidationFailed) as refused:
        await scoresheets.import_scoresheet(evaluator, scenario.evaluation_id, "lo.xlsx", resaved)
    assert [p.render() for p in refused.value.problems] == ["Scores!E6: 11 is above the maximum 10"]


@pytest.mark.parametrize("insert_column", [False, True])
async def test_cells_typed_by_libreoffice_itself_round_trip(scenario, insert_column):
    """Issue 15: a Basic macro in headless LibreOffice unprotects the sheet, inserts a column
    left of Score (or not), types scores and saves; exactly those are stored."""
    require_tool(office.available(), "LibreOffice")
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    edited = await asyncio.to_thread(libreoffice_edit, data, insert_column)
    summary = await scoresheets.import_scoresheet(
        evaluator, scenario.evaluation_id, "macro.xlsx", edited
    )
    assert (summary.added, summary.changed, summary.removed) == (2, 0, 0)
    assert await stored_scores(evaluator, scenario) == {
        ("bid:1", "Method"): (Decimal("8"), "Clear method"),
        ("bid:1", "Team"): (Decimal("7.5"), "Good team, & more"),
    }


async def test_the_generated_sheet_converts_to_pdf(scenario):
    require_tool(office.available(), "LibreOffice")
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    pdf = await office.convert(data, ".xlsx", "pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000


async def test_a_consensus_workbook_saved_by_libreoffice_imports(make_user, make_authority):
    require_tool(office.available(), "LibreOffice")
    s = await make_scenario(make_user, make_authority, spread_limit="30")
    for evaluator, method in zip(s.evaluators, ("8", "2"), strict=True):
        await s.declare_all(evaluator)
        for ref in ("bid:1", "bid:2", "bid:3"):
            await s.score(evaluator, ref, {"Method": method, "Team": "7", "Certified": "1"})
        await sheets.submit_sheet(evaluator, s.evaluation_id)
    data = (await scoresheets.consensus_workbook(s.officer, s.evaluation_id)).data
    filled = fill(
        data, {2: (6, "Agreed"), 5: (4, "Moderate")}, sheet="Consensus", columns=("K", "L")
    )
    resaved = await office.convert(filled, ".xlsx", "xlsx")
    summary = await scoresheets.import_consensus(s.officer, s.evaluation_id, "c.xlsx", resaved)
    assert summary.added == 2
    values = sorted((r["value"], r["justification"]) for r in await Consensus.select())
    assert values == [(Decimal("4"), "Moderate"), (Decimal("6"), "Agreed")]
    pdf = await office.convert(data, ".xlsx", "pdf")
    assert pdf.startswith(b"%PDF")
