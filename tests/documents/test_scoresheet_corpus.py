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

    await service.update_criterion(
        found.officer,
        found.evaluation_id,
        team.id,
        {**criterion_values(team), "name": "Team and staff", "scale_max": "5"},
    )
    await service.freeze_criteria(found.officer, found.evaluation_id)


async def _declare_conflict(found: corpus.Corpus) -> None:
    subjects = {
        s.ref: s.id for s in await service.list_subjects(found.officer, found.evaluation_id)
    }
    await sheets.declare(
        found.evaluators[0],
        found.evaluation_id,
        {subjects["bid:2"]: ("conflict", "My sister works there")},
    )


async def _narrow_assignment(found: corpus.Corpus) -> None:
    subjects = {
        s.ref: s.id for s in await service.list_subjects(found.officer, found.evaluation_id)
    }
    await service.assign(
        found.officer,
        found.evaluation_id,
        found.evaluators[0].id,
        [subjects["bid:1"], subjects["bid:2"]],
    )


async def _submit(found: corpus.Corpus) -> None:
    evaluator = found.evaluators[0]
    tree = await service.criteria(found.officer, found.evaluation_id)
    ids = {c.name: c.id for c in tree.criteria}
    for code in ("C1", "C2", "C3"):
        await sheets.save_scores(
            evaluator,
            found.evaluation_id,
            code,
            {
                ids[name]: (corpus.VALID[n][0], corpus.VALID[n][1] or "ok")
                for n, name in enumerate(corpus.CRITERIA)
            },
        )
    await sheets.submit_sheet(evaluator, found.evaluation_id)


