"""Every file of the bad-scoresheet corpus is refused with its messages, and nothing changes.

The files are built by scripts/build_bad_scoresheets.py for the evaluation of
tests/documents/scoresheet_corpus.py, set up here on the empty test database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from audit.tables import AuditEvent
from common.errors import ValidationFailed
from documents.tables import StoredFile
from scoring import scoresheets, service, sheets
from scoring.tables import Assignment, Consensus, Score
from tests.documents import scoresheet_corpus as corpus

Setup = Callable[[corpus.Corpus], Awaitable[None]]


async def _reopen_and_rename(found: corpus.Corpus) -> None:
    await service.reopen_criteria(found.officer, found.evaluation_id, "Team was unclear")
    tree = await service.criteria(found.officer, found.evaluation_id)
    team = next(c for c in tree.criteria if c.name == "Team")
    from scoring.controllers import criterion_values

    await service.update_criterion(found.officer, found.evaluation_id, team.id,
                                   {**criterion_values(team), "name": "Team and staff",
                                    "scale_max": "5"})
    await service.freeze_criteria(found.officer, found.evaluation_id)


async def _declare_conflict(found: corpus.Corpus) -> None:
    subjects = {s.ref: s.id for s in await service.list_subjects(found.officer,
                                                                 found.evaluation_id)}
    await sheets.declare(found.evaluators[0], found.evaluation_id,
                         {subjects["bid:2"]: ("conflict", "My sister works there")})


async def _narrow_assignment(found: corpus.Corpus) -> None:
    subjects = {s.ref: s.id for s in await service.list_subjects(found.officer,
                                                                 found.evaluation_id)}
    await service.assign(found.officer, found.evaluation_id, found.evaluators[0].id,
                         [subjects["bid:1"], subjects["bid:2"]])


async def _submit(found: corpus.Corpus) -> None:
    evaluator = found.evaluators[0]
    tree = await service.criteria(found.officer, found.evaluation_id)
    ids = {c.name: c.id for c in tree.criteria}
    for code in ("C1", "C2", "C3"):
        await sheets.save_scores(evaluator, found.evaluation_id, code, {
            ids[name]: (corpus.VALID[n][0], corpus.VALID[n][1] or "ok")
            for n, name in enumerate(corpus.CRITERIA)})
    await sheets.submit_sheet(evaluator, found.evaluation_id)


NOT_XLSX = "file: {name} is not an Excel workbook (.xlsx)"
CASES: dict[str, tuple[list[str], Setup | None]] = {
    "not_a_zip.xlsx": ([NOT_XLSX.format(name="not_a_zip.xlsx")], None),
    "zip_without_workbook.xlsx": ([NOT_XLSX.format(name="zip_without_workbook.xlsx")], None),
    "macros.xlsm": (["file: macros.xlsm is a workbook with macros; save it as an Excel "
                     "workbook (.xlsx) without macros"], None),
    "vba_inside.xlsx": (["file: vba_inside.xlsx contains macros; save it as an Excel workbook "
                         "(.xlsx) without macros"], None),
    "too_large.xlsx": (["file: The file is larger than 5 MB"], None),
    "zip_bomb.xlsx": (["file: The workbook unpacks to more than 50 MB"], None),
    "compression_ratio.xlsx": (["file: The workbook is compressed more than 100 times; it is "
                                "refused as a possible zip bomb"], None),
    "no_signature.xlsx": (["file: The sheet has no signature: it was not made by tenderdesk, "
                           "or was copied into another workbook; download a new one"], None),
    "tampered_ids.xlsx": (["tenderdesk: The signature does not match: the sheet was changed "
                           "outside the score cells, or was not made by this server; download "
                           "a new sheet"], None),
    "tampered_labels.xlsx": (["tenderdesk: The signature does not match: the sheet was changed "
                              "outside the score cells, or was not made by this server; "
                              "download a new sheet"], None),
    "other_evaluator.xlsx": (["file: This sheet belongs to another evaluator; download your "
                              "own sheet"], None),
    "consensus_as_scoresheet.xlsx": (["file: This is a consensus workbook, not a scoresheet"],
                                     None),
    "criteria_changed.xlsx": (["Scores: the criteria were reopened since this sheet was made "
                               "(version 1, now 2); download a new sheet",
                               "Scores: the criterion Team and staff changed since this sheet "
                               "was made; download a new sheet"], _reopen_and_rename),
    "rows_moved.xlsx": ([
        "Scores!A3: the row Thuishulp West · Plan of approach › Team was moved; it belongs on "
        "row 7",
        "Scores!A7: the row Zorg Plus BV · Plan of approach › Team was moved; it belongs on "
        "row 3"], None),
    "row_added.xlsx": (["Scores!A14: a row was added (Extra BV · Plan of approach › Method); "
                        "rows cannot be added"], None),
    "row_removed.xlsx": (["Scores!A13: the row for Samen Sterk · Certified was removed"], None),
    "text_and_formulas.xlsx": (["Scores!E2: good is text, not a number",
                                "Scores!E3: a formula is not a score; type the number",
                                "Scores!F4: a formula is not a justification; type the text"],
                               None),
    "decimals_on_whole_scale.xlsx": (["Scores!E7: 7.5 has decimals; this scale has whole "
                                      "numbers only"], None),
    "off_the_scale.xlsx": (["Scores!E6: 5 is not one of the levels 0, 2, 4, 6, 8, 10",
                            "Scores!E7: 11 is above the maximum 10",
                            "Scores!E8: -1 is below the minimum 0",
                            "Scores!E9: 2 is not one of the levels 0, 1",
                            "Scores!E12: 6.25 is not in steps of 0.5 from 0"], None),
    "justification_missing.xlsx": (["Scores!F8: justification is required",
                                    "Scores!F13: justification is required"], None),
    "conflict.xlsx": (["Scores!A6: you declared a conflict of interest with Thuishulp West; its "
                       "rows cannot be stored"], _declare_conflict),
    "no_longer_assigned.xlsx": (["Scores!A10: Samen Sterk is no longer on your sheet; its rows "
                                 "cannot be stored"], _narrow_assignment),
    "already_submitted.xlsx": (["Scores: your scores have already been submitted as final; "
                                "ask the lead officer to reopen your sheet"], _submit),
    "every_problem_at_once.xlsx": (["Scores!E7: 11 is above the maximum 10",
                                    "Scores!F8: justification is required",
                                    "Scores!E10: a formula is not a score; type the number",
                                    "Scores!E11: 6.5 has decimals; this scale has whole numbers "
                                    "only"], None),
}


def test_the_corpus_has_a_file_for_every_case() -> None:
    assert sorted(p.name for p in corpus.CORPUS.iterdir() if p.suffix.startswith(".xls")) == \
        sorted(CASES)


async def _snapshot() -> dict[str, Any]:
    return {
        "scores": await Score.select(Score.assignment, Score.subject, Score.criterion,
                                     Score.value, Score.justification).order_by(Score.id),
        "consensus": await Consensus.count(),
        "files": await StoredFile.count(),
        "submitted": await Assignment.select(Assignment.id, Assignment.submitted_at)
        .order_by(Assignment.id),
        "imports": await AuditEvent.count().where(AuditEvent.action == "scoresheet.imported"),
    }


@pytest.mark.parametrize("name", sorted(CASES))
async def test_each_bad_file_is_refused_with_every_problem_and_nothing_stored(
        db, monkeypatch, name: str) -> None:
    monkeypatch.setattr(scoresheets, "_key", lambda: corpus.KEY)
    found = await corpus.build_evaluation()
    assert found.evaluation_id == 1, "the test database must be empty (ids from 1)"
    expected, setup = CASES[name]
    if setup is not None:
        await setup(found)
    before = await _snapshot()
    data = (corpus.CORPUS / name).read_bytes()
    with pytest.raises(ValidationFailed) as refused:
        await scoresheets.import_scoresheet(found.evaluators[0], found.evaluation_id, name,
                                            data, submit=False)
    assert [p.render() for p in refused.value.problems] == expected
    assert await _snapshot() == before


async def test_a_complete_corpus_sheet_is_accepted(db, monkeypatch) -> None:
    """The corpus files differ from a good sheet only by their fault: the same sheet filled in
    correctly is stored."""
    monkeypatch.setattr(scoresheets, "_key", lambda: corpus.KEY)
    found = await corpus.build_evaluation()
    sheet = (await scoresheets.scoresheet(found.evaluators[0], found.evaluation_id)).data
    summary = await scoresheets.import_scoresheet(
        found.evaluators[0], found.evaluation_id, "good.xlsx",
        corpus.filled(sheet, corpus.complete_values()), submit=True)
    assert (summary.added, summary.submitted) == (12, True)
