"""Filling in scoresheets as an evaluator would, and reading what was stored."""

from __future__ import annotations

import io
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from documents import office
from scoring.tables import Assignment, Score


def fill(
    data: bytes,
    values: dict[int, tuple[Any, Any]],
    sheet: str = "Scores",
    columns: tuple[str, str] = ("E", "F"),
) -> bytes:
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
    assignment = (
        await Assignment.select(Assignment.id)
        .where(
            (Assignment.evaluation == scenario.evaluation_id)
            & (Assignment.evaluator == evaluator.id)
        )
        .first()
    )
    return {
        (refs[r["subject"]], names[r["criterion"]]): (r["value"], r["justification"])
        for r in await Score.select().where(Score.assignment == assignment["id"])
    }


MACRO = Path(__file__).resolve().parent / "libreoffice_edit.xba"


def libreoffice_edit(data: bytes, insert_column: bool) -> bytes:
    """The sheet edited by LibreOffice itself, headless, by the Basic macro of
    ``libreoffice_edit.xba``: Scores unprotected, optionally a column "My notes" inserted left
    of Score, row 2 scored 8 "Clear method", row 3 7.5 "Good team, & more", saved as .xlsx."""
    program = office.soffice()
    assert program is not None
    with tempfile.TemporaryDirectory(prefix="tenderdesk-lo-macro-") as folder:
        root = Path(folder)
        profile = f"-env:UserInstallation=file://{root / 'profile'}"
        subprocess.run(
            [program, profile, "--headless", "--terminate_after_init"],
            check=True,
            timeout=120,
            capture_output=True,
        )
        (root / "profile/user/basic/Standard/Module1.xba").write_bytes(MACRO.read_bytes())
        source, target = root / "in.xlsx", root / "out.xlsx"
        source.write_bytes(data)
        call = (
            f'macro:///Standard.Module1.Edit("{source}","{target}","{1 if insert_column else 0}")'
        )
        subprocess.run(
            [program, profile, "--headless", call], check=True, timeout=120, capture_output=True
        )
        return target.read_bytes()
