"""Money, numbers and dates in the reader's language; times in the authority's zone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from common.errors import Problem
from common.i18n import DATE_STYLE, moment_pattern
from common.i18n import format_locale as locale_code


def format_locale(language: str | None = None) -> Locale:
    """The reader's formatting locale, parsed once (babel parses a code on every call)."""
    return _parsed(locale_code(language))


@cache
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def money(amount: Decimal | int | None, currency: str, language: str | None = None) -> str:
    if amount is None:
        return ""
    return format_currency(Decimal(amount), currency, locale=format_locale(language))


def number(value: Decimal | float | int | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=format_locale(language))


def percent(value: Decimal | float | None, language: str | None = None) -> str:
    if value is None:
        return ""
    return format_percent(value, locale=format_locale(language), decimal_quantization=False)


def day(value: date | datetime | str | None, language: str | None = None) -> str:
    """A day (or an ISO day, as kept in JSON) in the reader's one format for days."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, DATE_STYLE, locale=format_locale(language))


def moment(
    value: datetime | None, zone: str = "Europe/Amsterdam", language: str | None = None
) -> str:
    """A UTC moment shown as wall-clock time in ``zone``, in the reader's one moment format."""
    if value is None:
        return ""
    return format_datetime(
        value,
        moment_pattern(format_locale(language)),
        tzinfo=ZoneInfo(zone),
        locale=format_locale(language),
    )


# A message parameter written as an ISO day ("2026-03-01") or a local wall-clock moment
# ("2026-03-01 10:05:00", as stored in a reason) is shown as every other day and moment.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def readable(value: Any, zone: str, language: str | None = None) -> Any:
    """A message parameter as the reader reads it: days and moments in the one format."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # already wall-clock time
            return format_datetime(
                value, moment_pattern(format_locale(language)), locale=format_locale(language)
            )
        return moment(value, zone, language)
    if isinstance(value, date):
        return day(value, language)
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return day(date.fromisoformat(value), language)
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
        return readable(datetime.fromisoformat(value), zone, language)
    return value


def readable_problem(problem: Problem, zone: str) -> Problem:
    """The problem with its days and moments written for the reader (``zone``: for moments
    in UTC)."""
    if not problem.params:
        return problem
    params: Mapping[str, Any] = {
        name: readable(value, zone) for name, value in problem.params.items()
    }
    return replace(problem, params=params)
