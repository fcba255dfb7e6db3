"""Reading signed scoresheets back, whatever program saved them, within bounds.

Every upload either comes back as exactly the cells the evaluator saw, or is refused with a
message naming the part or the cell, in bounded time and memory (:mod:`documents.xlsx_guard`
reads the zip and streams the XML):

1. The container: a zip of the parts a saved workbook holds (no macros, OLE objects, external
   links; a damaged member refused by name), the sheets by name (two with one name refused).
2. The hidden identity sheet is read first, with fixed small limits, and its signature
   checked before any other part is parsed beyond the strings it refers to.
3. What the identity says the sheet holds bounds the rest: the data sheet's rows, highest row
   number, columns, elements, the shared strings and their length, the styles.
4. The data sheet's columns are found by their signed headers (an inserted column moves them;
   a missing or changed header is refused naming its cell); a formula anywhere, a merged
   range, a hidden data sheet, a row or a cell written twice is refused by name.

Checking the values against the scale is the caller's business (it knows the criteria); so
is comparing the identity with the evaluation as it is now.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from common.errors import Problem, ValidationFailed
from common.i18n import N_
from documents import xlsx_guard as guard
from documents.scoresheets import (
    CHUNK,
    CHUNK_MARK,
    CONSENSUS_SHEET,
    FORMAT,
    IDENTITY_SHEET,
    SCORES,
    SCORES_SHEET,
    Identity,
)
from documents.xlsx_guard import MAX_BYTES, Formula, Limits, quoted, refused

__all__ = ["MAX_BYTES", "Entry", "Formula", "Sheet", "read"]

MAX_IDENTITY_PIECES = 400  # 6 MB of JSON per list: far more than 20,000 rows
IDENTITY_ROWS = 10 + 3 * MAX_IDENTITY_PIECES
IDENTITY_CHARS = 600 * (CHUNK + 100)  # all three lists together: 9 MB of JSON
EXTRA_ROWS = 50  # rows added below the last are reported one by one, up to this many
EXTRA_COLUMNS = 10  # columns inserted by the evaluator are allowed (found by header)
_M = "{" + guard.MAIN + "}"
NO_SIGNATURE = N_(
    "The sheet has no signature: it was not made by tenderdesk, or was copied "
    "into another workbook; download a new one"
)
CHANGED_IDENTITY = N_("The signature sheet was changed; download a new sheet")


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


# --- the identity ---------------------------------------------------------------------------


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = str(value).strip()
    if len(text) > 18:
        raise ValueError(value)
    return int(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_identity(rows: list[tuple[Any, ...]]) -> tuple[Identity, str]:
    """The identity sheet's content and its signature; ValueError when it is malformed.
    Pure: every count is checked against the rows there are."""
    lines = iter(rows)

    def take(label: str) -> tuple[Any, ...]:
        row = next(lines)
        if len(row) < 2 or row[0] != label:
            raise ValueError(label)
        return row

    first = next(lines)
    if (
        first
        and isinstance(first[0], str)
        and first[0].startswith(FORMAT[:-1])
        and first[0] != FORMAT
    ):
        raise refused(
            N_("This sheet was made by an earlier version of tenderdesk; download a new sheet"),
            IDENTITY_SHEET,
        )
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
        if not 0 <= count <= MAX_IDENTITY_PIECES:
            raise ValueError(label)
        pieces = [_text(next(lines)[0]) for _ in range(count)]
        if not all(piece.startswith(CHUNK_MARK) for piece in pieces):
            raise ValueError(label)
        return json.loads("".join(piece[len(CHUNK_MARK) :] for piece in pieces))

    criteria = tuple((int(c), str(p)) for c, p in joined("criteria"))
    entries = tuple((int(s), int(c), str(a), str(b)) for s, c, a, b in joined("rows"))
    headers = tuple(str(h) for h in joined("headers"))
    identity = Identity(
        kind,
        evaluation_id,
        evaluator_id,
        version,
        criteria,
        entries,
        _int(columns[1]),
        _int(columns[2]),
        headers,
    )
    if not (
        1 <= identity.value_column <= len(headers)
        and 1 <= identity.justification_column <= len(headers)
        and len(headers) >= 2
    ):
        raise ValueError("columns")
    return identity, signature


# --- the workbook ---------------------------------------------------------------------------


class _Book(guard.Book):
    """The scoresheet's workbook, whose identity is read first."""

    def identity_rows(self) -> list[tuple[Any, ...]]:
        """The identity sheet's first three columns, row by row, read with fixed limits; its
        shared strings looked up without keeping the others."""
        sheet = self.sheets[IDENTITY_SHEET]
        limits = Limits(
            rows=IDENTITY_ROWS,
            last_row=IDENTITY_ROWS,
            columns=3,
            elements=IDENTITY_ROWS * 16 + 1_000,
            bytes=IDENTITY_ROWS * (CHUNK * 4 + 1_000),
            text=CHUNK + 100,
        )
        found: list[tuple[int, dict[int, guard.Cell]]] = []
        chars = 0
        for row in self.package.rows(sheet, limits):
            chars += sum(len(c.value or c.inline or "") for c in row.cells.values())
            if chars > IDENTITY_CHARS:
                raise ValueError("identity too long")
            found.append((row.number, row.cells))
        wanted = {
            int(c.value)
            for _n, cells in found
            for c in cells.values()
            if c.kind == "s" and c.value is not None and c.value.isdigit()
        }
        strings = dict(self._strings(wanted, IDENTITY_CHARS))
        rows: list[tuple[Any, ...]] = []
        for number, cells in found:
            if number != len(rows) + 1:
                raise ValueError(number)
            rows.append(tuple(self._plain(cells.get(c), strings) for c in (1, 2, 3)))
        return rows

    def _plain(self, cell: guard.Cell | None, strings: dict[int, str]) -> Any:
        if cell is None:
            return None
        if cell.formula is not None:
            raise ValueError("formula")
        if cell.kind == "s":
            return strings[int(cell.value or "")]
        return cell.inline if cell.kind == "inlineStr" else cell.value


