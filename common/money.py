"""Money: a Decimal amount with its currency. Never a float, never two currencies added up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import cache
from typing import Any

from babel.numbers import get_currency_symbol

from common.errors import DomainError, ProblemCollector
from common.i18n import FORMAT_LOCALES, N_, format_locale
from common.numbers import MINUS, SPACES, plain_text, read

CURRENCIES: tuple[str, ...] = ("EUR", "DKK", "PLN", "SEK")
CENT = Decimal("0.01")
# Amounts are stored as NUMERIC(14, 2). SQLite keeps 15 significant digits of a NUMERIC value,
# so every amount up to this bound round-trips exactly on both databases.
MAX_AMOUNT = Decimal("999999999999.99")


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in CURRENCIES:
        raise DomainError(
            N_("Unknown currency {currency}; use one of {allowed}"),
            currency=code or "(empty)",
            allowed=", ".join(CURRENCIES),
        )
    return code


def floor_cents(amount: Decimal) -> Decimal:
    """Round down to the cent, so that shares never add up to more than the whole."""
    return amount.quantize(CENT, rounding=ROUND_DOWN)


@cache
def _currency_marks() -> tuple[tuple[str, frozenset[str]], ...]:
    """Every way an amount may name its currency (codes, and the symbols Babel writes in each
    formatting language), longest first, each with the currencies it may stand for."""
    marks: dict[str, set[str]] = {}
    for code in CURRENCIES:
        marks.setdefault(code.lower(), set()).add(code)
        for locale in FORMAT_LOCALES.values():
            marks.setdefault(get_currency_symbol(code, locale).lower(), set()).add(code)
    marks.setdefault("kr", set()).update({"DKK", "SEK"})
    return tuple(
        sorted(((m, frozenset(c)) for m, c in marks.items()), key=lambda item: -len(item[0]))
    )


def _strip_currency(text: str) -> tuple[str, frozenset[str] | None]:
    """The text without a currency mark at its start or end, and what the mark may mean."""
    lowered = text.lower()
    for mark, codes in _currency_marks():
        if lowered.startswith(mark):
            return text[len(mark) :], codes
        if lowered.endswith(mark):
            return text[: -len(mark)], codes
    return text, None


def parse_amount(text: Any, locale: str | None = None, currency: str | None = None) -> Decimal:
    """An amount as a user types it, read by :mod:`common.numbers`' rule in the user's language
    (``locale``: a Babel locale; by default the current request's).

    Accepts what the pages show (``€ 12.500.000,00``, ``12.500.000,00``, ``12500000,5`` in
    Dutch; ``€12,500,000.00`` in English), with or without a currency code or symbol and spaces
    of any kind, and the Dutch ``12,-``. Raises :class:`DomainError` naming the value when it is
    not an amount, is ambiguous (both readings shown), names another currency than
    ``currency``, is negative, has more than two decimals or exceeds :data:`MAX_AMOUNT`.
    """
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        return check_amount(Decimal(text))
    shown = str(text or "").strip()
    cleaned = SPACES.sub("", shown)
    if not cleaned:
        raise DomainError(N_("An amount is required"))
    sign = ""
    if cleaned.startswith(MINUS):  # "-€ 12,50" as English writes a negative amount
        sign, cleaned = "-", cleaned[1:]
    cleaned, codes = _strip_currency(cleaned)
    if codes is not None and currency is not None and currency not in codes:
        raise DomainError(N_("{value} is not in {currency}"), value=shown, currency=currency)
    cleaned = re.sub(r"[.,]-{1,2}$", "", cleaned)  # "12,-": whole euros, as Dutch writes them
    value = read(
        sign + cleaned,
        locale,
        shown=shown,
        not_a_number=N_("{value} is not an amount"),
        decimals_shown=2,
    )
    return check_amount(value, shown)


def read_amount(
    problems: ProblemCollector,
    form: Mapping[str, Any],
    name: str,
    required: bool = True,
    locale: str | None = None,
    currency: str | None = None,
) -> Decimal | None:
    """:func:`parse_amount` of a form field, its problem (if any) added under the field's
    name; None when empty (a problem too when ``required``) or refused."""
    raw = form.get(name)
    if raw is None or (isinstance(raw, str) and not SPACES.sub("", raw)):
        if required:
            problems.add(name, N_("An amount is required"))
        return None
    try:
        return parse_amount(raw, locale, currency)
    except DomainError as exc:
        problems.add(name, exc.problem.message, **exc.problem.params)
        return None


def input_amount(amount: Decimal | None, locale: str | None = None) -> str:
    """A stored amount as a form field shows it for editing (``1250000,50`` in Dutch)."""
    return "" if amount is None else plain_text(Decimal(amount), locale or format_locale(), 2)


def check_amount(value: Decimal, shown_as: object = None) -> Decimal:
    shown = value if shown_as is None else shown_as
    if not value.is_finite():
        raise DomainError(N_("{value} is not an amount"), value=shown)
    if value < 0:
        raise DomainError(N_("{value} is negative"), value=shown)
    if value != value.quantize(CENT):
        raise DomainError(N_("{value} has more than two decimals"), value=shown)
    if value > MAX_AMOUNT:
        raise DomainError(N_("{value} is above the maximum amount"), value=shown)
    return value.quantize(CENT)


@dataclass(frozen=True, order=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money.amount must be a Decimal")
        if self.currency not in CURRENCIES:
            raise ValueError(f"unknown currency {self.currency}")

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise DomainError(
                N_("Cannot combine amounts in {first} and {second}"),
                first=self.currency,
                second=other.currency,
            )

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal("0.00"), currency)
