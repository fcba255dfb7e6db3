from datetime import UTC, date, datetime, time

import pytest

from common.errors import DomainError
from common.localtime import local_to_utc, parse_local_datetime, utc_to_local


def test_noon_in_amsterdam_is_noon_on_both_sides_of_daylight_saving():
    # The last Sunday of March 2026 is 29 March; of October, 25 October.
    assert local_to_utc(date(2026, 3, 28), time(12), "Europe/Amsterdam") == datetime(
        2026, 3, 28, 11, tzinfo=UTC
    )
    assert local_to_utc(date(2026, 3, 29), time(12), "Europe/Amsterdam") == datetime(
        2026, 3, 29, 10, tzinfo=UTC
    )
    assert local_to_utc(date(2026, 10, 25), time(12), "Europe/Amsterdam") == datetime(
        2026, 10, 25, 11, tzinfo=UTC
    )


def test_a_wall_time_that_does_not_exist_moves_past_the_jump():
    moment = local_to_utc(date(2026, 3, 29), time(2, 30), "Europe/Amsterdam")
    assert utc_to_local(moment, "Europe/Amsterdam").time() == time(3, 30)


def test_html_datetime_local_values_are_read_in_the_authoritys_zone():
    assert parse_local_datetime("2026-03-01T12:00", "Europe/Warsaw") == datetime(
        2026, 3, 1, 11, tzinfo=UTC
    )
    with pytest.raises(DomainError, match="is not a date and time"):
        parse_local_datetime("1 March", "Europe/Warsaw")
    with pytest.raises(DomainError, match="Unknown time zone"):
        local_to_utc(date(2026, 1, 1), time(12), "Mars/Olympus")
