"""The evaluator's scoresheet through the service: download, fill in with openpyxl, upload."""

from __future__ import annotations

import io
import string
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.styles import Font

from audit.tables import AuditEvent
from common.errors import DomainError, ValidationFailed
from documents.tables import StoredFile
from scoring import scoresheets, service, sheets
from scoring.tables import Score
from tests.scoring.conftest import make_scenario
from tests.scoring.scoresheet_support import edit, fill, rows_of, stored_scores


async def test_a_downloaded_sheet_lists_every_subject_and_criterion_with_drafts(scenario):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    await scenario.score(evaluator, "bid:2", {"Team": "6.5"}, justification="Solid team")
    download = await scoresheets.scoresheet(evaluator, scenario.evaluation_id)
    assert download.filename.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(download.data))
    assert wb.sheetnames == ["Instructions", "Scores", "tenderdesk"]
    assert wb["tenderdesk"].sheet_state == "veryHidden"
    ws = wb["Scores"]
    assert [c.value for c in ws[1]] == [
        "Subject",
        "Criterion",
        "Description",
        "Scale",
        "Score",
        "Justification",
    ]
    rows = rows_of(download.data)
    assert len(rows) == 9  # 3 subjects × (Method, Team, Certified)
    assert rows[0][:2] == ("Zorg Plus BV", "Plan of approach › Method")
    assert rows[0][3] == (
        "0 = insufficient, 2 = poor, 4 = moderate, 6 = sufficient, 8 = good, 10 = excellent"
    )
    team = next(r for r in rows if r[0] == "Thuishulp West" and r[1].endswith("Team"))
    assert team[4:] == (6.5, "Solid team")
    assert ws.freeze_panes == "C2"
    assert ws.protection.sheet
    assert ws["E2"].protection.locked is False and ws["F2"].protection.locked is False
    assert ws["A2"].protection.locked is not False
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    rules = {
        str(dv.sqref): (dv.type, dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
    }
    assert rules["E2 E5 E8"] == ("list", '"0,2,4,6,8,10"', None)
    assert rules["E3 E6 E9"] == ("decimal", "0", "10")
    assert rules["E4 E7 E10"] == ("list", '"0,1"', None)


async def test_round_trip_stores_the_scores_exactly(scenario):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    filled = fill(
        data,
        {
            2: (8, "Clear method"),
            3: (7.5, "Good team"),
            4: (1, ""),
            5: ("6", "Sufficient"),
            6: ("6,5", "Fine"),
            7: (0, "No certificate"),
        },
    )
    summary = await scoresheets.import_scoresheet(
        evaluator, scenario.evaluation_id, "mine.xlsx", filled
    )
    assert (summary.rows, summary.added, summary.changed, summary.removed) == (9, 6, 0, 0)
    assert not summary.submitted
    assert await stored_scores(evaluator, scenario) == {
        ("bid:1", "Method"): (Decimal("8"), "Clear method"),
        ("bid:1", "Team"): (Decimal("7.5"), "Good team"),
        ("bid:1", "Certified"): (Decimal("1"), ""),
        ("bid:2", "Method"): (Decimal("6"), "Sufficient"),
        ("bid:2", "Team"): (Decimal("6.5"), "Fine"),
        ("bid:2", "Certified"): (Decimal("0"), "No certificate"),
    }
    # Downloading again gives the drafts back; changing one and emptying one is summarised.
    again = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    summary = await scoresheets.import_scoresheet(
        evaluator,
        scenario.evaluation_id,
        "mine.xlsx",
        fill(again, {3: (9, "Good team"), 4: (None, None)}),
    )
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (0, 1, 1, 7)
    assert [(c.cell, c.before, c.after) for c in summary.changes] == [
        ("Scores!E3", Decimal("7.5"), Decimal("9")),
        ("Scores!E4", Decimal("1"), None),
    ]
    scores = await stored_scores(evaluator, scenario)
    assert scores[("bid:1", "Team")] == (Decimal("9"), "Good team")
    assert ("bid:1", "Certified") not in scores
    events = await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.action == "scoresheet.imported"
    )
    assert len(events) == 2
    assert await StoredFile.count() == 2


