"""The sample letters in Swedish: Botkyrka kommun's, under Swedish law (LOU, kommunallagen).

What an administrator sees when previewing a Swedish template, and what the Swedish letter
tests read back: Swedish names, amounts in kronor, the avtalsspärr of the Swedish calendar.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from common.jurisdictions import jurisdiction_for
from documents.letters.kinds import (
    Addressee,
    CriterionComparison,
    CriterionScore,
    LetterKind,
    Money,
    Payment,
    Procedure,
    Sender,
)
from documents.letters.samples_local import local_sample

SWEDEN = jurisdiction_for("SE")
SENDER = Sender(
    name="Botkyrka kommun",
    address=("Botkyrka kommun", "147 85 Tumba"),
    signatory="Sara Johansson",
    signatory_title="Upphandlingschef",
    contact="upphandling@botkyrka.example",
    country="SE",
    visiting_address=("Munkhättevägen 45", "147 85 Tumba"),
    website="https://www.botkyrka.example",
    complaint_desk="upphandling@botkyrka.example",
    decision_body="Vård- och omsorgsnämnden",
    iban="SE45 5000 0000 0583 9825 7466",
)
ADDRESSEE = Addressee(
    name="Norrström Analys AB",
    contact_person="Karin Berg",
    address=("Sveavägen 10", "111 57 Stockholm"),
    email="anbud@norrstrom.example",
    registration_number="556677-8899",
)
TENDER = Procedure(
    title="Genomlysning av myndighetsutövning och boendestöd",
    reference="KS/2026:118",
    lot="1. Genomlysning",
    procedure_type="öppet",
)
ROUND = Procedure(title="Föreningsbidrag för social verksamhet 2027", reference="VON/2026:42")
CHOICE = Procedure(
    title="Hemtjänst i Botkyrka", reference="VON/2026:57", procedure_type="valfrihetssystem"
)


def sek(amount: str) -> Money:
    return Money(Decimal(amount), "SEK")


def _scores() -> tuple[CriterionScore, ...]:
    return (
        CriterionScore(
            "Genomförandeplan",
            Decimal(40),
            Decimal("8"),
            Decimal("32.00"),
            "Tydlig plan med realistiska delmål",
        ),
        CriterionScore("Pris", Decimal(30), None, Decimal("30.00")),
    )


def _comparison() -> tuple[CriterionComparison, ...]:
    return (
        CriterionComparison(
            "Genomförandeplan",
            Decimal(40),
            Decimal("6"),
            Decimal("24.00"),
            "Planen saknar delmål",
            Decimal("8"),
            Decimal("32.00"),
            "Tydliga delmål",
        ),
        CriterionComparison(
            "Pris", Decimal(30), None, Decimal("27.50"), "", None, Decimal("30.00"), ""
        ),
    )


def _fields(kind: LetterKind, day: date) -> dict[str, object]:
    standstill = {"standstill_days": 10, "standstill_end": SWEDEN.standstill_last_day(day)}
    questions = "Frågor om beslutet: upphandling@botkyrka.example"
    return {
        LetterKind.AWARD_INTENT: {
            "procedure": TENDER,
            "total": Decimal("86.00"),
            "scores": _scores(),
            **standstill,
            "next_steps": ("Vi kontaktar er om avtalet.",),
        },
        LetterKind.REJECTION: {
            "procedure": TENDER,
            "winner": "Ramboll Sverige AB",
            "own_total": Decimal("71.50"),
            "winner_total": Decimal("86.00"),
            "reasons": ("Ert anbud fick lägre poäng för genomförandeplanen.",),
            "winner_advantages": ("En genomförandeplan med tydliga delmål.",),
            "scores": _comparison(),
            **standstill,
            "objection": questions,
        },
        LetterKind.LOT_UNSUCCESSFUL: {
            "procedure": TENDER,
            "objection": questions,
            "reason": "Inget anbud uppfyllde kraven på genomförandeplanen.",
        },
        LetterKind.SELECTION: {
            "procedure": TENDER,
            "reasons": ("Referensuppdraget uppfyller inte kravet.",),
            "scores": (
                CriterionScore(
                    "Erfarenhet", Decimal(50), Decimal("5"), Decimal("25.00"), "Ett referensuppdrag"
                ),
            ),
            "next_steps": ("Inga.",),
            "objection": questions,
        },
        LetterKind.ADMISSION: {
            "procedure": CHOICE,
            "reasons": ("Ansökan saknar det begärda tillståndet från IVO.",),
        },
        LetterKind.GRANT: {
            "procedure": ROUND,
            "activity": "Mötesplats för anhörigvårdare",
            "requested": sek("1500000"),
            "granted": sek("1400000"),
            "reasons_partly": ("Budgeten räcker inte till hela beloppet.",),
            "conditions": ("Meddela oss genast om verksamheten ändras.",),
            "payments": (
                Payment(date(2027, 1, 15), sek("1120000"), "Förskott 80 procent"),
                Payment(date(2028, 6, 1), sek("280000"), "Efter redovisning"),
            ),
            "reporting": "En verksamhetsberättelse och en ekonomisk redovisning",
            "legal_basis": "Botkyrka kommuns riktlinjer för föreningsbidrag",
        },
        LetterKind.REFUSAL: {
            "procedure": ROUND,
            "activity": "Språkcafé",
            "requested": sek("180000"),
            "details": ("Medlen var förbrukade den 3 november 2026.",),
            "ceiling": sek("1400000"),
        },
        LetterKind.SETTLEMENT: {
            "procedure": ROUND,
            "activity": "Mötesplats för anhörigvårdare",
            "granted": sek("1400000"),
            "final_amount": sek("1365000"),
            "paid": sek("1400000"),
            "payment_due": SWEDEN.payment_last_day(day),
            "considerations": ("Färre träffar än planerat.",),
        },
    }[kind]


# ``base`` (the sample letter of a kind, dated a day) as Botkyrka kommun writes it in Swedish.
swedish_letter = local_sample(SENDER, ADDRESSEE, "VON/2026:815", _fields)
