"""Rendering .docx letter templates with docxtpl in a sandboxed Jinja environment.

The environment is Jinja's immutable sandbox with autoescape on: values are escaped for XML
(a name such as ``<w:t>`` or ``A & B`` appears literally and cannot break the document), a
template cannot reach Python internals or change the data, and a name the template uses but
the letter does not have is an error (``StrictUndefined``), never a silent blank.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, compiling each distinct source once: docxtpl asks for the same body,
    headers and properties of a template again for every letter."""

    @lru_cache(maxsize=256)  # noqa: B019 - one environment per process, kept for its lifetime
    def _compiled(self, source: str) -> Template:
        return super().from_string(source)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if isinstance(source, str) and globals is None and template_class is None:
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


@cache
def environment() -> LetterEnvironment:
    return LetterEnvironment(autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class Part:
    """One part of the document a template can write in: the body, a header or a footer."""

    name: str  # "document", "header1", "footer2"
    source: str  # the Jinja source docxtpl renders (patched XML), one paragraph per line
    paragraphs: tuple[str, ...]  # the text of each paragraph as the author wrote it

    def _line(self, line: int) -> str:
        lines = self.source.split("\n")
        return _TAG.sub("", lines[line - 1]).strip() if 1 <= line <= len(lines) else ""

    def paragraph(self, line: int) -> int:
        """The author's paragraph number (1-based) of a line of the source.

        docxtpl starts a line at each paragraph (the first line holds the part's opening) but
        takes out the paragraphs holding ``{%p ...%}`` and ``{%tr ...%}`` tags, so the line
        of a paragraph lies at or before its number: look forward for its text."""
        start = max(line - 1, 1)
        text = self._line(line)
        for number in range(start, len(self.paragraphs) + 1):
            written = self.paragraphs[number - 1].strip()
            if written and text.startswith(written):
                return number
        return start

    def line_text(self, line: int, limit: int = 80) -> str:
        """The author's text of the paragraph on ``line``."""
        number = self.paragraph(line)
        text = (
            self.paragraphs[number - 1].strip() if 1 <= number <= len(self.paragraphs) else ""
        ) or self._line(line)
        return text if len(text) <= limit else text[: limit - 1] + "…"


def open_template(data: bytes) -> DocxTemplate:
    return DocxTemplate(io.BytesIO(data))


def _part_name(partname: str) -> str:
    return partname.rsplit("/", 1)[-1].removesuffix(".xml")


def _texts(element: Any) -> tuple[str, ...]:
    return tuple(
        "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        for paragraph in element.iter(qn("w:p"))
    )


def parts(template: DocxTemplate) -> Iterator[Part]:
    """The body, headers and footers as docxtpl sees them before rendering."""
    template.init_docx()
    body = template.docx.element.body
    yield Part(
        "document",
        _PARAGRAPH.sub(r"\n<w:p\1", template.patch_xml(template.get_xml())),
        _texts(body),
    )
    for uri in (RT.HEADER, RT.FOOTER):
        for _, part in template.get_headers_footers(uri):
            xml = template.patch_xml(template.get_part_xml(part))
            yield Part(
                _part_name(str(part.partname)),
                _PARAGRAPH.sub(r"\n<w:p\1", xml),
                _texts(parse_xml(part.blob)),
            )


def unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def render_template(template: DocxTemplate, context: Mapping[str, Any]) -> bytes:
    template.render(dict(context), jinja_env=environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _Prepared:
    """What docxtpl works out from a template before filling it in, worked out once.

    ``render`` fills the prepared body, headers and footers with docxtpl's own steps
    (``render_xml_part``: the sandboxed Jinja, then its listing and table fixes) and writes the
    other parts of the package as they are, instead of loading and saving the whole package
    with python-docx for every letter: four times faster for a round of a thousand letters.
    """

    helper: DocxTemplate  # the template loaded once, for docxtpl's methods
    body: str  # the patched body source
    document_root: Any  # the document element, its body to be replaced
    headers_footers: tuple[tuple[str, Any, str], ...]  # (zip name, part, patched source)
    entries: tuple[tuple[zipfile.ZipInfo, bytes], ...]  # every part as stored
    lock: threading.Lock  # the helper keeps state while it renders (request threads)


def _needs_full_render(data: bytes) -> bool:
    """Templates with fields docxtpl fills elsewhere (document properties, footnotes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in ("docProps/core.xml", "word/footnotes.xml"):
            if name in archive.namelist():
                text = archive.read(name)
                if b"{{" in text or b"{%" in text:
                    return True
    return False


@lru_cache(maxsize=32)
def _prepared(data: bytes) -> _Prepared | None:
    if _needs_full_render(data):
        return None
    helper = open_template(data)
    helper.render_init()
    headers_footers = []
    for uri in (RT.HEADER, RT.FOOTER):
        for _, part in helper.get_headers_footers(uri):
            source = helper.patch_xml(helper.get_part_xml(part))
            headers_footers.append((str(part.partname).lstrip("/"), part, source))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = tuple((info, archive.read(info)) for info in archive.infolist())
    return _Prepared(
        helper,
        helper.patch_xml(helper.get_xml()),
        helper.docx.element,
        tuple(headers_footers),
        entries,
        threading.Lock(),
    )


def _fill(prepared: _Prepared, context: Mapping[str, Any]) -> bytes:
    env = environment()
    helper = prepared.helper
    body = helper.render_xml_part(prepared.body, helper.docx.part, context, env)
    tree = helper.fix_tables(body)
    helper.docx_ids_index = 1000
    helper.fix_docpr_ids(tree)
    root = copy.deepcopy(prepared.document_root)
    root.replace(root.find(qn("w:body")), tree)
    replaced = {"word/document.xml": etree.tostring(root, encoding="UTF-8", standalone=True)}
    for name, part, source in prepared.headers_footers:
        xml = helper.render_xml_part(source, part, context, env)
        replaced[name] = etree.tostring(
            parse_xml(xml.encode("utf-8")), encoding="UTF-8", standalone=True
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, content in prepared.entries:
            archive.writestr(info, replaced.get(info.filename, content))
    return out.getvalue()


def render(data: bytes, context: Mapping[str, Any]) -> bytes:
    """The template ``data`` filled in with ``context``; a new .docx."""
    prepared = _prepared(data)
    if prepared is None:
        return render_template(open_template(data), context)
    with prepared.lock:
        return _fill(prepared, dict(context))


def current_part(template: DocxTemplate) -> str:
    part = getattr(template, "current_rendering_part", None)
    return _part_name(str(part.partname)) if part is not None else "document"
