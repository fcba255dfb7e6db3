"""Signed Excel scoresheets: writing them from plain data.

A scoresheet has three sheets:

``Instructions``  how to fill it in, every criterion with its scale, the deadline (in the
                  reader's language, through the ``translate`` function given);
``Scores``        (or ``Consensus``) one row per subject × criterion; only the score and
                  justification cells are unlocked; the score cell carries Excel data
                  validation for its scale;
``tenderdesk``    very hidden: what the sheet is (kind, evaluation, evaluator, criteria version,
                  a fingerprint per criterion) and each row's subject and criterion ids and
                  labels, with an HMAC-SHA256 signature over all of it.

This module knows nothing of tenders, subsidies or the database: callers give ids, labels and
scales, and get bytes. :mod:`documents.scoresheet_reader` reads the files back.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties

from common.i18n import N_
from documents.tables_export import escape_text

Translate = Callable[[str], str]
FORMAT = "tenderdesk scoresheet 2"  # 2: the data sheet's headers are signed
IDENTITY_SHEET = "tenderdesk"
SCORES_SHEET = "Scores"
CONSENSUS_SHEET = "Consensus"
SCORES = "scores"
CONSENSUS = "consensus"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_OPEN_FILL = PatternFill("solid", fgColor="FFF7D6")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_UNLOCKED = Protection(locked=False)


def signing_key(secret: str) -> bytes:
    """The key for scoresheet signatures, derived from the server secret."""
    return hmac.new(secret.encode(), b"tenderdesk scoresheet signature", hashlib.sha256).digest()


@dataclass(frozen=True)
class Scale:
    """A score scale as a sheet shows and checks it."""

    text: str  # how it reads: "0 to 10 in steps of 0.5", "0 = insufficient, ..., 10 = excellent"
    minimum: Decimal
    maximum: Decimal
    whole: bool  # whole numbers only
    allowed: tuple[Decimal, ...] = ()  # named levels (and pass or fail): only these values


@dataclass(frozen=True)
class Row:
    subject_id: int
    criterion_id: int
    subject: str  # the name, or the blind code
    criterion: str  # "Plan of approach › Method" for a sub-criterion
    description: str
    scale: Scale
    value: Decimal | None = None
    justification: str = ""
    # consensus workbooks: (score, justification) per evaluator, mean, spread, flag
    individual: tuple[tuple[Decimal | None, str], ...] = ()
    mean: Decimal | None = None
    spread: Decimal | None = None
    flagged: bool = False


@dataclass(frozen=True)
class Identity:
    """What a sheet is; everything here is signed."""

    kind: str  # SCORES or CONSENSUS
    evaluation_id: int
    evaluator_id: int  # 0 in a consensus workbook
    criteria_version: int
    criteria: tuple[tuple[int, str], ...]  # (criterion id, fingerprint)
    rows: tuple[tuple[int, int, str, str], ...]  # (subject id, criterion id, subject, criterion)
    value_column: int  # 1-based column of the score, as written
    justification_column: int
    headers: tuple[str, ...] = ()  # the data sheet's header row, as written: columns are
    # found by these (an inserted column moves them)

    def payload(self) -> bytes:
        return json.dumps(
            [
                FORMAT,
                self.kind,
                self.evaluation_id,
                self.evaluator_id,
                self.criteria_version,
                [list(c) for c in self.criteria],
                [list(r) for r in self.rows],
                self.value_column,
                self.justification_column,
                list(self.headers),
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()

    def signature(self, key: bytes) -> str:
        return hmac.new(key, self.payload(), hashlib.sha256).hexdigest()


def fingerprint(*parts: Any) -> str:
    """A short digest of what a criterion is (name, kind, scale, description)."""
    text = json.dumps([str(p) for p in parts], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ScoreSheet:
    """An evaluator's sheet (``evaluators`` empty) or the officer's consensus workbook."""

    title: str
    person: str  # the evaluator, or the officer who downloads the consensus workbook
    evaluation_id: int
    evaluator_id: int
    criteria_version: int
    criteria: tuple[tuple[int, str], ...]
    rows: Sequence[Row]
    due: str | None = None  # the deadline, already written in the reader's zone and language
    blind: bool = False
    kind: str = SCORES  # or CONSENSUS
    evaluators: tuple[str, ...] = field(default_factory=tuple)  # consensus: column names


def _columns(sheet: ScoreSheet, _: Translate) -> list[tuple[str, int, bool]]:
    """(header, width, wrapped) per column of the data sheet."""
    columns = [(_(N_("Subject")), 28, True), (_(N_("Criterion")), 30, True)]
    if sheet.kind == SCORES:
        columns += [(_(N_("Description")), 50, True), (_(N_("Scale")), 30, True)]
    else:
        columns.append((_(N_("Scale")), 24, True))
        score, justification = _(N_("score")), _(N_("justification"))
        for name in sheet.evaluators:
            columns += [(f"{name}: {score}", 12, False), (f"{name}: {justification}", 40, True)]
        columns += [
            (_(N_("Mean")), 10, False),
            (_(N_("Spread")), 10, False),
            (_(N_("Flagged")), 10, False),
        ]
    columns += [
        (_(N_("Consensus score") if sheet.kind == CONSENSUS else N_("Score")), 12, False),
        (_(N_("Justification")), 60, True),
    ]
    return columns


def _validation(scale: Scale, _: Translate) -> DataValidation:
    if scale.allowed:
        listed = ",".join(format(v.normalize(), "f") for v in scale.allowed)
        rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        message = _(N_("Choose one of {allowed}")).format(allowed=listed.replace(",", ", "))
    else:
        low, high = format(scale.minimum.normalize(), "f"), format(scale.maximum.normalize(), "f")
        rule = DataValidation(
            type="whole" if scale.whole else "decimal",
            operator="between",
            formula1=low,
            formula2=high,
            allow_blank=True,
        )
        message = _(N_("Enter a number from {low} to {high}")).format(low=low, high=high)
    rule.error = message
    rule.errorTitle = _(N_("Not on the scale"))
    rule.prompt = scale.text[:255]
    rule.showErrorMessage = True
    rule.showInputMessage = True
    return rule


def _header(ws: Any, columns: list[tuple[str, int, bool]]) -> None:
    for index, (_title, width, _wrapped) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # evaluators may widen columns and rows
    ws.protection.formatRows = False
    cells = []
    for title, _width, _wrapped in columns:
        cell = WriteOnlyCell(ws, escape_text(title))
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        cells.append(cell)
    ws.append(cells)


def _style_ids(wb: Workbook, ws: Any) -> dict[str, int]:
    """The style index of each kind of data cell, registered with the workbook once."""
    protos = {
        "wrap": (_WRAP, None, None),
        "top": (_TOP, None, None),
        "open": (_TOP, _UNLOCKED, _OPEN_FILL),
        "open_wrap": (_WRAP, _UNLOCKED, _OPEN_FILL),
    }
    found = {}
    for name, (alignment, protection, fill) in protos.items():
        cell = WriteOnlyCell(ws, None)
        cell.alignment = alignment
        if protection is not None:
            cell.protection, cell.fill = protection, fill
        found[name] = wb._cell_styles.add(cell._style)
    return found


def _xml_text(value: str) -> str:
    return escape(ILLEGAL_CHARACTERS_RE.sub("", escape_text(value)))


def _row_xml(number: int, cells: list[tuple[Any, int]], texts: dict[tuple[str, int], str]) -> str:
    """One row of sheet XML: strings inline, numbers as written, empty cells styled (so that
    an empty score cell is still unlocked). ``texts`` remembers each styled string's XML
    (labels, descriptions and scales repeat on every subject's rows)."""
    parts = [f'<row r="{number}">']
    for column, (value, style) in enumerate(cells):
        ref = f'<c r="{_LETTERS[column]}{number}"'
        if value is None or value == "":
            parts.append(f'{ref} s="{style}"/>')
        elif isinstance(value, Decimal | int) and not isinstance(value, bool):
            digits = format(Decimal(value).normalize(), "f")
            parts.append(f'{ref} s="{style}"><v>{digits}</v></c>')
        else:
            key = (str(value), style)
            rest = texts.get(key)
            if rest is None:
                rest = texts[key] = (
                    f' s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{_xml_text(key[0])}</t></is></c>"
                )
            parts.append(ref + rest)
    parts.append("</row>")
    return "".join(parts)


_LETTERS = [get_column_letter(n) for n in range(1, 200)]


def _data_rows(sheet: ScoreSheet, styles: dict[str, int], _: Translate) -> Iterator[str]:
    yes, no = _(N_("yes")), _(N_("no"))
    wrap, top = styles["wrap"], styles["top"]
    texts: dict[tuple[str, int], str] = {}
    for number, row in enumerate(sheet.rows, start=2):
        cells: list[tuple[Any, int]] = [(row.subject, wrap), (row.criterion, wrap)]
        if sheet.kind == SCORES:
            cells += [(row.description, wrap), (row.scale.text, wrap)]
        else:
            cells.append((row.scale.text, wrap))
            for value, justification in row.individual:
                cells += [(value, top), (justification, wrap)]
            cells += [(row.mean, top), (row.spread, top), (yes if row.flagged else no, top)]
        cells += [(row.value, styles["open"]), (row.justification, styles["open_wrap"])]
        yield _row_xml(number, cells, texts)


def _ranges(letter: str, numbers: list[int]) -> str:
    """Rows as a sheet reference, runs of rows as ranges: ``E2:E9 E12:E19 E22``."""
    parts = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(
            f"{letter}{start}" if start == previous else f"{letter}{start}:{letter}{previous}"
        )
        if number is not None:
            start = previous = number
    return " ".join(parts)


def _data_sheet(
    wb: Workbook,
    sheet: ScoreSheet,
    _: Translate,
) -> tuple[Any, list[str], dict[str, str]]:
    """The data sheet with its header, settings and validations; the rows are added to the
    saved file by :func:`_with_rows` (openpyxl's cell objects cost too much for 10,000 rows),
    and so are the cells of each validation (openpyxl makes an object of every reference):
    the rules are written with a placeholder cell, returned with the real references.
    Returns the sheet, its headers (the score and the justification are the last two) and
    the placeholders."""
    ws = wb.create_sheet(SCORES_SHEET if sheet.kind == SCORES else CONSENSUS_SHEET)
    columns = _columns(sheet, _)
    value_column = len(columns) - 1
    _header(ws, columns)
    rows_of: dict[Scale, list[int]] = {}
    for number, row in enumerate(sheet.rows, start=2):
        rows_of.setdefault(row.scale, []).append(number)
    value_letter = get_column_letter(value_column)
    references = {}
    for n, (scale, numbers) in enumerate(rows_of.items()):  # one rule per scale
        rule = _validation(scale, _)
        placeholder = f"XFD{1_048_576 - n}"  # the sheet's last cells, never written
        rule.sqref = MultiCellRange(placeholder)
        references[f'sqref="{placeholder}"'] = f'sqref="{_ranges(value_letter, numbers)}"'
        ws.data_validations.append(rule)
    return ws, [escape_text(title) for title, _width, _wrapped in columns], references


def _with_rows(
    data: bytes, part: str, rows: Iterator[str], dimension: str, references: dict[str, str]
) -> bytes:
    """The saved workbook with the data rows written into ``part``'s sheet data (and its
    dimension, which readers use to size the sheet without reading it twice) and the
    validations' placeholders replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == part:
                head, marker, tail = body.decode("utf-8").partition("</sheetData>")
                if not marker:
                    raise ValueError(f"{part} has no sheet data")
                head = head.replace(
                    "<sheetViews>", f'<dimension ref="{dimension}"/><sheetViews>', 1
                )
                for placeholder, reference in references.items():
                    if placeholder not in tail:
                        raise ValueError(f"{part} has no {placeholder}")
                    tail = tail.replace(placeholder, reference, 1)
                body = "".join((head, *rows, marker, tail)).encode("utf-8")
            target.writestr(item, body, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _instructions(wb: Workbook, sheet: ScoreSheet, _: Translate) -> None:
    ws = wb.create_sheet(_(N_("Instructions"))[:31])
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 90
    ws.protection.sheet = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    def line(label: str, value: str = "", bold: bool = False) -> None:
        first = WriteOnlyCell(ws, escape_text(label))
        first.alignment = _WRAP
        if bold:
            first.font = Font(bold=True, size=14 if not value else 11)
        second = WriteOnlyCell(ws, escape_text(value))
        second.alignment = _WRAP
        ws.append([first, second])

    data = SCORES_SHEET if sheet.kind == SCORES else CONSENSUS_SHEET
    if sheet.kind == SCORES:
        line(_(N_("Scoresheet")), bold=True)
        line(_(N_("Evaluation")), sheet.title)
        line(_(N_("Evaluator")), sheet.person)
        line(_(N_("Scores due")), sheet.due or _(N_("no deadline set")))
        line("")
        steps = [
            N_(
                "Score every row on the sheet {sheet}: type the score in the yellow Score "
                "column and explain it in the Justification column. Other cells are locked."
            ),
            N_(
                "Every score needs a justification (a pass or fail criterion only when it "
                "fails). Leave a row empty to score it later."
            ),
            N_(
                "Scores must be on the criterion's scale; whole numbers where the scale has "
                "no decimals. Do not type formulas, and do not add, remove or move rows."
            ),
            N_(
                "Save the file as an Excel workbook (.xlsx) and upload it on your scoring page. "
                "Nothing is stored when a problem is found: every problem is listed with its "
                "cell, so you can fix them all and upload again."
            ),
            N_(
                'Uploaded scores are drafts until you submit them; tick "submit" when '
                "uploading to make them final. Only you can upload this sheet."
            ),
        ]
        if sheet.blind:
            steps.append(N_("This evaluation is blind: subjects are shown by their code."))
    else:
        line(_(N_("Consensus workbook")), bold=True)
        line(_(N_("Evaluation")), sheet.title)
        line(_(N_("Made for")), sheet.person)
        line("")
        steps = [
            N_(
                "Every evaluator's submitted score and justification is shown side by side "
                "with the mean, the spread and whether the pair is flagged for the consensus "
                "meeting."
            ),
            N_(
                "Type the consensus score and its justification in the yellow columns of the "
                "sheet {sheet}. A consensus score needs a justification; emptying both "
                "removes a consensus score."
            ),
            N_(
                "Upload the workbook on the consensus page. Nothing is stored when a problem "
                "is found: every problem is listed with its cell."
            ),
        ]
    for number, step in enumerate(steps, start=1):
        line(f"{number}.", _(step).format(sheet=data))
    line("")
    line(_(N_("Criteria and their scales")), bold=True)
    seen: set[int] = set()
    for row in sheet.rows:
        if row.criterion_id in seen:
            continue
        seen.add(row.criterion_id)
        about = row.scale.text if not row.description else f"{row.scale.text}\n{row.description}"
        line(row.criterion, about)


CHUNK = 15000  # characters per cell of the identity sheet (Excel allows 32,767)
CHUNK_MARK = "#"  # before every chunk, so that none can be taken for a formula


def chunks(value: Any) -> list[str]:
    """A JSON value cut into cell-sized pieces."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return [CHUNK_MARK + text[start : start + CHUNK] for start in range(0, len(text), CHUNK)]


def _identity_sheet(wb: Workbook, identity: Identity, key: bytes) -> None:
    ws = wb.create_sheet(IDENTITY_SHEET)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.append([FORMAT, identity.kind])
    ws.append(["evaluation", identity.evaluation_id])
    ws.append(["evaluator", identity.evaluator_id])
    ws.append(["criteria_version", identity.criteria_version])
    ws.append(["columns", identity.value_column, identity.justification_column])
    ws.append(["signature", identity.signature(key)])
    for label, value in (
        ("criteria", [list(c) for c in identity.criteria]),
        ("rows", [list(r) for r in identity.rows]),
        ("headers", list(identity.headers)),
    ):
        pieces = chunks(value)
        ws.append([label, len(pieces)])
        for piece in pieces:
            ws.append([piece])


def write(sheet: ScoreSheet, key: bytes, translate: Translate) -> bytes:
    """The workbook as bytes, signed with ``key`` (see :func:`signing_key`)."""
    wb = Workbook(write_only=True)
    _instructions(wb, sheet, translate)
    ws, headers, references = _data_sheet(wb, sheet, translate)
    value_column, text_column = len(headers) - 1, len(headers)
    styles = _style_ids(wb, ws)
    part = f"xl/worksheets/sheet{wb.worksheets.index(ws) + 1}.xml"  # as openpyxl numbers them
    identity = Identity(
        sheet.kind,
        sheet.evaluation_id,
        sheet.evaluator_id,
        sheet.criteria_version,
        tuple(sheet.criteria),
        tuple(
            (r.subject_id, r.criterion_id, escape_text(r.subject), escape_text(r.criterion))
            for r in sheet.rows
        ),
        value_column,
        text_column,
        tuple(headers),
    )
    _identity_sheet(wb, identity, key)
    wb.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    dimension = f"A1:{get_column_letter(text_column)}{len(sheet.rows) + 1}"
    return _with_rows(
        buffer.getvalue(), part, _data_rows(sheet, styles, translate), dimension, references
    )
