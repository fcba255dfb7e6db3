"""Poland: Prawo zamówień publicznych (ustawa z dnia 11 września 2019 r., "Pzp"), Kodeks
cywilny, the act on public benefit activity and volunteering (ustawa z dnia 24 kwietnia 2003 r.
o działalności pożytku publicznego i o wolontariacie, "u.d.p.p.") and the public finance act
(ustawa z dnia 27 sierpnia 2009 r. o finansach publicznych, "u.f.p.").

Periods. Pzp art. 8(1) applies the Kodeks cywilny to what the parties do in a procedure, and
with it its rules on periods: a period in days ends with its last day, the day of the event not
counted (KC art. 111); a period ending on a Saturday or a statutory day off work runs to the
next day that is neither (KC art. 115). The days off work are Sundays and the holidays of art. 1
of the act on days off work (ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy):
Epiphany since 2011, Christmas Eve since 2025.

Standstill and review. The contract is signed no sooner than 10 days after the notice of the
choice of the most advantageous offer was sent electronically, 15 when sent otherwise (Pzp
art. 264(1)); below the EU thresholds 5 and 10 days (art. 308(2)). Review (odwołanie) lies to
the President of the National Appeal Chamber (Prezes Krajowej Izby Odwoławczej, art. 513-514)
within the same numbers of days (art. 515(1)). The notice gives every offer's points per
criterion and in total (art. 253(1)(1)).

Grants to NGOs. The open call for proposals (otwarty konkurs ofert, u.d.p.p. art. 11(2) and
13-15) ends in a choice of offers that is not an administrative decision: no appeal lies
against it (art. 15(2j)); anyone may ask for the reasons why an offer was chosen or turned down
within 30 days of the results (art. 15(2g)); the grant itself is an agreement (umowa, art. 16(1))
with its payment terms, its use and its settlement (u.f.p. art. 250); what is unused is repaid
within 15 days of the end the agreement sets (u.f.p. art. 251(3)), what was misused or paid in
excess under art. 252.
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
    Thresholds,
    cases,
    eu,
)

PZP = "ustawy z dnia 11 września 2019 r. – Prawo zamówień publicznych"
UDPP = "ustawy z dnia 24 kwietnia 2003 r. o działalności pożytku publicznego i o wolontariacie"
UFP = "ustawy z dnia 27 sierpnia 2009 r. o finansach publicznych"


@cache
def days_off(year: int) -> frozenset[date]:
    """The holidays of art. 1(1) of the act on days off work in ``year`` (Sundays aside).

    New Year's Day, Epiphany (6 January, since 2011), Easter Sunday and Monday, 1 May, 3 May
    (Constitution Day), Pentecost Sunday, Corpus Christi (the Thursday 60 days after Easter),
    15 August, 1 November, 11 November (Independence Day), 24 December (since 2025), 25 and
    26 December.
    """
    sunday = easter(year)
    found = {
        date(year, 1, 1),
        sunday,
        sunday + timedelta(days=1),
        date(year, 5, 1),
        date(year, 5, 3),
        sunday + timedelta(days=49),
        sunday + timedelta(days=60),
        date(year, 8, 15),
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year >= 2011:
        found.add(date(year, 1, 6))
    if year >= 2025:
        found.add(date(year, 12, 24))
    return frozenset(found)


# Periods under the Kodeks cywilny: a period of days ends on its last day (art. 111), of weeks on
# the day of the same name (art. 112); one ending on a Saturday or a day off work runs to the
# next day that is neither (art. 115). No minimum of working days.
CALENDAR = DaysOffCalendar(days_off, two_working_days_from=None)

# Pzp art. 264 ust. 1 (at or above the EU thresholds) and art. 308 ust. 2 (below them): the
# contract is signed no sooner than 10 (5) days after the notice was sent electronically, 15
# (10) days when sent otherwise.
STANDSTILL = Standstill(
    cases(f"art. 264 ust. 1 {PZP}", 10, 15)
    + cases(f"art. 308 ust. 2 {PZP}", 5, 10, above_thresholds=False)
)

# Pzp art. 515 ust. 1: the odwołanie against an act notified to the bidder, within the same
# numbers of days, each case in its own point and letter. The notice of the choice goes to every
# bidder, the winner included, and anyone with an interest may challenge it (art. 505).
REMEDIES = Remedies(
    "Prezes Krajowej Izby Odwoławczej",
    tuple(
        Case(Period(days), f"art. 515 ust. 1 pkt {point} lit. {letter} {PZP}", electronic, above)
        for days, point, letter, electronic, above in (
            (10, 1, "a", True, True),
            (15, 1, "b", False, True),
            (5, 2, "a", True, False),
            (10, 2, "b", False, False),
        )
    ),
    told_to_winner=True,
)

# The EU thresholds in złoty for 2024-2025 (Commission Delegated Regulation (EU) 2023/2495,
# at the rate of 4.6371 zł the Pzp's art. 3 announcement uses) for a sub-central authority.
THRESHOLDS = Thresholds(
    "PLN",
    works=25_680_260,
    supplies_services=1_024_799,
    social_services=3_477_825,
    rule="art. 3 Pzp; obwieszczenie Prezesa Urzędu Zamówień Publicznych (2024-2025)",
)

# Pzp with the directive it implements. The light regime (Pzp art. 359-362) and open house have
# none: the authority sets periods that leave time to prepare an offer.
RULES: dict[tuple[str, str, bool], str] = {
    ("open", "bids", False): N_(
        "Directive 2014/24/EU art. 27(1), Pzp art. 138(1): 35 days for bids"
    ),
    ("restricted", "requests", False): N_(
        "Directive 2014/24/EU art. 28(1), Pzp art. 144(1): 30 days for requests to participate"
    ),
    ("restricted", "bids", False): N_(
        "Directive 2014/24/EU art. 28(2), Pzp art. 151(1): 30 days for bids after the invitation"
    ),
    ("competitive_dialogue", "requests", False): N_(
        "Directive 2014/24/EU art. 30(1), Pzp art. 169 with art. 144(1): 30 days for requests "
        "to participate"
    ),
    ("negotiation", "requests", False): N_(
        "Directive 2014/24/EU art. 29(1), Pzp art. 153 with art. 144(1): 30 days for requests "
        "to participate"
    ),
}
MINIMUM_PERIODS = eu.national(
    RULES,
    eu.restricted_electronic(
        N_(
            "Directive 2014/24/EU art. 28(5), Pzp art. 151(4): 25 days for bids "
            "submitted electronically after the invitation"
        )
    ),
)

JURISDICTION = Jurisdiction(
    country="PL",
    language="pl",
    currency="PLN",
    timezone="Europe/Warsaw",
    calendar=CALENDAR,
    standstill=STANDSTILL,
    remedies=REMEDIES,
    grant_law=GrantLaw(
        # No objection lies (art. 15(2j)); the period is the one to ask for the reasons.
        objection=Period(30),
        objection_rule=f"art. 15 ust. 2g {UDPP}",
        advance_rule=f"art. 250 {UFP}",
        settlement_rules=f"art. 18 {UDPP} oraz art. 250 {UFP}",
        reclaim_rule=f"art. 251 i 252 {UFP}",
        reasons_rule=f"art. 15 ust. 2g {UDPP}",
        payment=Period(15),
        payment_rule=f"art. 251 ust. 3 {UFP}",
        appeal=False,
        supervision="wojewoda (art. 85 i 86 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym)",
        contract_rule=f"art. 16 ust. 1 {UDPP}",
    ),
    minimum_periods=MINIMUM_PERIODS,
    light_regime=LightRegime(750_000, f"art. 359–362 {PZP}"),
    every_offers_scores=f"art. 253 ust. 1 pkt 1 {PZP}",
    thresholds=THRESHOLDS,
)
