"""What each letter says, as plain data: one frozen dataclass per kind of letter.

The tender and subsidy contexts fill these in (names, amounts, dates, scores); nothing here
knows of their tables. Every field a template may use is declared here, so that a template
naming anything else is refused when it is uploaded (:mod:`documents.letters.checks`).

Money is :class:`Money` (a ``Decimal`` with its currency), days are ``date`` in the authority's
zone, scores and points are ``Decimal``. :mod:`documents.letters.present` formats them in the
letter's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from common.i18n import N_
from common.jurisdictions import GrantLaw, Remedies, jurisdiction_for
from documents.letters import salutations

OPEN_HOUSE = "open_house"  # the procedure type whose applications these letters decide


class LetterKind(StrEnum):
    AWARD_INTENT = "award_intent"
    REJECTION = "rejection"
    SELECTION = "selection"
    GRANT = "grant"
    REFUSAL = "refusal"
    SETTLEMENT = "settlement"
    LOT_UNSUCCESSFUL = "lot_unsuccessful"
    ADMISSION = "admission"


class RefusalReason(StrEnum):
    INELIGIBLE = "ineligible"
    BELOW_MINIMUM = "below_minimum"
    CEILING_REACHED = "ceiling_reached"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Sender:
    """The contracting authority (or bestuursorgaan) that writes and signs the letter."""

    name: str
    address: tuple[str, ...] = ()  # the postal address
    signatory: str = ""
    signatory_title: str = ""
    contact: str = ""  # a person, an e-mail address or a telephone number
    country: str = "NL"  # whose law the letter applies: its periods and their calendar
    visiting_address: tuple[str, ...] = ()
    website: str = ""
    complaint_desk: str = ""  # where bidders complain (an e-mail address or a web page)
    decision_body: str = ""  # the bestuursorgaan deciding; the signatory signs by mandate
    iban: str = ""  # where money is repaid

    @classmethod
    def of_authority(cls, row: Mapping[str, Any], **given: str) -> Sender:
        """The sender as an authority's settings describe it (a row of the authorities'
        table, as a mapping); ``given`` fills what the authority leaves empty (the officer
        who signs, the contact)."""

        def lines(text: str | None) -> tuple[str, ...]:
            return tuple(line.strip() for line in (text or "").splitlines() if line.strip())

        signatory = row.get("signatory_name") or ""
        return cls(
            name=row["name"],
            address=lines(row.get("postal_address")),
            signatory=signatory or given.get("signatory", ""),
            signatory_title=(row.get("signatory_function") or "")
            if signatory
            else given.get("signatory_title", ""),
            contact=given.get("contact", ""),
            country=row["country"],
            visiting_address=lines(row.get("visiting_address")),
            website=row.get("website") or "",
            complaint_desk=row.get("complaint_desk") or "",
            decision_body=row.get("decision_body") or "",
            iban=row.get("iban") or "",
        )

    @property
    def deciding(self) -> str:
        """Who decides, as a sentence names them (an objection goes to them, Awb 6:4): "het
        college van burgemeester en wethouders van Utrecht", else the authority's name."""
        body = self.decision_body
        if body.split(" ", 1)[0] in ("Het", "De", "The", "Det", "Den"):
            return body[:1].lower() + body[1:]
        return body or self.name

    @property
    def complaints_to(self) -> str:
        """Where a complaint goes: the complaint desk, else the contact."""
        return self.complaint_desk or self.contact


