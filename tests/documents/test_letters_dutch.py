"""Dutch letters as a procurement and subsidy lawyer reads them: every date that ends a period
comes from the authority's jurisdiction (the Algemene termijnenwet in the Netherlands)."""

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
from documents.letters.samples import sample_letter
from documents.letters.templates import default_template
from tests.documents.letters_support import docx_text


def rendered(kind: LetterKind, letter) -> str:
    data, language = default_template(kind, "nl")
    return docx_text(render(data, context_of(letter, language)))


@pytest.mark.parametrize("kind", [LetterKind.GRANT, LetterKind.REFUSAL, LetterKind.SETTLEMENT])
def test_the_objection_period_runs_to_the_next_working_day(kind):
    # Six weeks from Sunday 6 December 2026 end on Sunday 17 January 2027: by the Atw the
    # period runs to Monday 18 January.
    letter = sample_letter(kind, date(2026, 12, 6))
    assert letter.objection_end == date(2027, 1, 18)
    text = rendered(kind, letter)
    assert "18 januari 2027" in text and "17 januari 2027" not in text


def test_the_standstill_end_of_the_sample_letters_is_the_atw_one():
    letter = sample_letter(LetterKind.REJECTION, date(2027, 3, 6))
    assert letter.standstill_end == date(2027, 3, 26)  # Good Friday is a working day
    assert "26 maart 2027" in rendered(LetterKind.REJECTION, letter)


def test_another_countrys_letter_counts_by_its_own_calendar():
    letter = sample_letter(LetterKind.GRANT, date(2026, 12, 6))
    finnish = dataclasses.replace(letter, sender=dataclasses.replace(letter.sender, country="FI"))
    # Sunday 17 January 2027 runs to Monday 18 January there as well; 24 Dec 2026 + 6 weeks
    # (Thursday 4 February) is a working day in both.
    assert finnish.objection_end == date(2027, 1, 18)
    assert dataclasses.replace(finnish, date=date(2026, 12, 24)).objection_end == date(2027, 2, 4)


def _document(kind: LetterKind, letter=None):
    data, language = default_template(kind, "nl")
    return Document(io.BytesIO(render(data, context_of(letter or sample_letter(kind), language))))


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_letter_is_a4_and_written_in_dutch(kind):
    document = _document(kind)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    lang = (
        document.styles.element.find(qn("w:docDefaults"))
        .find(qn("w:rPrDefault"))
        .find(qn("w:rPr"))
        .find(qn("w:lang"))
    )
    assert lang.get(qn("w:val")) == "nl-NL"
    assert document.core_properties.language == "nl-NL"


@pytest.mark.parametrize(
    "kind", [LetterKind.REJECTION, LetterKind.SELECTION, LetterKind.LOT_UNSUCCESSFUL]
)
def test_tender_letters_head_their_remedies_rechtsbescherming_not_bezwaar(kind):
    lines = rendered(kind, sample_letter(kind)).splitlines()
    assert "Rechtsbescherming" in lines and "Bezwaar" not in lines


def test_a_rejection_of_a_knocked_out_bid_gives_the_reason_and_no_empty_scores():
    letter = dataclasses.replace(
        sample_letter(LetterKind.REJECTION),
        rank=None,
        own_total=None,
        reasons=("Uw inschrijving voldoet niet aan een minimumeis: geen VOG overgelegd.",),
    )
    text = rendered(LetterKind.REJECTION, letter)
    assert "geen VOG overgelegd" in text
    assert "Uw inschrijving is niet in de rangschikking opgenomen." in text
    assert "Totaal" not in text and "Uw scores en die van de winnende" not in text
    assert "punten tegen 0" not in text


def test_several_winners_the_comparison_says_it_is_with_the_lowest_ranked_winner():
    one = rendered(LetterKind.REJECTION, sample_letter(LetterKind.REJECTION))
    assert "laagst gerangschikte" not in one
    several = dataclasses.replace(
        sample_letter(LetterKind.REJECTION),
        winner="Thuiszorg Midden B.V., Axion Continu",
        winner_count=2,
        benchmark="Axion Continu",
    )
    text = rendered(LetterKind.REJECTION, several)
    assert (
        "Wij vergelijken uw inschrijving met de laagst gerangschikte daarvan, die van Axion Continu"
    ) in text


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_letter_has_the_letterhead_and_the_signature_by_mandate(kind):
    data, language = default_template(kind, "nl")
    document = Document(io.BytesIO(render(data, context_of(sample_letter(kind), language))))
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header == [
        "Gemeente Utrecht",
        "Postadres: Postbus 16200, 3500 CE Utrecht",
        "Bezoekadres: Stadsplateau 1, 3521 AZ Utrecht",
        "https://www.utrecht.example",
    ]
    body = [p.text for p in document.paragraphs]
    regards = body.index("Met vriendelijke groet,")
    assert body[regards + 1 : regards + 6] == [
        "Het college van burgemeester en wethouders van Utrecht,",
        "namens dezen,",
        "",
        "J. de Vries",
        "Afdelingshoofd Inkoop",
    ]


