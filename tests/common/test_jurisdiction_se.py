"""The Swedish jurisdiction: the calendar of lagen (1930:173) om beräkning av lagstadgad tid,
the avtalsspärr of LOU 20 kap. 1 §, överprövning, LOV and the föreningsbidrag.

Every date in these tables was checked by hand against a calendar (Easter Sunday: 20 Apr 2025,
5 Apr 2026, 28 Mar 2027, 16 Apr 2028) and the acts: a period ending on a Saturday, Sunday,
allmän helgdag, midsommarafton, julafton or nyårsafton runs to the next weekday (1930:173,
2 §); the holidays are those of lagen (1989:253) om allmänna helgdagar.
"""

from datetime import date

import pytest

from authorities.domain import COUNTRY_DEFAULTS
from common.jurisdictions import Period, Unit, jurisdiction_for
from common.jurisdictions.se import CALENDAR, allmanna_helgdagar, non_working_days

SE = jurisdiction_for("SE")

HOLIDAYS_2026 = {
    date(2026, 1, 1),  # nyårsdagen
    date(2026, 1, 6),  # trettondedag jul
    date(2026, 4, 3),  # långfredagen
    date(2026, 4, 5),  # påskdagen
    date(2026, 4, 6),  # annandag påsk
    date(2026, 5, 1),  # första maj
    date(2026, 5, 14),  # Kristi himmelsfärds dag
    date(2026, 5, 24),  # pingstdagen
    date(2026, 6, 6),  # nationaldagen (a Saturday)
    date(2026, 6, 20),  # midsommardagen
    date(2026, 10, 31),  # alla helgons dag
    date(2026, 12, 25),  # juldagen
    date(2026, 12, 26),  # annandag jul
}


def test_the_allmanna_helgdagar_of_2026():
    assert allmanna_helgdagar(2026) == HOLIDAYS_2026


@pytest.mark.parametrize(
    ("year", "midsommarafton"),
    [(2026, date(2026, 6, 19)), (2027, date(2027, 6, 25)), (2028, date(2028, 6, 23))],
)
def test_the_eves_the_1930_act_adds(year, midsommarafton):
    eves = non_working_days(year) - allmanna_helgdagar(year)
    assert eves == {midsommarafton, date(year, 12, 24), date(year, 12, 31)}
    assert midsommarafton.weekday() == 4


@pytest.mark.parametrize(
    "day",
    [
        date(2027, 3, 26),  # långfredagen: not a working day in Sweden (it is in the Netherlands)
        date(2027, 3, 29),  # annandag påsk
        date(2027, 5, 6),  # Kristi himmelsfärds dag
        date(2028, 6, 6),  # nationaldagen on a Tuesday
        date(2027, 6, 25),  # midsommarafton
        date(2026, 12, 24),
        date(2026, 12, 31),  # julafton, nyårsafton (Thursdays)
        date(2027, 1, 6),  # trettondedag jul
    ],
)
def test_holidays_and_eves_are_not_working_days(day):
    assert day.weekday() < 5 and not CALENDAR.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 6, 9),  # annandag pingst: no longer a holiday since 2005
        date(2026, 5, 15),  # the Friday after Kristi himmelsfärd (a "klämdag", still a weekday)
        date(2026, 4, 30),  # valborgsmässoafton: not in the act
    ],
)
def test_days_the_act_does_not_name_are_working_days(day):
    assert CALENDAR.is_working_day(day)


