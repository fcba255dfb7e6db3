from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError
from common.money import MAX_AMOUNT, Money, check_currency, floor_cents, parse_amount


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1.234,56", "nl_NL", Decimal("1234.56")),
        ("1,234.56", "en_GB", Decimal("1234.56")),
        ("€ 1.400.000", "nl_NL", Decimal("1400000.00")),
        ("1400000", "da_DK", Decimal("1400000.00")),
        (" 12,5 ", "nl_NL", Decimal("12.50")),
    ],
)
def test_parse_amount_in_the_users_language(text, locale, expected):
    if expected is None:
        with pytest.raises(DomainError, match="is not an amount"):
            parse_amount(text, locale)
    else:
        assert parse_amount(text, locale) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "An amount is required"),
        ("-5", "is negative"),
        ("1,234", "is ambiguous"),
        ("1,2345", "more than two decimals"),
        ("abc", "is not an amount"),
        ("1000000000000", "above the maximum"),
    ],
)
def test_parse_amount_refuses_with_a_reason(text, message):
    with pytest.raises(DomainError, match=message):
        parse_amount(text, "nl_NL")


def test_money_never_adds_two_currencies():
    assert Money(Decimal("1.10"), "EUR") + Money(Decimal("2.20"), "EUR") == Money(
        Decimal("3.30"), "EUR"
    )
    with pytest.raises(DomainError, match="Cannot combine amounts in EUR and DKK"):
        Money(Decimal("1"), "EUR") + Money(Decimal("1"), "DKK")


def test_money_refuses_floats_and_unknown_currencies():
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(Decimal(1), "USD")
    with pytest.raises(DomainError, match="Unknown currency USD"):
        check_currency("usd")
    assert check_currency(" sek ") == "SEK"


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=4, allow_nan=False))
def test_floor_cents_never_rounds_up(amount):
    floored = floor_cents(amount)
    assert floored <= amount
    assert amount - floored < Decimal("0.01")
