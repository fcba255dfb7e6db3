"""Denmark: udbudsloven (lov nr. 1564 af 15/12/2015), lov om Klagenævnet for Udbud
(klagenævnsloven), forvaltningsloven, kommunestyrelsesloven.

Periods. Udbudsloven's and klagenævnsloven's periods are counted under the EU's "fristforordning"
(Council Regulation (EEC, Euratom) No 1182/71, which the directives make applicable; the
Konkurrence- og Forbrugerstyrelsen's and Statens Indkøb's guidance count by it): from the day
after the event (art. 3(1)), in calendar days; a period ending on a Saturday, Sunday or holiday
ends with the following working day (art. 3(4)); a period of two days or more holds at least two
working days (art. 3(5)).

The holidays are the helligdage (nytårsdag, skærtorsdag, langfredag, påskedag, 2. påskedag,
Kristi himmelfartsdag, pinsedag, 2. pinsedag, juledag, 2. juledag; store bededag until 2023: it
was abolished from 2024 by lov nr. 159 af 28/2/2023) and the days public offices are closed:
grundlovsdag (5 June), juleaftensdag (24 December) and nytårsaftensdag (31 December). Counting
these three as days off is the safe side: a standstill can only end later, never earlier.

Standstill (klagenævnsloven § 3, stk. 2): 10 calendar days from the day after the award
decision was sent when it is sent electronically, 15 when it is sent otherwise; tenderdesk sends
every decision electronically. A complaint to Klagenævnet for Udbud lodged within the standstill
keeps the contract from being concluded until the board has decided on suspensive effect
(§ 12, stk. 2); the complainant tells the contracting authority in writing at the latest when it
complains (§ 6, stk. 4). The time limits for a complaint are in § 7: 20 calendar days against a
decision not to prequalify (stk. 1), otherwise 45 calendar days after the contract award notice
in the EU's Official Journal (stk. 2, nr. 1).

Grants. A kommune's grant decision is an afgørelse under forvaltningsloven: written reasons
where it is not granted in full (§ 22), naming the rules and the main facts (§ 24). There is
generally no administrative appeal of a kommune's grant (or of a state pool's, such as
Socialstyrelsen's): § 25's klagevejledning is due only where a decision can be appealed. The
kommune's lawfulness is supervised by Ankestyrelsen (kommunestyrelsesloven §§ 47-48 a), which
is no appeal body; the decision can be brought before the courts (grundloven § 63).
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
    cases,
    eu,
)

KLAGENAEVNSLOVEN = "lov om Klagenævnet for Udbud"


@cache
def danish_days_off(year: int) -> frozenset[date]:
    """The helligdage of ``year`` and the days public offices close (see the module)."""
    sunday = easter(year)
    easter_based = {-3, -2, 0, 1, 39, 49, 50} | ({26} if year < 2024 else set())
    return frozenset(
        {
            date(year, 1, 1),
            date(year, 6, 5),
            date(year, 12, 24),
            date(year, 12, 25),
            date(year, 12, 26),
            date(year, 12, 31),
            *(sunday + timedelta(days=n) for n in easter_based),
        }
    )


# Regulation 1182/71 art. 3(5): two working days in any period of two days or more.
CALENDAR = DaysOffCalendar(danish_days_off, two_working_days_from=2)

# Klagenævnsloven § 3, stk. 2: 10 calendar days when the decision is sent electronically, 15
# when it is sent otherwise (by post).
STANDSTILL = Standstill(cases(f"{KLAGENAEVNSLOVEN} § 3, stk. 2", 10, 15))

# Udbudsloven with the directive article it implements (the same numbers). The light regime
# (udbudsloven §§ 186-192) has none: the authority sets reasonable periods (§ 189).
RULES: dict[tuple[str, str, bool], str] = {
    ("open", "bids", False): N_(
        "Directive 2014/24/EU art. 27(1), udbudsloven § 57: 35 days for bids"
    ),
    ("open", "bids", True): N_(
        "Directive 2014/24/EU art. 27(4), udbudsloven § 57: 30 days for bids submitted "
        "electronically"
    ),
    ("restricted", "requests", False): N_(
        "Directive 2014/24/EU art. 28(1), udbudsloven § 59, stk. 2: 30 days for requests to "
        "participate"
    ),
    ("restricted", "bids", False): N_(
        "Directive 2014/24/EU art. 28(2), udbudsloven § 60, stk. 2: 30 days for bids after the "
        "invitation"
    ),
    ("competitive_dialogue", "requests", False): N_(
        "Directive 2014/24/EU art. 30(1), udbudsloven (konkurrencepræget dialog): 30 days for "
        "requests to participate"
    ),
    ("negotiation", "requests", False): N_(
        "Directive 2014/24/EU art. 29(1), udbudsloven (udbud med forhandling): 30 days for "
        "requests to participate"
    ),
    ("negotiation", "bids", False): N_(
        "Directive 2014/24/EU art. 29(1), udbudsloven (udbud med forhandling): 30 days for "
        "initial bids after the invitation"
    ),
}
MINIMUM_PERIODS = eu.national(
    RULES,
    eu.restricted_electronic(
        N_(
            "Directive 2014/24/EU art. 28(5), udbudsloven § 60, stk. 4: 25 days for bids "
            "submitted electronically"
        )
    ),
)

JURISDICTION = Jurisdiction(
    country="DK",
    language="da",
    currency="DKK",
    timezone="Europe/Copenhagen",
    calendar=CALENDAR,
    standstill=STANDSTILL,
    # A complaint within the standstill suspends the contract's conclusion (§ 12, stk. 2).
    remedies=Remedies("Klagenævnet for Udbud", cases(f"{KLAGENAEVNSLOVEN} §§ 6, 7 og 12", 10, 15)),
    grant_law=GrantLaw(
        objection=Period(0),  # no administrative appeal, so no period to count
        objection_rule="forvaltningslovens § 25",
        advance_rule="tilsagnets betingelser om udbetaling",
        settlement_rules="tilsagnets betingelser om regnskab og afrapportering",
        reclaim_rule="tilsagnets betingelser om tilbagebetaling",
        reasons_rule="forvaltningslovens §§ 22-24",
        payment=Period(30),
        payment_rule="tilsagnets betingelser",
        appeal=False,
        supervision="Ankestyrelsen (kommunestyrelseslovens §§ 47-48 a)",
    ),
    minimum_periods=MINIMUM_PERIODS,
    light_regime=LightRegime(750_000, "udbudsloven §§ 186-192"),
)