@dataclass(frozen=True)
class Addressee:
    """The organisation written to and its contact person. ``form_of_address`` ("ms", "mr",
    "neutral" or "": organisations.domain.FormOfAddress) and ``surname`` are neutral; each
    language words them when the letter is presented (:mod:`documents.letters.salutations`):
    ``greeting`` ("Geachte mevrouw Jansen,") and ``attention`` ("mevrouw A. Jansen")."""

    name: str
    contact_person: str = ""
    address: tuple[str, ...] = ()
    email: str = ""
    registration_number: str = ""
    form_of_address: str = ""
    surname: str = ""

    WORDED: ClassVar[tuple[str, ...]] = salutations.WORDED

    @property
    def greets_by_name(self) -> bool:
        """The greeting names the contact (English closes such a letter "Yours sincerely")."""
        if self.form_of_address in ("ms", "mr"):
            return bool(self.surname)
        return self.form_of_address == "neutral" and bool(self.contact_person)

    def worded(self, language: str) -> dict[str, str]:
        return salutations.worded(self, language)


@dataclass(frozen=True)
class Procedure:
    """A tender (and its lot) or a subsidy round, as the letter names it."""

    title: str
    reference: str
    lot: str = ""
    procedure_type: str = ""  # in words, in the letter's language ("open procedure")


@dataclass(frozen=True)
class CriterionScore:
    """The addressee's score on one criterion (award intent, selection)."""

    criterion: str
    weight: Decimal
    score: Decimal | None
    points: Decimal | None
    justification: str = ""


@dataclass(frozen=True)
class CriterionComparison:
    """One criterion, the addressee's score beside the winner's, each with its justification
    (Aanbestedingswet art. 2.130)."""

    criterion: str
    weight: Decimal
    own_score: Decimal | None
    own_points: Decimal | None
    own_justification: str
    winner_score: Decimal | None
    winner_points: Decimal | None
    winner_justification: str


@dataclass(frozen=True)
class CriterionPoints:
    criterion: str
    points: Decimal | None


@dataclass(frozen=True)
class OfferScores:
    """One offer as a notice that lists every offer gives it (Pzp art. 253(1)(1)): who made
    it and where it is seated, its points per criterion and in total; a rejected offer with
    no points, and why."""

    name: str
    seat: str  # the town (with its postcode) the bidder is seated in
    rank: int | None
    points: tuple[CriterionPoints, ...]
    total: Decimal | None
    winner: bool = False
    rejected: bool = False
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Payment:
    due: date
    amount: Money
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class Letter:
    """What every letter has: who writes to whom, when, under which reference."""

    sender: Sender
    addressee: Addressee
    date: date
    reference: str
    procedure: Procedure
    # The case a tender's periods depend on: every decision sent electronically, the contract
    # at or above the EU thresholds (Poland: 5 days to appeal below them, not 10).
    electronic: bool = True
    above_thresholds: bool = True

    @property
    def objection_end(self) -> date:
        """The last day to object to a decision: in the Netherlands six weeks from the day
        after the letter's date (Awb art. 6:7, 6:8), rolled forward by the Algemene
        termijnenwet."""
        return jurisdiction_for(self.sender.country).objection_last_day(self.date)

    @property
    def law(self) -> GrantLaw:
        """The articles a decision cites (objection, advances, settlement, reclaim)."""
        return jurisdiction_for(self.sender.country).grant_law

    @property
    def standstill_rule(self) -> str:
        """The provision on the standstill period, as the letter cites it."""
        return jurisdiction_for(self.sender.country).standstill.rule

    @property
    def remedies(self) -> Remedies:
        """Where a bidder turns against the decision (body, time limit, provision)."""
        return jurisdiction_for(self.sender.country).remedies

    @property
    def remedies_rule(self) -> str:
        """The provision on the time limit for review, for the letter's case."""
        law = jurisdiction_for(self.sender.country)
        return law.remedies.rule_for(self.electronic, self.above_thresholds)

    @property
    def remedies_end(self) -> date:
        """The last day to seek review of a decision sent on the letter's date: the law's
        time limit for the case, which may end before a standstill the authority keeps
        longer."""
        return jurisdiction_for(self.sender.country).remedies_last_day(
            self.date, above_thresholds=self.above_thresholds, electronic=self.electronic
        )


