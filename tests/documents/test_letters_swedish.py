"""Swedish letters read back as a Swedish procurement lawyer reads them: the articles of LOU,
förvaltningslagen and kommunallagen they rest on, where to turn, the avtalsspärr end date from
the Swedish calendar, amounts and dates in Swedish, no English word."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from documents.letters.kinds import LetterKind, Money
from documents.letters.present import context_of, money
from documents.letters.render import render
from documents.letters.reports import (
    Clarification,
    ClarificationNotice,
    ReportCell,
    ReportCriterion,
    clarification_notice,
    evaluation_report,
)
from documents.letters.samples import sample_letter
from documents.letters.samples_sv import SWEDEN, TENDER
from documents.letters.service import problems_of
from documents.letters.templates import default_template
from tests.documents.letters_support import document_language, docx_text, winner_report

LOU = "lagen (2016:1145) om offentlig upphandling (LOU)"
REVIEW = (
    "kan ansöka om överprövning hos förvaltningsrätten i den domkrets där Botkyrka "
    "kommun har sin hemvist (20 kap. 4–6 §§ LOU)"
)
LAGLIGHET = (
    "laglighet prövad av förvaltningsrätten, genom laglighetsprövning enligt 13 kap. "
    "kommunallagen (2017:725)"
)
# Words of the English templates and catalogs that no Swedish letter may contain.
ENGLISH = {
    "the",
    "and",
    "of",
    "your",
    "our",
    "we",
    "bid",
    "award",
    "standstill",
    "decision",
    "contract",
    "regards",
    "dear",
    "subject",
    "lot",
    "score",
    "points",
    "total",
    "reference",
    "objection",
    "grant",
    "subsidy",
    "court",
    "days",
    "until",
    "date",
}

TENDER_KINDS = [
    LetterKind.AWARD_INTENT,
    LetterKind.REJECTION,
    LetterKind.SELECTION,
    LetterKind.LOT_UNSUCCESSFUL,
]
GRANT_KINDS = [LetterKind.GRANT, LetterKind.REFUSAL, LetterKind.SETTLEMENT]


def sv_letter(kind: LetterKind, day: date = date(2026, 12, 1)):
    return sample_letter(kind, day, language="sv")


def rendered(kind: LetterKind, letter=None) -> str:
    data, language = default_template(kind, "sv")
    assert language == "sv"
    return docx_text(render(data, context_of(letter or sv_letter(kind), language)))


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_has_a_swedish_template_marked_sv_se(kind):
    data, language = default_template(kind, "sv")
    assert language == "sv" and document_language(data) == "sv-SE"


@pytest.mark.parametrize("kind", list(LetterKind))
def test_no_english_word_in_a_sv_letter(kind):
    words = set(re.findall(r"[a-zåäö]+", rendered(kind).lower()))
    assert not words & ENGLISH, words & ENGLISH
    assert "kort geding" not in rendered(kind)


@pytest.mark.parametrize("kind", [LetterKind.AWARD_INTENT, LetterKind.REJECTION])
def test_the_underrattelse_om_tilldelningsbeslut_cites_lou_and_the_avtalssparr(kind):
    # Sent Monday 14 December 2026: ten days end on julafton, which with juldagen, annandag
    # jul and the Sunday runs to Monday 28 December 2026 (lagen (1930:173) om beräkning av
    # lagstadgad tid).
    letter = sv_letter(kind, date(2026, 12, 14))
    assert letter.standstill_end == date(2026, 12, 28)
    text = rendered(kind, letter)
    assert f"enligt 12 kap. 12 § {LOU}" in text
    assert "avtalsspärren enligt 20 kap. 1 § LOU" in text
    assert "28 december 2026" in text and "24 december 2026" not in text
    assert "Datum: 14 december 2026" in text


def test_the_rejection_gives_the_reasons_the_scores_and_how_to_apply_for_overprovning():
    text = rendered(LetterKind.REJECTION, sv_letter(LetterKind.REJECTION, date(2026, 12, 1)))
    assert "vi har beslutat att tilldela kontraktet till Ramboll Sverige AB" in text
    assert "Skälen för beslutet\nErt anbud fick lägre poäng för genomförandeplanen." in text
    assert "Det vinnande anbudets egenskaper och relativa fördelar" in text
    assert "Genomförandeplan | 40 | 6 | 24,00 | 8 | 32,00" in text
    assert ("Totalt: ert anbud 71,50 poäng, anbudet från Ramboll Sverige AB 86,00 poäng.") in text
    assert REVIEW in text
    assert (
        "Ansökan ska ha kommit in till förvaltningsrätten senast 11 december 2026, den "
        "sista dagen av avtalsspärren"
    ) in text
    assert "förlängd avtalsspärr" in text


@pytest.mark.parametrize("kind", [LetterKind.SELECTION, LetterKind.LOT_UNSUCCESSFUL])
def test_selection_and_a_cancelled_lot_name_the_overprovning_not_the_generic_objection(kind):
    text = rendered(kind)
    assert "Överprövning" in text.splitlines() and REVIEW in text
    assert "Frågor om beslutet kan ställas till upphandling@botkyrka.example." in text
    # The generic objection sentence of the catalogs is not used: it names another law.
    assert "Frågor om beslutet: upphandling@botkyrka.example" not in text


def test_a_cancelled_lot_is_an_avbrytande_with_its_reasons():
    text = rendered(LetterKind.LOT_UNSUCCESSFUL)
    assert f"enligt 12 kap. {LOU} om att vi har beslutat att avbryta upphandlingen" in text
    assert "Skälen för beslutet\nInget anbud uppfyllde kraven på genomförandeplanen." in text


@pytest.mark.parametrize("kind", GRANT_KINDS)
def test_grant_decisions_give_reasons_and_the_laglighetsprovning(kind):
    text = rendered(kind)
    assert "kan inte överklagas genom förvaltningsbesvär" in text
    assert LAGLIGHET in text
    assert (
        "Överklagandet ska enligt 13 kap. 5 § kommunallagen (2017:725) ha kommit in till "
        "förvaltningsrätten inom tre veckor från den dag då det tillkännagavs på kommunens "
        "anslagstavla att protokollet över beslutet har justerats."
    ) in text
    assert "13 kap. 8 § kommunallagen" in text
    assert "Hur beslutet kan överklagas" in text.splitlines()


def test_a_partial_grant_states_its_reasons_under_forvaltningslagen_32_and_amounts_in_kronor():
    text = rendered(LetterKind.GRANT)
    assert (
        "Ni beviljas ett bidrag på 1 400 000,00 kr för perioden 1 januari 2027 till och "
        "med 31 december 2027. Ni ansökte om 1 500 000,00 kr. Ett beslut ska enligt 32 § "
        "förvaltningslagen (2017:900) motiveras"
    ) in text
    assert "15 januari 2027 | 1 120 000,00 kr | Förskott 80 procent" in text
    assert "SEK" not in text and "1,400,000" not in text and "1.400.000" not in text


def test_a_refusal_cites_the_duty_to_give_reasons_and_the_budget_in_kronor():
    text = rendered(LetterKind.REFUSAL)
    assert "Ni har ansökt om ett bidrag på 180 000,00 kr" in text
    assert "i enlighet med 32 § förvaltningslagen (2017:900)" in text
    assert "De medel på 1 400 000,00 kr som har avsatts för bidraget är förbrukade." in text


def test_a_settlement_reclaims_by_a_day_counted_by_the_swedish_calendar():
    # 30 days from Tuesday 1 December 2026 end on nyårsafton: Monday 4 January 2027.
    letter = sv_letter(LetterKind.SETTLEMENT, date(2026, 12, 1))
    assert letter.payment_due == date(2027, 1, 4)
    text = rendered(LetterKind.SETTLEMENT, letter)
    assert "Ni har fått 35 000,00 kr för mycket." in text
    assert "Betala tillbaka beloppet senast 4 januari 2027" in text
    assert "IBAN) SE45 5000 0000 0583 9825 7466" in text


def test_swedish_amounts_are_babels_sv_format_only():
    assert money(Money(Decimal("1400000"), "SEK"), "sv").replace("\xa0", " ") == ("1 400 000,00 kr")


@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_letterhead_and_signature_by_delegation(kind):
    data, language = default_template(kind, "sv")
    document = Document(io.BytesIO(render(data, context_of(sv_letter(kind), language))))
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header[:2] == ["Botkyrka kommun", "Postadress: Botkyrka kommun, 147 85 Tumba"]
    body = [p.text for p in document.paragraphs]
    regards = body.index("Med vänlig hälsning")
    assert body[regards + 1 : regards + 5] == [
        "Vård- och omsorgsnämnden,",
        "enligt delegation",
        "",
        "Sara Johansson",
    ]
    assert "Hej Karin Berg!" in body


def test_the_greeting_without_a_contact_person():
    letter = sv_letter(LetterKind.REFUSAL)
    anonymous = dataclasses.replace(
        letter, addressee=dataclasses.replace(letter.addressee, contact_person="")
    )
    assert "Hej!" in rendered(LetterKind.REFUSAL, anonymous).splitlines()


def test_the_evaluation_report_and_the_clarification_notice_in_swedish():
    report = winner_report(
        "Botkyrka kommun",
        TENDER,
        date(2026, 12, 1),
        "Ramboll Sverige AB",
        Money(Decimal("780000"), "SEK"),
        ReportCriterion("Genomförandeplan", "Kvalitet", Decimal(40), scale="0–10"),
        ReportCell("Genomförandeplan", Decimal("8"), Decimal("32.00"), "8 av 10 × 40"),
        ("högsta totala poäng", "medianen", "Lars Lindqvist"),
        decision=("Kontraktet tilldelas Ramboll.",),
    )
    text = docx_text(evaluation_report(report, "sv"))
    assert "Utvärderingsrapport" in text and "Upphandlande myndighet: Botkyrka kommun" in text
    assert "Datum: 1 december 2026" in text
    assert "1 | Ramboll Sverige AB | 32,00 | 780 000,00 kr | 30,00 | 86,00 | Vinnare" in text
    assert "Kriterium | Bedömare | Bedömning | Poäng | Motivering" in text
    notice = ClarificationNotice(
        "Botkyrka kommun",
        TENDER,
        date(2026, 10, 5),
        2,
        (Clarification(1, "Får vi lämna anbud på båda delområdena?", "Ja.", "3.2"),),
    )
    text = docx_text(clarification_notice(notice, "sv"))
    assert "Datum: 5 oktober 2026" in text and "Frågor och svar" in text
    assert "Nr | Avsnitt | Fråga | Svar" in text
    for written in (docx_text(evaluation_report(report, "sv")), text):
        assert not set(re.findall(r"[a-zåäö]+", written.lower())) & ENGLISH


def test_the_avtalssparr_in_the_letters_is_the_jurisdictions():
    letter = sv_letter(LetterKind.REJECTION, date(2027, 3, 16))
    # Ten days from Tuesday 16 March 2027 end on långfredagen; annandag påsk follows the
    # weekend: Tuesday 30 March.
    assert (
        letter.standstill_end == SWEDEN.standstill_last_day(date(2027, 3, 16)) == date(2027, 3, 30)
    )
    assert "30 mars 2027" in rendered(LetterKind.REJECTION, letter)


@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_swedish_templates_pass_the_upload_check_with_the_swedish_sample(kind):
    data, _ = default_template(kind, "sv")
    assert problems_of(data, kind, "sv") == []
    assert sample_letter(kind, language="sv").sender.name == "Botkyrka kommun"
    assert sample_letter(kind, language="nl").sender.name == "Gemeente Utrecht"


def test_a_lov_admission_decision_gives_the_three_weeks_for_rattelse():
    """Decided Thursday 3 December 2026: three weeks end on julafton, which with juldagen and
    the weekend runs to Monday 28 December 2026 (LOV 10 kap. 1 §, lagen (1930:173))."""
    letter = sv_letter(LetterKind.ADMISSION, date(2026, 12, 3))
    assert letter.review_end == date(2026, 12, 28)
    text = rendered(LetterKind.ADMISSION, letter)
    assert "Vi avslår er ansökan." in text
    assert "Ansökan saknar det begärda tillståndet från IVO." in text
    assert "9 kap. lagen (2008:962) om valfrihetssystem" in text
    assert "rättelse hos förvaltningsrätten (10 kap. 1 § lagen (2008:962) om valfrihetssystem)" in (
        text
    )
    assert "senast 28 december 2026" in text and "24 december" not in text
    approved = rendered(
        LetterKind.ADMISSION, dataclasses.replace(letter, admitted=True, reasons=())
    )
    assert "Vi godkänner er ansökan." in approved and "Skälen för beslutet" not in approved
