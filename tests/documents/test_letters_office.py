"""LibreOffice opens every generated letter, report and notice: each converts to PDF."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from documents import office
from documents.letters.bundle import as_pdfs, letters_for, zip_stream_async
from documents.letters.kinds import LetterKind
from documents.letters.reports import Clarification, ClarificationNotice, clarification_notice
from documents.letters.samples import TENDER, sample_letter
from documents.letters.service import templates_for
from tests.support.browser import require_tool

pytestmark = pytest.mark.office


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_every_kind_of_letter_converts_to_pdf_into_one_zip(db, language):
    require_tool(office.available(), "LibreOffice")
    templates = await templates_for(None, [(kind, language) for kind in LetterKind])
    letters = [(kind.value, sample_letter(kind)) for kind in LetterKind]
    pdfs = (((pdf.filename, pdf.data)) async for pdf in as_pdfs(
        letters_for(templates, letters, language)))
    chunks = [chunk async for chunk in zip_stream_async(pdfs)]
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        names = archive.namelist()
        # file names people read: the kind with hyphens (award-intent-...), no code
        assert len(names) == len(LetterKind)
        assert all(name.startswith(kind.value.replace("_", "-") + "-")
                   for name, kind in zip(names, LetterKind, strict=True))
        for name in names:
            data = archive.read(name)
            assert name.endswith(".pdf") and data.startswith(b"%PDF") and len(data) > 5000


async def test_the_clarification_notice_converts_to_pdf():
    require_tool(office.available(), "LibreOffice")
    notice = ClarificationNotice("Gemeente Utrecht", TENDER, date(2026, 10, 5), 1,
                                 (Clarification(1, "Q & <A>?", "Yes."),))
    pdf = await office.convert(clarification_notice(notice, "nl"), ".docx", "pdf")
    assert pdf.startswith(b"%PDF")
