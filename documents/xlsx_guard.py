"""Reading uploaded .xlsx workbooks within bounds: every input refused by name or read, in
bounded time and memory.

An upload is read straight from its zip with the standard library, never with openpyxl
(whose read-only mode cannot bound what one row, one style table or one gap between row
numbers costs):

- :func:`open_package` checks the container before any XML is parsed: a zip of known parts
  (an allow-list of what Excel and LibreOffice save), no macros, no OLE objects, no external
  links, sane sizes. Reading a member turns every zip error (a bad CRC, the encryption flag,
  an unknown compression method) into a refusal naming the part.
- :meth:`Package.rows` streams a worksheet's rows as they are written, with the limits the
  caller derives from what the sheet may hold (rows, columns, highest row number, elements,
  text per cell), checked while parsing, before anything grows. Rows come back only as they
  are in the file (a gap between row numbers costs nothing), strictly increasing; a row or
  a cell given twice is refused.
- Every part is guarded as defusedxml guards: a document type declaration is refused before
  the part's body is parsed (without one no entity can be declared).
- A deadline (:class:`Budget`) stops reading after a fixed time.

Messages quote at most :data:`QUOTE` characters of what was read (:func:`quoted`).
"""

from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree

from defusedxml.ElementTree import DefusedXMLParser
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

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


class _PrologDone(Exception):
    pass


