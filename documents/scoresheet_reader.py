"""Reading signed scoresheets back, safely, whatever program saved them.

Two stages, each reporting every problem it finds:

1. :func:`check_container` before any XML is parsed: the upload must be a zip holding an
   Excel workbook without macros, at most 5 MB, at most 50 MB uncompressed, and without an
   extreme compression ratio (a zip bomb).
2. :func:`read` parses it with openpyxl in read-only mode (defusedxml guards the XML), checks
   the hidden signed identity sheet and that every row is still where it was written, and
   returns each row's raw score and justification with its cell. Checking the values against
   the scale is the caller's business (it knows the criteria); so is comparing the identity
   with the evaluation as it is now.

Files saved again by Excel or LibreOffice read the same: sheets are found by name, numbers may
come back as ints or floats, strings as shared or inline strings, and trailing empty rows (or
rows only styled) are ignored.
"""

from __future__ import annotations

import hmac
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

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


def _value(cell: Any) -> Any:
    """A cell's value; formulas (also array formulas) as :class:`Formula`."""
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (value is not None and not isinstance(
            value, str | int | float | bool | datetime | date | time | timedelta)):
        return Formula(str(getattr(value, "text", value)))
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read(data: bytes, key: bytes, kind: str = SCORES) -> Sheet:
    """Parse a workbook written by :func:`documents.scoresheets.write`.

    Raises ValidationFailed when it is not such a workbook or its signature does not match
    (then nothing in it can be trusted); otherwise row problems come back in ``problems``.
    """
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:
        raise _refused(N_("The file could not be read as an Excel workbook")) from None
    try:
        return _read(wb, key, kind)
    finally:
        wb.close()


def _read(wb: Any, key: bytes, kind: str) -> Sheet:
    data_name = SCORES_SHEET if kind == SCORES else CONSENSUS_SHEET
    if IDENTITY_SHEET not in wb.sheetnames:
        raise ValidationFailed([Problem(N_("The sheet has no signature: it was not made by "
                                           "tenderdesk, or was copied into another workbook; "
                                           "download a new one"), {}, "file")])
    hidden = wb[IDENTITY_SHEET]
    hidden.reset_dimensions()
    try:
        identity, signature = _identity(hidden.iter_rows(max_col=3, values_only=True))
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
    if data_name not in wb.sheetnames:
        raise ValidationFailed([Problem(N_("The sheet {sheet} is missing"), {"sheet": data_name},
                                        "file")])
    ws = wb[data_name]
    ws.reset_dimensions()
    return _rows(identity, ws, data_name)


def _rows(identity: Identity, ws: Any, name: str) -> Sheet:
    expected = {(r[2], r[3]): index for index, r in enumerate(identity.rows)}
    value_at, text_at = identity.value_column - 1, identity.justification_column - 1
    value_letter = get_column_letter(identity.value_column)
    text_letter = get_column_letter(identity.justification_column)
    width = max(value_at, text_at) + 1
    entries: list[Entry] = []
    problems: list[Problem] = []
    seen: set[int] = set()
    for number, raw in enumerate(ws.iter_rows(min_row=2, max_col=width), start=2):
        found = tuple(raw[:width])
        cells = tuple(_value(c) for c in found) + (None,) * (width - len(found))
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
