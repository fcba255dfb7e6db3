"""LibreOffice opens every generated letter, report and notice: each converts to PDF."""

from __future__ import annotations

from datetime import date

import pytest

from documents import office
from documents.letters.bundle import as_pdf, letters_for
from documents.letters.kinds import LetterKind
from documents.letters.reports import Clarification, ClarificationNotice, clarification_notice
from documents.letters.samples import TENDER, sample_letter
from documents.letters.service import templates_for
from tests.support.browser import require_tool

pytestmark = pytest.mark.office


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_every_kind_of_letter_converts_to_pdf(db, language):
    require_tool(office.available(), "LibreOffice")
    templates = await templates_for(None, [(kind, language) for kind in LetterKind])
    letters = [(kind.value, sample_letter(kind)) for kind in LetterKind]
    for generated in letters_for(templates, letters, language):
        pdf = await as_pdf(generated)
        assert pdf.data.startswith(b"%PDF"), generated.filename
        assert pdf.filename.endswith(".pdf") and len(pdf.data) > 5000


async def test_the_clarification_notice_converts_to_pdf():
    require_tool(office.available(), "LibreOffice")
    notice = ClarificationNotice("Gemeente Utrecht", TENDER, date(2026, 10, 5), 1,
                                 (Clarification(1, "Q & <A>?", "Yes."),))
    pdf = await office.convert(clarification_notice(notice, "nl"), ".docx", "pdf")
    assert pdf.startswith(b"%PDF")
