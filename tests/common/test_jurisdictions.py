"""The Algemene termijnenwet calendar and the jurisdiction chosen by an authority's country.

Every date in these tables was checked by hand against a calendar and the Atw (art. 1: a period
ending on a Saturday, Sunday or holiday runs to the next working day; art. 2: a period of three
days or more holds at least two working days; art. 3: the holidays).
"""

from datetime import date

import pytest

from common.jurisdictions import Period, Unit, jurisdiction_for
from common.jurisdictions.nl import CALENDAR, atw_holidays

NL = jurisdiction_for("NL")

# Easter Monday, Ascension Day, Whit Monday per year (Easter Sunday: 20 Apr 2025, 5 Apr 2026,
# 28 Mar 2027, 16 Apr 2028, 1 Apr 2029, 21 Apr 2030).
EASTER_BASED = {
    2025: (date(2025, 4, 21), date(2025, 5, 29), date(2025, 6, 9)),
    2026: (date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)),
    2027: (date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)),
    2028: (date(2028, 4, 17), date(2028, 5, 25), date(2028, 6, 5)),
    2029: (date(2029, 4, 2), date(2029, 5, 10), date(2029, 5, 21)),
    2030: (date(2030, 4, 22), date(2030, 5, 30), date(2030, 6, 10)),
}
GOOD_FRIDAYS = [
    date(2025, 4, 18),
    date(2026, 4, 3),
    date(2027, 3, 26),
    date(2028, 4, 14),
    date(2029, 3, 30),
    date(2030, 4, 19),
]


@pytest.mark.parametrize("year", range(2025, 2031))
def test_the_atw_holidays_of_each_year(year):
    monday, ascension, whit_monday = EASTER_BASED[year]
    kings_day = date(2025, 4, 26) if year == 2025 else date(year, 4, 27)  # 27 Apr 2025: Sunday
    assert atw_holidays(year) == {
        date(year, 1, 1),
        monday,
        ascension,
        whit_monday,
        kings_day,
        date(year, 5, 5),
        date(year, 12, 25),
        date(year, 12, 26),
    }


@pytest.mark.parametrize("day", GOOD_FRIDAYS)
def test_good_friday_is_a_working_day(day):
    assert day.weekday() == 4 and CALENDAR.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 5),
        date(2027, 5, 5),
        date(2029, 5, 5),
        date(2026, 4, 27),
        date(2025, 4, 26),
        date(2027, 5, 6),
    ],
)
def test_holidays_are_not_working_days(day):
    assert not CALENDAR.is_working_day(day)


