"""Filling in scoresheets as an evaluator would, and reading what was stored."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from scoring.tables import Assignment, Score


def fill(data: bytes, values: dict[int, tuple[Any, Any]], sheet: str = "Scores",
         columns: tuple[str, str] = ("E", "F")) -> bytes:
    """Type ``{row: (score, justification)}`` into the sheet and save it as Excel would."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for row, (value, justification) in values.items():
        ws[f"{columns[0]}{row}"] = value
        ws[f"{columns[1]}{row}"] = justification
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def edit(data: bytes, change: Any) -> bytes:
    """Apply ``change(workbook)`` and save."""
    wb = load_workbook(io.BytesIO(data))
    change(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows_of(data: bytes, sheet: str = "Scores") -> list[tuple[Any, ...]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [tuple(row) for row in wb[sheet].iter_rows(min_row=2, values_only=True)]
    finally:
        wb.close()


async def stored_scores(evaluator, scenario) -> dict[tuple[str, str], tuple[Decimal, str]]:
    """The evaluator's stored scores by (subject ref, criterion name)."""
    refs = {sid: ref for ref, sid in (await scenario.subject_ids()).items()}
    names = {cid: name for name, cid in (await scenario.criteria()).items()}
    assignment = await Assignment.select(Assignment.id).where(
        (Assignment.evaluation == scenario.evaluation_id)
        & (Assignment.evaluator == evaluator.id)).first()
    return {(refs[r["subject"]], names[r["criterion"]]): (r["value"], r["justification"])
            for r in await Score.select().where(Score.assignment == assignment["id"])}
