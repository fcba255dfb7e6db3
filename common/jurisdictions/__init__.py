"""The law of a country as configuration: one pure module per country, chosen by the
authority's country.

A country's module (``nl.py``, ``dk.py``; later ``pl.py``, ``se.py``) defines one
:class:`Jurisdiction` named ``JURISDICTION``: its calendar for statutory periods, its standstill
period and how it is counted, the remedies body and time limits, the law on grant decisions
(objection period, the articles cited) and its defaults (language, currency, time zone).
Letters and deadline computations read it through :func:`jurisdiction_for`; nothing else asks
which country it is.

Adding a country: write ``<code>.py`` (lower-case ISO code) with its ``JURISDICTION`` (a
:class:`Calendar` of its own, or :class:`HolidaysCalendar` from the ``holidays`` package where
the law counts the ordinary public holidays); :func:`jurisdiction_for` finds it by the code.
A country without a module gets :func:`eu_default` (the EU directives' standstill), so its
authorities keep working meanwhile.

The minimum periods of each procedure type (``tenders.procedures`` names the types and their
phases) are the country's too: the directives' numbers with the national articles in the
Netherlands, the directives' alone in the EU fallback.

Pure Python: no Litestar, no Piccolo, no I/O.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Protocol

import holidays as holiday_tables


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class Period:
    """A statutory period counted from the day after an event (sending, publication)."""

    amount: int
    unit: Unit = Unit.DAYS

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("a period is not negative")

    @property
    def days(self) -> int:
        """Its length in calendar days (working days count as one each, as a lower bound)."""
        return self.amount * 7 if self.unit is Unit.WEEKS else self.amount


class Calendar(Protocol):
    """How a country counts a statutory period forward to its last day."""

    def is_working_day(self, day: date) -> bool: ...

    def last_day(self, start: date, period: Period) -> date:
        """The last day of ``period`` counted from the day after ``start``."""
        ...


def _next_working_day(calendar: Calendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _add_working_days(calendar: Calendar, start: date, days: int) -> date:
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


class HolidaysCalendar:
    """Weekends and the public holidays of the ``holidays`` package; a period ending on a
    non-working day runs on to the next working day. The fallback for countries whose module
    does not define a calendar of its own."""

    def __init__(self, country: str) -> None:
        self.country = country

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.country, day.year)

    def last_day(self, start: date, period: Period) -> date:
        if period.unit is Unit.WORKING_DAYS:
            return _add_working_days(self, start, period.amount)
        return _next_working_day(self, start + timedelta(days=period.days))


class DaysOffCalendar:
    """Weekends and a country's own days off (``days_off(year)``): a period ending on a day
    off runs on to the next working day (everywhere), and where the law says so a period of
    at least ``two_working_days_from`` days holds at least two working days (the Netherlands'
    Algemene termijnenwet art. 2: three days; the EU's Regulation 1182/71 art. 3(5): two; None
    where the law has no such rule: Poland's Kodeks cywilny, Sweden's lagen (1930:173))."""

    def __init__(
        self, days_off: Callable[[int], frozenset[date]], two_working_days_from: int | None = 3
    ) -> None:
        self.days_off = days_off
        self.two_working_days_from = two_working_days_from

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days_off(day.year)

    def last_day(self, start: date, period: Period) -> date:
        if period.unit is Unit.WORKING_DAYS:
            return _add_working_days(self, start, period.amount)
        end = _next_working_day(self, start + timedelta(days=period.days))
        if self.two_working_days_from is not None and period.days >= self.two_working_days_from:
            while self._working_days(start, end) < 2:
                end = _next_working_day(self, end + timedelta(days=1))
        return end

    def _working_days(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        return sum(
            self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holiday_tables.country_holidays(country, years=year))


@dataclass(frozen=True)
class Case:
    """One row of a period's table: the law's period and provision for a contract
    ``above_thresholds`` (at or above the EU thresholds) or not, whose decisions are sent
    ``electronically`` or otherwise (Directive 2007/66/EC art. 2a(2): a longer standstill when
    not sent electronically)."""

    period: Period
    rule: str
    electronic: bool = True
    above_thresholds: bool = True


def cases(
    rule: str, electronic: int, otherwise: int | None = None, *, above_thresholds: bool = True
) -> tuple[Case, ...]:
    """The rows of one provision: ``electronic`` days when sent electronically and
    ``otherwise`` days when not (None: the same period either way)."""
    found = (Case(Period(electronic), rule, True, above_thresholds),)
    if otherwise is not None:
        found += (Case(Period(otherwise), rule, False, above_thresholds),)
    return found


class _Table:
    """A period set by one table of :class:`Case` rows (the first is the usual case:
    electronic, at or above the thresholds). A case the table has no row for takes the row
    with the same means of sending, else the first."""

    cases: tuple[Case, ...]

    def case(self, electronic: bool = True, above_thresholds: bool = True) -> Case:
        wanted = (electronic, above_thresholds)
        exact = [c for c in self.cases if (c.electronic, c.above_thresholds) == wanted]
        sent = [c for c in self.cases if c.electronic == electronic]
        return (exact or sent or [self.cases[0]])[0]

    @property
    def period(self) -> Period:
        """The usual case's period."""
        return self.cases[0].period

    @property
    def rule(self) -> str:
        """The usual case's provision, as letters cite it."""
        return self.cases[0].rule

    def period_for(self, electronic: bool = True, above_thresholds: bool = True) -> Period:
        return self.case(electronic, above_thresholds).period

    def rule_for(self, electronic: bool = True, above_thresholds: bool = True) -> str:
        return self.case(electronic, above_thresholds).rule


