"""The sample letters in Polish: the Wrocław Functional Area's joint tender (Gmina Wrocław's
MOPS) and an open call for proposals, under Polish law (Pzp, u.d.p.p., u.f.p.).

What an administrator sees when previewing a Polish template, and what the Polish letter tests
read back: every offer's points (Pzp art. 253), amounts in złoty, periods by the Kodeks cywilny.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from common.jurisdictions import jurisdiction_for
from documents.letters.kinds import (
    Addressee,
    CriterionComparison,
    CriterionPoints,
    CriterionScore,
    LetterKind,
    Money,
    OfferScores,
    Payment,
    Procedure,
    Sender,
)
from documents.letters.samples_local import local_sample

POLAND = jurisdiction_for("PL")
WINNER = "Stowarzyszenie Asystentów „Razem”"
SENDER = Sender(
    name="Gmina Wrocław – Miejski Ośrodek Pomocy Społecznej",
    address=("ul. Strzegomska 6", "53-611 Wrocław"),
    signatory="Anna Kowalska",
    signatory_title="Dyrektor Miejskiego Ośrodka Pomocy Społecznej",
    contact="zamowienia@mops.wroclaw.example",
    country="PL",
    visiting_address=("ul. Strzegomska 6", "53-611 Wrocław"),
    website="https://mops.wroclaw.example",
    complaint_desk="zamowienia@mops.wroclaw.example",
    decision_body="Prezydent Wrocławia",
    iban="PL61 1090 1014 0000 0712 1981 2874",
)
ADDRESSEE = Addressee(
    name="Fundacja Opieki Wytchnieniowej „Oddech”",
    contact_person="Jan Nowak",
    address=("ul. Kościuszki 12", "50-038 Wrocław"),
    email="biuro@oddech.example",
    registration_number="0000123456",
)
TENDER = Procedure(
    title="Opieka wytchnieniowa i asystencja osobista we Wrocławskim Obszarze Funkcjonalnym 2027",
    reference="ZP/WrOF/2026/7",
    lot="1. Opieka wytchnieniowa dzienna",
    procedure_type="przetarg nieograniczony",
)
QUESTIONS = "Pytania: zamowienia@mops.wroclaw.example"
ROUND = Procedure(
    title="Wsparcie opiekunów osób z niepełnosprawnościami 2027", reference="KO/MOPS/2026/3"
)


def _pln(amount: str) -> Money:
    return Money(Decimal(amount), "PLN")


def _offers() -> tuple[OfferScores, ...]:
    def points(price: str, quality: str) -> tuple[CriterionPoints, ...]:
        return (
            CriterionPoints("Cena", Decimal(price)),
            CriterionPoints("Jakość opieki", Decimal(quality)),
        )

    return (
        OfferScores(
            "Stowarzyszenie Asystentów „Razem”",
            "50-001 Wrocław",
            1,
            points("60.00", "34.00"),
            Decimal("94.00"),
            winner=True,
        ),
        OfferScores(
            ADDRESSEE.name,
            ADDRESSEE.address[-1],
            2,
            points("52.50", "32.00"),
            Decimal("84.50"),
        ),
        OfferScores(
            "Centrum Usług Opiekuńczych Sp. z o.o.",
            "55-080 Kąty Wrocławskie",
            None,
            (),
            None,
            rejected=True,
            reasons=(
                "Oferta odrzucona na podstawie art. 226 ust. 1 pkt 5 Pzp: jej treść "
                "jest niezgodna z warunkami zamówienia (brak opiekunów z "
                "wymaganym przeszkoleniem).",
            ),
        ),
    )


def _fields(kind: LetterKind, day: date) -> dict[str, object]:
    standstill = {
        "procedure": TENDER,
        "standstill_days": 10,
        "offers": _offers(),
        "standstill_end": POLAND.standstill_last_day(day),
    }
    task = {"procedure": ROUND, "activity": "Opieka wytchnieniowa w formie pobytu dziennego"}
    return {
        LetterKind.AWARD_INTENT: {
            **standstill,
            "addressee": dataclasses.replace(ADDRESSEE, name=WINNER),
            "total": Decimal("94.00"),
            "scores": (
                CriterionScore("Cena", Decimal(60), None, Decimal("60.00")),
                CriterionScore(
                    "Jakość opieki",
                    Decimal(40),
                    Decimal("8.5"),
                    Decimal("34.00"),
                    "Szczegółowy plan opieki",
                ),
            ),
            "next_steps": (
                "Po upływie terminu zawarcia umowy zaprosimy Państwa do jej podpisania.",
            ),
        },
        LetterKind.REJECTION: {
            **standstill,
            "winner": WINNER,
            "ranked_count": 2,
            "own_total": Decimal("84.50"),
            "winner_total": Decimal("94.00"),
            "reasons": ("Państwa oferta uzyskała mniej punktów w kryteriach ceny i jakości.",),
            "winner_advantages": ("Niższa cena i szczegółowy plan opieki.",),
            "scores": (
                CriterionComparison(
                    "Cena", Decimal(60), None, Decimal("52.50"), "", None, Decimal("60.00"), ""
                ),
                CriterionComparison(
                    "Jakość opieki",
                    Decimal(40),
                    Decimal(8),
                    Decimal("32.00"),
                    "Dobry plan, mniej konkretny",
                    Decimal("8.5"),
                    Decimal("34.00"),
                    "Szczegółowy plan opieki",
                ),
            ),
            "objection": QUESTIONS,
        },
        LetterKind.LOT_UNSUCCESSFUL: {
            "procedure": TENDER,
            "reason": "Wszystkie oferty złożone w tej części podlegały odrzuceniu "
            "(art. 255 pkt 2 Pzp).",
            "objection": QUESTIONS,
        },
        LetterKind.SELECTION: {
            "procedure": TENDER,
            "reasons": (
                "Wykonawca nie wykazał doświadczenia w świadczeniu usług "
                "opiekuńczych wymaganego w ogłoszeniu.",
            ),
            "scores": (
                CriterionScore(
                    "Doświadczenie",
                    Decimal(50),
                    Decimal(5),
                    Decimal("25.00"),
                    "Jedna usługa referencyjna",
                ),
            ),
            "next_steps": (),
            "objection": QUESTIONS,
        },
        LetterKind.ADMISSION: {
            "procedure": TENDER,
            "reasons": ("Wykonawca nie przedłożył wymaganego wpisu do rejestru.",),
        },
        LetterKind.GRANT: {
            **task,
            "requested": _pln("150000"),
            "granted": _pln("120000"),
            "reasons_partly": (
                "Środki przeznaczone na zadanie nie pozwalają na przyznanie pełnej kwoty.",
            ),
            "conditions": ("Zadanie realizuje się zgodnie z ofertą i umową.",),
            "payments": (
                Payment(date(2027, 1, 15), _pln("96000"), "I transza"),
                Payment(date(2027, 7, 1), _pln("24000"), "II transza"),
            ),
            "reporting": "Sprawozdanie końcowe z wykonania zadania publicznego",
            "report_due": date(2028, 1, 30),
            "legal_basis": "uchwała nr LX/1234/26 Rady Miejskiej Wrocławia w sprawie "
            "programu współpracy z organizacjami pozarządowymi",
        },
        LetterKind.REFUSAL: {
            **task,
            "requested": _pln("80000"),
            "ceiling": _pln("1400000"),
            "details": ("Środki wyczerpano 3 listopada 2026 r.",),
        },
        LetterKind.SETTLEMENT: {
            **task,
            "granted": _pln("120000"),
            "final_amount": _pln("114500"),
            "paid": _pln("120000"),
            "payment_due": POLAND.payment_last_day(day),
            "considerations": ("Mniej godzin opieki niż planowano.",),
        },
    }[kind]


polish_letter = local_sample(SENDER, ADDRESSEE, "MOPS/2026/0815", _fields)
