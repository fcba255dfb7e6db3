"""A letter as its template sees it: every value formatted in the letter's language (Babel).

Amounts become "€ 12.500,00" or "€12,500.00", days "14 december 2026" or "14 December 2026",
scores keep the decimals they were given ("7,5", "26,67"). Text is kept as it is, only with the
characters XML cannot hold taken out, so names and justifications appear literally: the
sandboxed environment escapes them, and nothing in a value is ever read as a template.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from types import SimpleNamespace
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from documents.letters.kinds import Letter, Money
from web.i18n import FORMAT_LOCALES

# Characters XML 1.0 does not allow (control characters other than tab, newline and return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def locale_of(language: str) -> str:
    return FORMAT_LOCALES.get(language, "en_GB")


def money(value: Money, language: str) -> str:
    return format_currency(value.amount, value.currency, locale=locale_of(language))


def day(value: date, language: str) -> str:
    """A day written out: "14 december 2026"."""
    return format_date(value, "long", locale=locale_of(language))


@cache
def _pattern(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def number(value: Decimal | int, language: str) -> str:
    """A number with the decimals it was given, in the language's notation."""
    if isinstance(value, int):
        return format_decimal(value, locale=locale_of(language))
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(
        value, format=_pattern(places), locale=locale_of(language), decimal_quantization=False
    )


def present_value(value: Any, language: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Money):
        return money(value, language)
    if isinstance(value, datetime):
        raise TypeError("letters take days (date), not moments (datetime)")
    if isinstance(value, date):
        return day(value, language)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return number(value, language)
    if isinstance(value, tuple | list):
        return [present_value(item, language) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return SimpleNamespace(**present_fields(value, language))
    raise TypeError(f"cannot put {type(value).__name__} into a letter")


def properties_of(cls: type) -> list[str]:
    return [
        name
        for name in dir(cls)
        if not name.startswith("_") and isinstance(getattr(cls, name, None), property)
    ]


def present_fields(value: Any, language: str) -> dict[str, Any]:
    """The dataclass's fields and public properties, formatted."""
    names = [f.name for f in dataclasses.fields(value)] + properties_of(type(value))
    found = {name: present_value(getattr(value, name), language) for name in names}
    if hasattr(value, "worded"):  # what each language words itself (the greeting)
        found |= {name: clean_text(text) for name, text in value.worded(language).items()}
    return found


def context_of(letter: Letter, language: str) -> Mapping[str, Any]:
    """The names a letter template can use: the letter's fields and ``language``."""
    return {**present_fields(letter, language), "language": language}