class _StandstillLetter:
    """An award decision: the provision on its standstill, from the jurisdiction's table for
    the letter's case (in Poland art. 264(1) or 308(2))."""

    sender: Sender
    electronic: bool
    above_thresholds: bool

    @property
    def standstill_rule(self) -> str:
        law = jurisdiction_for(self.sender.country)
        return law.standstill.rule_for(self.electronic, self.above_thresholds)


@dataclass(frozen=True, kw_only=True)
class AwardIntent(_StandstillLetter, Letter):
    """To a winner of a lot: the intention to award, subject to the standstill period."""

    rank: int
    total: Decimal | None
    scores: tuple[CriterionScore, ...] = ()
    standstill_days: int
    standstill_end: date
    next_steps: tuple[str, ...] = ()
    other_winners: tuple[str, ...] = ()  # the lot's other winners, when it has several
    # Every offer's points where the law has the notice give them (Jurisdiction.
    # every_offers_scores); empty elsewhere.
    offers: tuple[OfferScores, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Rejection(_StandstillLetter, Letter):
    """To every other bidder: what art. 2.130 Aanbestedingswet requires."""

    winner: str  # every winner of the lot, by rank
    rank: int | None  # None when the bid was knocked out or excluded
    ranked_count: int
    own_total: Decimal | None
    winner_total: Decimal | None
    reasons: tuple[str, ...]
    winner_advantages: tuple[str, ...]  # characteristics and relative advantages of the winner
    scores: tuple[CriterionComparison, ...]
    standstill_days: int
    standstill_end: date
    objection: str  # how to object: the court, the complaints desk, the contact
    winner_count: int = 1
    # The winning bid the scores are compared with: with several winners the lowest-ranked.
    benchmark: str = ""
    offers: tuple[OfferScores, ...] = ()  # as in the award intent


@dataclass(frozen=True, kw_only=True)
class LotUnsuccessful(Letter):
    """To every bidder on a lot that is not awarded: the lot is declared unsuccessful, why,
    and how to object. The other lots of the tender are decided in their own letters."""

    reason: str
    objection: str = ""


@dataclass(frozen=True, kw_only=True)
class SelectionOutcome(Letter):
    """To a candidate after preselection."""

    selected: bool
    reasons: tuple[str, ...] = ()
    scores: tuple[CriterionScore, ...] = ()
    selected_count: int = 0
    total: Decimal | None = None  # the addressee's total score, when ranked
    lowest_selected_total: Decimal | None = None  # the score of the lowest selected candidate
    next_steps: tuple[str, ...] = ()
    objection: str = ""


@dataclass(frozen=True, kw_only=True)
class AdmissionDecision(Letter):
    """To a provider who applied to an open house (in Sweden a valfrihetssystem under LOV):
    whether its application is approved, why not, and how to seek review of the decision
    where the jurisdiction has remedies of its own for open house."""

    admitted: bool
    reasons: tuple[str, ...] = ()

    @property
    def review(self) -> Remedies:
        """Where the decision on the application is reviewed (LOV 10 kap. 1 § in Sweden)."""
        return jurisdiction_for(self.sender.country).remedies_for(OPEN_HOUSE)

    @property
    def has_review(self) -> bool:
        """Whether the jurisdiction has remedies of its own for open house; elsewhere the
        letter names where to turn without a statutory time limit."""
        return OPEN_HOUSE in jurisdiction_for(self.sender.country).procedure_remedies

    @property
    def review_end(self) -> date:
        """The last day to apply for review, from the day after the letter's date."""
        return jurisdiction_for(self.sender.country).remedies_last_day(self.date, OPEN_HOUSE)


@dataclass(frozen=True, kw_only=True)
class GrantDecision(Letter):
    """A subsidy granted, wholly or in part."""

    activity: str
    requested: Money
    granted: Money
    period_start: date
    period_end: date
    reasons_partly: tuple[str, ...] = ()  # why less than requested was granted
    conditions: tuple[str, ...] = ()
    payments: tuple[Payment, ...] = ()
    reporting: str = ""  # what must be reported (activity report, accountant's statement)
    report_due: date | None = None  # by when to apply for the settlement (with the report)
    # The article(s) and regulation the grant rests on, as cited: "artikel 4 van de
    # Subsidieregeling dagbesteding 2027" (Awb 3:47: the decision names its legal basis).
    legal_basis: str = ""

    @property
    def partly(self) -> bool:
        return self.granted.amount < self.requested.amount


@dataclass(frozen=True, kw_only=True)
class Refusal(Letter):
    """A subsidy application refused, with the reason."""

    activity: str
    requested: Money
    reason: RefusalReason
    details: tuple[str, ...] = ()
    score: Decimal | None = None
    minimum_score: Decimal | None = None
    ceiling: Money | None = None
    scores: tuple[CriterionScore, ...] = ()  # per criterion, where the round was ranked (3:46)
    legal_basis: str = ""  # the article(s) and regulation the refusal rests on

    @property
    def ineligible(self) -> bool:
        return self.reason is RefusalReason.INELIGIBLE

    @property
    def below_minimum(self) -> bool:
        return self.reason is RefusalReason.BELOW_MINIMUM

    @property
    def ceiling_reached(self) -> bool:
        return self.reason is RefusalReason.CEILING_REACHED


@dataclass(frozen=True, kw_only=True)
class SettlementDecision(Letter):
    """The final amount of a subsidy, against what was paid in advance."""

    activity: str
    granted: Money
    final_amount: Money
    paid: Money
    payment_due: date | None = None  # when the authority pays, or the organisation repays
    considerations: tuple[str, ...] = field(default_factory=tuple)
    legal_basis: str = ""  # the article(s) and regulation the settlement rests on

    def __post_init__(self) -> None:
        currencies = {self.granted.currency, self.final_amount.currency, self.paid.currency}
        if len(currencies) != 1:
            raise ValueError("a settlement is in one currency")

    @property
    def balance(self) -> Money:
        """Still to pay (positive) or to reclaim (negative)."""
        return Money(self.final_amount.amount - self.paid.amount, self.final_amount.currency)

    @property
    def to_pay(self) -> Money:
        return Money(max(self.balance.amount, Decimal(0)), self.balance.currency)

    @property
    def to_reclaim(self) -> Money:
        return Money(max(-self.balance.amount, Decimal(0)), self.balance.currency)

    @property
    def outcome(self) -> str:
        """ "pay", "reclaim" or "settled": what the letter announces."""
        if self.balance.amount > 0:
            return "pay"
        return "reclaim" if self.balance.amount < 0 else "settled"


KIND_CLASSES: dict[LetterKind, type[Letter]] = {
    LetterKind.AWARD_INTENT: AwardIntent,
    LetterKind.REJECTION: Rejection,
    LetterKind.SELECTION: SelectionOutcome,
    LetterKind.GRANT: GrantDecision,
    LetterKind.REFUSAL: Refusal,
    LetterKind.SETTLEMENT: SettlementDecision,
    LetterKind.LOT_UNSUCCESSFUL: LotUnsuccessful,
    LetterKind.ADMISSION: AdmissionDecision,
}


def kind_of(letter: Letter) -> LetterKind:
    for kind, cls in KIND_CLASSES.items():
        if type(letter) is cls:
            return kind
    raise TypeError(f"not a letter: {type(letter).__name__}")


KIND_LABELS: dict[LetterKind, str] = {
    LetterKind.AWARD_INTENT: N_("Award intent"),
    LetterKind.REJECTION: N_("Rejection (award decision)"),
    LetterKind.SELECTION: N_("Selection outcome"),
    LetterKind.GRANT: N_("Subsidy grant decision"),
    LetterKind.REFUSAL: N_("Subsidy refusal"),
    LetterKind.SETTLEMENT: N_("Settlement decision"),
    LetterKind.LOT_UNSUCCESSFUL: N_("Lot not awarded (unsuccessful)"),
    LetterKind.ADMISSION: N_("Open house: admission decision"),
}
