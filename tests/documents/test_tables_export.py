"""CSV and xlsx exports read back equal to what went in, with formulas defused."""

import csv
import io
from datetime import date
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from documents.tables_export import Column, Sheet, csv_chunks, escape_text, xlsx_file

COLUMNS = [
    Column("provider", "Provider", width=30),
    Column("amount", "Amount", "money"),
    Column("currency", "Currency", width=8),
    Column("start", "Start", "date"),
]
ROWS = [
    {
        "provider": "Stichting Al Amal",
        "amount": Decimal("125000.50"),
        "currency": "EUR",
        "start": date(2022, 1, 1),
    },
    {
        "provider": '=HYPERLINK("http://evil";"click")',
        "amount": Decimal("1400000.00"),
        "currency": "DKK",
        "start": date(2022, 11, 1),
    },
    {
        "provider": "+31 20 123",
        "amount": Decimal("99.99"),
        "currency": "EUR",
        "start": date(2023, 1, 1),
    },
]


def test_formula_triggers_are_escaped():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert escape_text(text) == "'" + text
    assert escape_text("Abrona") == "Abrona"


def test_csv_for_dutch_excel_reads_back():
    data = b"".join(csv_chunks(Sheet("Awards", COLUMNS, ROWS)))
    assert data.startswith("\ufeff".encode())
    frame = pd.read_csv(
        io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Amount": str}
    )
    assert list(frame["Provider"]) == [
        "Stichting Al Amal",
        '\'=HYPERLINK("http://evil";"click")',
        "'+31 20 123",
    ]
    assert list(frame["Amount"]) == ["125000,50", "1400000,00", "99,99"]


def test_csv_with_commas_and_points():
    data = b"".join(
        csv_chunks(Sheet("Awards", COLUMNS, ROWS), separator=",", decimal_comma=False, bom=False)
    )
    frame = pd.read_csv(io.BytesIO(data), dtype={"Amount": str})
    assert list(frame["Amount"]) == ["125000.50", "1400000.00", "99.99"]


def test_xlsx_keeps_values_formats_and_totals_per_currency():
    handle = xlsx_file([Sheet("Awards", COLUMNS, ROWS, totals=True)])
    workbook = load_workbook(handle)
    sheet = workbook["Awards"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"
    assert [c.value for c in sheet[1]] == ["Provider", "Amount", "Currency", "Start"]
    assert sheet["A3"].value == '\'=HYPERLINK("http://evil";"click")'
    assert sheet["A3"].data_type == "s"
    assert Decimal(str(sheet["B2"].value)) == Decimal("125000.50")
    assert "€" in sheet["B2"].number_format and "kr." in sheet["B3"].number_format
    totals = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in (5, 6)}
    assert totals == {"Total DKK": 1400000, "Total EUR": 125100.49}
    assert round(sheet.column_dimensions["A"].width) == 31  # 30 characters plus the padding


def test_empty_sheets_and_text_xml_cannot_hold():
    columns = [Column("provider", "Provider"), Column("amount", "Amount", "money")]
    assert b"".join(csv_chunks(Sheet("Awards", columns, []), bom=False)) == (b"Provider;Amount\r\n")
    rows = [
        {"provider": "Zorg & Welzijn <Noord>\x07\x1f", "amount": None},
        {"provider": None, "amount": Decimal("-12.30"), "currency": "SEK"},
    ]
    sheet = load_workbook(xlsx_file([Sheet("Awards/2026", columns, rows, totals=True)]))
    [title] = sheet.sheetnames
    values = list(sheet[title].iter_rows(values_only=True))
    assert values == [
        ("Provider", "Amount"),
        ("Zorg & Welzijn <Noord>", None),
        (None, -12.3),
        ("Total SEK", -12.3),
    ]
    empty = load_workbook(xlsx_file([Sheet("Awards", columns, [], totals=True)]))["Awards"]
    assert empty.auto_filter.ref == "A1:B1" and empty.max_row == 1


def test_read_only_readers_get_the_sheets_size_and_full_rows():
    columns = [
        Column("provider", "Provider"),
        Column("amount", "Amount", "money"),
        Column("currency", "Currency"),
        Column("note", "Note"),
    ]
    rows = [{"provider": "Abrona", "amount": Decimal("10.00"), "currency": "EUR"}]
    sheet = load_workbook(xlsx_file([Sheet("Awards", columns, rows, totals=True)]), read_only=True)[
        "Awards"
    ]
    assert (sheet.max_row, sheet.max_column) == (3, 4)
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Provider", "Amount", "Currency", "Note"),
        ("Abrona", 10, "EUR", None),
        ("Total EUR", 10, "EUR", None),
    ]


def test_csv_lines_equal_the_csv_modules_for_every_kind_of_field():
    columns = [Column("a", "A"), Column("b", "B")]
    texts = [
        "plain",
        "with;semicolon",
        "with,comma",
        'with "quotes"',
        "two\nlines",
        "carriage\rreturn",
        "both\r\nends",
        "",
        " spaced ",
        "ünïcødé €",
    ]
    rows = [{"a": a, "b": b} for a in texts for b in texts]
    for separator, decimal_comma in ((";", True), (",", False)):
        expected = io.StringIO()
        writer = csv.writer(expected, delimiter=separator, lineterminator="\r\n")
        writer.writerow(["A", "B"])
        writer.writerows([(r["a"], r["b"]) for r in rows])
        got = b"".join(
            csv_chunks(
                Sheet("S", columns, rows),
                separator=separator,
                decimal_comma=decimal_comma,
                bom=False,
            )
        ).decode("utf-8")
        assert got == expected.getvalue()
        plain = [{"a": "x", "b": "y"}] * 3
        assert (
            b"".join(
                csv_chunks(
                    Sheet("S", columns, plain),
                    separator=separator,
                    decimal_comma=decimal_comma,
                    bom=False,
                )
            )
            == (f"A{separator}B\r\n" + f"x{separator}y\r\n" * 3).encode()
        )