# --- reading --------------------------------------------------------------------------------


def read(data: bytes, key: bytes, kind: str = SCORES, filename: str = "upload.xlsx") -> Sheet:
    """Parse a workbook written by :func:`documents.scoresheets.write` (or saved again by a
    spreadsheet program).

    Raises ValidationFailed when it is not such a workbook, it holds what a scoresheet must
    not, or its signature does not match (then nothing in it can be trusted); otherwise row
    problems come back in ``problems``.
    """
    try:
        book = _Book(filename, data)
        try:
            return _read(book, key, kind)
        finally:
            book.close()
    except ValidationFailed:
        raise
    except Exception:  # whatever else a hostile file provokes is a refusal, never a 500
        raise refused(N_("The file could not be read as an Excel workbook")) from None


def _read(book: _Book, key: bytes, kind: str) -> Sheet:
    identity = _signed_identity(book, key)
    if identity.kind != kind:
        raise refused(
            N_("This is a consensus workbook, not a scoresheet")
            if identity.kind != SCORES
            else N_("This is an evaluator's scoresheet, not a consensus workbook")
        )
    data_name = SCORES_SHEET if kind == SCORES else CONSENSUS_SHEET
    if data_name not in book.sheets:
        raise refused(N_("The sheet {sheet} is missing"), sheet=data_name)
    if book.sheets[data_name].state != "visible":
        raise refused(
            N_("The sheet {sheet} is hidden; show it, or download a new sheet"),
            data_name,
            sheet=data_name,
        )
    rows, width = len(identity.rows), len(identity.headers)
    lines = rows + 2 + EXTRA_ROWS + 40 + len(identity.criteria)  # data and instructions
    book.load_strings(
        lines * (width + EXTRA_COLUMNS) + 3 * IDENTITY_ROWS, lines * guard.ROW_BYTES + 2**20
    )
    book.load_styles()
    _check_other_sheets(book, identity, data_name)
    limits = Limits(
        rows=rows + 1 + EXTRA_ROWS,
        last_row=rows + 1 + EXTRA_ROWS,
        columns=width + EXTRA_COLUMNS,
        elements=(rows + 2 + EXTRA_ROWS) * (width + EXTRA_COLUMNS) * 4 + 20_000,
        bytes=(rows + 2 + EXTRA_ROWS) * guard.ROW_BYTES + 2**20,
    )
    return _rows(identity, book, data_name, limits)


