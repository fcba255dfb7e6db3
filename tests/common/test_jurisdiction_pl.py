"""Polish periods: the Kodeks cywilny's roll-forward (art. 111, 115) over the days off work of
the act of 18 January 1951, the standstill of Pzp art. 264(1) and 308(2), the time limits for an
odwołanie of art. 515(1), and the grant law of the act on public benefit activity.

Every date in these tables was checked by hand against a calendar (Easter Sunday: 20 Apr 2025,
5 Apr 2026, 28 Mar 2027; Corpus Christi: 19 Jun 2025, 4 Jun 2026).
"""

from datetime import date
from decimal import Decimal

import holidays
import pytest

from common.jurisdictions import Period, Unit, jurisdiction_for
from common.jurisdictions.pl import CALENDAR, days_off

PL = jurisdiction_for("PL")

# (sent on, above the EU thresholds, sent electronically, last day of the standstill and of
# the odwołanie)
STANDSTILL = [
    # An ordinary Friday: 1 Dec 2026 + 10 days.
    (date(2026, 12, 1), True, True, date(2026, 12, 11)),
    # Saturday 12 Dec 2026 -> Monday 14 Dec (art. 115: Saturday as a day off).
    (date(2026, 12, 2), True, True, date(2026, 12, 14)),
    # Easter Monday 6 Apr 2026 -> Tuesday 7 Apr.
    (date(2026, 3, 27), True, True, date(2026, 4, 7)),
    # Easter Monday 29 Mar 2027 -> Tuesday 30 Mar.
    (date(2027, 3, 19), True, True, date(2027, 3, 30)),
    # Good Friday (26 Mar 2027) is a working day in Poland.
    (date(2027, 3, 16), True, True, date(2027, 3, 26)),
    # Corpus Christi Thursday 4 Jun 2026 -> Friday 5 Jun.
    (date(2026, 5, 25), True, True, date(2026, 6, 5)),
    # Corpus Christi Thursday 19 Jun 2025 -> Friday 20 Jun.
    (date(2025, 6, 9), True, True, date(2025, 6, 20)),
    # Friday 1 May 2026, Saturday 2 May, Sunday 3 May -> Monday 4 May.
    (date(2026, 4, 21), True, True, date(2026, 5, 4)),
    # Monday 3 May 2027 (Constitution Day) -> Tuesday 4 May.
    (date(2027, 4, 23), True, True, date(2027, 5, 4)),
    # Wednesday 11 Nov 2026 (Independence Day) -> Thursday 12 Nov.
    (date(2026, 11, 1), True, True, date(2026, 11, 12)),
    # Christmas Eve is a day off from 2025: Wed 24 Dec 2025, 25, 26, Sat 27, Sun 28 -> Mon 29.
    (date(2025, 12, 14), True, True, date(2025, 12, 29)),
    # ... but not in 2024: Tuesday 24 Dec 2024 is the last day.
    (date(2024, 12, 14), True, True, date(2024, 12, 24)),
    # Epiphany Wednesday 6 Jan 2027 -> Thursday 7 Jan.
    (date(2026, 12, 27), True, True, date(2027, 1, 7)),
    # Assumption Saturday 15 Aug 2026, Sunday -> Monday 17 Aug.
    (date(2026, 8, 5), True, True, date(2026, 8, 17)),
    # Sent otherwise than electronically: 15 days (art. 264(1), 515(1)(1)(b)).
    (date(2026, 12, 1), True, False, date(2026, 12, 16)),
    # 15 days to Thursday 24 Dec 2026, 25, Sat 26, Sun 27 -> Monday 28 Dec.
    (date(2026, 12, 9), True, False, date(2026, 12, 28)),
    # Below the EU thresholds, electronically: 5 days (art. 308(2), 515(1)(2)(a)); Sunday
    # 6 Dec 2026 -> Monday 7 Dec.
    (date(2026, 12, 1), False, True, date(2026, 12, 7)),
    # Below the thresholds, otherwise: 10 days.
    (date(2026, 12, 1), False, False, date(2026, 12, 11)),
]


@pytest.mark.parametrize(("sent", "above", "electronic", "last"), STANDSTILL)
def test_the_standstill_and_the_odwolanie_end_on_the_hand_checked_day(
    sent, above, electronic, last
):
    assert PL.standstill_last_day(sent, above_thresholds=above, electronic=electronic) == last
    assert PL.remedies_last_day(sent, above_thresholds=above, electronic=electronic) == last


def test_sent_otherwise_the_standstill_is_fifteen_days():
    assert PL.standstill_last_day(date(2026, 12, 1), electronic=False) == date(2026, 12, 16)


