"""Reading signed scoresheets back, safely, whatever program saved them.

Two stages, each reporting every problem it finds:

1. :func:`check_container` before any XML is parsed: the upload must be a zip holding an
   Excel workbook without macros, at most 5 MB, at most 50 MB uncompressed, and without an
   extreme compression ratio (a zip bomb).
2. :func:`read` reads the two sheets it needs straight from the zip, checks the hidden signed
   identity sheet and that every row is still where it was written, and returns each row's
   raw score and justification with its cell. Checking the values against the scale is the
   caller's business (it knows the criteria); so is comparing the identity with the
   evaluation as it is now.

The XML is guarded as openpyxl guards it, with defusedxml: a part with a document type
declaration (so with entities or external references) is refused before its body is parsed.
Cell values come back as openpyxl's read-only mode gives them (formulas unevaluated, dates
for date styles), without its cost of an object per cell and per validated cell (10,000
rows took seconds).

Files saved again by Excel or LibreOffice read the same: sheets are found by name, numbers may
come back as ints or floats, strings as shared or inline strings, and trailing empty rows (or
rows only styled) are ignored.
"""

from __future__ import annotations

import hmac
import io
import json
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree import ElementTree

from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as defused_fromstring
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from common.errors import Problem, ValidationFailed
from common.i18n import N_
from documents.scoresheets import (
    CHUNK_MARK,
    CONSENSUS_SHEET,
    FORMAT,
    IDENTITY_SHEET,
    SCORES,
    SCORES_SHEET,
    Identity,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, over the whole archive and per member
RATIO_FLOOR = 1024 * 1024  # members smaller than this may compress as well as they like
MACRO_MARKERS = ("vbaproject", "macrosheets/", "xl/activex/", ".bin")
MACRO_TYPES = ("macroenabled", "vbaproject", "ms-excel.sheet.macro")


def _refused(message: str, **params: Any) -> ValidationFailed:
    return ValidationFailed([Problem(message, params, "file")])


def check_container(filename: str, data: bytes) -> None:
    """Refuse what must not be parsed at all, naming why."""
    name = (filename or "").strip()
    if name.lower().endswith((".xlsm", ".xltm", ".xlam")):
        raise _refused(N_("{name} is a workbook with macros; save it as an Excel workbook "
                          "(.xlsx) without macros"), name=name)
    if len(data) > MAX_BYTES:
        raise _refused(N_("The file is larger than {limit} MB"), limit=MAX_BYTES // 2**20)
    if not data:
        raise _refused(N_("The file is empty"))
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refused(N_("{name} is not an Excel workbook (.xlsx)"), name=name or "-")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refused(N_("{name} is not an Excel workbook (.xlsx)"), name=name or "-") from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refused(N_("{name} is not an Excel workbook (.xlsx)"), name=name or "-")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise _refused(N_("The workbook unpacks to more than {limit} MB"),
                       limit=MAX_UNCOMPRESSED // 2**20)
    packed = sum(m.compress_size for m in members) or 1
    if (total > RATIO_FLOOR and total / packed > MAX_RATIO) or any(
            m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1)
            for m in members):
        raise _refused(N_("The workbook is compressed more than {ratio} times; it is refused "
                          "as a possible zip bomb"), ratio=MAX_RATIO)
    if any(marker in m.filename.lower() for m in members for marker in MACRO_MARKERS):
        raise _refused(N_("{name} contains macros; save it as an Excel workbook (.xlsx) "
                          "without macros"), name=name or "-")
    types = archive.read("[Content_Types].xml")[:200_000].decode("utf-8", "replace").lower()
    if any(marker in types for marker in MACRO_TYPES):
        raise _refused(N_("{name} contains macros; save it as an Excel workbook (.xlsx) "
                          "without macros"), name=name or "-")


@dataclass(frozen=True)
class Entry:
    """One row as filled in: the raw values of its score and justification cells."""

    row: int
    subject_id: int
    criterion_id: int
    value: Any
    justification: Any
    value_cell: str
    justification_cell: str
    subject: str  # the row's labels as written
    criterion: str


@dataclass(frozen=True)
class Sheet:
    identity: Identity
    entries: list[Entry]
    problems: list[Problem]  # rows added, removed or moved


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(str(value).strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _identity(rows: Iterator[tuple[Any, ...]]) -> tuple[Identity, str]:
    """The identity sheet's content and its signature; ValueError when it is malformed."""

    def take(label: str) -> tuple[Any, ...]:
        row = next(rows)
        if not row or row[0] != label:
            raise ValueError(label)
        return row

    first = next(rows)
    if not first or first[0] != FORMAT:
        raise ValueError("format")
    kind = str(first[1])
    evaluation_id = _int(take("evaluation")[1])
    evaluator_id = _int(take("evaluator")[1])
    version = _int(take("criteria_version")[1])
    columns = take("columns")
    signature = _text(take("signature")[1])

    def joined(label: str) -> Any:
        count = _int(take(label)[1])
        pieces = [_text(next(rows)[0]) for _ in range(count)]
        if not all(piece.startswith(CHUNK_MARK) for piece in pieces):
            raise ValueError(label)
        return json.loads("".join(piece[len(CHUNK_MARK):] for piece in pieces))

    criteria = tuple((int(c), str(p)) for c, p in joined("criteria"))
    entries = tuple((int(s), int(c), str(a), str(b)) for s, c, a, b in joined("rows"))
    return Identity(kind, evaluation_id, evaluator_id, version, criteria, entries,
                    _int(columns[1]), _int(columns[2])), signature


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (never evaluated)."""

    text: str


# --- the workbook's XML, read straight from the zip -----------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _CELL, _SHEET_DATA = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}sheetData"
_V, _F, _IS, _T, _R, _SI = (f"{_MAIN}{tag}" for tag in ("v", "f", "is", "t", "r", "si"))
_COLUMN = re.compile(r"[A-Za-z]{1,3}")
_PROLOG_CHUNK = 64 * 1024
_CHUNK = 4 * 1024  # small pieces: fewer elements alive at once, measurably faster


class _Unreadable(Exception):
    """The package is not a workbook this reader can make sense of."""


class _PrologDone(Exception):
    pass


class _StopAtRoot:
    """A parser target that stops once the root element starts: the DTD, if any, is behind."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _PrologDone

    def end(self, tag: str) -> None:  # pragma: no cover - never reached
        pass

    def data(self, data: str) -> None:  # pragma: no cover
        pass

    def close(self) -> None:
        pass


def _guard(source: IO[bytes]) -> None:
    """Refuse a document type declaration, as defusedxml does (``forbid_dtd``; entities and
    external references are refused too). A DTD can only stand before the root element, and
    without one no entity can be declared, so the rest of the part is safe for the C parser.
    """
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    try:
        while chunk := source.read(_PROLOG_CHUNK):
            parser.feed(chunk)
        parser.close()
    except _PrologDone:
        return


def _fromstring(data: bytes) -> ElementTree.Element:
    """A small part (workbook, relationships, styles) parsed whole with defusedxml."""
    return defused_fromstring(data, forbid_dtd=True)


def _text_of(node: ElementTree.Element) -> str:
    """A rich or plain string's text (``<si>`` or ``<is>``), as openpyxl gives it: the plain
    ``t`` and each run's ``t``; phonetic runs left out."""
    pieces = []
    for child in node:
        if child.tag == _T:
            pieces.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None and t.text is not None:
                pieces.append(t.text)
    return "".join(pieces)


def _number(text: str) -> int | float:
    return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """The 1-based column of a cell reference such as ``E7``."""
    letters = ref.rstrip(_DIGITS)
    found = _COLUMNS.get(letters)
    if found is None:
        if not _COLUMN.fullmatch(letters):
            raise _Unreadable(ref)
        found = _COLUMNS[letters] = column_index_from_string(letters.upper())
    return found


def _row_number(given: str) -> int:
    """A row's number as written (openpyxl also takes ``7.0``)."""
    try:
        return int(given)
    except ValueError:
        number = float(given)
        if not number.is_integer():
            raise _Unreadable(given) from None
        return int(number)


class _Book:
    """The parts of an .xlsx the reader needs: sheet names and their parts, shared strings,
    which styles are dates, the date epoch. openpyxl's read-only mode builds an object per
    cell and per validated cell reference; this reads the same values in a fraction of the
    time (the format allows both shared and inline strings, either is accepted)."""

    def __init__(self, data: bytes) -> None:
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        book = _fromstring(self.archive.read("xl/workbook.xml"))
        rels = self._relations("xl/_rels/workbook.xml.rels")
        self.sheets: dict[str, str] = {}
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = rels.get(sheet.get(_REL_ID, ""))
            if target is not None and sheet.get("name") is not None:
                self.sheets[sheet.get("name", "")] = target[1]
        properties = book.find(f"{_MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in (
            "1", "true")
        self.epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH
        strings = [target for kind, target in rels.values() if kind.endswith("/sharedStrings")]
        self._strings_part = strings[0] if strings else None
        self._strings: list[str] | None = None
        styles = [target for kind, target in rels.values() if kind.endswith("/styles")]
        self.dates, self.durations = self._date_styles(styles[0] if styles else None)

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id: (type, part name) of the workbook's relationships."""
        found = {}
        for rel in _fromstring(self.archive.read(part)).iter(f"{_RELS}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            found[rel.get("Id", "")] = (rel.get("Type", ""), name)
        return found

    def _date_styles(self, part: str | None) -> tuple[set[int], set[int]]:
        """The cell styles showing numbers as dates, and as durations."""
        if part is None or part not in self.archive.namelist():
            return set(), set()
        root = _fromstring(self.archive.read(part))
        custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
                  for f in root.iter(f"{_MAIN}numFmt")}
        cell_styles = root.find(f"{_MAIN}cellXfs")
        dates, durations = set(), set()
        for index, xf in enumerate(cell_styles if cell_styles is not None else ()):
            number_format = int(xf.get("numFmtId", "0"))
            code = custom.get(number_format) or builtin_format_code(number_format)
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return dates, durations

    def _parse(self, part: str) -> Iterator[list[tuple[str, ElementTree.Element]]]:
        """The (event, element) pairs of every element of a large part as they end, a batch
        per chunk read, after the guard."""
        with self.archive.open(part) as source:
            _guard(source)
        # Guarded: without a DTD no entity can be declared or fetched, so the fast parser
        # may read the rest.
        parser = ElementTree.XMLPullParser(events=("end",))
        with self.archive.open(part) as source:
            while chunk := source.read(_CHUNK):
                parser.feed(chunk)
                yield list(parser.read_events())
        parser.close()
        yield list(parser.read_events())

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            if self._strings_part is not None:
                for events in self._parse(self._strings_part):
                    for _event, element in events:
                        if element.tag == _SI:
                            self._strings.append(_text_of(element).replace("x005F_", ""))
                            element.clear()
        return self._strings

    def _value(self, cell: ElementTree.Element, formulas: bool) -> Any:
        """A cell's value as openpyxl gives it (read-only, formulas not evaluated): numbers as
        int or float, dates for date styles, shared and inline strings, booleans, error
        texts; a formula as :class:`Formula` (or its text when ``formulas`` is false)."""
        kind = cell.get("t", "n")
        formula = cell.find(_F)
        if formula is not None:
            text = "=" + (formula.text or "")
            return Formula(text) if formulas else text
        if kind == "inlineStr":
            inline = cell.find(_IS)
            return None if inline is None else _text_of(inline)
        value = cell.findtext(_V) or None
        if value is None:
            return None
        if kind == "n":
            number = _number(value)
            style = int(cell.get("s") or 0)
            if style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str", "e"

    def rows(self, name: str, first: int, width: int, formulas: bool = True,
             wanted: tuple[int, ...] | None = None) -> Iterator[tuple[Any, ...]]:
        """The values of the sheet's first ``width`` columns, row by row from row ``first``
        to the last row in the file (missing rows as empty ones), as openpyxl's read-only
        ``iter_rows(min_row=first, max_col=width)`` would give them.

        With ``wanted`` (0-based columns) the other columns are read only when every wanted
        one is blank (they are None otherwise): the caller only needs them to tell an empty
        row from one with something in it."""
        empty = (None,) * width
        wanted = tuple(range(width)) if wanted is None else wanted
        others = [column for column in range(width) if column not in wanted]
        counter = first
        row_number = 0
        columns = _COLUMNS
        for events in self._parse(self.sheets[name]):
            for _event, element in events:
                tag = element.tag
                if tag != _ROW:
                    if tag == _SHEET_DATA:
                        return
                    continue
                given = element.get("r")
                row_number = _row_number(given) if given else row_number + 1
                if row_number < counter:
                    element.clear()
                    continue
                cells: list[ElementTree.Element | None] = [None] * width
                column = 0
                for cell in element:
                    if cell.tag == _CELL:
                        ref = cell.get("r")
                        column = (columns.get(ref.rstrip(_DIGITS)) or _column(ref) if ref
                                  else column + 1)
                        if column <= width:
                            cells[column - 1] = cell
                values: list[Any] = [None] * width
                for column in wanted:
                    cell = cells[column]
                    if cell is not None:
                        values[column] = self._value(cell, formulas)
                if others and all(_blank(values[column]) for column in wanted):
                    for column in others:
                        cell = cells[column]
                        if cell is not None:
                            values[column] = self._value(cell, formulas)
                element.clear()
                while counter < row_number:
                    counter += 1
                    yield empty
                counter += 1
                yield tuple(values)

    def close(self) -> None:
        self.archive.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read(data: bytes, key: bytes, kind: str = SCORES) -> Sheet:
    """Parse a workbook written by :func:`documents.scoresheets.write` (or saved again by a
    spreadsheet program).

    Raises ValidationFailed when it is not such a workbook or its signature does not match
    (then nothing in it can be trusted); otherwise row problems come back in ``problems``.
    """
    try:
        book = _Book(data)
    except Exception:
        raise _refused(N_("The file could not be read as an Excel workbook")) from None
    try:
        return _read(book, key, kind)
    except ValidationFailed:
        raise
    except Exception:
        raise _refused(N_("The file could not be read as an Excel workbook")) from None
    finally:
        book.close()


def _read(book: _Book, key: bytes, kind: str) -> Sheet:
    data_name = SCORES_SHEET if kind == SCORES else CONSENSUS_SHEET
    if IDENTITY_SHEET not in book.sheets:
        raise ValidationFailed([Problem(N_("The sheet has no signature: it was not made by "
                                           "tenderdesk, or was copied into another workbook; "
                                           "download a new one"), {}, "file")])
    try:
        identity, signature = _identity(book.rows(IDENTITY_SHEET, 1, 3, formulas=False))
    except (StopIteration, ValueError, TypeError, IndexError, RecursionError):
        raise ValidationFailed([Problem(N_("The signature sheet was changed; download a new "
                                           "sheet"), {}, IDENTITY_SHEET)]) from None
    if not hmac.compare_digest(identity.signature(key), signature):
        raise ValidationFailed([Problem(N_("The signature does not match: the sheet was "
                                           "changed outside the score cells, or was not made "
                                           "by this server; download a new sheet"), {},
                                        IDENTITY_SHEET)])
    if identity.kind != kind:
        raise ValidationFailed([Problem(
            N_("This is a consensus workbook, not a scoresheet") if identity.kind != SCORES
            else N_("This is an evaluator's scoresheet, not a consensus workbook"), {},
            "file")])
    if data_name not in book.sheets:
        raise ValidationFailed([Problem(N_("The sheet {sheet} is missing"), {"sheet": data_name},
                                        "file")])
    return _rows(identity, book, data_name)


def _rows(identity: Identity, book: _Book, name: str) -> Sheet:
    expected = {(r[2], r[3]): index for index, r in enumerate(identity.rows)}
    value_at, text_at = identity.value_column - 1, identity.justification_column - 1
    value_letter = get_column_letter(identity.value_column)
    text_letter = get_column_letter(identity.justification_column)
    width = max(value_at, text_at) + 1
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: set[int] = set()
    rows = book.rows(name, 2, width, wanted=(0, 1, value_at, text_at))
    for number, cells in enumerate(rows, start=2):
        index = number - 2
        where = f"{name}!A{number}"
        if all(_blank(c) for c in cells):
            if index < len(identity.rows):
                problems.append(Problem(N_("the row for {subject} · {criterion} was removed"),
                                        {"subject": identity.rows[index][2],
                                         "criterion": identity.rows[index][3]}, where))
                seen.add(index)
            continue
        key = (_text(cells[0]), _text(cells[1]))
        if index < len(identity.rows) and key == identity.rows[index][2:]:
            subject_id, criterion_id = identity.rows[index][:2]
            seen.add(index)
            entries.append(Entry(number, subject_id, criterion_id, cells[value_at],
                                 cells[text_at], f"{name}!{value_letter}{number}",
                                 f"{name}!{text_letter}{number}", key[0], key[1]))
            continue
        home = expected.get(key)
        if home is not None:
            problems.append(Problem(N_("the row {subject} · {criterion} was moved; it belongs "
                                       "on row {row}"),
                                    {"subject": key[0], "criterion": key[1], "row": home + 2},
                                    where))
            seen.add(home)
        else:
            problems.append(Problem(N_("a row was added ({subject} · {criterion}); rows "
                                       "cannot be added"),
                                    {"subject": key[0] or "-", "criterion": key[1] or "-"},
                                    where))
    for index, row in enumerate(identity.rows):
        if index not in seen:
            problems.append(Problem(N_("the row for {subject} · {criterion} was removed"),
                                    {"subject": row[2], "criterion": row[3]},
                                    f"{name}!A{index + 2}"))
    return Sheet(identity, entries, problems)