# (sent on, period, last day).
PERIODS = [
    # Tue 1 Dec 2026 + 10 = Fri 11 Dec: a weekday, it stays.
    (date(2026, 12, 1), Period(10), date(2026, 12, 11)),
    # Not sent electronically: 15 days, Wed 16 Dec.
    (date(2026, 12, 1), Period(15), date(2026, 12, 16)),
    # Wed 2 Dec + 10 = Sat 12 Dec -> Mon 14 Dec.
    (date(2026, 12, 2), Period(10), date(2026, 12, 14)),
    # Mon 14 Dec + 10 = julafton (Thu) -> juldagen, annandag jul (Sat), Sun -> Mon 28 Dec.
    (date(2026, 12, 14), Period(10), date(2026, 12, 28)),
    # Mon 21 Dec + 10 = nyårsafton (Thu) -> nyårsdagen, Sat, Sun -> Mon 4 Jan 2027.
    (date(2026, 12, 21), Period(10), date(2027, 1, 4)),
    # Sun 27 Dec + 10 = trettondedag jul (Wed 6 Jan 2027) -> Thu 7 Jan.
    (date(2026, 12, 27), Period(10), date(2027, 1, 7)),
    # Tue 16 Mar 2027 + 10 = långfredagen (26 Mar) -> Sat, påskdagen, annandag påsk -> Tue 30.
    (date(2027, 3, 16), Period(10), date(2027, 3, 30)),
    # Fri 27 Mar 2026 + 10 = annandag påsk (Mon 6 Apr) -> Tue 7 Apr.
    (date(2026, 3, 27), Period(10), date(2026, 4, 7)),
    # Tue 21 Apr 2026 + 10 = första maj (Fri) -> Mon 4 May.
    (date(2026, 4, 21), Period(10), date(2026, 5, 4)),
    # Mon 4 May 2026 + 10 = Kristi himmelsfärd (Thu 14 May) -> Fri 15 May.
    (date(2026, 5, 4), Period(10), date(2026, 5, 15)),
    # Sat 27 May 2028 + 10 = nationaldagen (Tue 6 Jun) -> Wed 7 Jun.
    (date(2028, 5, 27), Period(10), date(2028, 6, 7)),
    # Tue 27 May 2025 + 10 = nationaldagen (Fri 6 Jun) -> Sat, pingstdagen -> Mon 9 Jun
    # (annandag pingst is a weekday).
    (date(2025, 5, 27), Period(10), date(2025, 6, 9)),
    # Tue 9 Jun 2026 + 10 = midsommarafton (Fri 19 Jun) -> midsommardagen, Sun -> Mon 22 Jun.
    (date(2026, 6, 9), Period(10), date(2026, 6, 22)),
    # Tue 15 Jun 2027 + 10 = midsommarafton (Fri 25 Jun) -> Mon 28 Jun.
    (date(2027, 6, 15), Period(10), date(2027, 6, 28)),
    # Three weeks (LOV, laglighetsprövning): Thu 3 Dec 2026 + 21 = julafton -> Mon 28 Dec.
    (date(2026, 12, 3), Period(3, Unit.WEEKS), date(2026, 12, 28)),
    # 30 days to pay: Tue 1 Dec 2026 + 30 = nyårsafton -> Mon 4 Jan 2027.
    (date(2026, 12, 1), Period(30), date(2027, 1, 4)),
    # Working days skip the eves: 3 working days from Wed 23 Dec 2026 are 28, 29, 30 Dec.
    (date(2026, 12, 23), Period(3, Unit.WORKING_DAYS), date(2026, 12, 30)),
]


@pytest.mark.parametrize(("start", "period", "last"), PERIODS)
def test_periods_under_the_1930_act(start, period, last):
    assert CALENDAR.last_day(start, period) == last


# (sent on, last day sent electronically, last day sent otherwise): LOU 20 kap. 1 §.
AVTALSSPARR = [
    (date(2026, 12, 1), date(2026, 12, 11), date(2026, 12, 16)),
    # Wed 9 Dec: +10 = Sat 19 Dec -> Mon 21 Dec; +15 = julafton -> Mon 28 Dec.
    (date(2026, 12, 9), date(2026, 12, 21), date(2026, 12, 28)),
    # Thu 11 Mar 2027: +10 = Sun 21 Mar -> Mon 22 Mar; +15 = långfredagen -> Tue 30 Mar.
    (date(2027, 3, 11), date(2027, 3, 22), date(2027, 3, 30)),
    # Fri 4 Jun 2027: +10 = Mon 14 Jun; +15 = Sat 19 Jun -> Mon 21 Jun (midsommar is 25 Jun).
    (date(2027, 6, 4), date(2027, 6, 14), date(2027, 6, 21)),
]