NOT_XLSX = "file: {name} is not an Excel workbook (.xlsx)"
CASES: dict[str, tuple[list[str], Setup | None]] = {
    "not_a_zip.xlsx": ([NOT_XLSX.format(name="not_a_zip.xlsx")], None),
    "zip_without_workbook.xlsx": ([NOT_XLSX.format(name="zip_without_workbook.xlsx")], None),
    "macros.xlsm": (
        [
            "file: macros.xlsm is a workbook with macros; save it as an Excel "
            "workbook (.xlsx) without macros"
        ],
        None,
    ),
    "vba_inside.xlsx": (
        [
            "file: vba_inside.xlsx contains macros; save it as an Excel workbook "
            "(.xlsx) without macros"
        ],
        None,
    ),
    "too_large.xlsx": (["file: The file is larger than 5 MB"], None),
    "zip_bomb.xlsx": (["file: The workbook unpacks to more than 50 MB"], None),
    "compression_ratio.xlsx": (
        [
            "file: The workbook is compressed more than 100 times; it is "
            "refused as a possible zip bomb"
        ],
        None,
    ),
    "no_signature.xlsx": (
        [
            "file: The sheet has no signature: it was not made by tenderdesk, "
            "or was copied into another workbook; download a new one"
        ],
        None,
    ),
    "tampered_ids.xlsx": (
        [
            "tenderdesk: The signature does not match: the sheet was changed "
            "outside the score cells, or was not made by this server; download "
            "a new sheet"
        ],
        None,
    ),
    "tampered_labels.xlsx": (
        [
            "tenderdesk: The signature does not match: the sheet was changed "
            "outside the score cells, or was not made by this server; "
            "download a new sheet"
        ],
        None,
    ),
    "other_evaluator.xlsx": (
        ["file: This sheet belongs to another evaluator; download your own sheet"],
        None,
    ),
    "consensus_as_scoresheet.xlsx": (
        ["file: This is a consensus workbook, not a scoresheet"],
        None,
    ),
    "criteria_changed.xlsx": (
        [
            "Scores: the criteria were reopened since this sheet was made "
            "(version 1, now 2); download a new sheet",
            "Scores: the criterion Team and staff changed since this sheet "
            "was made; download a new sheet",
        ],
        _reopen_and_rename,
    ),
    "rows_moved.xlsx": (
        [
            "Scores!A3: the row Thuishulp West · Plan of approach › Team was moved; it belongs on "
            "row 7",
            "Scores!A7: the row Zorg Plus BV · Plan of approach › Team was moved; it belongs on "
            "row 3",
        ],
        None,
    ),
    "row_added.xlsx": (
        [
            "Scores!A14: a row was added (Extra BV · Plan of approach › Method); "
            "rows cannot be added"
        ],
        None,
    ),
    "row_removed.xlsx": (["Scores!A13: the row for Samen Sterk · Certified was removed"], None),
    "text_and_formulas.xlsx": (
        [
            "Scores!E2: good is text, not a number",
            "Scores!E3: a formula is not a score; type the number",
            "Scores!F4: a formula is not a justification; type the text",
        ],
        None,
    ),
    "decimals_on_whole_scale.xlsx": (
        ["Scores!E7: 7.5 has decimals; this scale has whole numbers only"],
        None,
    ),
    "off_the_scale.xlsx": (
        [
            "Scores!E6: 5 is not one of the levels 0, 2, 4, 6, 8, 10",
            "Scores!E7: 11 is above the maximum 10",
            "Scores!E8: -1 is below the minimum 0",
            "Scores!E9: 2 is not one of the levels 0, 1",
            "Scores!E12: 6.25 is not in steps of 0.5 from 0",
        ],
        None,
    ),
    "justification_missing.xlsx": (
        ["Scores!F8: justification is required", "Scores!F13: justification is required"],
        None,
    ),
    "conflict.xlsx": (
        [
            "Scores!A6: you declared a conflict of interest with Thuishulp West; its "
            "rows cannot be stored"
        ],
        _declare_conflict,
    ),
    "no_longer_assigned.xlsx": (
        ["Scores!A10: Samen Sterk is no longer on your sheet; its rows cannot be stored"],
        _narrow_assignment,
    ),
    "already_submitted.xlsx": (
        [
            "Scores: your scores have already been submitted as final; "
            "ask the lead officer to reopen your sheet"
        ],
        _submit,
    ),
    "every_problem_at_once.xlsx": (
        [
            "Scores!E7: 11 is above the maximum 10",
            "Scores!F8: justification is required",
            "Scores!E10: a formula is not a score; type the number",
            "Scores!E11: 6.5 has decimals; this scale has whole numbers only",
        ],
        None,
    ),
}


