"""Each Dutch letter kind as a procurement and subsidy lawyer reads it: one test per kind, on
the rendered .docx of the sample letter (documents.letters.samples), for what the review of
issue 18 changed: the salutation, the legal basis, the Awb objection clause, the voorschot,
the standstill and the remedies."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from documents.letters.kinds import LetterKind
from documents.letters.present import context_of
from documents.letters.render import render
from documents.letters.reports import (
    Clarification,
    ClarificationNotice,
    EvaluationReport,
    clarification_notice,
    evaluation_report,
)
from documents.letters.samples import TENDER, sample_letter
from documents.letters.templates import default_template
from tests.documents.letters_support import docx_text

DAY = date(2026, 12, 1)
OBJECTION = (
    "Bent u het niet eens met dit besluit, dan kunt u binnen zes weken na de dag van verzending "
    "bezwaar maken (artikelen 6:7 en 6:8 Algemene wet bestuursrecht), dus uiterlijk op "
    "12 januari 2027. Stuur uw ondertekende bezwaarschrift aan het college van burgemeester en "
    "wethouders van Utrecht, Postbus 16200, 3500 CE Utrecht. Vermeld daarin uw naam en adres, "
    "de datum, ons kenmerk of een omschrijving van het besluit en de redenen van uw bezwaar."
)
INTERIM = (
    "Een bezwaarschrift schorst de werking van dit besluit niet. Is er spoed, dan kunt "
    "u daarnaast de voorzieningenrechter van de rechtbank vragen een voorlopige "
    "voorziening te treffen (artikel 8:81 Algemene wet bestuursrecht)."
)
BASIS = "artikel 4 van de Subsidieregeling Sociale prestatie Utrecht 2027"


def lines_of(kind: LetterKind, letter=None) -> list[str]:
    data, language = default_template(kind, "nl")
    letter = letter or sample_letter(kind, DAY)
    return docx_text(render(data, context_of(letter, language))).splitlines()


def opening(lines: list[str]) -> None:
    """The address block and the greeting every letter shares."""
    assert lines[:4] == [
        "Zorggroep De Linde B.V.",
        "t.a.v. mevrouw A. Jansen",
        "Lindelaan 4",
        "3511 AB Utrecht",
    ]
    assert "Geachte mevrouw Jansen," in lines and "Geachte heer, mevrouw," not in lines


def test_award_intent():
    lines = lines_of(LetterKind.AWARD_INTENT)
    opening(lines)
    text = "\n".join(lines)
    assert "Deze termijn eindigt op 21 december 2026." in text
    assert "Aan dit voornemen kunt u nog geen rechten ontlenen." in text


def test_rejection():
    lines = lines_of(LetterKind.REJECTION)
    opening(lines)
    # The totals say whose is whose, not "73,30 / 86,67".
    assert (
        "Totaalscore: uw inschrijving 73,30 punten, de inschrijving van Thuiszorg Midden "
        "B.V. 86,67 punten."
    ) in lines
    assert not any(" / " in line and line.startswith("Totaal") for line in lines)
    # No empty justification lines for a computed criterion (price): "Motivering …: —".
    assert "Motivering van uw score: —" not in lines
    assert "Motivering van uw score: Voldoende, weinig concreet" in lines
    assert "Deze termijn eindigt op 21 december 2026." in "\n".join(lines)


def test_selection():
    lines = lines_of(LetterKind.SELECTION)
    opening(lines)
    # "Redenen van de afwijzing" would be wrong for a selected candidate's letter.
    assert "Motivering" in lines and "Redenen van de afwijzing" not in lines
    assert "Rechtsbescherming" in lines
    assert any("uiterlijk op 21 december 2026" in line for line in lines)
    selected = dataclasses.replace(sample_letter(LetterKind.SELECTION, DAY), selected=True)
    assert "Redenen van de afwijzing" not in lines_of(LetterKind.SELECTION, selected)


def test_lot_unsuccessful():
    lines = lines_of(LetterKind.LOT_UNSUCCESSFUL)
    opening(lines)
    assert "Rechtsbescherming" in lines
    assert any("kort geding" in line and "21 december 2026" in line for line in lines)


def test_grant():
    lines = lines_of(LetterKind.GRANT)
    opening(lines)
    text = "\n".join(lines)
    # A grant is a maximum (Awb 4:46 lid 2: the settlement may be lower).
    assert "Wij verlenen u een subsidie van ten hoogste € 42.500,00" in text
    assert "voor de activiteit ‘Inloop voor mantelzorgers’" in text
    assert f"Wij nemen dit besluit op grond van {BASIS}." in lines
    # Only what is paid before the settlement is a voorschot (4:95), not the whole schedule.
    assert (
        "Wij betalen de subsidie als volgt. Wat wij vóór de vaststelling betalen, is een "
        "voorschot (artikel 4:95 Algemene wet bestuursrecht)."
    ) in lines
    assert "als voorschot (artikel 4:95 Algemene wet bestuursrecht), als volgt:" not in text
    # The objection goes to the bestuursorgaan that decided (6:4), at its postal address.
    assert OBJECTION in lines and INTERIM in lines
    assert "bezwaarschrift aan Gemeente Utrecht" not in text


def test_refusal():
    lines = lines_of(LetterKind.REFUSAL)
    opening(lines)
    text = "\n".join(lines)
    assert "Waarom wij de subsidie weigeren" in lines
    assert "artikel 4:25, tweede lid, Algemene wet bestuursrecht" in text
    assert f"Wij nemen dit besluit op grond van {BASIS}." in lines
    assert OBJECTION in lines and INTERIM in lines


def test_settlement():
    lines = lines_of(LetterKind.SETTLEMENT)
    opening(lines)
    text = "\n".join(lines)
    assert (
        "Wij verleenden u een subsidie van ten hoogste € 42.500,00; aan voorschotten ontving "
        "u € 42.500,00."
    ) in text
    assert (
        f"Wij stellen de subsidie vast op grond van {BASIS} en artikelen 4:44 tot en met "
        "4:46 Algemene wet bestuursrecht."
    ) in lines
    # Why the amount is lower comes before what is to be repaid.
    reasons = lines.index("Waarom het vastgestelde bedrag afwijkt van de verlening")
    reclaim = next(i for i, line in enumerate(lines) if "te veel ontvangen" in line)
    assert lines[reasons + 1] == "Minder bijeenkomsten dan gepland." and reasons < reclaim
    assert (
        "U heeft € 3.500,00 te veel ontvangen. Wij vorderen dit bedrag terug op grond van "
        "artikel 4:57 Algemene wet bestuursrecht; betaal het uiterlijk op 12 januari 2027."
    ) in lines
    assert OBJECTION in lines and INTERIM in lines


@pytest.mark.parametrize("kind", [LetterKind.GRANT, LetterKind.SETTLEMENT])
def test_a_letter_that_pays_says_nothing_of_reclaiming(kind):
    letter = sample_letter(kind, DAY)
    if kind is LetterKind.SETTLEMENT:
        letter = dataclasses.replace(
            letter, paid=letter.granted.__class__(letter.final_amount.amount - 1000, "EUR")
        )
        assert letter.outcome == "pay"
    text = "\n".join(lines_of(kind, letter))
    assert "vorderen wij" not in text and "te veel ontvangen" not in text


@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_closing_stays_with_the_letter_and_pages_are_numbered(kind):
    data, language = default_template(kind, "nl")
    document = Document(io.BytesIO(render(data, context_of(sample_letter(kind, DAY), language))))
    body = document.paragraphs
    regards = next(i for i, p in enumerate(body) if p.text == "Met vriendelijke groet,")
    signatory = next(i for i, p in enumerate(body) if p.text == "J. de Vries")
    # From the last paragraph of text before the closing down to the signatory: one block.
    before = max(i for i, p in enumerate(body[:regards]) if p.text.strip())
    assert all(p.paragraph_format.keep_with_next for p in body[before:signatory])
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("Gemeente Utrecht · 2026/0815 · pagina ")
    fields = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]


@pytest.mark.parametrize("build", ["report", "notice"])
def test_the_evaluation_report_and_the_clarification_notice_are_a4_and_dutch(build):
    if build == "report":
        data = evaluation_report(
            EvaluationReport(
                "Gemeente Utrecht",
                TENDER,
                DAY,
                "beste prijs-kwaliteitverhouding",
                "gemiddelde",
                (),
                (),
                (),
            ),
            "nl",
        )
    else:
        data = clarification_notice(
            ClarificationNotice(
                "Gemeente Utrecht", TENDER, DAY, 1, (Clarification(1, "Vraag?", "Antwoord."),)
            ),
            "nl",
        )
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.core_properties.language == "nl-NL"
