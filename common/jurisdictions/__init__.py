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
    """Weekends and a country's own days off (``days_off(year)``), counted as the Netherlands'
    Algemene termijnenwet (art. 1-2) and the EU's Regulation 1182/71 (art. 3(4)-(5)) both do: a
    period ending on a day off runs on to the next working day, and a period of at least three
    days (two, under the Regulation) holds at least two working days."""

    def __init__(
        self, days_off: Callable[[int], frozenset[date]], two_working_days_from: int = 3
    ) -> None:
        self.days_off = days_off
        self.two_working_days_from = two_working_days_from

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days_off(day.year)

    def last_day(self, start: date, period: Period) -> date:
        if period.unit is Unit.WORKING_DAYS:
            return _add_working_days(self, start, period.amount)
        end = _next_working_day(self, start + timedelta(days=period.days))
        if period.days >= self.two_working_days_from:
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
    """A period that depends on the contract's value and on how the decision was sent: the
    law's period and provision for a contract ``above_thresholds`` (at or above the EU
    thresholds) or not, sent ``electronically`` or otherwise (Directive 2007/66/EC art. 2a(2):
    a longer standstill when not sent electronically)."""

    above_thresholds: bool
    electronic: bool
    period: Period
    rule: str


def _rule_for(cases: tuple[Case, ...], days: int, default: str) -> str:
    """The provision of the case whose period is ``days`` long (electronic sending and the
    higher value first: they are the usual case), else ``default``."""
    ordered = sorted(cases, key=lambda c: (not c.electronic, not c.above_thresholds))
    return next((c.rule for c in ordered if c.period.days == days), default)


def _case(cases: tuple[Case, ...], above_thresholds: bool, electronic: bool) -> Period | None:
    return next(
        (
            c.period
            for c in cases
            if (c.above_thresholds, c.electronic) == (above_thresholds, electronic)
        ),
        None,
    )


@dataclass(frozen=True)
class Standstill:
    """The period after the award decisions are sent before the contract may be signed."""

    period: Period
    rule: str  # the provision, cited in letters ("artikel 2.127 Aanbestedingswet 2012")
    # The longer period where the decisions are sent other than electronically (None: the same).
    not_electronic: Period | None = None
    # Where the law sets other periods by the contract's value too (Poland: below the EU
    # thresholds); ``period`` and ``rule`` are the usual case (electronic, at or above them).
    cases: tuple[Case, ...] = ()

    def rule_for(self, days: int) -> str:
        """The provision of a standstill of ``days`` (the authority's period)."""
        return _rule_for(self.cases, days, self.rule)

    def period_for(self, electronic: bool) -> Period:
        return self.period if electronic or self.not_electronic is None else self.not_electronic


@dataclass(frozen=True)
class Remedies:
    """Where a bidder turns against an award decision, and within which period."""

    body: str  # "de voorzieningenrechter van de rechtbank"
    period: Period  # the time limit (the standstill period where the law ties them)
    rule: str
    cases: tuple[Case, ...] = ()  # as for the standstill

    def rule_for(self, days: int) -> str:
        """The provision of a time limit of ``days``."""
        return _rule_for(self.cases, days, self.rule)


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

    def standstill_period(self, days: int | None = None, electronic: bool = True) -> Period:
        """The standstill period: ``days`` (the authority's own period, counted the same way)
        or the law's, and at least the law's longer period where the decisions are not all
        sent electronically."""
        unit = self.standstill.period.unit
        period = self.standstill.period if days is None else Period(days, unit)
        least = period if electronic else self.standstill.period_for(electronic)
        return max(period, least, key=lambda p: p.days)

    def standstill_last_day(
        self,
        sent_on: date,
        days: int | None = None,
        electronic: bool = True,
        *,
        above_thresholds: bool = True,
    ) -> date:
        """The last day of the standstill period for decisions sent on ``sent_on``: the law's
        case for the contract's value (``above_thresholds``, the EU thresholds) and the means
        of sending where it has such cases and the authority sets no period of its own, else
        :meth:`standstill_period`."""
        case = _case(self.standstill.cases, above_thresholds, electronic)
        if days is None and case is not None:
            return self.calendar.last_day(sent_on, case)
        return self.calendar.last_day(sent_on, self.standstill_period(days, electronic))

    def remedies_last_day(
        self,
        sent_on: date,
        procedure: str = "",
        *,
        above_thresholds: bool = True,
        electronic: bool = True,
    ) -> date:
        """The last day to seek review of a decision sent on ``sent_on`` in a procedure of
        type ``procedure``."""
        remedies = self.remedies_for(procedure)
        case = _case(remedies.cases, above_thresholds, electronic)
        return self.calendar.last_day(sent_on, case or remedies.period)

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