async def test_submit_ticked_makes_the_sheet_final(scenario):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    values = {
        row: (8 if row % 3 == 2 else (7 if row % 3 == 0 else 1), "Because") for row in range(2, 11)
    }
    await scoresheets.import_scoresheet(
        evaluator, scenario.evaluation_id, "s.xlsx", fill(data, values), submit=True
    )
    view = await sheets.sheet(evaluator, scenario.evaluation_id)
    assert view.submitted_at is not None
    status = await service.status(scenario.officer, scenario.evaluation_id)
    assert status.sheets_submitted == 1


async def test_submit_needs_every_score(scenario):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    with pytest.raises(ValidationFailed) as refused:
        await scoresheets.import_scoresheet(
            evaluator, scenario.evaluation_id, "s.xlsx", fill(data, {2: (8, "Good")}), submit=True
        )
    rendered = [p.render() for p in refused.value.problems]
    assert "Scores!E3: a score is required to submit" in rendered
    assert len(rendered) == 8
    assert await Score.count() == 0
    assert (await sheets.sheet(evaluator, scenario.evaluation_id)).submitted_at is None


async def test_blind_sheets_show_codes_and_wait_for_every_declaration(make_user, make_authority):
    s = await make_scenario(make_user, make_authority, blind=True)
    evaluator = s.evaluators[0]
    with pytest.raises(DomainError, match="Declare whether"):
        await scoresheets.scoresheet(evaluator, s.evaluation_id)
    await s.declare_all(evaluator)
    rows = rows_of((await scoresheets.scoresheet(evaluator, s.evaluation_id)).data)
    codes = sorted((await s.codes()).values())
    assert [r[0] for r in rows[::3]] == codes
    assert not any("Zorg" in str(cell) for r in rows for cell in r)


async def test_no_sheet_before_scoring_starts(make_user, make_authority):
    s = await make_scenario(make_user, make_authority, freeze=False)
    await s.declare_all(s.evaluators[0])
    with pytest.raises(DomainError, match="Scoring has not started"):
        await scoresheets.scoresheet(s.evaluators[0], s.evaluation_id)


async def test_the_instructions_are_in_the_evaluators_language_with_the_deadline(
    make_user, make_authority
):
    s = await make_scenario(make_user, make_authority)
    await service.set_scores_due(s.officer, s.evaluation_id, "2026-12-01T17:00")
    evaluator = s.evaluators[0]
    dutch = type(evaluator)(
        evaluator.id, evaluator.email, evaluator.name, evaluator.role, "nl", evaluator.authority_ids
    )
    await s.declare_all(dutch)
    wb = load_workbook(io.BytesIO((await scoresheets.scoresheet(dutch, s.evaluation_id)).data))
    assert wb.sheetnames[0] == "Instructies"
    text = "\n".join(
        str(c) for row in wb["Instructies"].iter_rows(values_only=True) for c in row if c
    )
    assert "Scores uiterlijk" in text
    assert "1 dec 2026, 17:00" in text
    assert "Een getal van 0 tot en met 10 in stappen van 0.5" in text
    header = [c.value for c in wb["Scores"][1]]
    assert header == ["Inzending", "Criterium", "Beschrijving", "Schaal", "Score", "Onderbouwing"]


async def test_scores_due_is_entered_in_local_time_and_stored_in_utc(scenario):
    view = await service.set_scores_due(
        scenario.officer, scenario.evaluation_id, "2026-07-01T12:00"
    )
    assert view.scores_due_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # summer time
    view = await service.set_scores_due(
        scenario.officer, scenario.evaluation_id, "2026-12-01T12:00"
    )
    assert view.scores_due_at == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    events = (
        await AuditEvent.select(AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.action == "evaluation.scores_due_set")
        .order_by(AuditEvent.id)
    )
    assert len(events) == 2
    view = await service.set_scores_due(scenario.officer, scenario.evaluation_id, "")
    assert view.scores_due_at is None
    with pytest.raises(ValidationFailed) as refused:
        await service.set_scores_due(scenario.officer, scenario.evaluation_id, "tomorrow")
    assert refused.value.problems[0].location == "scores_due_at"
    with pytest.raises(DomainError):
        await service.set_scores_due(
            scenario.evaluators[0], scenario.evaluation_id, "2026-12-01T12:00"
        )


