"""The fallback for a country without a module of its own: the EU directives' standstill.

Standstill 10 days (Directive 2007/66/EC, art. 2a) and the
country's public holidays from the ``holidays`` package. Replace it per country with a module
of its own (see :mod:`common.jurisdictions`).
"""

from __future__ import annotations

from common.jurisdictions import (
    GrantLaw,
    HolidaysCalendar,
    Jurisdiction,
    Period,
    Remedies,
    Standstill,
    Unit,
)

# Defaults for the countries whose modules are still to be written: (language, currency, zone).
_DEFAULTS: dict[str, tuple[str, str, str]] = {
    "DK": ("da", "DKK", "Europe/Copenhagen"),
    "PL": ("pl", "PLN", "Europe/Warsaw"),
    "SE": ("sv", "SEK", "Europe/Stockholm"),
}

STANDSTILL = Standstill(Period(10), "Directive 2007/66/EC, art. 2a")

def for_country(country: str) -> Jurisdiction:
    language, currency, zone = _DEFAULTS.get(country, ("en", "EUR", "Europe/Brussels"))
    return Jurisdiction(
        country=country, language=language, currency=currency, timezone=zone,
        calendar=HolidaysCalendar(country),
        standstill=STANDSTILL,
        remedies=Remedies("the competent review body", STANDSTILL.period,
                          "Directive 89/665/EEC, art. 2c"),
        grant_law=GrantLaw(objection=Period(6, Unit.WEEKS), objection_rule="",
                           advance_rule="", settlement_rules="", reclaim_rule="",
                           reasons_rule="", payment=Period(6, Unit.WEEKS), payment_rule=""),
    )
