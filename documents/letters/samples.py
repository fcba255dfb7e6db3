"""A filled-in letter of every kind: to check an uploaded template, to preview one, to test.

The sample uses every field (lists with items, every optional value set), so that rendering it
exercises every placeholder a template is likely to use.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from common.jurisdictions import jurisdiction_for
from documents.letters import samples_pl, samples_sv
from documents.letters.kinds import (
    Addressee,
    AdmissionDecision,
    AwardIntent,
    CriterionComparison,
    CriterionScore,
    GrantDecision,
    Letter,
    LetterKind,
    LotUnsuccessful,
    Money,
    Payment,
    Procedure,
    Refusal,
    RefusalReason,
    Rejection,
    SelectionOutcome,
    Sender,
    SettlementDecision,
)
from documents.letters.samples_local import Writer

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
LOCAL_SAMPLES: dict[str, Writer] = {
    "sv": samples_sv.swedish_letter,
    "pl": samples_pl.polish_letter,
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