def test_the_authoritys_own_number_of_days_counts_by_the_same_calendar():
    assert PL.standstill_last_day(date(2025, 12, 14), days=10) == date(2025, 12, 29)
    # Its own period never shortens the law's for the case: 5 days above the thresholds are 10.
    assert PL.standstill_last_day(date(2026, 12, 1), days=5) == date(2026, 12, 11)
    below = PL.standstill_last_day(date(2026, 12, 1), days=5, above_thresholds=False)
    assert below == date(2026, 12, 7)
    # A longer period of its own does not extend the odwołanie's time limit (art. 515).
    assert PL.standstill_last_day(date(2026, 12, 1), days=14, above_thresholds=False) == date(
        2026, 12, 15
    )
    assert PL.remedies_last_day(date(2026, 12, 1), above_thresholds=False) == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("electronic", "above", "standstill", "remedies"),
    [
        (True, True, "art. 264 ust. 1", "art. 515 ust. 1 pkt 1 lit. a"),
        (False, True, "art. 264 ust. 1", "art. 515 ust. 1 pkt 1 lit. b"),
        (True, False, "art. 308 ust. 2", "art. 515 ust. 1 pkt 2 lit. a"),
        (False, False, "art. 308 ust. 2", "art. 515 ust. 1 pkt 2 lit. b"),
    ],
)
def test_the_provision_cited_follows_the_case(electronic, above, standstill, remedies):
    assert PL.standstill.rule_for(electronic, above).startswith(standstill)
    assert PL.remedies.rule_for(electronic, above).startswith(remedies)
    assert "Prawo zamówień publicznych" in PL.standstill.rule_for(electronic, above)


@pytest.mark.parametrize(
    ("value", "currency", "kind", "above"),
    [
        # Supplies and services of a gmina (sub-central): 1 024 799 zł.
        (Decimal("1024799"), "PLN", "supplies_services", True),
        (Decimal("1024798.99"), "PLN", "supplies_services", False),
        # Social services (light regime, art. 359): 3 477 825 zł.
        (Decimal("3000000"), "PLN", "social_services", False),
        (Decimal("3477825"), "PLN", "social_services", True),
        # Works: 25 680 260 zł.
        (Decimal("20000000"), "PLN", "works", False),
        # Unknown value, or in another currency: the usual case, above.
        (None, "PLN", "supplies_services", True),
        (Decimal("1000"), "EUR", "supplies_services", True),
    ],
)
def test_the_contracts_value_against_the_eu_threshold_for_its_kind(value, currency, kind, above):
    assert PL.above_thresholds(value, currency, kind) is above


def test_elsewhere_every_contract_counts_as_above_the_thresholds():
    assert jurisdiction_for("NL").above_thresholds(Decimal(1), "EUR", "works") is True


@pytest.mark.parametrize("year", range(2024, 2031))
def test_the_days_off_agree_with_the_holidays_package(year):
    assert days_off(year) == set(holidays.country_holidays("PL", years=year))


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 6),
        date(2026, 6, 4),
        date(2026, 5, 3),
        date(2026, 11, 11),
        date(2025, 12, 24),
        date(2026, 1, 6),
        date(2026, 12, 12),
        date(2026, 12, 13),
    ],
)
def test_holidays_saturdays_and_sundays_are_not_working_days(day):
    assert not CALENDAR.is_working_day(day)


def test_the_grant_law_gives_no_appeal_and_an_agreement_not_a_decision():
    law = PL.grant_law
    assert law.appeal is False and law.contract_rule.startswith("art. 16 ust. 1")
    assert "wojewoda" in law.supervision
    assert "art. 15 ust. 2g" in law.reasons_rule
    # 30 days to ask for the reasons: 25 Nov 2026 + 30 = Friday 25 Dec -> Monday 28 Dec.
    assert PL.objection_last_day(date(2026, 11, 25)) == date(2026, 12, 28)
    assert PL.objection_last_day(date(2026, 12, 1)) == date(2026, 12, 31)
    # Unused money is repaid within 15 days (u.f.p. art. 251(3)).
    assert PL.payment_last_day(date(2026, 12, 1)) == date(2026, 12, 16)


def test_poland_defaults_and_its_notice_lists_every_offer():
    assert (PL.language, PL.currency, PL.timezone) == ("pl", "PLN", "Europe/Warsaw")
    assert PL.remedies.body == "Prezes Krajowej Izby Odwoławczej"
    assert PL.every_offers_scores.startswith("art. 253 ust. 1 pkt 1")
    assert jurisdiction_for("NL").every_offers_scores == ""
    assert PL.light_regime.threshold_eur == 750_000 and "359" in PL.light_regime.rule


def test_the_minimum_periods_cite_the_pzp():
    assert PL.minimum_period("open", "bids", electronic=True).days == 35
    restricted = PL.minimum_period("restricted", "bids", electronic=True)
    assert restricted.days == 25 and "151(4)" in restricted.rule
    assert PL.minimum_period("restricted", "bids", electronic=False).days == 30
    assert "144(1)" in PL.minimum_period("negotiation", "requests", electronic=False).rule
    assert PL.minimum_period("light_regime", "bids", electronic=True) is None
    assert CALENDAR.last_day(date(2026, 12, 1), Period(2, Unit.WEEKS)) == date(2026, 12, 15)
