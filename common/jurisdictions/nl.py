"""The Netherlands: Aanbestedingswet 2012, Algemene wet bestuursrecht, Algemene termijnenwet.

The calendar is the Algemene termijnenwet's own, not the ``holidays`` package's list of Dutch
public holidays: Good Friday is not a holiday under the Atw, and 5 May is one every year.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter

from common.i18n import N_
from common.jurisdictions import (
    DaysOffCalendar,
    GrantLaw,
    Jurisdiction,
    LightRegime,
    Period,
    Remedies,
    Standstill,
    Unit,
    cases,
    eu,
)


@cache
def atw_holidays(year: int) -> frozenset[date]:
    """The "algemeen erkende feestdagen" of Atw art. 3(1) in ``year``.

    New Year's Day, Easter Monday, Ascension Day, Whit Monday, Christmas Day and Boxing Day,
    the day the King's birthday is celebrated (27 April, 26 April when the 27th is a Sunday:
    Koninklijk Besluit of 2013) and 5 May (Liberation Day). Good Friday is not among them.
    """
    sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            sunday + timedelta(days=1),  # tweede paasdag
            sunday + timedelta(days=39),  # Hemelvaartsdag
            sunday + timedelta(days=50),  # tweede pinksterdag
            kings_day,
            date(year, 5, 5),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


# Periods under the Algemene termijnenwet. Art. 1: a statutory period ending on a Saturday,
# Sunday or holiday (art. 3) runs on to the next day that is none of these. Art. 2: a period of
# at least three days is extended as far as needed to contain at least two such working days.
CALENDAR = DaysOffCalendar(atw_holidays)

# Aanbestedingswet 2012 art. 2.127: at least 20 calendar days from the day after sending.
STANDSTILL = Standstill(cases("artikel 2.127 Aanbestedingswet 2012", 20))

# Aanbestedingswet 2012 implements the directive with the same numbers: the EU table's periods
# (common.jurisdictions.eu), each cited with its national article as well. The light regime
# (Directive 2014/24/EU art. 74-76, Aw 2.38-2.39) and open house have none: the authority sets
# reasonable periods.
RULES: dict[tuple[str, str, bool], str] = {
    ("open", "bids", False): N_(
        "Directive 2014/24/EU art. 27(1), Aanbestedingswet 2012 art. 2.71: 35 days for bids"
    ),
    ("open", "bids", True): N_(
        "Directive 2014/24/EU art. 27(4), Aanbestedingswet 2012 "
        "art. 2.71: 30 days for bids submitted electronically"
    ),
    ("restricted", "requests", False): N_(
        "Directive 2014/24/EU art. 28(1), Aanbestedingswet "
        "2012 art. 2.74: 30 days for requests to "
        "participate"
    ),
    ("restricted", "bids", False): N_(
        "Directive 2014/24/EU art. 28(2), Aanbestedingswet 2012 "
        "art. 2.75: 30 days for bids after the invitation"
    ),
    ("competitive_dialogue", "requests", False): N_(
        "Directive 2014/24/EU art. 30(1), Aanbestedingswet 2012 art. 2.80: 30 days for "
        "requests to participate"
    ),
    ("negotiation", "requests", False): N_(
        "Directive 2014/24/EU art. 29(1), Aanbestedingswet "
        "2012 art. 2.78: 30 days for requests to "
        "participate"
    ),
    ("negotiation", "bids", False): N_(
        "Directive 2014/24/EU art. 29(1), Aanbestedingswet "
        "2012 art. 2.78: 30 days for initial bids after the "
        "invitation"
    ),
}

MINIMUM_PERIODS = eu.national(RULES)

JURISDICTION = Jurisdiction(
    country="NL",
    language="nl",
    currency="EUR",
    timezone="Europe/Amsterdam",
    calendar=CALENDAR,
    standstill=STANDSTILL,
    # Aanbestedingswet 2012 art. 2.127(2): a kort geding within the standstill period.
    remedies=Remedies("de voorzieningenrechter van de rechtbank", STANDSTILL.cases),
    grant_law=GrantLaw(
        objection=Period(6, Unit.WEEKS),
        objection_rule="artikelen 6:7 en 6:8 Algemene wet bestuursrecht",
        advance_rule="artikel 4:95 Algemene wet bestuursrecht",
        settlement_rules="artikelen 4:44 tot en met 4:46 Algemene wet bestuursrecht",
        reclaim_rule="artikel 4:57 Algemene wet bestuursrecht",
        reasons_rule="artikel 3:46 Algemene wet bestuursrecht",
        payment=Period(6, Unit.WEEKS),
        payment_rule="artikel 4:87 Algemene wet bestuursrecht",
    ),
    minimum_periods=MINIMUM_PERIODS,
    light_regime=LightRegime(750_000, "artikelen 2.38 en 2.39 Aanbestedingswet 2012"),
)