ADDED = "Scores!A{row}: a row was added (Extra BV · -); rows cannot be added"
# The hostile files of issue 15 (made by scoresheet_corpus.hostile) and their messages.
HOSTILE: dict[str, list[str]] = {
    "activex.xlsx": [
        "file: activex.xlsx contains macros; save it as an Excel workbook (.xlsx) without macros",
    ],
    "attached_template.xlsx": [
        "file: The workbook links to another file (http://example.org/t.xltm); remove the link",
    ],
    "cell_beyond_last_column.xlsx": [
        "Scores!Z2: the cell Z2 is beyond the sheet's last column; columns beyond it cannot be "
        "filled in",
    ],
    "cell_of_another_row.xlsx": [
        "Scores!A2: a cell is named E3, which is not a cell of row 2",
    ],
    "cell_row_far_away.xlsx": [
        "Scores!A4000000000: row 4000000000 is beyond the sheet's last row (63); rows cannot be "
        "added",
    ],
    "cell_without_number.xlsx": [
        "Scores!A2: a cell is named E, which is not a cell of row 2",
    ],
    "comments_part.xlsx": [
        "file: The workbook contains xl/comments1.xml, which a scoresheet or import never holds; "
        "save it again as a plain Excel workbook (.xlsx)",
    ],
    "data_sheet_part_missing.xlsx": [
        "file: The part xl/worksheets/sheet9.xml is missing from the workbook",
    ],
    "dde_formula_in_label.xlsx": [
        "Scores!A2: the cell A2 holds a formula; a scoresheet holds no formulas",
    ],
    "dtd_in_identity.xlsx": [
        "file: The part xl/worksheets/sheet3.xml of the workbook is not valid XML or declares "
        "entities",
    ],
    "dtd_in_styles.xlsx": [
        "file: The part xl/styles.xml of the workbook is not valid XML or declares entities",
    ],
    "duplicated_cell.xlsx": [
        "Scores!E2: the cell E2 is written twice or out of order; save the workbook again",
    ],
    "duplicated_row.xlsx": [
        "Scores!A2: row 2 is written twice or out of order; save the workbook again",
    ],
    "external_link_part.xlsx": [
        "file: The workbook links to another file (xl/externalLinks/externalLink1.xml); remove "
        "the link",
    ],
    "external_relationship.xlsx": [
        "file: The workbook links to another file (file:///c:/evil.xls); remove the link",
    ],
    "extra_sheet.xlsx": [
        "file: The workbook has a sheet Notes that a scoresheet does not have; remove it",
    ],
    "formula_in_description.xlsx": [
        "Scores!C3: the cell C3 holds a formula; a scoresheet holds no formulas",
    ],
    "header_removed.xlsx": [
        "Scores!E1: the column Score is missing or its header was changed; download a new sheet",
    ],
    "header_twice.xlsx": [
        "Scores!E1: the header Score is given twice or was moved; download a new sheet",
    ],
    "headers_swapped.xlsx": [
        "Scores!F1: the header Justification is given twice or was moved; download a new sheet",
    ],
    "hidden_second_scores.xlsx": [
        "file: The workbook has two sheets named Scores",
    ],
    "huge_inline_text.xlsx": [
        "Scores!E2: the cell holds more than 32767 characters",
    ],
    "huge_number.xlsx": [
        "Scores!E2: 1e+300 is not on the scale",
    ],
    "huge_shared_string.xlsx": [
        "file: The workbook holds more text than a workbook of its kind; it is refused",
    ],
    "identity_count_huge.xlsx": [
        "tenderdesk: The signature sheet was changed; download a new sheet",
    ],
    "identity_formula.xlsx": [
        "tenderdesk: The signature sheet was changed; download a new sheet",
    ],
    "identity_long_text.xlsx": [
        "tenderdesk!A200: the cell holds more than 15100 characters",
    ],
    "identity_row_far_away.xlsx": [
        "tenderdesk!A999999999999999: row 999999999999999 is beyond the sheet's last row (1210); "
        "rows cannot be added",
    ],
    "infinite_number.xlsx": [
        "Scores!E2: 9e999 is text, not a number",
    ],
    "invalid_xml.xlsx": [
        "file: The part xl/worksheets/sheet2.xml of the workbook is not valid XML",
    ],
    "justification_too_long.xlsx": [
        "Scores!E2: The justification is longer than 10000 characters",
    ],
    "macro_content_type.xlsx": [
        "file: macro_content_type.xlsx contains macros; save it as an Excel workbook (.xlsx) "
        "without macros",
    ],
    "many_elements.xlsx": [
        "file: The part xl/worksheets/sheet2.xml holds more than 24096 elements; it is refused",
    ],
    "many_rows_added.xlsx": [
        "Scores!A64: row 64 is beyond the sheet's last row (63); rows cannot be added",
    ],
    "many_shared_strings.xlsx": [
        "file: The workbook holds more than 5358 texts; a workbook of this kind holds fewer",
    ],
    "many_styles.xlsx": [
        "file: The workbook has more than 4000 styles; it is refused",
    ],
    "megabyte_number.xlsx": [
        "file: The part xl/worksheets/sheet2.xml holds a text longer than a cell can; it is "
        "refused",
    ],
    "merged_over_scores.xlsx": [
        "Scores!E2: cells E2:F3 are merged; unmerge them and upload again",
    ],
    "number_as_text_30k.xlsx": [
        "Scores!E2: 111111111111111111111111111111111111111… is not on the scale",
    ],
    "ole_object.xlsx": [
        "file: The workbook contains an embedded object (xl/embeddings/oleObject1.bin); remove it",
    ],
    "overflow_number.xlsx": [
        "Scores!E2: 1e1000000 is text, not a number",
    ],
    "overflow_text.xlsx": [
        "Scores!E2: 1e1000000 is text, not a number",
    ],
    "row_number_not_a_number.xlsx": [
        "Scores!A3: a row is numbered three, which is not a row number",
    ],
    "rows_added_up_to_the_limit.xlsx": [ADDED.format(row=n) for n in range(14, 64)],
    "rows_out_of_order.xlsx": [
        "Scores!A5: row 5 is written twice or out of order; save the workbook again",
    ],
    "score_as_boolean.xlsx": [
        "Scores!E2: True is not a number",
    ],
    "score_as_date.xlsx": [
        "Scores!E2: 1900-01-08 00:00:00 is not a number",
    ],
    "score_as_error.xlsx": [
        "Scores!E2: #N/A is text, not a number",
    ],
    "scores_hidden.xlsx": [
        "Scores: The sheet Scores is hidden; show it, or download a new sheet",
    ],
    "second_scores_other_case.xlsx": [
        "file: The workbook has two sheets named SCORES",
    ],
    "shared_string_missing.xlsx": [
        "file: the cell E2 refers to a text the workbook does not hold; save the workbook again",
    ],
    "sheet_not_a_worksheet.xlsx": [
        "file: The sheet Scores is not a worksheet; remove it",
    ],
    "sixty_two_problems.xlsx": [*[ADDED.format(row=n) for n in range(14, 64)], "file: and 12 more"],
    "strict_open_xml.xlsx": [
        "file: The workbook is saved as Strict Open XML; save it as an Excel workbook (.xlsx)",
    ],
    "unknown_part.xlsx": [
        "file: The workbook contains xl/media/image1.png, which a scoresheet or import never "
        "holds; save it again as a plain Excel workbook (.xlsx)",
    ],
    "vba_data.xlsx": [
        "file: vba_data.xlsx contains macros; save it as an Excel workbook (.xlsx) without macros",
    ],
    "webservice_in_instructions.xlsx": [
        "Instructions!B3: the cell B3 holds a formula; a scoresheet holds no formulas",
    ],
    "wide_row.xlsx": [
        "Scores!A14: row 14 holds more than 1024 cells",
    ],
    "zip_bad_crc.xlsx": [
        "file: The part xl/worksheets/sheet2.xml of the workbook is damaged; save it again",
    ],
    "zip_bzip2.xlsx": [
        "file: The part docProps/app.xml is compressed in a way Excel does not use; save the "
        "workbook again",
    ],
    "zip_deflate64.xlsx": [
        "file: The part xl/worksheets/sheet2.xml is compressed in a way Excel does not use; save "
        "the workbook again",
    ],
    "zip_duplicate_member.xlsx": [
        "file: zip_duplicate_member.xlsx is not an Excel workbook (.xlsx)",
    ],
    "zip_encrypted_member.xlsx": [
        "file: The part xl/worksheets/sheet2.xml is encrypted; save the workbook without a "
        "password",
    ],
    "zip_too_many_members.xlsx": [
        "file: zip_too_many_members.xlsx is not an Excel workbook (.xlsx)",
    ],
    "zip_truncated.xlsx": [
        "file: zip_truncated.xlsx is not an Excel workbook (.xlsx)",
    ],
}
CASES.update({name: (messages, None) for name, messages in HOSTILE.items()})
HARMLESS = ("empty_row_far_away.xlsx",)  # hostile once, harmless now: read as it shows


