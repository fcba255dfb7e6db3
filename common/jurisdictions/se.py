"""Sweden: lagen (2016:1145) om offentlig upphandling (LOU), lagen (2008:962) om
valfrihetssystem (LOV), förvaltningslagen (2017:900), kommunallagen (2017:725) and lagen
(1930:173) om beräkning av lagstadgad tid.

The calendar is the 1930 act's, not the ``holidays`` package's list: besides the allmänna
helgdagar of lagen (1989:253) and Saturdays and Sundays, a period whose last day falls on
midsommarafton, julafton or nyårsafton runs on to the next weekday as well (1930:173, 2 §).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter

from common.i18n import N_
from common.jurisdictions import (
    Case,
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

LOU = "lagen (2016:1145) om offentlig upphandling"


def _saturday_between(first: date) -> date:
    """The Saturday in the week starting on ``first`` (midsommardagen, alla helgons dag)."""
    return first + timedelta(days=(5 - first.weekday()) % 7)


@cache
def allmanna_helgdagar(year: int) -> frozenset[date]:
    """The allmänna helgdagar of lagen (1989:253) om allmänna helgdagar, 1 §, in ``year``.

    Nyårsdagen, trettondedag jul (6 januari), långfredagen, påskdagen, annandag påsk, 1 maj,
    Kristi himmelsfärds dag, pingstdagen, nationaldagen (6 juni), midsommardagen (the Saturday
    20-26 June), alla helgons dag (the Saturday 31 October-6 November), juldagen and annandag
    jul. Sundays are helgdagar too; those among them are counted as Sundays anyway.
    """
    sunday = easter(year)
    return frozenset(
        {
            date(year, 1, 1),
            date(year, 1, 6),
            sunday - timedelta(days=2),  # långfredagen
            sunday,  # påskdagen
            sunday + timedelta(days=1),  # annandag påsk
            date(year, 5, 1),
            sunday + timedelta(days=39),  # Kristi himmelsfärds dag
            sunday + timedelta(days=49),  # pingstdagen
            date(year, 6, 6),
            _saturday_between(date(year, 6, 20)),  # midsommardagen
            _saturday_between(date(year, 10, 31)),  # alla helgons dag
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


@cache
def non_working_days(year: int) -> frozenset[date]:
    """The days of ``year`` on which a statutory period cannot end (1930:173, 2 §): the
    allmänna helgdagar, midsommarafton (the Friday 19-25 June), julafton and nyårsafton
    (Saturdays and Sundays are left to the calendar)."""
    midsommarafton = _saturday_between(date(year, 6, 20)) - timedelta(days=1)
    return allmanna_helgdagar(year) | {midsommarafton, date(year, 12, 24), date(year, 12, 31)}


# Periods under lagen (1930:173) om beräkning av lagstadgad tid, 2 §: where an act is to be done
# within a period and its last day falls on a Saturday, Sunday or another allmän helgdag,
# midsommarafton, julafton or nyårsafton, the act may be done on the next weekday. A period in
# days starts the day after the event (the sending of the underrättelse): ten days from Tuesday
# 1 December end on Friday 11 December. No minimum of working days.
CALENDAR = DaysOffCalendar(non_working_days, two_working_days_from=None)

# LOU 20 kap. 1 §: after the underrättelse om tilldelningsbeslut (12 kap. 12 §) the contract
# may not be concluded during the avtalsspärr: 10 days from the sending when sent
# electronically, 15 days otherwise.
STANDSTILL = Standstill(cases(f"20 kap. 1 § {LOU}", 10, 15))

# LOU 20 kap. 4-6 §§: a supplier who has suffered or may suffer damage (4 §) applies for
# överprövning at the förvaltningsrätt where the authority has its seat (5 §), which orders the
# procurement corrected or done again (6 §). An application is no longer tried once the
# contract is concluded (the same chapter), so it is made within the avtalsspärr.
REMEDIES = Remedies("förvaltningsrätten", cases(f"20 kap. 4-6 §§ {LOU}", 10, 15))

# LOV 10 kap. 1 §: a supplier applies for rättelse at the förvaltningsrätt within three weeks
# from the authority's notice of its decision on the application (9 kap. 2 §). LOV has no
# avtalsspärr.
OPEN_HOUSE_REMEDIES = Remedies(
    "förvaltningsrätten",
    (Case(Period(3, Unit.WEEKS), "10 kap. 1 § lagen (2008:962) om valfrihetssystem"),),
)

# LOU 11 kap. with the directive it implements (the same numbers). The light regime (19 kap.)
# and open house (LOV) have none: the authority sets reasonable periods (11 kap. 1 §).
RULES: dict[tuple[str, str, bool], str] = {
    ("open", "bids", False): N_(
        "Directive 2014/24/EU art. 27(1), LOU 11 kap. 2 §: 35 days for bids"
    ),
    ("open", "bids", True): N_(
        "Directive 2014/24/EU art. 27(4), LOU 11 kap. 5 §: 30 days for bids submitted "
        "electronically"
    ),
    ("restricted", "requests", False): N_(
        "Directive 2014/24/EU art. 28(1), LOU 11 kap. 6 §: 30 days for requests to participate"
    ),
    ("restricted", "bids", False): N_(
        "Directive 2014/24/EU art. 28(2), LOU 11 kap. 8 §: 30 days for bids after the invitation"
    ),
    ("competitive_dialogue", "requests", False): N_(
        "Directive 2014/24/EU art. 30(1), LOU 11 kap. 6 §: 30 days for requests to participate"
    ),
    ("negotiation", "requests", False): N_(
        "Directive 2014/24/EU art. 29(1), LOU 11 kap. 6 §: 30 days for requests to participate"
    ),
    ("negotiation", "bids", False): N_(
        "Directive 2014/24/EU art. 29(1), LOU 11 kap. 8 §: 30 days for initial bids after the "
        "invitation"
    ),
}
MINIMUM_PERIODS = eu.national(RULES)

# A municipality's föreningsbidrag is not appealed by förvaltningsbesvär (``appeal`` false):
# any member of the municipality may have it tried by laglighetsprövning at the
# förvaltningsrätt (kommunallagen 13 kap. 1 §), within three weeks (``objection``) from the day
# the approval of the minutes was announced on the municipality's notice board (13 kap. 5 §),
# on the grounds of 13 kap. 8 § only. The decision gives its reasons
# (förvaltningslagen 32 §). The act has no articles on advances, settlement or reclaiming: the
# conditions of the decision govern them, and payment falls due 30 days after demand
# (räntelagen (1975:635) 4 §).
GRANT_LAW = GrantLaw(
    objection=Period(3, Unit.WEEKS),
    objection_rule="13 kap. 5 § kommunallagen (2017:725)",
    advance_rule="",
    settlement_rules="",
    reclaim_rule="",
    reasons_rule="32 § förvaltningslagen (2017:900)",
    payment=Period(30),
    payment_rule="4 § räntelagen (1975:635)",
    appeal=False,
    supervision="förvaltningsrätten, genom laglighetsprövning enligt 13 kap. kommunallagen "
    "(2017:725)",
)

JURISDICTION = Jurisdiction(
    country="SE",
    language="sv",
    currency="SEK",
    timezone="Europe/Stockholm",
    calendar=CALENDAR,
    standstill=STANDSTILL,
    remedies=REMEDIES,
    grant_law=GRANT_LAW,
    minimum_periods=MINIMUM_PERIODS,
    # Social and other specific services (LOU bilaga 2) are procured under 19 kap.; at or above
    # the directive's EUR 750,000 (5 kap. 1 §) the contract is announced EU-wide.
    light_regime=LightRegime(750_000, f"5 kap. 1 § och 19 kap. {LOU}"),
    procedure_remedies={"open_house": OPEN_HOUSE_REMEDIES},
)
