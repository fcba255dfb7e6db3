"""Danish letters as a Danish procurement and grants lawyer reads them: udbudsloven § 171, the
standstill of klagenævnsloven § 3, stk. 2 counted by the Danish calendar, Klagenævnet for Udbud,
forvaltningsloven's reasons and the absence of an administrative appeal of a grant; amounts and
dates in Danish notation, and not an English (or Dutch) word in the body."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from common.jurisdictions import jurisdiction_for
from documents.letters.kinds import (
    Addressee,
    CriterionComparison,
    CriterionScore,
    Letter,
    LetterKind,
    Money,
    Payment,
    Procedure,
    Sender,
)
from documents.letters.present import context_of
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
from documents.letters.templates import default_template
from tests.documents.letters_support import document_language, docx_text, winner_report

SENDER = Sender(
    name="Vesthimmerlands Kommune",
    address=("Vestre Boulevard 7", "9600 Aars"),
    signatory="Mette Sørensen",
    signatory_title="Udbudskonsulent",
    contact="udbud@vesthimmerland.example",
    country="DK",
    website="https://vesthimmerland.example",
    complaint_desk="klage@vesthimmerland.example",
    decision_body="Sundhedsudvalget i Vesthimmerlands Kommune",
    iban="DK50 0040 0440 1162 43",
)
ADDRESSEE = Addressee(
    name="Himmerlands Hjemmepleje ApS",
    contact_person="Lene Kristensen",
    address=("Torvet 3", "9640 Farsø"),
    registration_number="29189587",
)
TENDER = Procedure(
    title="Praktisk hjælp i hjemmet 2027",
    reference="VHK-2027-04",
    lot="Løgstør",
    procedure_type="offentligt udbud",
)
POOL = Procedure(title="Pulje til forsøg med selvvisitation", reference="SVP-2022-11")
SENT = date(2027, 3, 16)  # + 10 days = langfredag 26 Mar 2027 -> Tue 30 Mar
STANDSTILL_END = "30. marts 2027"
SENDER_LAW = jurisdiction_for("DK")


def _dkk(amount: str) -> Money:
    return Money(Decimal(amount), "DKK")


SCORES = (
    CriterionScore(
        "Kvalitet",
        Decimal(60),
        Decimal("8.5"),
        Decimal("51.00"),
        "Konkret plan for samarbejdet med visitationen",
    ),
    CriterionScore("Pris", Decimal(40), None, Decimal("35.67")),
)
DANISH: dict[LetterKind, dict] = {
    LetterKind.AWARD_INTENT: {
        "procedure": TENDER,
        "scores": SCORES,
        "standstill_days": 10,
        "next_steps": ("Vi kontakter jer om kontraktunderskrivelse.",),
    },
    LetterKind.REJECTION: {
        "procedure": TENDER,
        "winner": "Aars Omsorg A/S",
        "standstill_days": 10,
        "reasons": ("Jeres tilbud opnår færre point for kvalitet og pris.",),
        "winner_advantages": ("En gennemarbejdet plan for fælles hjemmebesøg.",),
        "scores": (
            CriterionComparison(
                "Kvalitet",
                Decimal(60),
                Decimal("7"),
                Decimal("42.00"),
                "Tilstrækkelig, men ikke konkret",
                Decimal("8.5"),
                Decimal("51.00"),
                "Meget konkret",
            ),
        ),
        "objection": "Spørgsmål kan rettes til klage@vesthimmerland.example.",
    },
    LetterKind.LOT_UNSUCCESSFUL: {
        "procedure": TENDER,
        "objection": "Spørgsmål: klage@vesthimmerland.example",
        "reason": "Ingen af tilbuddene opfylder mindstekravene til kvalitet.",
    },
    LetterKind.SELECTION: {
        "procedure": TENDER,
        "reasons": ("Referencen opfylder ikke kravet til erfaring.",),
        "scores": (
            CriterionScore("Erfaring", Decimal(50), Decimal("5"), Decimal("25.00"), "Én reference"),
        ),
        "next_steps": ("Ingen.",),
        "objection": "Spørgsmål: klage@vesthimmerland.example",
    },
    LetterKind.ADMISSION: {
        "procedure": TENDER,
        "reasons": ("Den krævede autorisation mangler.",),
    },
    LetterKind.GRANT: {
        "procedure": POOL,
        "activity": "Borger før opgave",
        "requested": _dkk("1500000"),
        "granted": _dkk("1400000"),
        "period_start": date(2022, 11, 1),
        "period_end": date(2025, 12, 31),
        "reasons_partly": ("Puljens ramme tillader ikke mere.",),
        "conditions": ("I oplyser straks om ændringer i projektet.",),
        "payments": (
            Payment(date(2022, 12, 1), _dkk("500000"), "Første rate"),
            Payment(date(2023, 12, 1), _dkk("900000"), "Anden rate"),
        ),
        "reporting": "Statusrapport og revideret regnskab",
        "report_due": date(2026, 3, 31),
        "legal_basis": "puljens vejledning, afsnit 4",
    },
    LetterKind.REFUSAL: {
        "procedure": POOL,
        "activity": "Borgerstyret rehabilitering",
        "requested": _dkk("980000"),
        "ceiling": _dkk("1400000"),
        "details": ("Rammen var opbrugt den 3. november 2022.",),
        "scores": (
            CriterionScore("Borgerinddragelse", Decimal(100), Decimal("6"), Decimal("60.00")),
        ),
    },
    LetterKind.SETTLEMENT: {
        "procedure": POOL,
        "activity": "Borger før opgave",
        "granted": _dkk("1400000"),
        "final_amount": _dkk("1350000"),
        "paid": _dkk("1400000"),
        "considerations": ("Færre fælles hjemmebesøg end planlagt.",),
    },
}


def danish_letter(kind: LetterKind, day: date = SENT) -> Letter:
    letter = sample_letter(kind, day)
    fields = {**DANISH[kind], "sender": SENDER, "addressee": ADDRESSEE, "reference": "2027/0412"}
    if "standstill_days" in fields:
        fields["standstill_end"] = SENDER_LAW.standstill_last_day(day)
    if kind is LetterKind.SETTLEMENT:
        fields["payment_due"] = SENDER_LAW.payment_last_day(day)
    return dataclasses.replace(letter, **fields)


def rendered(letter: Letter, kind: LetterKind) -> tuple[str, str]:
    """The whole text and the body alone (without the letterhead's names)."""
    data, language = default_template(kind, "da")
    assert language == "da"
    out = render(data, context_of(letter, language))
    body = "\n".join(p.text for p in Document(io.BytesIO(out)).paragraphs)
    return docx_text(out), body.replace("\xa0", " ")


# Words of English (and of Dutch procurement law) that have no place in a Danish letter ("to"
# and "score" are Danish words as well).
FOREIGN = {
    "the",
    "and",
    "of",
    "you",
    "your",
    "we",
    "our",
    "is",
    "are",
    "with",
    "within",
    "days",
    "decision",
    "award",
    "bid",
    "grant",
    "subsidy",
    "objection",
    "court",
    "dear",
    "yours",
    "faithfully",
    "subject",
    "date",
    "lot",
    "points",
    "total",
    "weight",
    "criterion",
    "summary",
    "proceedings",
    "appeal",
    "kort",
    "geding",
    "voorzieningenrechter",
    "bezwaar",
    "awb",
    "aanbestedingswet",
    "gemeente",
}


def foreign_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[^\W\d_]+", text.lower()) if word in FOREIGN}


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_danish_letter_is_danish_throughout(kind):
    text, body = rendered(danish_letter(kind), kind)
    assert foreign_words(body) == set()
    assert "{{" not in text and "{%" not in text
    assert "Med venlig hilsen" in body and "Kære Lene Kristensen" in body
    assert "Sundhedsudvalget i Vesthimmerlands Kommune,\nefter bemyndigelse" in body
    data = render(default_template(kind, "da")[0], context_of(danish_letter(kind), "da"))
    assert document_language(data) == "da-DK"


def test_the_award_intent_cites_section_171_and_the_danish_standstill_end():
    _, body = rendered(danish_letter(LetterKind.AWARD_INTENT), LetterKind.AWARD_INTENT)
    assert "vi har besluttet at tildele jer kontrakten (udbudslovens § 171)" in body
    assert (
        "standstill-perioden på 10 kalenderdage regnet fra dagen efter afsendelsen af "
        "denne underretning er udløbet (lov om Klagenævnet for Udbud § 3, stk. 2). "
        f"Standstill-perioden udløber den {STANDSTILL_END}."
    ) in body
    assert "Klagenævnet for Udbud inden for standstill-perioden" in body
    assert "86,67 point" in body and "51,00" in docx_text(
        render(
            default_template(LetterKind.AWARD_INTENT, "da")[0],
            context_of(danish_letter(LetterKind.AWARD_INTENT), "da"),
        )
    )


def test_the_rejection_gives_reasons_advantages_and_the_klagevejledning():
    _, body = rendered(danish_letter(LetterKind.REJECTION), LetterKind.REJECTION)
    assert "tildele kontrakten til Aars Omsorg A/S (udbudslovens § 171)" in body
    assert "Det vindende tilbuds egenskaber og relative fordele" in body
    assert "En gennemarbejdet plan for fælles hjemmebesøg." in body
    assert f"Standstill-perioden udløber den {STANDSTILL_END}." in body
    assert (
        "I kan klage over tildelingsbeslutningen til Klagenævnet for Udbud (lov om "
        "Klagenævnet for Udbud §§ 6, 7 og 12). Indgiver I klagen senest den "
        f"{STANDSTILL_END}"
    ) in body
    assert "§ 7, stk. 2, nr. 1" in body and "Klagevejledning" in body.splitlines()
    assert "73,30 point" in body and "86,67 point" in body


def test_the_selection_outcome_names_the_20_days_to_complain_when_not_selected():
    letter = danish_letter(LetterKind.SELECTION)
    _, body = rendered(letter, LetterKind.SELECTION)
    assert "I ikke er blevet prækvalificeret (udbudslovens § 171)" in body
    assert (
        "skal være indgivet til Klagenævnet for Udbud inden 20 kalenderdage regnet fra "
        "dagen efter afsendelsen af denne underretning (lov om Klagenævnet for Udbud § 7, "
        "stk. 1)"
    ) in body
    _, selected = rendered(dataclasses.replace(letter, selected=True), LetterKind.SELECTION)
    assert "20 kalenderdage" not in selected
    assert "Spørgsmål til beslutningen kan rettes til klage@vesthimmerland.example." in selected


def test_a_lot_not_awarded_goes_to_klagenaevnet():
    _, body = rendered(danish_letter(LetterKind.LOT_UNSUCCESSFUL), LetterKind.LOT_UNSUCCESSFUL)
    assert "ikke at tildele delaftale Løgstør" in body
    assert "I kan klage over beslutningen til Klagenævnet for Udbud" in body
    assert "Ingen af tilbuddene opfylder mindstekravene til kvalitet." in body


def test_the_grant_in_danish_kroner_with_reasons_and_no_administrative_appeal():
    _, body = rendered(danish_letter(LetterKind.GRANT), LetterKind.GRANT)
    assert (
        "Vi giver jer tilsagn om et tilskud på 1.400.000,00 kr. for perioden "
        "1. november 2022 til og med 31. december 2025. I søgte om 1.500.000,00 kr.; vi "
        "imødekommer ansøgningen delvist med følgende begrundelse (forvaltningslovens §§ "
        "22-24):"
    ) in body
    assert "Afgørelsen kan ikke påklages til en anden administrativ myndighed" in body
    assert "ingen klagevejledning efter forvaltningslovens § 25" in body
    assert "Ankestyrelsen (kommunestyrelseslovens §§ 47-48 a)" in body
    assert "senest den 31. marts 2026" in body
    text, _ = rendered(danish_letter(LetterKind.GRANT), LetterKind.GRANT)
    assert "1. december 2022 | 500.000,00 kr. | Første rate" in text


def test_the_refusal_gives_its_reasons_and_the_pool_in_kroner():
    _, body = rendered(danish_letter(LetterKind.REFUSAL), LetterKind.REFUSAL)
    assert "I har søgt om et tilskud på 980.000,00 kr." in body
    assert "Puljens ramme på 1.400.000,00 kr. er opbrugt." in body
    assert "(forvaltningslovens §§ 22-24)" in body and "Ankestyrelsen" in body


def test_the_settlement_reclaims_in_kroner_by_a_danish_working_day():
    letter = danish_letter(LetterKind.SETTLEMENT, date(2026, 11, 25))
    # 30 days from Wed 25 Nov 2026: Fri 25 Dec (juledag) -> Mon 28 Dec 2026.
    assert letter.payment_due == date(2026, 12, 28)
    _, body = rendered(letter, LetterKind.SETTLEMENT)
    assert "I har modtaget 50.000,00 kr. for meget." in body
    assert "senest den 28. december 2026" in body
    assert (
        "Beløbet indbetales på konto DK50 0040 0440 1162 43 tilhørende Vesthimmerlands "
        "Kommune med angivelse af reference 2027/0412."
    ) in body


def test_the_clarification_notice_and_the_evaluation_report_in_danish():
    notice = ClarificationNotice(
        authority="Vesthimmerlands Kommune",
        procedure=TENDER,
        date=date(2026, 12, 11),
        sequence=1,
        items=(Clarification(1, "Må vi byde på to delaftaler?", "Nej."),),
        changes=("Tilbudsfristen flyttes til 15. januar 2027.",),
    )
    text = docx_text(clarification_notice(notice, "da"))
    assert "11. december 2026" in text and foreign_words(text) == set()
    report = winner_report(
        "Vesthimmerlands Kommune",
        TENDER,
        date(2026, 12, 11),
        "Aars Omsorg A/S",
        _dkk("1400000"),
        ReportCriterion("Kvalitet", "Kvalitet", Decimal(60)),
        ReportCell("Kvalitet", Decimal("8.5"), Decimal("51.00"), "8,5 × 6"),
        ("Bedste forhold mellem pris og kvalitet", "gennemsnit", "Bedømmer A"),
    )
    text = docx_text(evaluation_report(report, "da"))
    assert "1.400.000,00 kr." in text and "11. december 2026" in text
    assert foreign_words(text) == set()


def test_an_open_house_decision_names_where_to_turn_without_a_time_limit():
    """Danish law has no remedies of its own for an open house: the letter says where to
    turn, and invents no period."""
    _, body = rendered(danish_letter(LetterKind.ADMISSION), LetterKind.ADMISSION)
    assert "Vi giver afslag på ansøgningen" in body
    assert "Den krævede autorisation mangler." in body
    assert "Spørgsmål til beslutningen kan rettes til klage@vesthimmerland.example." in body
    assert "senest den" not in body