@dataclass(frozen=True)
class Standstill(_Table):
    """The period after the award decisions are sent before the contract may be signed: one
    table per jurisdiction, by the means of sending and (Poland) the contract's value."""

    cases: tuple[Case, ...]

    def __post_init__(self) -> None:
        if not self.cases:
            raise ValueError("a standstill has at least one case")

    @property
    def shortest(self) -> Period:
        """The shortest period the law allows in any case (an authority's default)."""
        return min((c.period for c in self.cases), key=lambda p: p.days)


@dataclass(frozen=True)
class Remedies(_Table):
    """Where a bidder turns against an award decision, and within which period (the table
    as for the standstill: the time limit by the means of sending and the value)."""

    body: str  # "de voorzieningenrechter van de rechtbank"
    cases: tuple[Case, ...]
    # Whether the notice to the winner instructs on the remedies too (Poland: one notice to
    # every bidder, which anyone with an interest may challenge).
    told_to_winner: bool = False

    def __post_init__(self) -> None:
        if not self.cases:
            raise ValueError("remedies have at least one case")


@dataclass(frozen=True)
class Thresholds:
    """The EU thresholds (Directive 2014/24/EU art. 4, as revised every two years by the
    Commission) for a sub-central contracting authority, in ``currency`` as the country
    publishes them: works, supplies and services, social and other specific services."""

    currency: str
    works: int
    supplies_services: int
    social_services: int
    rule: str  # where the figures come from

    def reached(self, value: Decimal | None, currency: str, kind: str) -> bool:
        """Whether a contract of ``kind`` ("works", "social_services", else supplies and
        services) worth ``value`` is at or above its threshold. An unknown value, or one in
        another currency, counts as at or above (the usual case: the full procedure's
        periods)."""
        if value is None or currency != self.currency:
            return True
        limit = {"works": self.works, "social_services": self.social_services}.get(
            kind, self.supplies_services
        )
        return value >= limit


@dataclass(frozen=True)
class GrantLaw:
    """The administrative law under which subsidies are granted, settled and objected to."""

    objection: Period  # to object to a decision, from the day after it was sent
    objection_rule: str
    advance_rule: str  # the article on advances ("artikel 4:95 Awb")
    settlement_rules: str  # the articles on the final amount ("artikelen 4:44-4:46 Awb")
    reclaim_rule: str  # the article on reclaiming advances ("artikel 4:57 Awb")
    reasons_rule: str  # the duty to give reasons ("artikel 3:46 Awb")
    payment: Period  # within which a payment (or a repayment) is due after the decision
    payment_rule: str  # "artikel 4:87 Awb"
    # Whether a grant decision can be objected to or appealed administratively (within
    # ``objection``). Where it cannot (Denmark), letters say so, and ``supervision`` names who
    # oversees the authority's lawfulness instead, with its articles.
    appeal: bool = True
    supervision: str = ""
    # The provision under which the outcome is an agreement, not a decision (in Poland the
    # umowa of art. 16 of the act on public benefit activity); empty where a decision grants
    # the subsidy.
    contract_rule: str = ""


@dataclass(frozen=True)
class MinimumPeriod:
    """A legal minimum: ``days`` between the start (publication, or the invitation to tender)
    and ``deadline`` ("requests", "questions" or "bids", the deadlines of
    ``tenders.procedures``). ``rule`` names the provision, so that a warning can say which rule
    it is about."""

    deadline: str
    days: int
    rule: str
    from_invitation: bool = False  # counted from the invitation to tender, not publication
    electronic: bool = False  # the shorter minimum for bids submitted electronically


@dataclass(frozen=True)
class LightRegime:
    """The light regime for social and other specific services (Directive 2014/24/EU
    art. 74-76, Annex XIV): at or above ``threshold_eur`` the contract is announced in the EU's
    journal and its award published; below it, national law alone applies."""

    threshold_eur: int
    rule: str  # the provision, cited in warnings