def _signed_identity(book: _Book, key: bytes) -> Identity:
    if IDENTITY_SHEET not in book.sheets:
        raise refused(NO_SIGNATURE)
    try:
        identity, signature = parse_identity(book.identity_rows())
    except ValidationFailed as exc:
        raise ValidationFailed(
            [Problem(p.message, p.params, p.location or IDENTITY_SHEET) for p in exc.problems]
        ) from None
    except (StopIteration, ValueError, TypeError, IndexError, KeyError, RecursionError):
        raise refused(CHANGED_IDENTITY, IDENTITY_SHEET) from None
    if not hmac.compare_digest(identity.signature(key), signature):
        raise refused(
            N_(
                "The signature does not match: the sheet was changed outside the "
                "score cells, or was not made by this server; download a new sheet"
            ),
            IDENTITY_SHEET,
        )
    return identity


def _check_other_sheets(book: _Book, identity: Identity, data_name: str) -> None:
    """A scoresheet has its instructions besides the data and the identity: any other sheet,
    and a formula anywhere, are refused by name (the identity sheet's formulas already were:
    they make it unreadable)."""
    others = [s for s in book.sheets.values() if s.name not in (data_name, IDENTITY_SHEET)]
    if len(others) > 1:
        raise refused(
            N_("The workbook has a sheet {sheet} that a scoresheet does not have; remove it"),
            sheet=quoted(others[-1].name),
        )
    lines = 40 + len(identity.criteria)
    for sheet in others:
        limits = Limits(
            rows=lines,
            last_row=lines,
            columns=2,
            elements=lines * 12 + 5_000,
            bytes=lines * guard.ROW_BYTES + 2**20,
        )
        for row in book.package.rows(sheet, limits):
            _refuse_formulas(sheet.name, row)


def _refuse_formulas(sheet: str, row: guard.Row) -> None:
    for cell in row.cells.values():
        if cell.formula is not None:
            where = f"{guard.column_letters(cell.column)}{row.number}"
            raise refused(
                N_("the cell {cell} holds a formula; a scoresheet holds no formulas"),
                f"{sheet}!{where}",
                cell=where,
            )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def locate(headers: tuple[str, ...], found: dict[int, Any], sheet: str) -> list[int]:
    """The column of each signed header in the header row as read (``found``: column →
    value); a header missing, changed, given twice or moved out of order is refused, naming
    the cell where it was written. Pure."""
    where: dict[str, list[int]] = {}
    for column, value in sorted(found.items()):
        if isinstance(value, str):
            where.setdefault(value.strip(), []).append(column)
    columns: list[int] = []
    problems: list[Problem] = []
    for position, header in enumerate(headers, start=1):
        places = where.get(header.strip(), [])
        cell = f"{sheet}!{guard.column_letters(position)}1"
        if not places:
            problems.append(
                Problem(
                    N_(
                        "the column {header} is missing or its header was "
                        "changed; download a new sheet"
                    ),
                    {"header": quoted(header)},
                    cell,
                )
            )
        elif len(places) > 1 or (columns and places[0] <= columns[-1]):
            problems.append(
                Problem(
                    N_("the header {header} is given twice or was moved; download a new sheet"),
                    {"header": quoted(header)},
                    cell,
                )
            )
        else:
            columns.append(places[0])
    if problems:
        raise ValidationFailed(problems)
    return columns


