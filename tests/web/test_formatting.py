"""Amounts, numbers and dates in Danish, Polish and Swedish pages, and typed back as shown."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from common.errors import DomainError, Problem
from common.money import parse_amount
from common.numbers import parse_number
from tests.support.crawl import raw_moments
from web import formatting
from web.formatting import readable_problem
from web.i18n import format_locale, language

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("language", "currency", "shown", "first_day"),
    [
        ("da", "DKK", "1.400.000,00 kr.", "1. nov. 2022"),
        ("pl", "PLN", "1 400 000,00 zł", "1 lis 2022"),
        ("sv", "SEK", "1 400 000,00 kr", "1 nov. 2022"),
    ],
)
def test_a_grant_reads_as_in_its_country_and_is_typed_back(language, currency, shown, first_day):
    amount = Decimal("1400000")
    written = formatting.money(amount, currency, language)
    assert written.replace(NBSP, " ") == shown
    assert formatting.day(date(2022, 11, 1), language=language) == first_day
    locale = format_locale(language)
    # What the page shows, with no-break, narrow no-break or plain spaces, with or without the
    # currency, is the same amount.
    for typed in (
        written,
        shown,
        shown.replace(" ", NNBSP),
        shown.rsplit(" ", 1)[0],
        f"{shown.rsplit(' ', 1)[0]} {currency}",
    ):
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


MOMENT = datetime(2026, 3, 29, 10, 5, 42, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "shown_day", "shown_moment"),
    [
        ("en", "29 Mar 2026", "29 Mar 2026, 12:05"),
        ("nl", "29 mrt 2026", "29 mrt 2026, 12:05"),
        ("da", "29. mar. 2026", "29. mar. 2026 12.05"),
        ("pl", "29 mar 2026", "29 mar 2026, 12:05"),
        ("sv", "29 mars 2026", "29 mars 2026 12:05"),
    ],
)
def test_one_day_and_one_moment_format_per_language_without_seconds(
    language, shown_day, shown_moment
):
    assert formatting.day(MOMENT.date(), language) == shown_day
    assert formatting.moment(MOMENT, "Europe/Amsterdam", language) == shown_moment
    assert not raw_moments([shown_day, shown_moment])


def test_days_and_moments_in_messages_are_written_as_on_the_page():
    problem = Problem(
        "{moment} {local} {day} {other}",
        {"moment": MOMENT, "local": "2026-03-29 12:05:42", "day": "2026-03-29", "other": "x-1"},
    )
    with language("nl"):
        assert readable_problem(problem, "Europe/Amsterdam").text() == (
            "29 mrt 2026, 12:05 29 mrt 2026, 12:05 29 mrt 2026 x-1"
        )


def test_the_crawl_finds_iso_days_and_times_with_seconds():
    assert raw_moments(
        [
            "2026-03-29",
            "29-03-2026",
            "on 2026-03-29T10:05",
            "at 12:05:42",
            "kl. 12.05.42",
            "12:05",
            "12.05",
            "€ 1.250.000,00",
            "version 2.1.0",
            "§ 15.75.23 Pulje",
            "fx 5.32.32 Dagtilbud",
        ]
    ) == ["2026-03-29", "on 2026-03-29T10:05", "at 12:05:42", "kl. 12.05.42"]
