"""Money, numbers and dates in the reader's language; times in the authority's zone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

from web.i18n import format_locale as locale_code


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


def day(value: date | datetime | None, style: str = "medium", language: str | None = None) -> str:
    if value is None:
        return ""
    return format_date(value, style, locale=format_locale(language))


def moment(value: datetime | None, zone: str = "Europe/Amsterdam", style: str = "medium",
           language: str | None = None) -> str:
    """A UTC moment shown as wall-clock time in ``zone``."""
    if value is None:
        return ""
    return format_datetime(value, style, tzinfo=ZoneInfo(zone), locale=format_locale(language))
