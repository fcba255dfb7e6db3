"""The fallback for a country without a module of its own: the EU directives' standstill.

Standstill 10 days (Directive 2007/66/EC, art. 2a) and the
country's public holidays from the ``holidays`` package. Replace it per country with a module
of its own (see :mod:`common.jurisdictions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from common.i18n import N_
from common.jurisdictions import (
    GrantLaw,
    HolidaysCalendar,
    Jurisdiction,
    MinimumPeriod,
    Period,
    Remedies,
    Standstill,
    Unit,
    cases,
)

# Defaults for the countries whose modules are still to be written: (language, currency, zone).
_DEFAULTS: dict[str, tuple[str, str, str]] = {
    "PL": ("pl", "PLN", "Europe/Warsaw"),
    "SE": ("sv", "SEK", "Europe/Stockholm"),
}

STANDSTILL = Standstill(cases("Directive 2007/66/EC, art. 2a", 10, 15))

# Directive 2014/24/EU's minimum periods, without a national law's articles.
MINIMUM_PERIODS: dict[str, tuple[MinimumPeriod, ...]] = {
    "open": (
        MinimumPeriod("bids", 35, N_("Directive 2014/24/EU art. 27(1): 35 days for bids")),
        MinimumPeriod(
            "bids",
            30,
            N_("Directive 2014/24/EU art. 27(4): 30 days for bids submitted electronically"),
            electronic=True,
        ),
    ),
    "restricted": (
        MinimumPeriod(
            "requests",
            30,
            N_("Directive 2014/24/EU art. 28(1): 30 days for requests to participate"),
        ),
        MinimumPeriod(
            "bids",
            30,
            N_("Directive 2014/24/EU art. 28(2): 30 days for bids after the invitation"),
            from_invitation=True,
        ),
    ),
    "competitive_dialogue": (
        MinimumPeriod(
            "requests",
            30,
            N_("Directive 2014/24/EU art. 30(1): 30 days for requests to participate"),
        ),
    ),
    "negotiation": (
        MinimumPeriod(
            "requests",
            30,
            N_("Directive 2014/24/EU art. 29(1): 30 days for requests to participate"),
        ),
        MinimumPeriod(
            "bids",
            30,
            N_("Directive 2014/24/EU art. 29(1): 30 days for initial bids after the invitation"),
            from_invitation=True,
        ),
    ),
}


def national(
    rules: Mapping[tuple[str, str, bool], str], extra: Mapping[str, tuple[MinimumPeriod, ...]] = {}
) -> dict[str, tuple[MinimumPeriod, ...]]:
    """The directive's minimum periods a national law keeps: those ``rules`` names by
    (procedure, deadline, electronic), each cited with its national article, and ``extra``
    periods of the national law's own (by procedure)."""
    found: dict[str, tuple[MinimumPeriod, ...]] = {}
    for procedure, periods in MINIMUM_PERIODS.items():
        kept = tuple(
            replace(period, rule=rules[key])
            for period in periods
            if (key := (procedure, period.deadline, period.electronic)) in rules
        )
        if kept or procedure in extra:
            found[procedure] = kept + extra.get(procedure, ())
    return found


def restricted_electronic(rule: str) -> dict[str, tuple[MinimumPeriod, ...]]:
    """Directive 2014/24/EU art. 28(5): in a restricted procedure, bids submitted electronically
    after the invitation have 25 days (``rule``: the national article), for :func:`national`'s
    ``extra``."""
    period = MinimumPeriod("bids", 25, rule, from_invitation=True, electronic=True)
    return {"restricted": (period,)}


def for_country(country: str) -> Jurisdiction:
    language, currency, zone = _DEFAULTS.get(country, ("en", "EUR", "Europe/Brussels"))
    return Jurisdiction(
        country=country,
        language=language,
        currency=currency,
        timezone=zone,
        calendar=HolidaysCalendar(country),
        standstill=STANDSTILL,
        remedies=Remedies("the competent review body", cases("Directive 89/665/EEC, art. 2c", 10)),
        grant_law=GrantLaw(
            objection=Period(6, Unit.WEEKS),
            objection_rule="",
            advance_rule="",
            settlement_rules="",
            reclaim_rule="",
            reasons_rule="",
            payment=Period(6, Unit.WEEKS),
            payment_rule="",
        ),
        minimum_periods=MINIMUM_PERIODS,
    )
