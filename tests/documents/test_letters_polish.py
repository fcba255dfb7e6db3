"""Polish letters as a Polish procurement or grants lawyer reads them: every letter cites its
article, names where to turn (the odwołanie to the President of the KIO; for grants, that no
appeal lies), ends its periods on the day the Kodeks cywilny's calendar gives, and writes amounts
and dates in Polish only.

The letters are dated Wednesday 2 December 2026: ten days end on Saturday 12 December and run to
Monday 14 December (KC art. 115); thirty days end on 1 January 2027, a holiday, and run over the
weekend to Monday 4 January; fifteen days end on Thursday 17 December.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from documents.letters.kinds import Addressee, LetterKind, Procedure
from documents.letters.present import context_of
from documents.letters.render import render
from documents.letters.reports import (
    Clarification,
    ClarificationNotice,
    clarification_notice,
    evaluation_report,
)
from documents.letters.samples import sample_letter
from documents.letters.samples_pl import SENDER as SENDER_PL
from documents.letters.templates import default_template
from scoring.letters import AwardSetting, award_letters, report_from_ranking
from tests.documents.letters_support import document_language, docx_text, table_rows
from tests.scoring.test_letters import NAMES, ranked  # noqa: F401

SENT = date(2026, 12, 2)
KIO = "Adresat odwołania: Prezes Krajowej Izby Odwoławczej (art. 514 ust. 1 Pzp)"
PZP = "ustawy z dnia 11 września 2019 r. – Prawo zamówień publicznych"
NO_APPEAL = "nie stosuje się trybu odwoławczego (art. 15 ust. 2j u.d.p.p.)"
ENGLISH = {
    "the",
    "and",
    "of",
    "your",
    "bid",
    "bids",
    "standstill",
    "days",
    "points",
    "winner",
    "award",
    "court",
    "objection",
    "subsidy",
    "score",
    "criterion",
    "reference",
    "dear",
    "regards",
    "for",
    "with",
    "until",
    "within",
    "you",
    "is",
    "are",
    "lot",
}


def rendered(kind: LetterKind, letter=None) -> bytes:
    data, language = default_template(kind, "pl")
    assert language == "pl"
    return render(data, context_of(letter or sample_letter(kind, SENT, "pl"), language))


def text_of(kind: LetterKind, letter=None) -> str:
    return docx_text(rendered(kind, letter))


# (kind, what the letter must say)
EXPECTED = {
    LetterKind.AWARD_INTENT: [
        "Działając na podstawie art. 253 ust. 1 " + PZP,
        "Zgodnie z art. 264 ust. 1 " + PZP,
        "nie krótszym niż 10 dni",
        "Termin ten upływa w dniu 14 grudnia 2026.",
        KIO,
        "Odwołanie wnosi się w terminie określonym w art. 515 ust. 1 pkt 1 lit. a "
        + PZP
        + ", tj. najpóźniej w dniu 14 grudnia 2026.",
        "Z poważaniem",
    ],
    LetterKind.REJECTION: [
        "jako najkorzystniejszą wybrał ofertę złożoną przez: Stowarzyszenie Asystentów „Razem”",
        "Zgodnie z art. 264 ust. 1 " + PZP,
        "Termin ten upływa w dniu 14 grudnia 2026.",
        KIO,
        "tj. najpóźniej w dniu 14 grudnia 2026. Odwołujący przekazuje zamawiającemu odwołanie",
        "(art. 514 ust. 2 Pzp)",
        "art. 577 Pzp",
    ],
    LetterKind.LOT_UNSUCCESSFUL: [
        "Działając na podstawie art. 260 ust. 1 " + PZP,
        "na podstawie art. 255 Pzp",
        KIO,
        "art. 515 ust. 1 pkt 1 lit. a " + PZP + ", tj. najpóźniej w dniu 14 grudnia 2026.",
    ],
    LetterKind.SELECTION: [
        "nie zostaną Państwo zaproszeni do składania ofert",
        "(art. 505 ust. 1 i art. 513 Pzp)",
        KIO,
        "tj. najpóźniej w dniu 14 grudnia 2026.",
    ],
    LetterKind.ADMISSION: [
        "Nie uwzględniamy Państwa wniosku: nie spełnia on ogłoszonych warunków.",
        "Wykonawca nie przedłożył wymaganego wpisu do rejestru.",
        "Pytania i skargi dotyczące rozstrzygnięcia prosimy kierować do: "
        "zamowienia@mops.wroclaw.example.",
    ],
    LetterKind.GRANT: [
        "Przyznajemy dotację w wysokości 120 000,00 zł",
        "Wnioskowali Państwo o 150 000,00 zł.",
        "od 1 stycznia 2027 do 31 grudnia 2027",
        "umowy (art. 16 ust. 1 ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku "
        "publicznego i o wolontariacie)",
        NO_APPEAL,
        "tj. do dnia 4 stycznia 2027, mogą Państwo zażądać uzasadnienia wyboru lub odrzucenia "
        "oferty (art. 15 ust. 2g",
        "96 000,00 zł",
        "art. 250 ustawy z dnia 27 sierpnia 2009 r.",
    ],
    LetterKind.REFUSAL: [
        "wnioskując o dotację w wysokości 80 000,00 zł",
        "dotacja nie zostanie przyznana",
        "(1 400 000,00 zł) zostały wyczerpane",
        NO_APPEAL,
        "tj. do dnia 4 stycznia 2027",
        "sąd powszechny",
    ],
    LetterKind.SETTLEMENT: [
        "w kwocie 114 500,00 zł",
        "Kwota 5 500,00 zł podlega zwrotowi.",
        "do dnia 17 grudnia 2026 (art. 251 ust. 3 ustawy z dnia 27 sierpnia 2009 r. o finansach "
        "publicznych)",
        "PL61 1090 1014 0000 0712 1981 2874",
        "nie jest decyzją administracyjną: nie przysługuje od niego odwołanie",
        "do dnia 4 stycznia 2027",
    ],
}


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_polish_letter_cites_its_law_and_ends_its_periods_on_the_polish_day(kind):
    text = text_of(kind)
    for expected in EXPECTED[kind]:
        assert expected in text, expected
    # No period ends on the Saturday the count reaches: it runs to Monday.
    assert "dniu 12 grudnia 2026" not in text and "dnia 1 stycznia 2027" not in text


@pytest.mark.parametrize("kind", list(LetterKind))
def test_no_english_word_and_no_dutch_law_in_a_polish_letter(kind):
    text = text_of(kind)
    words = {word.lower() for word in re.findall(r"[^\W\d_]+", text)}
    assert not words & ENGLISH, words & ENGLISH
    for foreign in ("kort geding", "Awb", "Aanbestedingswet", "€", "EUR", "PLN"):
        assert foreign not in text


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_polish_letter_is_marked_polish(kind):
    assert document_language(rendered(kind)) == "pl-PL"


@pytest.mark.parametrize("kind", [LetterKind.AWARD_INTENT, LetterKind.REJECTION])
def test_the_notice_gives_every_offers_points_per_criterion_and_in_total(kind):
    data = rendered(kind)
    table = next(rows for index in range(3) if (rows := table_rows(data, index))[0][0] == "Miejsce")
    assert table[1:] == [
        [
            "1",
            "Stowarzyszenie Asystentów „Razem”",
            "50-001 Wrocław",
            "Cena: 60,00; Jakość opieki: 34,00",
            "94,00",
        ],
        [
            "2",
            "Fundacja Opieki Wytchnieniowej „Oddech”",
            "50-038 Wrocław",
            "Cena: 52,50; Jakość opieki: 32,00",
            "84,50",
        ],
        [
            "—",
            "Centrum Usług Opiekuńczych Sp. z o.o.",
            "55-080 Kąty Wrocławskie",
            "oferta odrzucona",
            "",
        ],
    ]
    text = docx_text(data)
    assert (
        "Centrum Usług Opiekuńczych Sp. z o.o.: oferta odrzucona – uzasadnienie faktyczne "
        "i prawne (art. 253 ust. 1 pkt 2 Pzp):"
    ) in text
    assert "art. 226 ust. 1 pkt 5 Pzp" in text


def test_a_polish_letter_greets_without_guessing_a_gender():
    lines = text_of(LetterKind.GRANT).splitlines()
    assert "Szanowni Państwo," in lines and "Do rąk: Jan Nowak" in lines


async def test_only_a_polish_notice_lists_every_offer(ranked):  # noqa: F811
    _, ranking, _ = ranked
    addressees = {
        ref: Addressee(name, address=("ul. Długa 1", "50-001 Wrocław"))
        for ref, name in NAMES.items()
    }
    polish = AwardSetting(
        sender=SENDER_PL,
        procedure=Procedure("Opieka", "ZP/1", "1"),
        date=SENT,
        reference="ZP/1/1",
        standstill_days=10,
        standstill_end=date(2026, 12, 14),
    )
    letters = dict(award_letters(ranking, addressees, polish, "pl"))
    offers = letters["bid:1"].offers
    assert [(o.name, o.rank, str(o.total)) for o in offers] == [
        ("Thuishulp West", 1, "87.00"),
        ("Samen Sterk", 2, "79.00"),
        ("Zorg Plus BV", 3, "70.50"),
    ]
    assert offers[0].winner and offers[0].seat == "50-001 Wrocław"
    assert [p.criterion for p in offers[0].points] == [
        p.criterion for p in letters["bid:2"].offers[0].points
    ]
    dutch = dict(
        award_letters(
            ranking,
            addressees,
            dataclasses.replace(polish, sender=dataclasses.replace(SENDER_PL, country="NL")),
            "nl",
        )
    )
    assert all(letter.offers == () for letter in dutch.values())


async def test_the_evaluation_report_in_polish(ranked):  # noqa: F811
    _, ranking, tree = ranked
    report = report_from_ranking(
        ranking,
        tree,
        authority=SENDER_PL.name,
        procedure=Procedure("Opieka", "ZP/1", "1. Dzienna"),
        on=SENT,
        language="pl",
        decision=("Wybór oferty: Thuishulp West",),
    )
    text = docx_text(evaluation_report(report, "pl"))
    for polish in (
        "Protokół z oceny",
        "Data: 2 grudnia 2026",
        "Kryteria i wagi",
        "Oceny i uzasadnienia",
        "Kryterium | Oceniający | Ocena | Punkty | Uzasadnienie",
        "Zwycięzca",
        "100 000,00 €",
        "Decyzja",
    ):
        assert polish in text, polish
    for english in (
        "Evaluation report",
        "Criteria and weights",
        "Scores and justifications",
        "Ranking method",
        "Winner",
        "Consensus",
        "Decision",
    ):
        assert english not in text


def test_the_clarification_notice_in_polish():
    notice = ClarificationNotice(
        authority=SENDER_PL.name,
        procedure=Procedure("Opieka", "ZP/1"),
        date=SENT,
        sequence=2,
        items=(Clarification(1, "Czy dopuszcza się podwykonawców?", "Tak."),),
        changes=("Termin składania ofert przesunięto na 15 stycznia 2027 r.",),
    )
    text = docx_text(clarification_notice(notice, "pl"))
    for polish in (
        "Wyjaśnienia treści dokumentów zamówienia nr 2",
        "Zamawiający: Gmina Wrocław",
        "Niniejsze wyjaśnienia stanowią część dokumentów zamówienia.",
        "Zmiany dokumentów zamówienia",
        "Pytania i odpowiedzi",
        "Nr | Sekcja | Pytanie | Odpowiedź",
    ):
        assert polish in text, polish
    words = {word.lower() for word in re.findall(r"[^\W\d_]+", text)}
    assert not words & ENGLISH


@pytest.mark.parametrize(
    ("form", "surname", "greeting", "attention"),
    [
        ("ms", "Kowalska", "Szanowna Pani,", "Pani Anna Kowalska"),
        ("mr", "Nowak", "Szanowny Panie,", "Pan Anna Kowalska"),
        ("neutral", "", "Szanowni Państwo,", "Anna Kowalska"),
        ("", "", "Szanowni Państwo,", "Anna Kowalska"),
    ],
)
def test_a_polish_letter_greets_by_title_not_by_surname(form, surname, greeting, attention):
    letter = sample_letter(LetterKind.GRANT, SENT, "pl")
    addressee = dataclasses.replace(
        letter.addressee, contact_person="Anna Kowalska", form_of_address=form, surname=surname
    )
    lines = text_of(LetterKind.GRANT, dataclasses.replace(letter, addressee=addressee)).splitlines()
    assert greeting in lines and f"Do rąk: {attention}" in lines


def test_below_the_eu_thresholds_the_notice_cites_art_308_and_the_five_day_odwolanie():
    """A contract below the EU thresholds: 5 days (art. 308 ust. 2) from Wednesday 2 December
    2026 end on Monday 7 December; the odwołanie's 5 days (art. 515 ust. 1 pkt 2 lit. a) too."""
    letter = dataclasses.replace(
        sample_letter(LetterKind.REJECTION, SENT, "pl"),
        standstill_days=5,
        standstill_end=date(2026, 12, 7),
        above_thresholds=False,
    )
    text = text_of(LetterKind.REJECTION, letter)
    assert "Zgodnie z art. 308 ust. 2 " + PZP in text
    assert "nie krótszym niż 5 dni" in text
    assert "Termin ten upływa w dniu 7 grudnia 2026." in text
    assert "art. 515 ust. 1 pkt 2 lit. a " + PZP + ", tj. najpóźniej w dniu 7 grudnia 2026" in text
    assert "art. 264" not in text


