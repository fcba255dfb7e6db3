"""Periods in working days: weekends and the public holidays of the authority's country.

Some rules count working days (a Danish "hverdage" period, a Polish "dni robocze" term); the
public holidays come from the ``holidays`` package for the authority's country.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from common.errors import DomainError
from common.i18n import N_


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country.upper(), years=year))
    except NotImplementedError as exc:
        raise DomainError(
            N_("No public holidays are known for country {country}"), country=country
        ) from exc


def is_working_day(day: date, country: str) -> bool:
    return day.weekday() < 5 and day not in _calendar(country, day.year)


def add_working_days(start: date, days: int, country: str) -> date:
    """The day ``days`` working days after ``start`` (``start`` itself is not counted).

    With ``days == 0`` the result is ``start`` when it is a working day, else the next one.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day, country):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, country):
            counted += 1
    return day


def working_days_between(start: date, end: date, country: str) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, country):
            count += 1
    return count
