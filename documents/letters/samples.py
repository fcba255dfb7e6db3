"""A filled-in letter of every kind: to check an uploaded template, to preview one, to test.

The sample uses every field (lists with items, every optional value set), so that rendering it
exercises every placeholder a template is likely to use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from common.jurisdictions import jurisdiction_for
from documents.letters import samples_sv
from documents.letters.kinds import (
    Addressee,
    AdmissionDecision,
    AwardIntent,
    CriterionComparison,
    CriterionPoints,
    CriterionScore,
    GrantDecision,
    Letter,
    LetterKind,
    LotUnsuccessful,
    Money,
    OfferScores,
    Payment,
    Procedure,
    Refusal,
    RefusalReason,
    Rejection,
    SelectionOutcome,
    Sender,
    SettlementDecision,
)

SENDER = Sender(
    name="Gemeente Utrecht",
    address=("Postbus 16200", "3500 CE Utrecht"),
    signatory="J. de Vries",
    signatory_title="Afdelingshoofd Inkoop",
    contact="inkoop@utrecht.example",
    visiting_address=("Stadsplateau 1", "3521 AZ Utrecht"),
    website="https://www.utrecht.example",
    complaint_desk="klachten@utrecht.example",
    decision_body="Het college van burgemeester en wethouders van Utrecht",
    iban="NL91 ABNA 0417 1643 00",
)
ADDRESSEE = Addressee(
    name="Zorggroep De Linde B.V.",
    contact_person="A. Jansen",
    form_of_address="ms",
    surname="Jansen",
    address=("Lindelaan 4", "3511 AB Utrecht"),
    email="info@delinde.example",
    registration_number="12345678",
)
TENDER = Procedure(
    title="Huishoudelijke ondersteuning 2027",
    reference="AB-2026-014",
    lot="Utrecht-Noord",
    procedure_type="open",
)
LEGAL_BASIS = "artikel 4 van de Subsidieregeling Sociale prestatie Utrecht 2027"
REMEDY = (
    "Bent u het niet eens met deze beslissing, laat het ons dan uiterlijk op {end} weten "
    "(klachten@utrecht.example); tot en met die dag kunt u ook een kort geding aanhangig "
    "maken bij de civiele rechter."
)
ROUND = Procedure(title="Sociale prestatie en dagondersteuning 2027", reference="SUB-2026-03")
OPEN_HOUSE = Procedure(
    title="Dagbesteding open house 2027", reference="AB-2026-021", procedure_type="open house"
)


def _standstill_end(sent_on: date) -> date:
    return jurisdiction_for(SENDER.country).standstill_last_day(sent_on)


def _eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


# The sample rewritten by an authority writing in the language, under its country's law.
LOCAL_SAMPLES: dict[str, Callable[[Letter, LetterKind, date], Letter]] = {
    "sv": samples_sv.swedish_letter,
    "pl": lambda letter, kind, day: _polish(letter),
}


def sample_letter(kind: LetterKind, day: date | None = None, language: str = "") -> Letter:
    """A complete letter of ``kind`` dated ``day`` (default 1 December 2026): as an authority
    writing in ``language`` writes it where the samples have one (Swedish: Botkyrka kommun;
    Polish: Gmina Wrocław), else the Dutch one."""
    day = day or date(2026, 12, 1)
    kind = LetterKind(kind)
    letter = _dutch(kind, day)
    local = LOCAL_SAMPLES.get(language)
    return local(letter, kind, day) if local is not None else letter


def _dutch(kind: LetterKind, day: date) -> Letter:
    common = {"sender": SENDER, "addressee": ADDRESSEE, "date": day, "reference": "2026/0815"}
    kind = LetterKind(kind)
    if kind is LetterKind.AWARD_INTENT:
        return AwardIntent(
            **common,
            procedure=TENDER,
            rank=1,
            total=Decimal("86.67"),
            scores=(
                CriterionScore(
                    "Kwaliteit",
                    Decimal(60),
                    Decimal("8.5"),
                    Decimal("51.00"),
                    "Sterk plan van aanpak",
                ),
                CriterionScore("Prijs", Decimal(40), None, Decimal("35.67")),
            ),
            standstill_days=20,
            standstill_end=_standstill_end(day),
            next_steps=("Wij nemen contact met u op over de overeenkomst.",),
        )
    if kind is LetterKind.REJECTION:
        return Rejection(
            **common,
            procedure=TENDER,
            winner="Thuiszorg Midden B.V.",
            rank=2,
            ranked_count=4,
            own_total=Decimal("73.30"),
            winner_total=Decimal("86.67"),
            reasons=("Uw inschrijving scoort lager op kwaliteit en prijs.",),
            winner_advantages=("Een uitgewerkt plan voor de inzet van vrijwilligers.",),
            scores=(
                CriterionComparison(
                    "Kwaliteit",
                    Decimal(60),
                    Decimal("7"),
                    Decimal("42.00"),
                    "Voldoende, weinig concreet",
                    Decimal("8.5"),
                    Decimal("51.00"),
                    "Zeer concreet",
                ),
                CriterionComparison(
                    "Prijs", Decimal(40), None, Decimal("31.30"), "", None, Decimal("35.67"), ""
                ),
            ),
            standstill_days=20,
            standstill_end=_standstill_end(day),
            objection="Vragen: inkoop@utrecht.example",
        )
    if kind is LetterKind.LOT_UNSUCCESSFUL:
        return LotUnsuccessful(
            **common,
            procedure=TENDER,
            reason="Geen van de inschrijvingen voldoet aan de minimumeisen voor kwaliteit.",
            objection=REMEDY.format(end="21 december 2026"),
        )
    if kind is LetterKind.SELECTION:
        return SelectionOutcome(
            **common,
            procedure=TENDER,
            selected=False,
            selected_count=5,
            reasons=("De referentieopdracht voldoet niet aan de geschiktheidseis.",),
            scores=(
                CriterionScore(
                    "Ervaring", Decimal(50), Decimal("5"), Decimal("25.00"), "Eén referentie"
                ),
            ),
            objection=REMEDY.format(end="21 december 2026"),
        )
    if kind is LetterKind.GRANT:
        return GrantDecision(
            **common,
            procedure=ROUND,
            activity="Inloop voor mantelzorgers",
            requested=_eur("50000"),
            granted=_eur("42500"),
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            reasons_partly=("Het subsidieplafond laat niet meer toe.",),
            conditions=("U meldt wijzigingen in de activiteit direct.",),
            payments=(
                Payment(date(2027, 1, 15), _eur("34000"), "Voorschot 80%"),
                Payment(date(2028, 6, 1), _eur("8500"), "Na vaststelling"),
            ),
            reporting="Een activiteitenverslag",
            report_due=date(2028, 4, 1),
            legal_basis=LEGAL_BASIS,
        )
    if kind is LetterKind.REFUSAL:
        return Refusal(
            **common,
            procedure=ROUND,
            activity="Buurtmaaltijden",
            requested=_eur("18000"),
            reason=RefusalReason.CEILING_REACHED,
            details=("Het plafond was op 3 november 2026 bereikt.",),
            score=Decimal("62.5"),
            minimum_score=Decimal("55"),
            ceiling=_eur("1400000"),
            legal_basis=LEGAL_BASIS,
        )
    if kind is LetterKind.ADMISSION:
        return AdmissionDecision(
            **common,
            procedure=OPEN_HOUSE,
            admitted=False,
            reasons=("De gevraagde verklaring omtrent het gedrag ontbreekt.",),
        )
    return SettlementDecision(
        **common,
        procedure=ROUND,
        activity="Inloop voor mantelzorgers",
        granted=_eur("42500"),
        final_amount=_eur("39000"),
        paid=_eur("42500"),
        payment_due=jurisdiction_for(SENDER.country).payment_last_day(day),
        considerations=("Minder bijeenkomsten dan gepland.",),
        legal_basis=LEGAL_BASIS,
    )


# --- Poland: the Wrocław Functional Area's joint tender and an open call for proposals --------

SENDER_PL = Sender(
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
ADDRESSEE_PL = Addressee(
    name="Fundacja Opieki Wytchnieniowej „Oddech”",
    contact_person="Jan Nowak",
    address=("ul. Kościuszki 12", "50-038 Wrocław"),
    email="biuro@oddech.example",
    registration_number="0000123456",
)
TENDER_PL = Procedure(
    title="Opieka wytchnieniowa i asystencja osobista we Wrocławskim Obszarze Funkcjonalnym 2027",
    reference="ZP/WrOF/2026/7",
    lot="1. Opieka wytchnieniowa dzienna",
    procedure_type="przetarg nieograniczony",
)
OBJECTION_PL = "Pytania: zamowienia@mops.wroclaw.example"
ROUND_PL = Procedure(
    title="Wsparcie opiekunów osób z niepełnosprawnościami 2027", reference="KO/MOPS/2026/3"
)


def _pln(amount: str) -> Money:
    return Money(Decimal(amount), "PLN")


def _offers_pl() -> tuple[OfferScores, ...]:
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
            ADDRESSEE_PL.name,
            ADDRESSEE_PL.address[-1],
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


def _tender_pl(letter: Letter) -> Letter:
    changes: dict[str, object] = {"procedure": TENDER_PL}
    if isinstance(letter, AwardIntent | Rejection):
        changes |= {
            "standstill_days": 10,
            "offers": _offers_pl(),
            "standstill_end": jurisdiction_for("PL").standstill_last_day(letter.date),
        }
    if isinstance(letter, AwardIntent):
        changes |= {
            "addressee": dataclasses.replace(
                ADDRESSEE_PL, name="Stowarzyszenie Asystentów „Razem”"
            ),
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
        }
    if isinstance(letter, Rejection):
        changes |= {
            "winner": "Stowarzyszenie Asystentów „Razem”",
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
            "objection": OBJECTION_PL,
        }
    if isinstance(letter, LotUnsuccessful):
        changes |= {
            "reason": "Wszystkie oferty złożone w tej części podlegały odrzuceniu "
            "(art. 255 pkt 2 Pzp).",
            "objection": OBJECTION_PL,
        }
    if isinstance(letter, AdmissionDecision):
        changes |= {
            "reasons": ("Wykonawca nie przedłożył wymaganego wpisu do rejestru.",),
        }
    if isinstance(letter, SelectionOutcome):
        changes |= {
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
            "objection": OBJECTION_PL,
        }
    return dataclasses.replace(letter, **changes)  # type: ignore[arg-type]


def _grant_pl(letter: Letter) -> Letter:
    changes: dict[str, object] = {
        "procedure": ROUND_PL,
        "activity": "Opieka wytchnieniowa w formie pobytu dziennego",
    }
    if isinstance(letter, GrantDecision):
        changes |= {
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
        }
    if isinstance(letter, Refusal):
        changes |= {
            "requested": _pln("80000"),
            "ceiling": _pln("1400000"),
            "details": ("Środki wyczerpano 3 listopada 2026 r.",),
        }
    if isinstance(letter, SettlementDecision):
        changes |= {
            "granted": _pln("120000"),
            "final_amount": _pln("114500"),
            "paid": _pln("120000"),
            "payment_due": jurisdiction_for("PL").payment_last_day(letter.date),
            "considerations": ("Mniej godzin opieki niż planowano.",),
        }
    return dataclasses.replace(letter, **changes)  # type: ignore[arg-type]


def _polish(letter: Letter) -> Letter:
    letter = dataclasses.replace(
        letter, sender=SENDER_PL, addressee=ADDRESSEE_PL, reference="MOPS/2026/0815"
    )
    if isinstance(letter, GrantDecision | Refusal | SettlementDecision):
        return _grant_pl(letter)
    return _tender_pl(letter)
