"""LibreOffice opens every generated letter, report and notice: each converts to PDF."""

from __future__ import annotations

import dataclasses
import io
import re
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
    pdfs = (
        ((pdf.filename, pdf.data))
        async for pdf in as_pdfs(letters_for(templates, letters, language))
    )
    chunks = [chunk async for chunk in zip_stream_async(pdfs)]
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        names = archive.namelist()
        # file names people read: the kind with hyphens (award-intent-...), no code
        assert len(names) == len(LetterKind)
        assert all(
            name.startswith(kind.value.replace("_", "-") + "-")
            for name, kind in zip(names, LetterKind, strict=True)
        )
        for name in names:
            data = archive.read(name)
            assert name.endswith(".pdf") and data.startswith(b"%PDF") and len(data) > 5000


async def test_the_clarification_notice_converts_to_pdf():
    require_tool(office.available(), "LibreOffice")
    notice = ClarificationNotice(
        "Gemeente Utrecht", TENDER, date(2026, 10, 5), 1, (Clarification(1, "Q & <A>?", "Yes."),)
    )
    pdf = await office.convert(clarification_notice(notice, "nl"), ".docx", "pdf")
    assert pdf.startswith(b"%PDF")


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


async def test_a_batch_is_converted_by_several_libreoffice_processes_in_its_order(db):
    require_tool(office.available(), "LibreOffice")
    templates = await templates_for(None, [(LetterKind.GRANT, "nl")])
    base = sample_letter(LetterKind.GRANT)
    # Letters growing by about a page each: their page counts show the order kept.
    letters = [
        (
            f"grant-{n}",
            dataclasses.replace(
                base, conditions=tuple(f"Voorwaarde {n}.{i}" for i in range(60 * n))
            ),
        )
        for n in range(5)
    ]
    documents = [g.data for g in letters_for(templates, letters, "nl")]
    pdfs = await office.convert_many(documents, ".docx", "pdf")
    pages = [_pages(pdf) for pdf in pdfs]
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    assert pages == sorted(pages) and len(set(pages)) == len(pages), pages
    assert office.convert_batch([], ".docx", "pdf") == []


@pytest.mark.parametrize(
    "kind",
    [
        LetterKind.AWARD_INTENT,
        LetterKind.SELECTION,
        LetterKind.LOT_UNSUCCESSFUL,
        LetterKind.REFUSAL,
        LetterKind.SETTLEMENT,
    ],
)
async def test_a_short_dutch_letter_is_one_page_closing_included(db, kind):
    # Word's default spacing pushed the closing of these onto a page of its own (issue 18).
    require_tool(office.available(), "LibreOffice")
    templates = await templates_for(None, [(kind, "nl")])
    [letter] = letters_for(templates, [(kind.value, sample_letter(kind))], "nl")
    pdf = await office.convert(letter.data, ".docx", "pdf")
    assert _pages(pdf) == 1
