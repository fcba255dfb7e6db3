"""Money: a Decimal amount with its currency. Never a float, never two currencies added up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal

from common.errors import DomainError
from common.i18n import N_

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


def to_cents(amount: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    return amount.quantize(CENT, rounding=rounding)


def floor_cents(amount: Decimal) -> Decimal:
    """Round down to the cent, so that shares never add up to more than the whole."""
    return amount.quantize(CENT, rounding=ROUND_DOWN)


def parse_amount(text: str, locale: str = "en_GB") -> Decimal:
    """Parse an amount typed by a user ("1.234,56" in Dutch, "1,234.56" in English).

    Raises :class:`DomainError` naming the value when it is not an amount, is negative, has more
    than two decimals or exceeds :data:`MAX_AMOUNT`.
    """
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise DomainError(N_("An amount is required"))
    try:
        value = parse_decimal(cleaned, locale=locale, strict=False)
    except (NumberFormatError, InvalidOperation) as exc:
        raise DomainError(N_("{value} is not an amount"), value=text) from exc
    return check_amount(value, text)


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
