"""Every kind of letter rendered from the default templates and read back with python-docx."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.letters.kinds import (
    KIND_CLASSES,
    LetterKind,
    Money,
    RefusalReason,
    SettlementDecision,
)
from documents.letters.present import context_of, day, money, number
from documents.letters.render import open_template, render, render_template
from documents.letters.samples import sample_letter
from documents.letters.templates import default_language, default_template
from tests.documents.letters_support import docx_text, table_rows


def rendered(letter, language: str) -> str:
    data, written_in = default_template(type_kind(letter), language)
    return docx_text(render(data, context_of(letter, written_in)))


def type_kind(letter) -> LetterKind:
    return next(k for k, cls in KIND_CLASSES.items() if type(letter) is cls)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_kind_names_sender_addressee_reference_and_date(kind, language):
    letter = sample_letter(kind)
    text = rendered(letter, language)
    assert "Zorggroep De Linde B.V." in text
    assert "A. Jansen" in text and "Lindelaan 4" in text
    assert "2026/0815" in text and "Gemeente Utrecht" in text and "J. de Vries" in text
    assert ("1 december 2026" if language == "nl" else "1 December 2026") in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize(
    ("language", "standstill", "both"),
    [
        ("nl", "21 december 2026", "Kwaliteit | 60 | 7 | 42,00 | 8,5 | 51,00"),
        ("en", "21 December 2026", "Kwaliteit | 60 | 7 | 42.00 | 8.5 | 51.00"),
    ],
)
def test_a_rejection_says_what_article_2_130_requires(language, standstill, both):
    text = rendered(sample_letter(LetterKind.REJECTION), language)
    assert "Thuiszorg Midden B.V." in text  # the winner
    assert both in text  # own and winner's score and points per criterion
    assert "Voldoende, weinig concreet" in text and "Zeer concreet" in text  # justifications
    assert "Uw inschrijving scoort lager op kwaliteit en prijs." in text  # the reasons
    assert "Een uitgewerkt plan voor de inzet van vrijwilligers." in text  # advantages
    assert standstill in text  # the standstill end, written out
    assert ("als nummer 2 van 4" if language == "nl" else "ranked 2 of 4") in text
    assert ("kort geding" if language == "nl" else "summary proceedings") in text
    assert "Vragen: inkoop@utrecht.example" in text


def test_a_rejection_of_a_knocked_out_bid_has_no_rank():
    letter = dataclasses.replace(sample_letter(LetterKind.REJECTION), rank=None, own_total=None)
    text = rendered(letter, "en")
    assert "Your bid was not included in the ranking." in text
    assert "ranked" not in text.replace("not included in the ranking", "")


def test_an_award_intent_gives_the_rank_scores_and_standstill():
    text = rendered(sample_letter(LetterKind.AWARD_INTENT), "nl")
    assert "voornemens zijn de opdracht aan u te gunnen" in text
    assert "totaalscore van 86,67 punten" in text
    assert "Kwaliteit | 60 | 8,5 | 51,00" in text and "Sterk plan van aanpak" in text
    assert "21 december 2026" in text and "20 kalenderdagen" in text


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        (True, "you have been selected for the next phase. In total 5 candidates"),
        (False, "you have not been selected for the next phase"),
    ],
)
def test_a_selection_outcome_says_selected_or_not(selected, expected):
    letter = dataclasses.replace(sample_letter(LetterKind.SELECTION), selected=selected)
    text = rendered(letter, "en")
    assert expected in text
    assert "De referentieopdracht voldoet niet aan de geschiktheidseis." in text


def test_a_grant_decision_partly_granted():
    data = render(*_template_and_context(sample_letter(LetterKind.GRANT), "nl"))
    text = docx_text(data)
    assert "subsidie van ten hoogste € 42.500,00" in text and "U vroeg € 50.000,00" in text
    assert "1 januari 2027 tot en met 31 december 2027" in text
    assert "Het subsidieplafond laat niet meer toe." in text
    assert "U meldt wijzigingen in de activiteit direct." in text
    assert table_rows(data)[1:] == [
        ["15 januari 2027", "€ 34.000,00", "Voorschot 80%"],
        ["1 juni 2028", "€ 8.500,00", "Na vaststelling"],
    ]
    assert "Een activiteitenverslag" in text and "uiterlijk op 1 april 2028" in text
    assert "zes weken" in text and "uiterlijk op 12 januari 2027" in text  # 1 Dec + 6 weeks


def test_a_grant_decision_granted_in_full_gives_no_reasons_for_less():
    letter = sample_letter(LetterKind.GRANT)
    full = dataclasses.replace(letter, granted=letter.requested, reasons_partly=())
    text = rendered(full, "en")
    assert "We grant you a subsidy of at most €50,000.00 for the period from 1 January 2027" in text
    assert "grant less" not in text
    assert "within six weeks" in text and "12 January 2027" in text


REFUSAL_TEXTS = {
    RefusalReason.INELIGIBLE: "does not meet the conditions",
    RefusalReason.BELOW_MINIMUM: "scored 62.5 points; the minimum score is 55 points",
    RefusalReason.CEILING_REACHED: "ceiling of €1,400,000.00 has been reached",
}


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_a_refusal_gives_its_reason_and_no_other(reason):
    letter = dataclasses.replace(sample_letter(LetterKind.REFUSAL), reason=reason)
    text = rendered(letter, "en")
    assert [r for r, words in REFUSAL_TEXTS.items() if words in text] == [reason]
    assert "Het plafond was op 3 november 2026 bereikt." in text  # the details
    assert "We refuse this subsidy" in text and "12 January 2027" in text


@pytest.mark.parametrize(
    ("final", "paid", "expected"),
    [
        ("39000", "42500", "U heeft € 3.500,00 te veel ontvangen"),
        ("42500", "34000", "Wij betalen u het verschil van € 8.500,00 uiterlijk op 12 januari"),
        ("42500", "42500", "U hoeft niets terug te betalen"),
    ],
)
def test_a_settlement_pays_reclaims_or_closes(final, paid, expected):
    letter = dataclasses.replace(
        sample_letter(LetterKind.SETTLEMENT),
        final_amount=Money(Decimal(final), "EUR"),
        paid=Money(Decimal(paid), "EUR"),
    )
    text = rendered(letter, "nl")
    assert expected in text
    assert f"vast op {money(letter.final_amount, 'nl')}".replace("\xa0", " ") in text
    assert f"aan voorschotten ontving u {money(letter.paid, 'nl')}".replace("\xa0", " ") in text
    outcomes = ["te veel ontvangen", "Wij betalen u het verschil", "niets terug te betalen"]
    assert sum(outcome in text for outcome in outcomes) == 1


def test_a_settlement_is_in_one_currency():
    letter = sample_letter(LetterKind.SETTLEMENT)
    with pytest.raises(ValueError, match="one currency"):
        dataclasses.replace(letter, paid=Money(Decimal(1), "DKK"))


@given(final=st.decimals(0, 10**7, places=2), paid=st.decimals(0, 10**7, places=2))
@settings(max_examples=200)
def test_a_settlement_balance_is_either_to_pay_or_to_reclaim(final, paid):
    letter = SettlementDecision(
        **{**_settlement_fields(), "final_amount": Money(final, "EUR"), "paid": Money(paid, "EUR")}
    )
    assert letter.to_pay.amount - letter.to_reclaim.amount == final - paid
    assert min(letter.to_pay.amount, letter.to_reclaim.amount) == 0
    assert letter.outcome == ("pay" if final > paid else "reclaim" if final < paid else "settled")


def _settlement_fields() -> dict:
    letter = sample_letter(LetterKind.SETTLEMENT)
    return {f.name: getattr(letter, f.name) for f in dataclasses.fields(letter)}


def _template_and_context(letter, language):
    data, written_in = default_template(type_kind(letter), language)
    return data, context_of(letter, written_in)


@pytest.mark.parametrize("language", ["fi", "de"])
def test_languages_without_templates_fall_back_to_english_throughout(language):
    assert default_language(LetterKind.GRANT, language) == "en"
    text = rendered(sample_letter(LetterKind.GRANT), language)
    assert "We grant you a subsidy of at most €42,500.00" in text and "1 January 2027" in text


def test_babel_formats_in_the_letters_language():
    assert money(Money(Decimal("1234.5"), "EUR"), "nl") == "€\xa01.234,50"
    assert money(Money(Decimal("1234.5"), "EUR"), "en") == "€1,234.50"
    assert money(Money(Decimal("1400000"), "DKK"), "da") == "1.400.000,00\xa0kr."
    assert day(date(2026, 12, 21), "nl") == "21 december 2026"
    assert day(date(2026, 12, 21), "pl") == "21 grudnia 2026"
    assert number(Decimal("26.67"), "nl") == "26,67" and number(Decimal("7.50"), "en") == "7.50"
    assert number(Decimal("60"), "nl") == "60" and number(12345, "nl") == "12.345"


HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in y %}",
    "<w:t>broken</w:t>",
    "A & B <c> \"d\" 'e'",
    "{%p endif %}",
    "x" * 20_000,
    "line\x0bwith\x00control",
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", list(LetterKind))
def test_hostile_text_appears_literally_and_breaks_nothing(kind, language):
    letter = sample_letter(kind)
    hostile = " | ".join(HOSTILE[:5])
    changes = {
        "addressee": dataclasses.replace(letter.addressee, name=hostile, contact_person=HOSTILE[5]),
        "reference": HOSTILE[2],
    }
    if kind is LetterKind.REJECTION:
        row = dataclasses.replace(
            letter.scores[0], own_justification=hostile, winner_justification=HOSTILE[6]
        )
        changes |= {
            "winner": HOSTILE[0],
            "reasons": tuple(HOSTILE[:5]),
            "scores": (row, *letter.scores[1:]),
        }
    text = rendered(dataclasses.replace(letter, **changes), language)
    assert hostile in text
    assert HOSTILE[5] in text
    assert "49" not in text.replace("2026/0815", "")
    if kind is LetterKind.REJECTION:
        assert "linewithcontrol" in text
        for item in HOSTILE[:5]:
            assert item in text


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", list(LetterKind))
def test_the_prepared_rendering_writes_what_docxtpl_writes(kind, language):
    """render() prepares each template once; its parts must be docxtpl's, byte for byte."""
    data, _ = default_template(kind, language)
    context = context_of(sample_letter(kind), language)
    prepared = parts_of(render(data, context))
    full = parts_of(render_template(open_template(data), context))
    assert prepared.keys() == full.keys()
    for name in prepared:
        if name != "docProps/core.xml":  # python-docx writes empty properties its own way
            assert prepared[name] == full[name], name


def test_templates_with_placeholders_in_their_properties_render_fully():
    document = Document()
    document.add_paragraph("Dear {{ addressee.name }}")
    document.core_properties.title = "Grant for {{ addressee.name }}"
    out = io.BytesIO()
    document.save(out)
    data = render(out.getvalue(), context_of(sample_letter(LetterKind.GRANT), "en"))
    rendered = Document(io.BytesIO(data))
    assert rendered.core_properties.title == "Grant for Zorggroep De Linde B.V."
    assert rendered.paragraphs[0].text == "Dear Zorggroep De Linde B.V."


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@given(
    name=st.text(
        st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\xa0\u202f"
        ),
        min_size=1,
        max_size=80,
    ),
    reason=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=200),
)
@settings(max_examples=40, deadline=None)
def test_any_text_appears_literally(name, reason):
    letter = sample_letter(LetterKind.REFUSAL)
    letter = dataclasses.replace(
        letter, addressee=dataclasses.replace(letter.addressee, name=name), details=(reason,)
    )
    text = rendered(letter, "en")
    assert name.replace("\xa0", " ") in text
    assert reason.replace("\xa0", " ").replace("\u202f", " ") in text
