"""The applications import reads CSV and xlsx within bounds, refusing by name (issue 15)."""

from __future__ import annotations

import pytest

from common.errors import DomainError, ValidationFailed
from subsidies.applications import read_rows
from tests.documents.scoresheet_corpus import _central, rewrite
from tests.subsidies.conftest import APPLICANTS, HEADERS, csv_bytes, row, xlsx

SHEET = "xl/worksheets/sheet1.xml"


def _refusal(filename: str, data: bytes) -> list[str]:
    with pytest.raises(DomainError) as refused:
        read_rows(filename, data)
    if isinstance(refused.value, ValidationFailed):
        return [p.render() for p in refused.value.problems]
    return [refused.value.problem.render()]


def test_a_good_workbook_reads_as_before() -> None:
    rows = read_rows("p.xlsx", xlsx([row(*APPLICANTS[0]), row(*APPLICANTS[1])]))
    assert [(n, r["name"]) for n, r in rows] == [(2, APPLICANTS[0][0]), (3, APPLICANTS[1][0])]


def test_a_formula_is_refused_by_its_cell() -> None:
    data = xlsx([row(*APPLICANTS[0], Requested="=40000*2")])
    assert _refusal("p.xlsx", data) == ["H2: the cell holds a formula; import values only"]


def test_hostile_workbooks_are_refused_by_name() -> None:
    good = xlsx([row(*APPLICANTS[0])])
    far = rewrite(
        good,
        {
            SHEET: lambda x: x.replace(
                "</sheetData>",
                '<row r="4000000000"><c r="A4000000000" t="inlineStr"><is><t>x</t>'
                "</is></c></row></sheetData>",
            )
        },
    )
    assert _refusal("p.xlsx", far) == [
        "Sheet!A4000000000: row 4000000000 is beyond the sheet's last row (1048576); rows "
        "cannot be added"
    ]
    assert _refusal("p.xlsx", _central(good, SHEET, 16, b"\0\0\0\0")) == [
        "file: The part xl/worksheets/sheet1.xml of the workbook is damaged; save it again"
    ]
    assert _refusal("p.xlsx", rewrite(good, {}, {"xl/vbaProject.bin": b"x"})) == [
        "file: p.xlsx contains macros; save it as an Excel workbook (.xlsx) without macros"
    ]
    many = rewrite(
        good,
        {
            SHEET: lambda x: x.replace(
                "</sheetData>",
                "".join(
                    f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n}</t></is></c></row>'
                    for n in range(3, 20_010)
                )
                + "</sheetData>",
            )
        },
    )
    assert _refusal("p.xlsx", many) == ["The file has more than 20000 rows"]


def test_hostile_csv_is_refused_by_name() -> None:
    assert _refusal("p.csv", b"a;b\0;c\n") == ["The file is not a CSV text file"]
    extra = [f"Extra {n}" for n in range(90)]
    assert _refusal("p.csv", csv_bytes([row(*APPLICANTS[0]) + extra], HEADERS + extra)) == [
        "Row 1 has more than 100 columns"
    ]
    assert _refusal("p.csv", csv_bytes([["x" * 40_000] + [""] * 13])) == [
        "Row 2 has a value longer than 32767 characters"
    ]
    assert _refusal("p.csv", b"a;b\n" + b'"' + b"x" * 200_000 + b'";b\n') == [
        "Row 2 of the file cannot be read as CSV"
    ]
    assert _refusal("p.csv", csv_bytes([row(*APPLICANTS[0])] * 20_001)) == [
        "The file has more than 20000 rows"
    ]
