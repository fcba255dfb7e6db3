"""Tables for finance as files: CSV and xlsx, streamed, and safe to open.

A view is a list of :class:`Column` and an iterable of rows (dicts). Text that a spreadsheet
would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is
prefixed with an apostrophe in every format, so nothing runs when finance opens the file.
Amounts keep their currency: xlsx cells get that currency's number format, and totals are made
per currency, never across currencies.

Both writers are built for 50,000 rows and more: each column gets its formatter once, and each
row becomes one line of CSV or one ``<row>`` of sheet XML, written straight into the output (the
xlsx as a zip whose sheet parts are streamed, inline strings, no shared-string table, no object
per cell). Peak memory does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from common.gcpause import paused_collection

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
CURRENCY_FORMATS = {
    "EUR": '"€" #,##0.00;-"€" #,##0.00',
    "DKK": '#,##0.00 "kr.";-#,##0.00 "kr."',
    "PLN": '#,##0.00 "zł";-#,##0.00 "zł"',
    "SEK": '#,##0.00 "kr";-#,##0.00 "kr"',
}
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.00%"
Kind = Literal["text", "money", "number", "date", "percent"]
ROWS_PER_CHUNK = 1000


def escape_text(value: str) -> str:
    """Text that cannot be taken for a formula by Excel, LibreOffice or Google Sheets."""
    return f"'{value}" if value[:1] in _TRIGGERS else value


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
    total_label: str = "Total"  # before the currency in a totals row, in the reader's language


# --- CSV --------------------------------------------------------------------------------------


def _csv_formatter(column: Column, decimal_comma: bool) -> Callable[[Any], Any]:
    """How one column's values other than plain text become CSV fields (None: empty)."""

    def plain(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            text = f"{value:.2f}" if column.kind == "money" else str(value)
            return text.replace(".", ",") if decimal_comma else text
        if isinstance(value, datetime | date):
            return value.isoformat()
        return escape_text(str(value))

    return plain


def _plain_line(line: str, separator: str, separators: int) -> bool:
    """The line needs no quoting: no separator, quote or line break inside a field."""
    return (
        line.count(separator) == separators
        and '"' not in line
        and "\n" not in line
        and "\r" not in line
    )


def _write_lines(
    buffer: io.StringIO, writer: Any, separator: str, rows: list[tuple[str, ...]]
) -> None:
    """Rows of text fields as CSV lines: joined as they are where no field needs quoting (the
    csv module takes several times as long), through the csv writer where one does."""
    if not rows:
        return
    separators = len(rows[0]) - 1
    lines = [separator.join(fields) for fields in rows]
    if _plain_line("".join(lines), separator, separators * len(lines)):
        buffer.write("\r\n".join(lines))
        buffer.write("\r\n")
        return
    for fields, line in zip(rows, lines, strict=True):
        if _plain_line(line, separator, separators):
            buffer.write(line)
            buffer.write("\r\n")
        else:
            writer.writerow(fields)


def csv_chunks(
    sheet: Sheet, separator: str = ";", decimal_comma: bool = True, bom: bool = True
) -> Iterator[bytes]:
    """The sheet as CSV, a chunk of rows at a time (UTF-8; a BOM so Excel reads it as UTF-8).

    Each chunk is formatted column by column: text that needs no escaping (nearly all of it)
    passes through without a function call per cell."""
    if separator not in (",", ";"):
        raise ValueError("separator must be , or ;")
    if decimal_comma and separator == ",":
        raise ValueError("a decimal comma needs ; as separator")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow([escape_text(column.header) for column in sheet.columns])
    plan = [
        (column.key, column.kind, _csv_formatter(column, decimal_comma)) for column in sheet.columns
    ]
    prefix = "\ufeff" if bom else ""
    rows, sent = iter(sheet.rows), False
    while chunk := list(islice(rows, ROWS_PER_CHUNK)):
        with paused_collection():  # not across the yield: only while the chunk is made
            columns = []
            for key, kind, plain in plan:
                values = [row.get(key) for row in chunk]
                if kind == "date":
                    columns.append(
                        [
                            value.isoformat() if value.__class__ is date else plain(value)
                            for value in values
                        ]
                    )
                elif kind == "money":
                    columns.append(
                        [
                            (f"{value:.2f}".replace(".", ",") if decimal_comma else f"{value:.2f}")
                            if value.__class__ is Decimal
                            else plain(value)
                            for value in values
                        ]
                    )
                else:
                    columns.append(
                        [
                            value
                            if value.__class__ is str and value[:1] not in _TRIGGERS
                            else plain(value)
                            for value in values
                        ]
                    )
            _write_lines(buffer, writer, separator, list(zip(*columns, strict=True)))
            data = (prefix + buffer.getvalue()).encode("utf-8")
        yield data
        prefix, sent = "", True
        buffer.seek(0)
        buffer.truncate()
    if not sent:  # no rows: the header alone
        yield (prefix + buffer.getvalue()).encode("utf-8")


# --- xlsx -------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 does not allow (tab, line feed and carriage return are allowed).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Styles:
    """The workbook's cell formats: plain, bold, and each number format plain and bold."""

    def __init__(self) -> None:
        self.codes = [
            *dict.fromkeys([*CURRENCY_FORMATS.values(), AMOUNT_FORMAT, DATE_FORMAT, PERCENT_FORMAT])
        ]
        # xf 0 plain, 1 bold; then per code: 2 + 2i plain, 3 + 2i bold
        self.index = {code: 2 + 2 * i for i, code in enumerate(self.codes)}

    def of(self, number_format: str | None, bold: bool = False) -> int:
        return (self.index[number_format] if number_format else 0) + (1 if bold else 0)

    def money(self, currency: Any, bold: bool = False) -> int:
        return self.of(CURRENCY_FORMATS.get(str(currency), AMOUNT_FORMAT), bold)

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{164 + i}" formatCode={quoteattr(code)}/>'
            for i, code in enumerate(self.codes)
        )
        xfs = [
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
        ]
        for i in range(len(self.codes)):
            for font, apply_font in ((0, ""), (1, ' applyFont="1"')):
                xfs.append(
                    f'<xf numFmtId="{164 + i}" fontId="{font}" fillId="0" borderId="0" '
                    f'xfId="0" applyNumberFormat="1"{apply_font}/>'
                )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
            f'<numFmts count="{len(self.codes)}">{formats}</numFmts>'
            f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}'
            '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
            'builtinId="0"/></cellStyles></styleSheet>'
        )