# Directive 2014/24/EU art. 4(d): EUR 750,000 for social and other specific services.
EU_LIGHT_REGIME = LightRegime(750_000, "Directive 2014/24/EU art. 4(d) and 74-76")


@dataclass(frozen=True)
class Jurisdiction:
    country: str  # ISO 3166-1 alpha-2
    language: str
    currency: str
    timezone: str
    calendar: Calendar
    standstill: Standstill
    remedies: Remedies
    grant_law: GrantLaw
    # The minimum periods of each procedure type, by its code ("open", "restricted", ...).
    minimum_periods: Mapping[str, tuple[MinimumPeriod, ...]] = field(default_factory=dict)
    light_regime: LightRegime = EU_LIGHT_REGIME
    # Remedies of their own for some procedure types ("open_house" under another law).
    procedure_remedies: Mapping[str, Remedies] = field(default_factory=dict)
    # The provision under which the notice of the award decision gives every offer's points
    # per criterion and in total (Pzp art. 253(1)(1) in Poland); empty where it gives the
    # addressee's and the winner's only.
    every_offers_scores: str = ""
    # The EU thresholds in the national currency, where periods depend on them (Poland).
    thresholds: Thresholds | None = None

    def remedies_for(self, procedure: str) -> Remedies:
        """Where and within which period a decision in a procedure of type ``procedure`` is
        challenged."""
        return self.procedure_remedies.get(procedure, self.remedies)

    def minimum_period(
        self, procedure: str, deadline: str, electronic: bool
    ) -> MinimumPeriod | None:
        """The minimum period for ``deadline`` in a procedure of type ``procedure``: with
        electronic submission its shorter electronic minimum where the law has one."""
        found = [
            p
            for p in self.minimum_periods.get(procedure, ())
            if p.deadline == deadline and (electronic or not p.electronic)
        ]
        return min(found, key=lambda p: p.days, default=None)

    def standstill_period(
        self, days: int | None = None, electronic: bool = True, above_thresholds: bool = True
    ) -> Period:
        """The standstill period: the law's for the case (the means of sending, the contract's
        value against the EU thresholds), or ``days`` (the authority's own period, counted the
        same way) where that is longer."""
        law = self.standstill.period_for(electronic, above_thresholds)
        own = law if days is None else Period(days, law.unit)
        return max(own, law, key=lambda p: p.days)

    def standstill_last_day(
        self,
        sent_on: date,
        days: int | None = None,
        electronic: bool = True,
        *,
        above_thresholds: bool = True,
    ) -> date:
        """The last day of the standstill period (:meth:`standstill_period`) for decisions
        sent on ``sent_on``."""
        period = self.standstill_period(days, electronic, above_thresholds)
        return self.calendar.last_day(sent_on, period)

    def remedies_last_day(
        self,
        sent_on: date,
        procedure: str = "",
        *,
        above_thresholds: bool = True,
        electronic: bool = True,
    ) -> date:
        """The last day to seek review of a decision sent on ``sent_on`` in a procedure of
        type ``procedure``: the law's time limit for the case, whatever standstill the
        authority keeps."""
        period = self.remedies_for(procedure).period_for(electronic, above_thresholds)
        return self.calendar.last_day(sent_on, period)

    def above_thresholds(self, value: Decimal | None, currency: str, kind: str) -> bool:
        """Whether a contract of ``kind`` worth ``value`` reaches the EU thresholds, where the
        jurisdiction's periods depend on it (elsewhere every contract counts as above)."""
        return self.thresholds is None or self.thresholds.reached(value, currency, kind)

    def objection_last_day(self, sent_on: date) -> date:
        """The last day to object to a grant decision sent on ``sent_on``."""
        return self.calendar.last_day(sent_on, self.grant_law.objection)

    def payment_last_day(self, decided_on: date) -> date:
        """The day by which a settled amount is paid or repaid, for a decision of
        ``decided_on``."""
        return self.calendar.last_day(decided_on, self.grant_law.payment)


@cache
def jurisdiction_for(country: str) -> Jurisdiction:
    """The law of ``country``: its module ``common/jurisdictions/<code>.py`` (the EU default
    for a country without a module yet)."""
    code = country.upper()
    if not (len(code) == 2 and code.isalpha() and code.isascii()) or code == "EU":
        return eu_default(code)
    module = f"{__name__}.{code.lower()}"
    if importlib.util.find_spec(module) is None:
        return eu_default(code)
    found: Jurisdiction = importlib.import_module(module).JURISDICTION
    return found


def eu_default(country: str) -> Jurisdiction:
    """The directives' minimums with the country's public holidays: 10 days' standstill
    (Directive 2007/66/EC), periods rolled to the next working day."""
    from common.jurisdictions import eu

    return eu.for_country(country)