def test_the_corpus_has_a_file_for_every_case() -> None:
    assert sorted(p.name for p in corpus.CORPUS.iterdir() if p.suffix.startswith(".xls")) == sorted(
        [*CASES, *HARMLESS]
    )
    assert len(CASES) >= 80


async def _snapshot() -> dict[str, Any]:
    return {
        "scores": await Score.select(
            Score.assignment, Score.subject, Score.criterion, Score.value, Score.justification
        ).order_by(Score.id),
        "consensus": await Consensus.count(),
        "files": await StoredFile.count(),
        "submitted": await Assignment.select(Assignment.id, Assignment.submitted_at).order_by(
            Assignment.id
        ),
        "imports": await AuditEvent.count().where(AuditEvent.action == "scoresheet.imported"),
    }


@pytest.mark.parametrize("name", sorted(CASES))
async def test_each_bad_file_is_refused_with_every_problem_and_nothing_stored(
    db, monkeypatch, name: str
) -> None:
    monkeypatch.setattr(scoresheets, "_key", lambda: corpus.KEY)
    found = await corpus.build_evaluation()
    assert found.evaluation_id == 1, "the test database must be empty (ids from 1)"
    expected, setup = CASES[name]
    if setup is not None:
        await setup(found)
    before = await _snapshot()
    data = (corpus.CORPUS / name).read_bytes()
    with pytest.raises(ValidationFailed) as refused:
        await scoresheets.import_scoresheet(
            found.evaluators[0], found.evaluation_id, name, data, submit=False
        )
    assert [p.render() for p in refused.value.problems] == expected
    assert await _snapshot() == before