async def test_a_sheet_restyled_and_reordered_as_excel_saves_it_still_imports(scenario):
    """Excel re-orders sheets and parts, re-styles cells, turns whole numbers into floats
    and keeps text a user typed into a text-formatted cell as text."""
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data

    def like_excel(wb) -> None:
        wb._sheets.reverse()  # the hidden sheet first, instructions last
        wb.active = 1
        ws = wb["Scores"]
        for row in ws.iter_rows():
            for cell in row:
                cell.font = Font(name="Calibri", size=12, italic=True)
        ws.column_dimensions["F"].width = 90
        ws["E2"], ws["F2"] = 8.0, "Clear method"
        ws["E3"], ws["F3"] = "7,5", "Typed in a text cell"
        ws["E6"], ws["F6"] = 6.0, "Fine"

    summary = await scoresheets.import_scoresheet(
        evaluator, scenario.evaluation_id, "excel.xlsx", edit(data, like_excel)
    )
    assert summary.added == 3
    scores = await stored_scores(evaluator, scenario)
    assert scores[("bid:1", "Team")] == (Decimal("7.5"), "Typed in a text cell")
    assert scores[("bid:1", "Method")] == (Decimal("8"), "Clear method")


async def test_a_column_inserted_left_of_the_score_moves_the_columns_read(scenario):
    """Issue 15: the sheet protection has no password; a column inserted left of Score used
    to store every score empty. Columns are found by their header."""
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data

    def insert(wb):
        ws = wb["Scores"]
        ws.protection.sheet = False
        ws.insert_cols(5)
        ws["E1"] = "My notes"
        ws["E2"] = "looked twice"

    filled = fill(
        edit(data, insert), {2: (8, "Clear method"), 3: (7.5, "Good team")}, columns=("F", "G")
    )
    summary = await scoresheets.import_scoresheet(
        evaluator, scenario.evaluation_id, "inserted.xlsx", filled
    )
    assert summary.added == 2
    scores = await stored_scores(evaluator, scenario)
    assert scores == {
        ("bid:1", "Method"): (Decimal("8"), "Clear method"),
        ("bid:1", "Team"): (Decimal("7.5"), "Good team"),
    }


async def test_a_changed_score_header_is_refused_naming_its_cell(scenario):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    data = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data

    def rename(wb):
        wb["Scores"]["E1"] = "Points"

    with pytest.raises(ValidationFailed) as refused:
        await scoresheets.import_scoresheet(
            evaluator,
            scenario.evaluation_id,
            "renamed.xlsx",
            fill(edit(data, rename), {2: (8, "Clear")}),
        )
    assert [p.render() for p in refused.value.problems] == [
        "Scores!E1: the column Score is missing or its header was changed; download a new sheet"
    ]


def _valid_score(criterion: str) -> st.SearchStrategy:
    """A score the scenario's scale for ``criterion`` allows, or an empty cell."""
    if criterion.endswith("Method"):
        allowed = st.sampled_from([0, 2, 4, 6, 8, 10])
    elif criterion.endswith("Team"):
        allowed = st.integers(0, 20).map(lambda halves: Decimal(halves) / 2)
    else:
        allowed = st.sampled_from([0, 1])
    return st.one_of(st.none(), allowed)


# (A fail or a score below a criterion's minimum needs one: every typed score gets one here.)
JUSTIFICATIONS = (
    st.text(string.ascii_letters + string.digits + " .,;:!?()'éëøåłż", min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
async def test_any_valid_fill_is_stored_exactly_as_typed(scenario, data):
    """Issue 15, through the database: whatever valid scores and justifications an evaluator
    types into the sheet, the import stores exactly those (an empty row: nothing)."""
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    sheet = (await scoresheets.scoresheet(evaluator, scenario.evaluation_id)).data
    refs = {
        name: ref
        for ref, name in (
            ("bid:1", "Zorg Plus BV"),
            ("bid:2", "Thuishulp West"),
            ("bid:3", "Samen Sterk"),
        )
    }
    typed = {}
    for number, row in enumerate(rows_of(sheet), start=2):
        value = data.draw(_valid_score(row[1]))
        typed[number] = (value, data.draw(JUSTIFICATIONS) if value is not None else "", row)
    filled = fill(sheet, {n: (v, j or None) for n, (v, j, _) in typed.items()})
    await scoresheets.import_scoresheet(evaluator, scenario.evaluation_id, "mine.xlsx", filled)
    assert await stored_scores(evaluator, scenario) == {
        (refs[row[0]], row[1].rsplit(" › ", 1)[-1]): (Decimal(str(value)), text)
        for value, text, row in typed.values()
        if value is not None
    }
