"""Reading generated .docx files back, for the letter tests."""

from __future__ import annotations

import io

from docx import Document


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, its tables, headers and footers, one per line (Babel's
    no-break spaces as plain spaces)."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs]
        lines += [p.text for p in section.footer.paragraphs]
    return "\n".join(lines).replace("\xa0", " ").replace("\u202f", " ")


def table_rows(data: bytes, index: int = 0) -> list[list[str]]:
    table = Document(io.BytesIO(data)).tables[index]
    return [[cell.text.replace("\xa0", " ") for cell in row.cells] for row in table.rows]
