"""Rendering .docx letter templates with docxtpl in a sandboxed Jinja environment.

The environment is Jinja's immutable sandbox with autoescape on: values are escaped for XML
(a name such as ``<w:t>`` or ``A & B`` appears literally and cannot break the document), a
template cannot reach Python internals or change the data, and a name the template uses but
the letter does not have is an error (``StrictUndefined``), never a silent blank.
"""

from __future__ import annotations

import io
import re
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

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
DOCX_CONTENT_TYPE = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, compiling each distinct source once: docxtpl asks for the same body,
    headers and properties of a template again for every letter."""

    @lru_cache(maxsize=256)  # noqa: B019 - one environment per process, kept for its lifetime
    def _compiled(self, source: str) -> Template:
        return super().from_string(source)

    def from_string(self, source: Any, globals: Any = None,
                    template_class: Any = None) -> Template:
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
        text = (self.paragraphs[number - 1].strip() if 1 <= number <= len(self.paragraphs)
                else "") or self._line(line)
        return text if len(text) <= limit else text[: limit - 1] + "…"


def open_template(data: bytes) -> DocxTemplate:
    return DocxTemplate(io.BytesIO(data))


def _part_name(partname: str) -> str:
    return partname.rsplit("/", 1)[-1].removesuffix(".xml")


def _texts(element: Any) -> tuple[str, ...]:
    return tuple("".join(t.text or "" for t in paragraph.iter(qn("w:t")))
                 for paragraph in element.iter(qn("w:p")))


def parts(template: DocxTemplate) -> Iterator[Part]:
    """The body, headers and footers as docxtpl sees them before rendering."""
    template.init_docx()
    body = template.docx.element.body
    yield Part("document", _PARAGRAPH.sub(r"\n<w:p\1", template.patch_xml(template.get_xml())),
               _texts(body))
    for uri in (RT.HEADER, RT.FOOTER):
        for _, part in template.get_headers_footers(uri):
            xml = template.patch_xml(template.get_part_xml(part))
            yield Part(_part_name(str(part.partname)), _PARAGRAPH.sub(r"\n<w:p\1", xml),
                       _texts(parse_xml(part.blob)))


def unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def render_template(template: DocxTemplate, context: Mapping[str, Any]) -> bytes:
    template.render(dict(context), jinja_env=environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render(data: bytes, context: Mapping[str, Any]) -> bytes:
    """The template ``data`` filled in with ``context``; a new .docx."""
    return render_template(open_template(data), context)


def current_part(template: DocxTemplate) -> str:
    part = getattr(template, "current_rendering_part", None)
    return _part_name(str(part.partname)) if part is not None else "document"
