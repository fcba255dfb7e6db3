"""Tables for finance as files: CSV and xlsx, streamed, and safe to open.

A view is a list of :class:`Column` and an iterable of rows (dicts). Text that a spreadsheet
would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is
prefixed with an apostrophe in every format, so nothing runs when finance opens the file.
Amounts keep their currency: xlsx cells get that currency's number format, and totals are made
per currency, never across currencies.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CURRENCY_FORMATS = {
    "EUR": '"€" #,##0.00;-"€" #,##0.00',
    "DKK": '#,##0.00 "kr.";-#,##0.00 "kr."',
    "PLN": '#,##0.00 "zł";-#,##0.00 "zł"',
    "SEK": '#,##0.00 "kr";-#,##0.00 "kr"',
}
DATE_FORMAT = "yyyy-mm-dd"
Kind = Literal["text", "money", "number", "date", "percent"]


def escape_text(value: str) -> str:
    """Text that cannot be taken for a formula by Excel, LibreOffice or Google Sheets."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"
    width: int = 18
    currency_key: str = "currency"  # for money: the row field holding the currency code


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any]]
    totals: bool = False  # a total per currency under each money column


def _plain(value: Any, column: Column, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        text = f"{value:.2f}" if column.kind == "money" else str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    return escape_text(str(value))


def csv_chunks(sheet: Sheet, separator: str = ";", decimal_comma: bool = True,
               bom: bool = True) -> Iterator[bytes]:
    """The sheet as CSV, a chunk of rows at a time (UTF-8; a BOM so Excel reads it as UTF-8)."""
    if separator not in (",", ";"):
        raise ValueError("separator must be , or ;")
    if decimal_comma and separator == ",":
        raise ValueError("a decimal comma needs ; as separator")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([escape_text(column.header) for column in sheet.columns])
    prefix = "\ufeff" if bom else ""
    for count, row in enumerate(sheet.rows, start=1):
        writer.writerow([_plain(row.get(c.key), c, decimal_comma) for c in sheet.columns])
        if count % 1000 == 0:
            yield (prefix + buffer.getvalue()).encode("utf-8")
            prefix = ""
            buffer.seek(0)
            buffer.truncate()
    yield (prefix + buffer.getvalue()).encode("utf-8")


class _Formats:
    """XlsxWriter formats, one per number format and weight (a workbook keeps few of them)."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str | None, bool], Any] = {}

    def get(self, number_format: str | None, bold: bool = False) -> Any:
        key = (number_format, bold)
        if key not in self.cache:
            spec: dict[str, Any] = {"bold": True} if bold else {}
            if number_format:
                spec["num_format"] = number_format
            self.cache[key] = self.workbook.add_format(spec) if spec else None
        return self.cache[key]


def _number_format(column: Column, row: Mapping[str, Any]) -> str | None:
    if column.kind == "money":
        return CURRENCY_FORMATS.get(str(row.get(column.currency_key)), "#,##0.00")
    if column.kind == "date":
        return DATE_FORMAT
    if column.kind == "percent":
        return "0.00%"
    return None


def _write(worksheet: Any, row_index: int, col: int, value: Any, cell_format: Any) -> None:
    """One cell. Text is always written as text (never as a formula), escaped like CSV."""
    if value is None:
        if cell_format is not None:
            worksheet.write_blank(row_index, col, None, cell_format)
    elif isinstance(value, str):
        worksheet.write_string(row_index, col, escape_text(value), cell_format)
    elif isinstance(value, bool):
        worksheet.write_boolean(row_index, col, value, cell_format)
    elif isinstance(value, Decimal | int | float):
        worksheet.write_number(row_index, col, float(value), cell_format)
    elif isinstance(value, datetime):
        # Excel has no time zones; values are given in UTC
        worksheet.write_datetime(row_index, col, value.replace(tzinfo=None), cell_format)
    elif isinstance(value, date):
        worksheet.write_datetime(row_index, col, value, cell_format)
    else:
        worksheet.write_string(row_index, col, escape_text(str(value)), cell_format)


def write_xlsx(sheets: Sequence[Sheet], target: Any) -> None:
    """Write the sheets to ``target`` (a path or a seekable binary file), row by row.

    XlsxWriter in constant-memory mode: each row goes to a temporary file as it is written, so
    a sheet of any length costs little memory (openpyxl reads the files back elsewhere).
    """
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True,
                                            "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    formats = _Formats(workbook)
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.title[:31])
        for index, column in enumerate(sheet.columns):
            worksheet.set_column(index, index, column.width)
        worksheet.freeze_panes(1, 0)
        bold = formats.get(None, bold=True)
        for index, column in enumerate(sheet.columns):
            worksheet.write_string(0, index, escape_text(column.header), bold)
        totals: dict[tuple[str, str], Decimal] = {}
        count = 0
        plain = [column.kind == "text" for column in sheet.columns]
        for row in sheet.rows:
            count += 1
            for index, column in enumerate(sheet.columns):
                value = row.get(column.key)
                cell_format = None if plain[index] else formats.get(_number_format(column, row))
                _write(worksheet, count, index, value, cell_format)
                if sheet.totals and column.kind == "money" and value is not None:
                    key = (column.key, str(row.get(column.currency_key)))
                    totals[key] = totals.get(key, Decimal("0")) + Decimal(value)
        worksheet.autofilter(0, 0, count, len(sheet.columns) - 1)
        for currency in sorted({currency for _, currency in totals}):
            count += 1
            _total_row(worksheet, count, sheet.columns, totals, currency, formats)
    workbook.close()


def _total_row(worksheet: Any, row_index: int, columns: Sequence[Column],
               totals: dict[tuple[str, str], Decimal], currency: str, formats: _Formats) -> None:
    for index, column in enumerate(columns):
        if index == 0:
            value: Any = f"Total {currency}"
        elif column.kind == "money":
            value = totals.get((column.key, currency))
        elif column.key == column.currency_key or column.key == "currency":
            value = currency
        else:
            value = None
        number_format = _number_format(column, {column.currency_key: currency})
        _write(worksheet, row_index, index, value, formats.get(number_format, bold=True))


def xlsx_file(sheets: Sequence[Sheet]) -> tempfile.SpooledTemporaryFile:
    """The workbook in a temporary file (in memory while small), rewound, ready to stream."""
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(sheets, spooled)
    spooled.seek(0)
    return spooled


def file_chunks(handle: Any, size: int = 64 * 1024) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(size):
            yield chunk
