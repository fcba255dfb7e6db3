"""The upload's zip: checked before anything is unpacked, then read member by member within
bounds."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO
from xml.etree import ElementTree

from defusedxml.ElementTree import DefusedXMLParser

from common.errors import ValidationFailed
from common.i18n import N_
from documents.xlsx_guard.limits import (
    _CHUNK,
    _RELS,
    _TAG_SHEET,
    ALLOWED_EXTERNAL,
    ALLOWED_PARTS,
    MACRO_NAMES,
    MACRO_PARTS,
    MACRO_TYPES,
    MAX_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TEXT,
    MAX_UNCOMPRESSED,
    OLE_PARTS,
    RATIO_FLOOR,
    REL_ID,
    SMALL_PART,
    STRICT,
    Budget,
    Limits,
    Row,
    SheetInfo,
    quoted,
    refused,
)
from documents.xlsx_guard.rows import _RowReader

# What reading a member may raise on a damaged, encrypted or unsupported zip.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    zlib.error,
    EOFError,
)


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
        except ZIP_ERRORS:
            raise self._error(part) from None

    def chunks(self, part: str) -> Iterator[bytes]:
        """The part's bytes a chunk at a time; a damaged member is a refusal naming it."""
        with self.open(part) as source:
            while True:
                self.budget.check()
                try:
                    chunk = source.read(_CHUNK)
                except ZIP_ERRORS:
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