def _rows(identity: Identity, book: _Book, name: str, limits: Limits) -> Sheet:
    rows = book.package.rows(book.sheets[name], limits)
    header = next(rows, None)
    cells = (
        {}
        if header is None or header.number != 1
        else {column: book.value(cell) for column, cell in header.cells.items()}
    )
    located = locate(identity.headers, cells, name)
    value_at = located[identity.value_column - 1]
    text_at = located[identity.justification_column - 1]
    matcher = _Matcher(identity, name, located[0], located[1], value_at, text_at)
    for row in rows:
        matcher.take(row, {column: book.value(cell) for column, cell in row.cells.items()})
    return matcher.result()


class _Matcher:
    """Each row read matched with the signed row it must be."""

    def __init__(
        self,
        identity: Identity,
        sheet: str,
        subject_at: int,
        criterion_at: int,
        value_at: int,
        text_at: int,
    ) -> None:
        self.identity, self.sheet = identity, sheet
        self.expected = {(r[2], r[3]): index for index, r in enumerate(identity.rows)}
        self.at = (subject_at, criterion_at, value_at, text_at)
        self.letters = (guard.column_letters(value_at), guard.column_letters(text_at))
        self.entries: list[Entry] = []
        self.problems: list[Problem] = []
        self.seen: set[int] = set()

    def take(self, row: guard.Row, values: dict[int, Any]) -> None:
        subject_at, criterion_at, value_at, text_at = self.at
        number, where = row.number, f"{self.sheet}!A{row.number}"
        for column, value in values.items():
            if isinstance(value, Formula) and column not in (value_at, text_at):
                cell = f"{guard.column_letters(column)}{number}"
                self.problems.append(
                    Problem(
                        N_("the cell {cell} holds a formula; a scoresheet holds no formulas"),
                        {"cell": cell},
                        f"{self.sheet}!{cell}",
                    )
                )
                self.seen.add(number - 2)  # refused for its formula, not as a row removed
                return
        if all(_blank(values.get(c)) for c in self.at):
            return
        index = number - 2
        key = (_text(values.get(subject_at)), _text(values.get(criterion_at)))
        rows = self.identity.rows
        if 0 <= index < len(rows) and key == rows[index][2:]:
            self.seen.add(index)
            self.entries.append(
                Entry(
                    number,
                    rows[index][0],
                    rows[index][1],
                    values.get(value_at),
                    values.get(text_at),
                    f"{self.sheet}!{self.letters[0]}{number}",
                    f"{self.sheet}!{self.letters[1]}{number}",
                    key[0],
                    key[1],
                )
            )
            return
        home = self.expected.get(key)
        if home is not None:
            self.seen.add(home)
            self.problems.append(
                Problem(
                    N_("the row {subject} · {criterion} was moved; it belongs on row {row}"),
                    {"subject": quoted(key[0]), "criterion": quoted(key[1]), "row": home + 2},
                    where,
                )
            )
        else:
            self.problems.append(
                Problem(
                    N_("a row was added ({subject} · {criterion}); rows cannot be added"),
                    {"subject": quoted(key[0]) or "-", "criterion": quoted(key[1]) or "-"},
                    where,
                )
            )

    def result(self) -> Sheet:
        for index, row in enumerate(self.identity.rows):
            if index not in self.seen:
                self.problems.append(
                    Problem(
                        N_("the row for {subject} · {criterion} was removed"),
                        {"subject": quoted(row[2]), "criterion": quoted(row[3])},
                        f"{self.sheet}!A{index + 2}",
                    )
                )
        self.problems.sort(key=lambda p: _row_of(p.location))
        return Sheet(self.identity, self.entries, self.problems)


def _row_of(location: str | None) -> int:
    digits = "".join(ch for ch in (location or "").rsplit("!", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 0
