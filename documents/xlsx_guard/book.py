"""The workbook as a spreadsheet shows it: sheets by name, shared strings, dates by style,
formulas (never evaluated)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from common.i18n import N_
from documents.xlsx_guard.container import Package
from documents.xlsx_guard.limits import (
    _M,
    MAX_STYLES,
    MAX_TEXT,
    MAX_UNCOMPRESSED,
    SMALL_PART,
    Budget,
    Cell,
    quoted,
    refused,
)
from documents.xlsx_guard.rows import _small_int, text_of


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (never evaluated)."""

    text: str


MAX_STRING_CHARS = 16 * 1024 * 1024
NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?")
MAX_NUMBER_TEXT = 40
_SI = _M + "si"


class Book:
    """An upload's workbook: its sheets by name, and the cell values as a spreadsheet shows
    them (shared strings, dates by style), every part read once within its limits."""

    def __init__(self, filename: str, data: bytes) -> None:
        self.package = Package(filename, data, Budget())
        self.sheets = {s.name: s for s in self.package.sheets()}
        rels = self.package.relations("xl/workbook.xml")
        parts = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
        self.strings_part = parts.get("sharedStrings")
        self.styles_part = parts.get("styles")
        self.strings: list[str] = []
        self.dates: set[int] = set()
        self.durations: set[int] = set()
        self.epoch = WINDOWS_EPOCH

    def close(self) -> None:
        self.package.close()

    def _strings(
        self,
        wanted: set[int] | None,
        max_chars: int,
        max_count: int = 0,
        max_bytes: int = MAX_UNCOMPRESSED,
    ) -> Iterator[tuple[int, str]]:
        """(index, text) of the shared strings, only the ``wanted`` ones when given."""
        if self.strings_part is None:
            return
        index = chars = 0
        events = self.package.events(
            self.strings_part, 8 * MAX_TEXT + 40 * (max_count or len(wanted or ())) + 100, max_bytes
        )
        for event, element in (pair for batch in events for pair in batch):
            if event != "end" or element.tag != _SI:
                continue
            if max_count and index >= max_count:
                raise refused(
                    N_(
                        "The workbook holds more than {limit} texts; a workbook of "
                        "this kind holds fewer"
                    ),
                    limit=max_count,
                )
            if wanted is None or index in wanted:
                text = text_of(element)
                chars += len(text)
                if len(text) > MAX_TEXT or chars > max_chars:
                    raise refused(
                        N_(
                            "The workbook holds more text than a workbook of its "
                            "kind; it is refused"
                        )
                    )
                yield index, text.replace("x005F_", "")
            element.clear()
            index += 1

    def load_strings(self, max_count: int, max_bytes: int) -> None:
        self.strings = [
            text for _index, text in self._strings(None, MAX_STRING_CHARS, max_count, max_bytes)
        ]

    def load_styles(self) -> None:
        """Which cell styles show numbers as dates or durations (a score typed as a date is
        not a number); at most :data:`MAX_STYLES` of each kind of style record."""
        book = self.package.small("xl/workbook.xml")
        properties = book.find(f"{_M}workbookPr")
        if properties is not None and properties.get("date1904", "").lower() in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904
        if self.styles_part is None or self.styles_part not in self.package.sizes:
            return
        custom: dict[int, str] = {}
        counts: dict[str, int] = {}
        index = 0
        in_cells = False
        events = self.package.events(self.styles_part, MAX_STYLES * 40, SMALL_PART)
        for event, element in (pair for batch in events for pair in batch):
            tag = element.tag
            if event == "start":
                in_cells = in_cells or tag == f"{_M}cellXfs"
                continue
            counts[tag] = counts.get(tag, 0) + 1
            if counts[tag] > MAX_STYLES:
                raise refused(
                    N_("The workbook has more than {limit} styles; it is refused"), limit=MAX_STYLES
                )
            if tag == f"{_M}numFmt":
                custom[_small_int(element.get("numFmtId"))] = element.get("formatCode", "")[:200]
            elif tag == f"{_M}xf" and in_cells:
                self._style(index, _small_int(element.get("numFmtId")), custom)
                index += 1
            elif tag == f"{_M}cellXfs":
                in_cells = False

    def _style(self, index: int, number_format: int, custom: dict[int, str]) -> None:
        code = custom.get(number_format) or builtin_format_code(number_format)
        if code and is_date_format(code):
            self.dates.add(index)
        if code and is_timedelta_format(code):
            self.durations.add(index)

    def value(self, cell: Cell) -> Any:
        """A cell's value as shown: numbers as int or float (a number text beyond a float,
        or longer than :data:`MAX_NUMBER_TEXT`, as its text), dates for date styles,
        strings, booleans, error texts; a formula as :class:`Formula`."""
        if cell.formula is not None:
            return Formula("=" + cell.formula)
        if cell.kind == "inlineStr":
            return cell.inline
        value = cell.value
        if value is None or value == "":
            return None
        if cell.kind == "n":
            return self._number(value, cell.style)
        if cell.kind == "s":
            index = _small_int(value)
            if not 0 <= index < len(self.strings):
                raise refused(
                    N_(
                        "the cell {cell} refers to a text the workbook does not "
                        "hold; save the workbook again"
                    ),
                    cell=quoted(cell.ref),
                )
            return self.strings[index]
        if cell.kind == "b":
            return value.strip() in ("1", "true")
        if cell.kind == "d":
            try:
                return from_ISO8601(value[:64])
            except ValueError:
                return value
        return value  # "str", "e"

    def _number(self, text: str, style: int) -> Any:
        if len(text) > MAX_NUMBER_TEXT or not NUMBER.fullmatch(text.strip()):
            return text
        number: int | float = float(text) if ("." in text or "e" in text.lower()) else int(text)
        if isinstance(number, float) and number in (float("inf"), float("-inf")):
            return text
        if style in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
