"""Amounts, numbers and dates in Danish, Polish and Swedish pages, and typed back as shown."""

from datetime import date
from decimal import Decimal

import pytest

from common.errors import DomainError
from common.money import parse_amount
from common.numbers import parse_number
from web import formatting
from web.i18n import format_locale

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("language", "currency", "shown", "first_day"), [
    ("da", "DKK", "1.400.000,00 kr.", "1. nov. 2022"),
    ("pl", "PLN", "1 400 000,00 zł", "1 lis 2022"),
    ("sv", "SEK", "1 400 000,00 kr", "1 nov. 2022"),
])
def test_a_grant_reads_as_in_its_country_and_is_typed_back(language, currency, shown, first_day):
    amount = Decimal("1400000")
    written = formatting.money(amount, currency, language)
    assert written.replace(NBSP, " ") == shown
    assert formatting.day(date(2022, 11, 1), language=language) == first_day
    locale = format_locale(language)
    # What the page shows, with no-break, narrow no-break or plain spaces, with or without the
    # currency, is the same amount.
    for typed in (written, shown, shown.replace(" ", NNBSP), shown.rsplit(" ", 1)[0],
                  f"{shown.rsplit(' ', 1)[0]} {currency}"):
        assert parse_amount(typed, locale, currency) == amount, typed


@pytest.mark.parametrize("language", ["pl", "sv"])
def test_space_grouped_numbers_are_read_and_a_lone_point_group_is_ambiguous(language):
    locale = format_locale(language)
    shown = formatting.number(Decimal("1234567.5"), language)
    assert NBSP in shown
    assert parse_number(shown, locale) == Decimal("1234567.5")
    assert parse_number(shown.replace(NBSP, NNBSP), locale) == Decimal("1234567.5")
    with pytest.raises(DomainError, match="ambiguous"):
        parse_number("1.500", locale)


def test_danish_groups_with_points():
    assert parse_amount("1.400", "da_DK", "DKK") == Decimal("1400")
    assert parse_amount("1.400,5", "da_DK") == Decimal("1400.5")
    with pytest.raises(DomainError, match="is not in"):
        parse_amount("1.400,00 zł", "da_DK", "DKK")