class _StopAtRoot:
    """A parser target that stops once the root element starts (with its namespace)."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _PrologDone(tag)

    def end(self, tag: str) -> None:  # pragma: no cover - never reached
        pass

    def data(self, data: str) -> None:  # pragma: no cover
        pass

    def close(self) -> None:
        pass


def check_container(filename: str, data: bytes) -> None:
    """Refuse what must not be unpacked at all, naming why."""
    name = quoted((filename or "").strip()) or "-"
    if MACRO_NAMES.search(name):
        raise refused(
            N_(
                "{name} is a workbook with macros; save it as an Excel workbook "
                "(.xlsx) without macros"
            ),
            name=name,
        )
    if len(data) > MAX_BYTES:
        raise refused(N_("The file is larger than {limit} MB"), limit=MAX_BYTES // 2**20)
    if not data:
        raise refused(N_("The file is empty"))
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise refused(N_("{name} is not an Excel workbook (.xlsx)"), name=name)


class Package:
    """An uploaded workbook's zip, read member by member within bounds."""

    def __init__(self, filename: str, data: bytes, budget: Budget | None = None) -> None:
        check_container(filename, data)
        self.name = quoted((filename or "").strip()) or "-"
        self.budget = budget or Budget()
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            members = self.archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
            raise refused(N_("{name} is not an Excel workbook (.xlsx)"), name=self.name) from None
        self.sizes = {m.filename: m.file_size for m in members}
        self._check_members(members)
        for rels in [n for n in self.sizes if n.endswith(".rels")]:
            self._relations_file(rels)  # an external target is refused, wherever it is

    def _check_members(self, members: list[zipfile.ZipInfo]) -> None:
        names = [m.filename for m in members]
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise refused(N_("{name} is not an Excel workbook (.xlsx)"), name=self.name)
        if len(members) > MAX_MEMBERS or len(set(names)) != len(names):
            raise refused(N_("{name} is not an Excel workbook (.xlsx)"), name=self.name)
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED:
            raise refused(
                N_("The workbook unpacks to more than {limit} MB"), limit=MAX_UNCOMPRESSED // 2**20
            )
        packed = sum(m.compress_size for m in members) or 1
        if (total > RATIO_FLOOR and total / packed > MAX_RATIO) or any(
            m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1)
            for m in members
        ):
            raise refused(
                N_(
                    "The workbook is compressed more than {ratio} times; it is "
                    "refused as a possible zip bomb"
                ),
                ratio=MAX_RATIO,
            )
        for m in members:
            self._check_member(m)
        types = self.read("[Content_Types].xml", 1024 * 1024).decode("utf-8", "replace").lower()
        if any(marker in types for marker in MACRO_TYPES):
            raise refused(
                N_("{name} contains macros; save it as an Excel workbook (.xlsx) without macros"),
                name=self.name,
            )

    def _check_member(self, member: zipfile.ZipInfo) -> None:
        part = member.filename
        if MACRO_PARTS.search(part):
            raise refused(
                N_("{name} contains macros; save it as an Excel workbook (.xlsx) without macros"),
                name=self.name,
            )
        if OLE_PARTS.search(part):
            raise refused(
                N_("The workbook contains an embedded object ({part}); remove it"),
                part=quoted(part),
            )
        if "externallink" in part.lower():
            raise refused(
                N_("The workbook links to another file ({part}); remove the link"),
                part=quoted(part),
            )
        if part.endswith("/"):
            return
        if not ALLOWED_PARTS.fullmatch(part):
            raise refused(
                N_(
                    "The workbook contains {part}, which a scoresheet or import "
                    "never holds; save it again as a plain Excel workbook (.xlsx)"
                ),
                part=quoted(part),
            )
        if member.flag_bits & 0x1:
            raise refused(
                N_("The part {part} is encrypted; save the workbook without a password"),
                part=quoted(part),
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refused(
                N_(
                    "The part {part} is compressed in a way Excel does not use; save "
                    "the workbook again"
                ),
                part=quoted(part),
            )

    def _error(self, part: str) -> ValidationFailed:
        return refused(
            N_("The part {part} of the workbook is damaged; save it again"), part=quoted(part)
        )

    def open(self, part: str) -> IO[bytes]:
        if part not in self.sizes:
            raise refused(N_("The part {part} is missing from the workbook"), part=quoted(part))
        try:
            return self.archive.open(part)
        except (
            zipfile.BadZipFile,
            NotImplementedError,
            RuntimeError,
            ValueError,
            OSError,
            zlib.error,
            EOFError,
        ):
            raise self._error(part) from None

    def chunks(self, part: str) -> Iterator[bytes]:
        """The part's bytes a chunk at a time; a damaged member is a refusal naming it."""
        with self.open(part) as source:
            while True:
                self.budget.check()
                try:
                    chunk = source.read(_CHUNK)
                except (
                    zipfile.BadZipFile,
                    NotImplementedError,
                    RuntimeError,
                    ValueError,
                    OSError,
                    zlib.error,
                    EOFError,
                ):
                    raise self._error(part) from None
                if not chunk:
                    return
                yield chunk

    def read(self, part: str, limit: int) -> bytes:
        """A small part whole, at most ``limit`` bytes."""
        if self.sizes.get(part, 0) > limit:
            raise refused(
                N_("The part {part} is larger than a workbook of this kind holds"),
                part=quoted(part),
            )
        return b"".join(self.chunks(part))

    def events(
        self,
        part: str,
        max_elements: int,
        max_bytes: int = SMALL_PART,
    ) -> Iterator[list[tuple[str, ElementTree.Element]]]:
        """(event, element) for every start and end of the part's elements, a batch per
        chunk read, after the DTD guard, refusing a part larger than ``max_bytes`` unpacked
        or with more than ``max_elements`` elements."""
        if self.sizes.get(part, 0) > max_bytes:
            raise refused(
                N_("The part {part} is larger than a workbook of this kind holds"),
                part=quoted(part),
            )
        root = self._guard(part)
        if root.startswith("{" + STRICT):
            raise refused(
                N_("The workbook is saved as Strict Open XML; save it as an Excel workbook (.xlsx)")
            )
        parser = ElementTree.XMLPullParser(events=("start", "end"))
        count = 0
        text = _TextRun(part)
        try:
            for chunk in self.chunks(part):
                text.check(chunk)
                parser.feed(chunk)
                batch = list(parser.read_events())
                count += len(batch) // 2 + 1  # starts and ends: an upper bound of elements
                if count > max_elements + 1_000:
                    raise refused(
                        N_("The part {part} holds more than {limit} elements; it is refused"),
                        part=quoted(part),
                        limit=max_elements,
                    )
                yield batch  # type: ignore[misc]
            parser.close()
        except ElementTree.ParseError:
            raise refused(
                N_("The part {part} of the workbook is not valid XML"), part=quoted(part)
            ) from None
        yield list(parser.read_events())  # type: ignore[misc]

    def _guard(self, part: str) -> str:
        """Refuse a document type declaration (as defusedxml's ``forbid_dtd``) before the
        body is parsed; the root element's tag."""
        parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
        try:
            for chunk in self.chunks(part):
                parser.feed(chunk)
            parser.close()
        except _PrologDone as done:
            return str(done.args[0])
        except ValidationFailed:
            raise
        except Exception:
            raise refused(
                N_("The part {part} of the workbook is not valid XML or declares entities"),
                part=quoted(part),
            ) from None
        raise refused(N_("The part {part} of the workbook is empty"), part=quoted(part))

    def small(self, part: str, max_elements: int = 10_000) -> ElementTree.Element:
        """A small part (workbook, relationships) parsed whole, guarded and bounded."""
        root: ElementTree.Element | None = None
        for batch in self.events(part, max_elements):
            if batch and root is None:
                root = batch[0][1]
        assert root is not None
        return root

    def relations(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id: (type, part name) of ``part``'s relationships file; an external
        target other than a hyperlink is refused."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        return self._relations_file(rels) if rels in self.sizes else {}

    def _relations_file(self, rels: str) -> dict[str, tuple[str, str]]:
        folder = posixpath.dirname(posixpath.dirname(rels))
        found = {}
        for rel in self.small(rels).iter(f"{_RELS}Relationship"):
            target, kind = rel.get("Target", ""), rel.get("Type", "")
            if rel.get("TargetMode") == "External":
                if not kind.endswith(ALLOWED_EXTERNAL):
                    raise refused(
                        N_("The workbook links to another file ({target}); remove the link"),
                        target=quoted(target),
                    )
                continue
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            found[rel.get("Id", "")] = (kind, name)
        return found

    def sheets(self) -> list[SheetInfo]:
        """The workbook's sheets in order; two with the same name are refused."""
        book = self.small("xl/workbook.xml")
        rels = self.relations("xl/workbook.xml")
        found: list[SheetInfo] = []
        seen: set[str] = set()
        for sheet in book.iter(_TAG_SHEET):
            name = sheet.get("name", "")
            if name.casefold() in seen:
                raise refused(N_("The workbook has two sheets named {sheet}"), sheet=quoted(name))
            seen.add(name.casefold())
            target = rels.get(sheet.get(REL_ID, ""))
            if target is None or not target[0].endswith("/worksheet"):
                raise refused(
                    N_("The sheet {sheet} is not a worksheet; remove it"), sheet=quoted(name)
                )
            found.append(SheetInfo(name, target[1], sheet.get("state", "visible")))
        return found

    def rows(self, sheet: SheetInfo, limits: Limits) -> Iterator[Row]:
        """The sheet's rows with at least one cell, as written, within ``limits``; then
        the merged ranges are checked (a merge is refused: it hides cells)."""
        reader = _RowReader(sheet.name, limits)
        feed = reader.feed
        for batch in self.events(sheet.part, limits.elements, limits.bytes):
            for event, element in batch:
                found = feed(event, element)
                if found is not None:
                    yield found

    def close(self) -> None:
        self.archive.close()


class _TextRun:
    """Refuses a text longer than a cell holds before the parser gathers it: text cannot
    contain ``<`` (CDATA, which could, is refused; Excel and LibreOffice never write it), so
    a long run of bytes without one is a long text."""

    LIMIT = MAX_TEXT * 6 + 1_024  # every character written as an entity such as &#1234;

    def __init__(self, part: str) -> None:
        self.part, self.run, self.tail = part, 0, b""

    def check(self, chunk: bytes) -> None:
        if b"<![CDATA[" in self.tail + chunk[:16] or b"<![CDATA[" in chunk:
            raise refused(
                N_(
                    "The part {part} holds a CDATA section, which Excel never "
                    "writes; save the workbook again"
                ),
                part=quoted(self.part),
            )
        last = chunk.rfind(b"<")
        self.run = self.run + len(chunk) if last < 0 else len(chunk) - last - 1
        if self.run > self.LIMIT:
            raise refused(
                N_("The part {part} holds a text longer than a cell can; it is refused"),
                part=quoted(self.part),
            )
        self.tail = chunk[-16:]


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