def test_a_longer_standstill_of_the_authoritys_own_does_not_extend_the_odwolanie():
    """The authority keeps 14 days (to Wednesday 16 December); the odwołanie below the
    thresholds still ends on Monday 7 December (art. 515 ust. 1 pkt 2 lit. a)."""
    letter = dataclasses.replace(
        sample_letter(LetterKind.AWARD_INTENT, SENT, "pl"),
        standstill_days=14,
        standstill_end=date(2026, 12, 16),
        above_thresholds=False,
    )
    text = text_of(LetterKind.AWARD_INTENT, letter)
    assert "Termin ten upływa w dniu 16 grudnia 2026." in text
    assert "tj. najpóźniej w dniu 7 grudnia 2026." in text
    assert "najpóźniej w dniu 16 grudnia 2026" not in text


@pytest.mark.parametrize("kind", [LetterKind.LOT_UNSUCCESSFUL, LetterKind.SELECTION])
def test_below_the_thresholds_other_notices_give_the_five_day_odwolanie_too(kind):
    """Cancelling a part, or the preselection, below the EU thresholds: 5 days from Wednesday
    2 December 2026 to Monday 7 December (art. 515 ust. 1 pkt 2 lit. a)."""
    letter = dataclasses.replace(sample_letter(kind, SENT, "pl"), above_thresholds=False)
    text = text_of(kind, letter)
    assert f"art. 515 ust. 1 pkt 2 lit. a {PZP}, tj. najpóźniej w dniu 7 grudnia 2026" in text