# (sent on, period, last day): the standstill (20 days), the objection period (6 weeks) and
# short periods where art. 2 bites.
PERIODS = [
    # Good Friday 26 Mar 2027 is a working day: the period ends on it.
    (date(2027, 3, 6), Period(20), date(2027, 3, 26)),
    # Wed 5 May 2027 (Liberation Day) -> Thu 6 May (Ascension) -> Fri 7 May.
    (date(2027, 4, 15), Period(20), date(2027, 5, 7)),
    # Sunday 17 Jan 2027 -> Monday 18 Jan.
    (date(2026, 12, 6), Period(6, Unit.WEEKS), date(2027, 1, 18)),
    # Saturday 24 Jan 2026 -> Monday 26 Jan.
    (date(2026, 1, 4), Period(20), date(2026, 1, 26)),
    # A working day stays: Thu 26 Nov 2026.
    (date(2026, 11, 6), Period(20), date(2026, 11, 26)),
    # Christmas: Fri 25 Dec 2026 -> Mon 28 Dec.
    (date(2026, 12, 5), Period(20), date(2026, 12, 28)),
    # New Year: Fri 1 Jan 2027 -> Mon 4 Jan.
    (date(2026, 12, 12), Period(20), date(2027, 1, 4)),
    # Easter Monday 17 Apr 2028.
    (date(2028, 3, 28), Period(20), date(2028, 4, 18)),
    # Whit Monday 21 May 2029 -> Tue 22 May.
    (date(2029, 4, 9), Period(6, Unit.WEEKS), date(2029, 5, 22)),
    # King's Day Sat 26 Apr 2025 (27th a Sunday): Sat, Sun -> Mon 28 Apr.
    (date(2025, 4, 6), Period(20), date(2025, 4, 28)),
    # King's Day Tue 27 Apr 2027 -> Wed 28 Apr.
    (date(2027, 4, 7), Period(20), date(2027, 4, 28)),
    # 5 May 2030 is a Sunday; Mon 6 May is a working day (no substitute holiday).
    (date(2030, 4, 15), Period(20), date(2030, 5, 6)),
    # Ascension Thu 30 May 2030 -> Fri 31 May.
    (date(2030, 5, 10), Period(20), date(2030, 5, 31)),
    # Art. 2: three days from Thu 24 Dec 2026 end Sun 27 Dec, run to Mon 28 Dec (art. 1),
    # which holds one working day only: Tue 29 Dec.
    (date(2026, 12, 24), Period(3), date(2026, 12, 29)),
    # Art. 2 satisfied by Good Friday: Thu 2 Apr 2026 + 3 = Sun 5 Apr -> Easter Monday ->
    # Tue 7 Apr, with Fri 3 Apr and Tue 7 Apr as working days.
    (date(2026, 4, 2), Period(3), date(2026, 4, 7)),
    # Two days are not a period of three days: art. 2 does not apply. Fri 1 May 2026 + 2 =
    # Sun 3 May -> Mon 4 May.
    (date(2026, 5, 1), Period(2), date(2026, 5, 4)),
    # Working days skip the holidays: 5 working days from Thu 30 Apr 2026 (5 May a holiday).
    (date(2026, 4, 30), Period(5, Unit.WORKING_DAYS), date(2026, 5, 8)),
]


@pytest.mark.parametrize(("start", "period", "last"), PERIODS)
def test_periods_under_the_algemene_termijnenwet(start, period, last):
    assert CALENDAR.last_day(start, period) == last


def test_letters_read_the_standstill_and_objection_periods_from_the_jurisdiction():
    assert NL.standstill_last_day(date(2027, 3, 6)) == date(2027, 3, 26)
    assert NL.standstill_last_day(date(2027, 3, 6), days=25) == date(2027, 3, 31)
    assert NL.objection_last_day(date(2026, 12, 6)) == date(2027, 1, 18)
    assert NL.language == "nl" and NL.currency == "EUR"
    assert "2.127" in NL.standstill.rule and "6:7" in NL.grant_law.objection_rule


def test_a_country_without_a_module_gets_the_eu_default_with_its_own_holidays():
    finland = jurisdiction_for("fi")
    assert finland.country == "FI" and finland.language == "en" and finland.currency == "EUR"
    assert finland.standstill.period == Period(10)
    assert "Directive 2007/66/EC" in finland.standstill.rule
    # Good Friday is a Finnish public holiday: 16 Mar 2027 + 10 = Fri 26 Mar -> Tue 30 Mar.
    assert finland.standstill_last_day(date(2027, 3, 16)) == date(2027, 3, 30)


def test_the_minimum_periods_per_procedure_are_the_jurisdictions():
    dutch = jurisdiction_for("NL")
    assert dutch.minimum_period("open", "bids", electronic=False).days == 35
    assert dutch.minimum_period("open", "bids", electronic=True).days == 30
    restricted = dutch.minimum_period("restricted", "bids", electronic=True)
    assert restricted.days == 30 and restricted.from_invitation
    assert "art. 2.75" in restricted.rule
    assert dutch.minimum_period("light_regime", "bids", electronic=True) is None
    assert dutch.minimum_period("open", "questions", electronic=True) is None
    polish = jurisdiction_for("PL").minimum_period("negotiation", "requests", electronic=False)
    assert polish.days == 30 and "Aanbestedingswet" not in polish.rule
