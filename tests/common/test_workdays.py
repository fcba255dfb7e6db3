"""Working-day periods use each country's public holidays."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError
from common.workdays import add_working_days, is_working_day, working_days_between


def test_weekends_are_not_working_days():
    assert is_working_day(date(2026, 11, 20), "NL")  # Friday
    assert not is_working_day(date(2026, 11, 21), "NL")  # Saturday
    assert not is_working_day(date(2026, 11, 22), "NL")  # Sunday


@pytest.mark.parametrize(
    ("day", "country"),
    [
        (date(2026, 4, 27), "NL"),  # Koningsdag
        (date(2026, 5, 14), "DK"),  # Kristi himmelfartsdag
        (date(2026, 5, 3), "PL"),  # Święto Konstytucji 3 Maja (a Sunday anyway)
        (date(2026, 11, 11), "PL"),  # Narodowe Święto Niepodległości
        (date(2026, 6, 6), "SE"),  # Sveriges nationaldag (a Saturday anyway)
        (date(2026, 12, 25), "SE"),
    ],
)
def test_national_holidays_are_not_working_days(day, country):
    assert not is_working_day(day, country)


def test_a_holiday_in_one_country_is_a_working_day_in_another():
    assert not is_working_day(date(2026, 11, 11), "PL")
    assert is_working_day(date(2026, 11, 11), "NL")


def test_ten_working_days_over_christmas_in_the_netherlands():
    # Wed 23 Dec 2026; 25 and 26 Dec (Fri, Sat) and 1 Jan (Fri) are holidays.
    assert add_working_days(date(2026, 12, 23), 10, "NL") == date(2027, 1, 8)


def test_zero_days_moves_to_the_next_working_day():
    assert add_working_days(date(2026, 11, 21), 0, "NL") == date(2026, 11, 23)
    assert add_working_days(date(2026, 11, 23), 0, "NL") == date(2026, 11, 23)


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), -1, "NL")


def test_an_unknown_country_is_named():
    with pytest.raises(DomainError) as caught:
        add_working_days(date(2026, 11, 23), 1, "XX")
    assert caught.value.problem.params == {"country": "XX"}


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    st.integers(min_value=1, max_value=40),
    st.sampled_from(["NL", "DK", "PL", "SE"]),
)
def test_counting_back_gives_the_period(start, days, country):
    end = add_working_days(start, days, country)
    assert is_working_day(end, country)
    assert working_days_between(start, end, country) == days
    assert working_days_between(start, end - timedelta(days=1), country) == days - 1
