"""A worksheet's rows from its parse events, the limits enforced as they come."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from common.errors import ValidationFailed
from common.i18n import N_
from documents.xlsx_guard.limits import (
    _COLUMN,
    _TAG_C,
    _TAG_F,
    _TAG_IS,
    _TAG_MERGECELL,
    _TAG_R,
    _TAG_ROW,
    _TAG_T,
    _TAG_V,
    MAX_CELLS_PER_ROW,
    Cell,
    Limits,
    Row,
    column_letters,
    column_number,
    quoted,
    refused,
)


def _small_int(text: str | None) -> int:
    try:
        return int(text or "0") if len(text or "") < 10 else -1
    except ValueError:
        return -1


class _RowReader:
    """Turns a worksheet's parse events into rows, enforcing the limits as it goes."""

    def __init__(self, sheet: str, limits: Limits) -> None:
        self.sheet, self.limits = sheet, limits
        self.stack: list[ElementTree.Element] = []
        self.row: Row | None = None
        self.rows = 0
        self.cells = 0  # cell elements of the current row, empty ones too
        self.previous = 0
        self.column = 0

    def _refuse(self, message: str, location: str, **params: Any) -> ValidationFailed:
        return refused(message, f"{self.sheet}!{location}", **params)

    def feed(self, event: str, element: ElementTree.Element) -> Row | None:
        """Take one parse event; a row once it ends. Elements done with are dropped from
        their parent, so that memory stays that of one row."""
        stack = self.stack
        if event == "start":
            stack.append(element)
            tag = element.tag
            if tag == _TAG_C and self.row is not None:
                self.cells += 1
                if self.cells > MAX_CELLS_PER_ROW:
                    raise self._refuse(
                        N_("row {number} holds more than {limit} cells"),
                        f"A{self.row.number}",
                        number=self.row.number,
                        limit=MAX_CELLS_PER_ROW,
                    )
            elif tag == _TAG_ROW:
                self._start_row(element)
            return None
        stack.pop()
        if len(stack) > 3:
            return None  # inside a cell (or deep elsewhere): kept until its parent ends
        tag = element.tag
        found = None
        if tag == _TAG_C and self.row is not None:
            self._cell(element)
        elif tag == _TAG_ROW and self.row is not None:
            found, self.row = self.row, None
            self._count(found)
        elif tag == _TAG_MERGECELL:
            ref = element.get("ref", "")
            raise self._refuse(
                N_("cells {range} are merged; unmerge them and upload again"),
                quoted(ref.split(":")[0]),
                range=quoted(ref),
            )
        elif len(stack) > 2:
            return None
        if stack:
            stack[-1].remove(element)
        return found if found is not None and found.cells else None

    def _start_row(self, element: ElementTree.Element) -> None:
        given = element.get("r")
        try:
            number = int(given) if given is not None else self.previous + 1
        except ValueError:
            raise self._refuse(
                N_("a row is numbered {number}, which is not a row number"),
                f"A{self.previous + 1}",
                number=quoted(given),
            ) from None
        if number <= self.previous:
            raise self._refuse(
                N_("row {number} is written twice or out of order; save the workbook again"),
                f"A{number}",
                number=number,
            )
        self.previous = number
        self.column = 0
        self.cells = 0
        self.row = Row(number)

    def _count(self, row: Row) -> None:
        """Rows with a value count; rows only formatted (a height, a style) cost no more than
        their elements."""
        if not row.cells:
            return
        self.rows += 1
        if self.rows > self.limits.rows:
            raise self._refuse(
                N_("the sheet has more than {limit} rows; rows cannot be added"),
                f"A{row.number}",
                limit=self.limits.rows,
            )

    def _cell(self, element: ElementTree.Element) -> None:
        assert self.row is not None
        ref = element.get("r")
        if ref is None:
            column = self.column + 1
        else:
            match = _COLUMN.fullmatch(ref)
            if match is None or int(match.group(2)) != self.row.number:
                raise self._refuse(
                    N_("a cell is named {ref}, which is not a cell of row {row}"),
                    f"A{self.row.number}",
                    ref=quoted(ref),
                    row=self.row.number,
                )
            column = column_number(match.group(1))
        if column <= self.column:
            raise self._refuse(
                N_("the cell {ref} is written twice or out of order; save the workbook again"),
                ref or f"A{self.row.number}",
                ref=ref or column_letters(column),
            )
        self.column = column
        cell = self._read_cell(element, column)
        if cell.value is None and cell.inline is None and cell.formula is None:
            return  # an empty cell, only styled
        if column > self.limits.columns:
            where = f"{column_letters(column)}{self.row.number}"
            raise self._refuse(
                N_(
                    "the cell {cell} is beyond the sheet's last column; columns "
                    "beyond it cannot be filled in"
                ),
                where,
                cell=where,
            )
        if self.row.number > self.limits.last_row:
            where = f"{column_letters(column)}{self.row.number}"
            raise self._refuse(
                N_("row {number} is beyond the sheet's last row ({last}); rows cannot be added"),
                where,
                number=self.row.number,
                last=self.limits.last_row,
            )
        self.row.cells[column] = cell

    def _read_cell(self, element: ElementTree.Element, column: int) -> Cell:
        value = inline = formula = None
        for child in element:
            tag = child.tag
            if tag == _TAG_V:
                value = child.text or ""
            elif tag == _TAG_F:
                formula = quoted(child.text)
            elif tag == _TAG_IS:
                first = child[0] if len(child) == 1 else None
                inline = (
                    (first.text or "")
                    if first is not None and first.tag == _TAG_T
                    else text_of(child)
                )
        for text in (value, inline):
            if text is not None and len(text) > self.limits.text:
                where = f"{column_letters(column)}{self.row.number if self.row else 0}"
                raise self._refuse(
                    N_("the cell holds more than {limit} characters"), where, limit=self.limits.text
                )
        try:
            style = int(element.get("s") or 0)
        except ValueError:
            style = -1
        return Cell(
            column, element.get("r") or "", element.get("t", "n"), value, style, formula, inline
        )


def text_of(node: ElementTree.Element) -> str:
    """A rich or plain string's text (``<si>`` or ``<is>``): the plain ``t`` and each run's
    ``t``; phonetic runs left out."""
    pieces = []
    for child in node:
        if child.tag == _TAG_T:
            pieces.append(child.text or "")
        elif child.tag == _TAG_R:
            t = child.find(_TAG_T)
            if t is not None and t.text is not None:
                pieces.append(t.text)
    return "".join(pieces)