def test_a_letterhead_without_addresses_or_website_has_no_empty_lines():
    letter = sample_letter(LetterKind.GRANT)
    bare = dataclasses.replace(
        letter,
        sender=dataclasses.replace(
            letter.sender, address=(), visiting_address=(), website="", decision_body=""
        ),
    )
    data, language = default_template(LetterKind.GRANT, "nl")
    document = Document(io.BytesIO(render(data, context_of(bare, language))))
    assert [p.text for p in document.sections[0].header.paragraphs] == ["Gemeente Utrecht"]
    assert "namens dezen," not in [p.text for p in document.paragraphs]


def test_a_settlement_reclaiming_money_gives_the_basis_the_iban_and_a_later_payment_day():
    letter = sample_letter(LetterKind.SETTLEMENT, date(2026, 12, 1))
    assert letter.outcome == "reclaim" and letter.payment_due > letter.date
    text = rendered(LetterKind.SETTLEMENT, letter)
    assert "U heeft € 3.500,00 te veel ontvangen." in text
    assert (
        "Maak het bedrag over naar rekeningnummer NL91 ABNA 0417 1643 00 ten name van "
        "Gemeente Utrecht, onder vermelding van kenmerk 2026/0815."
    ) in text
    assert (
        "en artikelen 4:44 tot en met 4:46 Algemene wet bestuursrecht" in text
        and "op grond van artikel 4:57 Algemene wet bestuursrecht" in text
    )
    # Six weeks from 1 December 2026: Tuesday 12 January 2027 (Awb 4:87).
    assert "uiterlijk op 12 januari 2027" in text


def test_a_grant_names_its_legal_basis_the_advance_and_how_to_apply_for_settlement():
    text = rendered(LetterKind.GRANT, sample_letter(LetterKind.GRANT, date(2026, 12, 1)))
    assert (
        "Wij nemen dit besluit op grond van artikel 4 van de Subsidieregeling Sociale "
        "prestatie Utrecht 2027."
    ) in text
    assert (
        "Wat wij vóór de vaststelling betalen, is een voorschot (artikel 4:95 Algemene "
        "wet bestuursrecht)."
    ) in text
    assert (
        "De voorschotten worden verrekend met het bedrag waarop wij de subsidie vaststellen."
    ) in text
    assert (
        "Vraag de vaststelling van de subsidie aan door uw verantwoording uiterlijk op "
        "1 april 2028 bij ons in te dienen. Daarna stellen wij de subsidie vast (artikelen "
        "4:44 tot en met 4:46 Algemene wet bestuursrecht)."
    ) in text
    assert "€ 42.500,00" in text and "€ 50.000,00" in text
    assert "Het college van burgemeester en wethouders van Utrecht," in text
    assert "uiterlijk op 12 januari 2027" in text  # six weeks to object (6:7 Awb)


@pytest.mark.parametrize(
    ("form", "surname", "contact", "greeting", "attention"),
    [
        ("ms", "Jansen", "A. Jansen", "Geachte mevrouw Jansen,", "t.a.v. mevrouw A. Jansen"),
        # A particle takes a capital when no initials precede it: "heer De Vries".
        (
            "mr",
            "de Vries",
            "dhr. J. de Vries",
            "Geachte heer De Vries,",
            "t.a.v. de heer J. de Vries",
        ),
        ("neutral", "", "Alex de Vries", "Geachte Alex de Vries,", "t.a.v. Alex de Vries"),
        ("", "", "P. Pietersen", "Geachte heer, mevrouw,", "t.a.v. P. Pietersen"),
        ("ms", "", "A. Jansen", "Geachte heer, mevrouw,", "t.a.v. mevrouw A. Jansen"),
    ],
)
def test_the_letter_greets_the_contact_person_by_name_when_known(
    form, surname, contact, greeting, attention
):
    letter = sample_letter(LetterKind.REFUSAL)
    letter = dataclasses.replace(
        letter,
        addressee=dataclasses.replace(
            letter.addressee, form_of_address=form, surname=surname, contact_person=contact
        ),
    )
    lines = rendered(LetterKind.REFUSAL, letter).splitlines()
    assert greeting in lines and attention in lines
    assert sum(line.startswith("Geachte") for line in lines) == 1


def test_an_english_letter_greets_by_name_and_closes_sincerely():
    letter = sample_letter(LetterKind.GRANT)
    data, language = default_template(LetterKind.GRANT, "en")
    lines = docx_text(render(data, context_of(letter, language))).splitlines()
    assert "Dear Ms Jansen," in lines and "Yours sincerely," in lines
    nobody = dataclasses.replace(
        letter, addressee=dataclasses.replace(letter.addressee, form_of_address="")
    )
    lines = docx_text(render(data, context_of(nobody, language))).splitlines()
    assert "Dear Sir or Madam," in lines and "Yours faithfully," in lines
