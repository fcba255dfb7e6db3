"""What an upload may hold and how a refusal is said: the limits, the quoting of what was
read, the budget of time, and the shapes of a read cell and row."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from common.errors import Problem, ValidationFailed
from common.i18n import N_

MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, over the whole archive and per member
RATIO_FLOOR = 1024 * 1024  # members smaller than this may compress as well as they like
MAX_MEMBERS = 200
MAX_TEXT = 32_767  # Excel's limit of characters in a cell
MAX_STYLES = 4_000  # style records of each kind; a saved scoresheet has a few dozen
SECONDS = 10.0
MAX_CELLS_PER_ROW = 1_024  # LibreOffice may write a formatted row's empty cells
QUOTE = 40
MAX_PROBLEMS = 50
SMALL_PART = 4 * 1024 * 1024  # workbook, relationships, styles: a few kB when saved
ROW_BYTES = 64 * 1024  # a row of a sheet, unpacked, at most (Excel's 32,767 characters a cell)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_M = "{" + MAIN + "}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TAG_ROW, _TAG_C, _TAG_MERGECELL, _TAG_V, _TAG_F, _TAG_IS, _TAG_T, _TAG_R, _TAG_SHEET = (
    _M + tag for tag in ("row", "c", "mergeCell", "v", "f", "is", "t", "r", "sheet")
)
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

# What a saved workbook contains (Excel, LibreOffice, openpyxl); anything else is refused.
ALLOWED_PARTS = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels|docProps/(app|core|custom)\.xml"
    r"|docProps/thumbnail\.(jpeg|jpg|png|wmf|emf)"
    r"|xl/(workbook|styles|sharedStrings|calcChain|metadata)\.xml|xl/_rels/workbook\.xml\.rels"
    r"|xl/theme/theme\d+\.xml|xl/worksheets/sheet\d+\.xml"
    r"|xl/worksheets/_rels/sheet\d+\.xml\.rels|xl/printerSettings/printerSettings\d+\.bin"
    r"|customXml/item\d+\.xml|customXml/itemProps\d+\.xml|customXml/_rels/item\d+\.xml\.rels",
    re.IGNORECASE,
)
MACRO_NAMES = re.compile(r"\.(xlsm|xltm|xlam|xlsb)$", re.IGNORECASE)
MACRO_PARTS = re.compile(r"vbaproject|macrosheets/|xl/activex/|vbadata", re.IGNORECASE)
MACRO_TYPES = ("macroenabled", "vbaproject", "ms-excel.sheet.macro", "ms-office.activex")
OLE_PARTS = re.compile(r"xl/embeddings/|oleobject", re.IGNORECASE)
ALLOWED_EXTERNAL = ("/hyperlink",)  # a link typed into a cell; never fetched


def quoted(value: Any) -> str:
    """At most :data:`QUOTE` characters of ``value`` for a message."""
    text = "" if value is None else str(value)
    return text if len(text) <= QUOTE else text[: QUOTE - 1] + "…"


def refused(message: str, location: str = "file", **params: Any) -> ValidationFailed:
    return ValidationFailed([Problem(message, params, location)])


def capped(problems: list[Problem]) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS` problems, then one saying how many more there were."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(N_("and {count} more"), {"count": rest}, "file")]


class Budget:
    """The time a reading may take; :meth:`check` refuses once it is spent."""

    def __init__(self, seconds: float = SECONDS) -> None:
        self.until = time.monotonic() + seconds
        self.seconds = seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise refused(
                N_("Reading the workbook took longer than {seconds} seconds; it is refused"),
                seconds=int(self.seconds),
            )


@dataclass(frozen=True)
class Limits:
    """What one worksheet may hold; exceeding any is a refusal naming the sheet."""

    rows: int  # rows holding a value
    last_row: int  # the highest row number with a value
    columns: int  # the highest column with a value; also cells per row
    elements: int  # every element of the part
    bytes: int  # the part unpacked
    text: int = MAX_TEXT


@dataclass
class Cell:
    """One cell as written: its kind (``t``), raw value text, style, and its formula (at
    most :data:`QUOTE` characters of it; "" for a shared formula's other cells)."""

    column: int
    ref: str
    kind: str
    value: str | None
    style: int
    formula: str | None = None
    inline: str | None = None


@dataclass
class Row:
    number: int
    cells: dict[int, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str
    state: str  # visible, hidden, veryHidden


_COLUMN = re.compile(r"([A-Za-z]{1,3})(\d{1,20})")
_CHUNK = 16 * 1024


_NUMBERS: dict[str, int] = {}


def column_number(letters: str) -> int:
    """The 1-based column of ``letters`` (at most three, as the caller checked)."""
    found = _NUMBERS.get(letters)
    if found is None:
        found = 0
        for ch in letters.upper():
            found = found * 26 + ord(ch) - 64
        _NUMBERS[letters] = found
    return found


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