def _cell(ref: str, value: Any, style: int) -> str:
    """One cell of sheet XML (None: no cell). Text is always text, never a formula."""
    s = f' s="{style}"' if style else ""
    if value.__class__ is str:
        if value[:1] in _TRIGGERS:
            value = "'" + value
        if "&" in value or "<" in value or ">" in value:
            value = escape(value)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, datetime):  # Excel has no time zones; values are given in UTC
        serial = (
            value.toordinal()
            - _EXCEL_EPOCH
            + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        )
        return f'<c r="{ref}"{s}><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{s}><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'
    return _cell(ref, str(value), style)


def _legal(xml: str) -> str:
    """Sheet XML without the control characters XML cannot hold (only text can contain them,
    so they are dropped from a whole chunk of rows at once)."""
    if xml.isprintable() or not _ILLEGAL.search(xml):  # the first check is the fast one
        return xml
    return _ILLEGAL.sub("", xml)


def _width(characters: int) -> float:
    """A column width as Excel stores it: characters of the default font plus its padding."""
    return int((int(characters * 7 + 0.5) + 5) / 7 * 256) / 256


def _add_up(
    totals: dict[tuple[str, str], Decimal], key: str, values: list[Any], currencies: list[Any]
) -> None:
    """Each amount added to its currency's total (never across currencies)."""
    for value, currency in zip(values, currencies, strict=True):
        if value is not None:
            total_key = (key, str(currency))
            totals[total_key] = totals.get(total_key, 0) + (
                value if value.__class__ is Decimal else Decimal(str(value))
            )


