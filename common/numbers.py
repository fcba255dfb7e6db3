"""Reading numbers as people type them, in the reader's language: one rule for the product.

Scores, weights, percentages (here) and amounts (:func:`common.money.parse_amount`) are read by
the same rule, so that what a page shows can be typed back on any page:

* Spaces of every kind are ignored (Polish and Swedish group thousands with a no-break space).
* With both ``.`` and ``,`` present, the last one is the decimal separator and the other one
  groups thousands: ``12.500.000,50`` and ``12,500,000.50`` are the same number in every
  language. Groups after the first have three digits, or the text is refused.
* A separator that occurs more than once groups thousands: ``12.500.000``.
* A single separator followed by other than three digits is the decimal separator:
  ``12500000,5``, ``7.5``, ``0,25``.
* **A single separator followed by exactly three digits** (``1.000``, ``2,500``) is a thousands
  separator in one convention and a decimal separator in the other. It is read as the
  language's own thousands separator (``1.000`` is one thousand in Dutch and Danish,
  ``1,000`` in English), and refused as ambiguous otherwise, with both readings in the message
  (``1,000`` in Dutch: 1000 or 1). Where grouping is impossible (``0,500``, ``1000,500``) it
  is the decimal separator.

The separators come from Babel's locale data, so Danish, Polish and Swedish follow by adding the
language: nothing here names a country.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from common.errors import DomainError
from common.i18n import N_, format_locale

SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
MINUS = ("-", "\u2212")
SEPARATORS = ".,"
NOT_A_NUMBER = N_("{value} is not a number")
AMBIGUOUS = N_("{value} is ambiguous: it can mean {first} or {second}; type one of these")
BAD_GROUPS = N_("{value} is not a number: groups of thousands have three digits")


@cache
def symbols(locale: str) -> tuple[str, str]:
    """The locale's decimal symbol and its thousands separator ("," and "." in Dutch)."""
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    return decimal, group


def plain_text(value: Decimal, locale: str, decimals: int | None = None) -> str:
    """``value`` written without thousands separators, with the locale's decimal symbol: a
    form that every rule above reads back as the same number (for messages and form fields)."""
    if decimals is not None and value != value.quantize(Decimal(1).scaleb(-decimals)):
        decimals = None  # never round a reading: show its every decimal
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals))
    elif value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    pattern = (
        "0"
        if decimals == 0 or (decimals is None and value.as_tuple().exponent >= 0)
        else "0." + "0" * (decimals if decimals is not None else -value.as_tuple().exponent)
    )
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=False)


def _grouped(part: str, group: str) -> str | None:
    """The digits of ``part`` grouped by ``group`` (``12.500.000``), or None if misgrouped."""
    pieces = part.split(group)
    first, rest = pieces[0], pieces[1:]
    if not (1 <= len(first) <= 3 and first.isdigit()) or (first.startswith("0") and rest):
        return None
    if not all(len(p) == 3 and p.isdigit() for p in rest):
        return None
    return "".join(pieces)


def read(
    text: str,
    locale: str | None = None,
    *,
    shown: Any = None,
    not_a_number: str = NOT_A_NUMBER,
    decimals_shown: int | None = None,
) -> Decimal:
    """The number in ``text`` (no currency; a leading minus allowed), by the rule above.

    Raises :class:`DomainError` with ``not_a_number``, the groups message, or the ambiguity
    message naming both readings (written with ``decimals_shown`` decimals).
    """
    locale = locale or format_locale()
    shown = text if shown is None else shown
    cleaned = SPACES.sub("", text or "")
    negative = cleaned.startswith(MINUS)
    if negative:
        cleaned = cleaned[1:]
    if (
        not cleaned
        or not re.fullmatch(r"[0-9.,]+", cleaned)
        or not any(c.isdigit() for c in cleaned)
    ):
        raise DomainError(not_a_number, value=shown)
    present = [c for c in SEPARATORS if c in cleaned]
    digits: str
    if not present:
        digits = cleaned
    elif len(present) == 2:
        point = max(present, key=cleaned.rindex)
        other = "," if point == "." else "."
        whole, _, fraction = cleaned.rpartition(point)
        grouped = _grouped(whole, other) if whole else None
        if point in whole or not fraction or other in fraction or grouped is None:
            raise DomainError(
                BAD_GROUPS if grouped is None and whole else not_a_number, value=shown
            )
        digits = f"{grouped}.{fraction}"
    else:
        [separator] = present
        whole, _, fraction = cleaned.partition(separator)
        if separator in fraction:  # several: they group thousands
            grouped = _grouped(cleaned, separator)
            if grouped is None:
                raise DomainError(BAD_GROUPS, value=shown)
            digits = grouped
        elif not fraction:
            raise DomainError(not_a_number, value=shown)
        elif len(fraction) == 3 and whole and _grouped(cleaned, separator) is not None:
            as_group = Decimal(whole + fraction)
            if separator == symbols(locale)[1]:
                digits = whole + fraction
            else:
                as_point = Decimal(f"{whole}.{fraction}")
                raise DomainError(
                    AMBIGUOUS,
                    value=shown,
                    first=plain_text(as_group, locale, decimals_shown),
                    second=plain_text(as_point, locale, decimals_shown),
                )
        else:
            digits = f"{whole or '0'}.{fraction}"
    try:
        value = Decimal(digits)
    except InvalidOperation:
        raise DomainError(not_a_number, value=shown) from None
    return -value if negative else value


def parse_number(raw: Any, locale: str | None = None) -> Decimal | None:
    """A score, weight or percentage as typed (``7,5``, ``7.5``, ``1.000`` in Dutch); None when
    empty. Numbers given as numbers (a JSON body, a spreadsheet cell) are taken as they are.
    Raises :class:`DomainError` when the text is not a number or is ambiguous."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise DomainError(NOT_A_NUMBER, value=str(raw))
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int | float):
        number = Decimal(str(raw))
    else:
        text = str(raw)
        if not SPACES.sub("", text):
            return None
        number = read(text, locale, shown=text.strip())
    if not number.is_finite():
        raise DomainError(NOT_A_NUMBER, value=str(raw))
    return number


def parse_percentage(raw: Any, locale: str | None = None) -> Decimal | None:
    """A percentage as typed, with or without its sign (``12,5 %``)."""
    if isinstance(raw, str):
        raw = raw.strip().removesuffix("%")
    return parse_number(raw, locale)


def input_text(
    value: Decimal | int | None, locale: str | None = None, decimals: int | None = None
) -> str:
    """A stored number as a form field shows it for editing: no thousands separators, the
    language's decimal symbol (``1250000,5`` in Dutch), so submitting it again reads it back."""
    if value is None:
        return ""
    return plain_text(Decimal(value), locale or format_locale(), decimals)


@lru_cache(maxsize=4096)
def plain(value: Decimal | int | float) -> str:
    """A number as people write it: 7.5, 10, 0.25 (no trailing zeros, no exponent)."""
    number = Decimal(value) if not isinstance(value, Decimal) else value
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
