"""The authority's logo in the letterhead: put once into a template, so every letter rendered
from it carries the image (the fast renderer copies the template's image part as it is)."""

from __future__ import annotations

import io
from functools import lru_cache

from docx import Document
from docx.shared import Mm

LOGO_HEIGHT = Mm(18)


@lru_cache(maxsize=16)
def with_logo(template: bytes, logo: bytes) -> bytes:
    """``template`` with ``logo`` (PNG or JPEG) above the first header's first paragraph; a
    template without a header gets one."""
    document = Document(io.BytesIO(template))
    header = document.sections[0].header
    header.is_linked_to_previous = False
    first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    holder = first.insert_paragraph_before() if first.text else first
    holder.add_run().add_picture(io.BytesIO(logo), height=LOGO_HEIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
