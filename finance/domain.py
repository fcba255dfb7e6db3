"""What finance reads: awards, budget use and payments as plain rows, and the rules over them.

Tenders and subsidy rounds each provide their rows through a :class:`FinanceSource`; finance
knows nothing of their tables. Amounts are Decimal with their currency beside them and are
never added across currencies. A joint procurement's award is split over the authorities'
shares so that the parts add up to the award exactly: each part is rounded down to the cent and
the cents left over go, one each, to the largest remainders (the rounding rest is stated).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Literal, Protocol

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
View = Literal["awards", "shares", "budget", "payments"]
VIEWS: tuple[View, ...] = ("awards", "shares", "budget", "payments")


def cents(value: Decimal | int | str | float) -> Decimal:
    """An amount as read from the database, to the cent (SQLite forgets trailing zeros)."""
    if value.__class__ is Decimal:
        return value.quantize(CENT)  # type: ignore[union-attr]
    return Decimal(str(value)).quantize(CENT)


class Days(dict):
    """Dates read as ISO text, each distinct one parsed once (a column of tens of thousands of
    dates holds few distinct ones; the driver would parse every one)."""

    def __missing__(self, text: str | date | None) -> date | None:
        day = self[text] = (
            None
            if text is None
            else text
            if isinstance(text, date)
            else date.fromisoformat(str(text)[:10])
        )
        return day


@dataclass(frozen=True)
class Share:
    authority_id: int
    authority: str
    percent: Decimal


@dataclass(slots=True)
class AwardRow:
    """A contract from a tender lot, or a subsidy grant.

    Not frozen: tens of thousands are made per export, and a frozen dataclass costs four
    times as much to make. Nothing changes one after it is made."""

    kind: Literal["contract", "grant"]
    authority_id: int  # the lead authority
    authority: str
    procedure: str  # the tender's or round's title
    reference: str
    lot: str
    provider: str
    registration_number: str
    iban: str
    service_type: str
    amount: Decimal
    currency: str
    period_start: date | None
    period_end: date | None
    budget_line: str
    status: str
    shares: tuple[Share, ...] = ()  # joint procurement: who pays which part
    service_type_code: str = ""

    @property
    def authority_ids(self) -> frozenset[int]:
        return frozenset({self.authority_id, *(s.authority_id for s in self.shares)})


@dataclass(frozen=True)
class BudgetRow:
    kind: Literal["tender", "round"]
    authority_id: int
    authority: str
    reference: str
    procedure: str
    service_type: str
    currency: str
    ceiling: Decimal  # a round's ceiling or a tender's estimated value
    committed: Decimal  # allocated (grants) or awarded (contracts)
    paid: Decimal | None  # None: not paid through tenderdesk (contracts)
    period_start: date | None = None
    period_end: date | None = None
    authority_ids: frozenset[int] = frozenset()
    service_type_code: str = ""
    budget_line: str = ""

    @property
    def remaining(self) -> Decimal:
        return self.ceiling - self.committed


@dataclass(slots=True)
class PaymentRow:
    authority_id: int
    authority: str
    reference: str
    payee: str
    budget_line: str
    service_type: str
    due_on: date
    amount: Decimal
    currency: str
    status: str  # scheduled, approved, paid
    paid_on: date | None = None
    service_type_code: str = ""


@dataclass(frozen=True)
class FinanceQuery:
    """The filters of every view; ``authority_ids`` None means every authority."""

    authority_ids: frozenset[int] | None = None
    period_from: date | None = None
    period_to: date | None = None
    service_type: str = ""  # a service type's code
    reference: str = ""
    status: str = ""

    @property
    def everything(self) -> bool:
        """No filter at all: every row a source gives matches."""
        return (
            self.authority_ids is None
            and not self.period_from
            and not self.period_to
            and not self.service_type
            and not self.reference
            and not self.status
        )

    def overlaps(self, start: date | None, end: date | None) -> bool:
        """A period overlaps the query's range; an open end counts as unbounded."""
        if self.period_from and end and end < self.period_from:
            return False
        return not (self.period_to and start and start > self.period_to)

    def _common(self, authority_ids: Iterable[int], service_types: str, reference: str) -> bool:
        if self.authority_ids is not None and not self.authority_ids.intersection(authority_ids):
            return False
        if self.service_type and self.service_type not in service_types.split(","):
            return False
        return not (self.reference and self.reference.casefold() not in reference.casefold())

    def matches_award(self, row: AwardRow) -> bool:
        return (
            self._common(row.authority_ids, row.service_type_code, row.reference)
            and self.overlaps(row.period_start, row.period_end)
            and (not self.status or row.status == self.status)
        )

    def matches_budget(self, row: BudgetRow) -> bool:
        return self._common(
            row.authority_ids or {row.authority_id}, row.service_type_code, row.reference
        ) and self.overlaps(row.period_start, row.period_end)

    def matches_payment(self, row: PaymentRow) -> bool:
        return (
            self._common({row.authority_id}, row.service_type_code, row.reference)
            and self.overlaps(row.due_on, row.due_on)
            and (not self.status or row.status == self.status)
        )


class FinanceSource(Protocol):
    """A context's awards, budgets and payments, already narrowed by the query where cheap."""

    name: str

    async def awards(self, query: FinanceQuery) -> list[AwardRow]: ...

    async def budgets(self, query: FinanceQuery) -> list[BudgetRow]: ...

    async def payments(self, query: FinanceQuery) -> list[PaymentRow]: ...


@dataclass(frozen=True)
class SharePart:
    authority_id: int
    authority: str
    percent: Decimal
    amount: Decimal
    rounding: Decimal  # the cent(s) added to this part so the parts add up exactly


def split_by_shares(amount: Decimal, shares: Sequence[Share]) -> list[SharePart]:
    """The award split over the shares, adding up to ``amount`` exactly.

    Shares must add up to 100 %. Each part is ``amount × percent / 100`` rounded down to the
    cent; the cents that are left go one each to the parts with the largest remainders (ties by
    the order given), and each part states the rounding it received.
    """
    if not shares:
        raise ValueError("no shares to split over")
    if sum((s.percent for s in shares), Decimal(0)) != HUNDRED:
        raise ValueError("shares must add up to 100")
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError("amount must be a non-negative amount in cents")
    exact = [amount * s.percent / HUNDRED for s in shares]
    floors = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    cents_left = int((amount - sum(floors, Decimal(0))) / CENT)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    extra = {index: CENT for index in by_remainder[:cents_left]}
    return [
        SharePart(
            s.authority_id,
            s.authority,
            s.percent,
            floors[i] + extra.get(i, Decimal(0)),
            extra.get(i, Decimal(0)),
        )
        for i, s in enumerate(shares)
    ]


def totals_by_currency(pairs: Iterable[tuple[str, Decimal | None]]) -> list[tuple[str, Decimal]]:
    """Sums of (currency, amount) pairs per currency, never across currencies."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in pairs:
        if amount is not None:
            totals[currency] += amount
    return sorted(totals.items())