class _SheetWriter:
    def __init__(self, sheet: Sheet, styles: _Styles) -> None:
        self.sheet, self.styles = sheet, styles
        self.letters = [_letters(i) for i in range(len(sheet.columns))]
        self.count = 0  # data rows written
        self.last_row = 1  # the header, the data rows and the totals

    def head(self, selected: bool) -> str:
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{_width(c.width)}" customWidth="1"/>'
            for i, c in enumerate(self.sheet.columns, start=1)
        )
        tab = ' tabSelected="1"' if selected else ""
        header = "".join(
            _cell(f"{letter}1", column.header, 1)
            for letter, column in zip(self.letters, self.sheet.columns, strict=True)
        )
        return (
            f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">'
            f'<dimension ref="A1:{self.letters[-1]}{self.last_row}"/><sheetViews>'
            f'<sheetView{tab} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            f'</sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
            f'<sheetData><row r="1">{header}</row>'
        )

    def rows(self) -> Iterator[str]:
        """The data rows, a chunk at a time, then a total per currency under each money
        column. Each chunk is built column by column: plain text, dates and amounts become
        cells without a function call per cell."""
        styles, sheet = self.styles, self.sheet
        fixed = {
            "date": styles.of(DATE_FORMAT),
            "percent": styles.of(PERCENT_FORMAT),
            "number": styles.of(AMOUNT_FORMAT),
            "text": 0,
        }
        money_style: dict[Any, int] = {}
        totals: dict[tuple[str, str], Decimal] = {}
        rows, first = iter(sheet.rows), 2
        while chunk := list(islice(rows, ROWS_PER_CHUNK)):
            numbers = range(first, first + len(chunk))
            columns = []
            for column, letter in zip(sheet.columns, self.letters, strict=True):
                values = [row.get(column.key) for row in chunk]
                if column.kind == "money":
                    currencies = [row.get(column.currency_key) for row in chunk]
                    for currency in set(currencies) - money_style.keys():
                        money_style[currency] = styles.money(currency)
                    if sheet.totals:
                        _add_up(totals, column.key, values, currencies)
                    columns.append(
                        [
                            f'<c r="{letter}{n}" s="{money_style[c]}"><v>{v:f}</v></c>'
                            if v.__class__ is Decimal
                            else _cell(f"{letter}{n}", v, money_style[c])
                            for n, v, c in zip(numbers, values, currencies, strict=True)
                        ]
                    )
                elif column.kind == "date":
                    style = fixed["date"]
                    columns.append(
                        [
                            f'<c r="{letter}{n}" s="{style}">'
                            f"<v>{v.toordinal() - _EXCEL_EPOCH}</v></c>"
                            if v.__class__ is date
                            else _cell(f"{letter}{n}", v, style)
                            for n, v in zip(numbers, values, strict=True)
                        ]
                    )
                else:
                    style = fixed.get(column.kind, 0)
                    columns.append(
                        [
                            f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{v}</t>'
                            "</is></c>"
                            if v.__class__ is str
                            and style == 0
                            and v[:1] not in _TRIGGERS
                            and "&" not in v
                            and "<" not in v
                            and ">" not in v
                            else _cell(f"{letter}{n}", v, style)
                            for n, v in zip(numbers, values, strict=True)
                        ]
                    )
            yield "".join(
                f'<row r="{n}">{"".join(cells)}</row>'
                for n, cells in zip(numbers, zip(*columns, strict=True), strict=True)
            )
            first += len(chunk)
        self.count = number = first - 2
        number += 1
        for currency in sorted({currency for _, currency in totals}):
            number += 1
            yield f'<row r="{number}">{self._total(number, totals, currency)}</row>'
        self.last_row = number

    def _total(self, number: int, totals: dict[tuple[str, str], Decimal], currency: str) -> str:
        cells = []
        for index, (column, letter) in enumerate(
            zip(self.sheet.columns, self.letters, strict=True)
        ):
            value: Any = None
            if index == 0:
                value = f"{self.sheet.total_label} {currency}"
            elif column.kind == "money":
                value = totals.get((column.key, currency))
            elif column.key in (column.currency_key, "currency"):
                value = currency
            style = (
                self.styles.money(currency, bold=True)
                if column.kind == "money"
                else self.styles.of(None, bold=True)
            )
            cells.append(_cell(f"{letter}{number}", value, style))
        return "".join(cells)

    def filter_range(self) -> str:
        return f"A1:{self.letters[-1]}{self.count + 1}"

    def tail(self) -> str:
        return (
            f'</sheetData><autoFilter ref="{self.filter_range()}"/>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/></worksheet>'
        )


def _title(title: str, taken: set[str]) -> str:
    name = _BAD_TITLE.sub(" ", title).strip("'")[:31] or "Sheet"
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name[:28]} {n}"
    taken.add(candidate.casefold())
    return candidate


def write_xlsx(sheets: Sequence[Sheet], target: Any) -> None:
    """Write the sheets to ``target`` (a path or a seekable binary file), row by row.

    Each sheet's XML goes straight into the zip as its rows are made (frozen header, filters
    on, column widths, a number format per currency, totals per currency), so a sheet of any
    length costs little memory.
    """
    with paused_collection():
        _write_xlsx(sheets, target)


def _write_xlsx(sheets: Sequence[Sheet], target: Any) -> None:
    styles = _Styles()
    titles: list[str] = []
    filters: list[str] = []
    taken: set[str] = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number, sheet in enumerate(sheets, start=1):
            title = _title(sheet.title, taken)
            writer = _SheetWriter(sheet, styles)
            # The rows go to a temporary file first: the sheet's head states its dimension
            # (readers size the sheet by it), known once the rows are written.
            with tempfile.TemporaryFile() as body:
                for rows in writer.rows():
                    body.write(_legal(rows).encode("utf-8"))
                body.seek(0)
                with archive.open(
                    f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True
                ) as part:
                    part.write(writer.head(number == 1).encode("utf-8"))
                    shutil.copyfileobj(body, part, 1024 * 1024)
                    part.write(writer.tail().encode("utf-8"))
            titles.append(title)
            quoted = title.replace("'", "''")
            start, _, end = writer.filter_range().partition(":")
            filters.append(
                f"'{quoted}'!${start[0]}$1:${end.rstrip('0123456789')}${writer.count + 1}"
            )
        _package(archive, titles, filters, styles)


def _package(
    archive: zipfile.ZipFile, titles: list[str], filters: list[str], styles: _Styles
) -> None:
    """The parts around the sheets: content types, relationships, workbook and styles."""
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
        for n in range(1, len(titles) + 1)
    )
    archive.writestr(
        "[Content_Types].xml",
        (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'
        ),
    )
    archive.writestr(
        "_rels/.rels",
        (
            f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
    )
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" '
        f'hidden="1">{escape(ref)}</definedName>'
        for n, ref in enumerate(filters)
    )
    archive.writestr(
        "xl/workbook.xml",
        (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheets}</sheets><definedNames>{names}</definedNames>"
            "</workbook>"
        ),
    )
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(titles) + 1)
    )
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        (
            f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{relations}<Relationship '
            f'Id="rId{len(titles) + 1}" Type="{_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
    )
    archive.writestr("xl/styles.xml", styles.xml())


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