@pytest.mark.parametrize(("sent_on", "electronic", "otherwise"), AVTALSSPARR)
def test_the_avtalsspärr_is_10_days_electronically_and_15_otherwise(sent_on, electronic, otherwise):
    assert SE.standstill_last_day(sent_on) == electronic
    assert SE.standstill_last_day(sent_on, electronic=False) == otherwise
    # An authority's own longer avtalsspärr is kept; a shorter one never beats the 15 days.
    assert SE.standstill_last_day(sent_on, days=20, electronic=False) > otherwise
    assert SE.standstill_last_day(sent_on, days=10, electronic=False) == otherwise


def test_the_swedish_jurisdiction_and_its_articles():
    assert (SE.country, SE.language, SE.currency, SE.timezone) == (
        "SE",
        "sv",
        "SEK",
        "Europe/Stockholm",
    )
    assert SE.standstill.period == Period(10) and SE.standstill.period_for(False) == Period(15)
    assert SE.standstill.rule == "20 kap. 1 § lagen (2016:1145) om offentlig upphandling"
    assert SE.remedies.body == "förvaltningsrätten" and "20 kap. 4-6 §§" in SE.remedies.rule
    assert SE.remedies.period == Period(10)  # överprövning within the avtalsspärr
    lov = SE.remedies_for("open_house")
    assert lov.period == Period(3, Unit.WEEKS) and "10 kap. 1 §" in lov.rule
    assert "valfrihetssystem" in lov.rule
    assert SE.remedies_for("open") is SE.remedies
    assert SE.grant_law.reasons_rule == "32 § förvaltningslagen (2017:900)"
    assert SE.grant_law.objection == Period(3, Unit.WEEKS)
    assert "13 kap. 5 §" in SE.grant_law.objection_rule
    assert SE.grant_law.appeal is False  # no förvaltningsbesvär
    assert "laglighetsprövning enligt 13 kap." in SE.grant_law.supervision
    assert "19 kap." in SE.light_regime.rule and SE.light_regime.threshold_eur == 750_000


def test_the_minimum_periods_cite_lou_11_kap_and_the_directive():
    open_paper = SE.minimum_period("open", "bids", electronic=False)
    open_electronic = SE.minimum_period("open", "bids", electronic=True)
    assert open_paper.days == 35 and "LOU 11 kap. 2 §" in open_paper.rule
    assert open_electronic.days == 30 and "27(4)" in open_electronic.rule
    requests = SE.minimum_period("restricted", "requests", electronic=True)
    assert requests.days == 30 and "LOU 11 kap. 6 §" in requests.rule
    bids = SE.minimum_period("restricted", "bids", electronic=True)
    assert bids.days == 30 and bids.from_invitation and "LOU 11 kap. 8 §" in bids.rule
    assert SE.minimum_period("competitive_dialogue", "requests", electronic=False).days == 30
    assert SE.minimum_period("light_regime", "bids", electronic=True) is None
    assert SE.minimum_period("open_house", "bids", electronic=True) is None


def test_other_countries_keep_their_remedies_and_standstill():
    dutch = jurisdiction_for("NL")
    assert dutch.remedies_for("open_house") is dutch.remedies
    assert dutch.standstill_last_day(date(2027, 3, 6), electronic=False) == date(2027, 3, 26)


def test_a_new_swedish_authority_starts_with_the_swedish_defaults():
    defaults = COUNTRY_DEFAULTS["SE"]
    assert (defaults.currency, defaults.timezone, defaults.language, defaults.standstill_days) == (
        "SEK",
        "Europe/Stockholm",
        "sv",
        10,
    )