@pytest.mark.parametrize("name", HARMLESS)
async def test_a_harmless_oddity_stores_what_the_sheet_shows(db, monkeypatch, name: str) -> None:
    monkeypatch.setattr(scoresheets, "_key", lambda: corpus.KEY)
    found = await corpus.build_evaluation()
    summary = await scoresheets.import_scoresheet(
        found.evaluators[0], found.evaluation_id, name, (corpus.CORPUS / name).read_bytes()
    )
    assert summary.added == 12


async def test_a_complete_corpus_sheet_is_accepted(db, monkeypatch) -> None:
    """The corpus files differ from a good sheet only by their fault: the same sheet filled in
    correctly is stored."""
    monkeypatch.setattr(scoresheets, "_key", lambda: corpus.KEY)
    found = await corpus.build_evaluation()
    sheet = (await scoresheets.scoresheet(found.evaluators[0], found.evaluation_id)).data
    summary = await scoresheets.import_scoresheet(
        found.evaluators[0],
        found.evaluation_id,
        "good.xlsx",
        corpus.filled(sheet, corpus.complete_values()),
        submit=True,
    )
    assert (summary.added, summary.submitted) == (12, True)


@pytest.mark.parametrize("kind", ["scores", "consensus"])
async def test_a_sheet_from_before_a_reopen_is_refused_even_if_nothing_changed(
    db, monkeypatch, kind: str
) -> None:
    """Issue 15: the criteria version is signed, and compared, for both kinds of workbook."""
    monkeypatch.setattr(scoresheets, "_key", lambda: corpus.KEY)
    found = await corpus.build_evaluation()
    evaluator = found.evaluators[0]
    if kind == "scores":
        data = corpus.filled(
            (await scoresheets.scoresheet(evaluator, found.evaluation_id)).data,
            corpus.complete_values(),
        )
    else:
        data = (await scoresheets.consensus_workbook(found.officer, found.evaluation_id)).data
    await service.reopen_criteria(found.officer, found.evaluation_id, "A second look")
    await service.freeze_criteria(found.officer, found.evaluation_id)
    before = await _snapshot()
    with pytest.raises(ValidationFailed) as refused:
        if kind == "scores":
            await scoresheets.import_scoresheet(evaluator, found.evaluation_id, "old.xlsx", data)
        else:
            await scoresheets.import_consensus(found.officer, found.evaluation_id, "old.xlsx", data)
    sheet = "Scores" if kind == "scores" else "Consensus"
    assert [p.render() for p in refused.value.problems] == [
        f"{sheet}: the criteria were reopened since this sheet was made (version 1, now 2); "
        "download a new sheet"
    ]
    assert await _snapshot() == before
