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

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def _cell(worksheet: Any, value: Any, column: Column, row: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        value = escape_text(value)
    cell = WriteOnlyCell(worksheet, value=value)
    if column.kind == "money":
        cell.number_format = CURRENCY_FORMATS.get(str(row.get(column.currency_key)), "#,##0.00")
    elif column.kind == "date" and value is not None:
        cell.number_format = DATE_FORMAT
    elif column.kind == "percent":
        cell.number_format = "0.00%"
    return cell


def _excel_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; values are given in UTC
    return value


def write_xlsx(sheets: Sequence[Sheet], target: Any) -> None:
    """Write the sheets to ``target`` (a path or binary file) in openpyxl's write-only mode."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        for index, column in enumerate(sheet.columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        worksheet.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=escape_text(column.header))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        totals: dict[tuple[str, str], Decimal] = {}
        count = 0
        for row in sheet.rows:
            count += 1
            cells = []
            for column in sheet.columns:
                value = _excel_value(row.get(column.key))
                cells.append(_cell(worksheet, value, column, row))
                if sheet.totals and column.kind == "money" and value is not None:
                    key = (column.key, str(row.get(column.currency_key)))
                    totals[key] = totals.get(key, Decimal("0")) + Decimal(value)
            worksheet.append(cells)
        last = get_column_letter(len(sheet.columns))
        worksheet.auto_filter.ref = f"A1:{last}{count + 1}"
        for currency in sorted({currency for _, currency in totals}):
            worksheet.append(_total_row(worksheet, sheet.columns, totals, currency, bold))
    workbook.save(target)


def _total_row(worksheet: Any, columns: Sequence[Column], totals: dict[tuple[str, str], Decimal],
               currency: str, bold: Font) -> list[Any]:
    cells = []
    for index, column in enumerate(columns):
        if index == 0:
            value: Any = f"Total {currency}"
        elif column.kind == "money":
            value = totals.get((column.key, currency))
        elif column.key == column.currency_key or column.key == "currency":
            value = currency
        else:
            value = None
        cell = _cell(worksheet, value, column, {column.currency_key: currency})
        cell.font = bold
        cells.append(cell)
    return cells


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
