"""One reading of typed numbers and amounts for the whole product (issue 14): what the pages
show is read back in every language, the ambiguous is refused with both readings, garbage with a
message."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError
from common.i18n import _language
from common.money import MAX_AMOUNT, input_amount, parse_amount
from common.numbers import input_text, parse_number, parse_percentage
from web import formatting
from web.i18n import language

LANGUAGES = ("en", "nl", "da", "pl", "sv")
LOCALES = {"en": "en_GB", "nl": "nl_NL", "da": "da_DK", "pl": "pl_PL", "sv": "sv_SE"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€ 12.500.000,00", "12500000.00"),
        ("12.500.000,00", "12500000.00"),
        ("12500000,5", "12500000.50"),
        ("1250000,50", "1250000.50"),
        ("1.000,00", "1000.00"),
        ("\u20ac\u00a012.500.000,00", "12500000.00"),
        ("EUR 1.000,00", "1000.00"),
        ("1.000", "1000.00"),
        ("12,-", "12.00"),
        ("1 250 000,50", "1250000.50"),
        ("12,500,000.00", "12500000.00"),
        ("0,5", "0.50"),
        (",75", "0.75"),
        ("1000,500", "1000.50"),
    ],
)
def test_dutch_amounts_as_the_pages_show_them(text, expected):
    assert parse_amount(text, "nl_NL") == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,500,000.00", "12500000.00"),
        ("€12,500,000.00", "12500000.00"),
        ("1,000", "1000.00"),
        ("12500000.5", "12500000.50"),
        ("EUR 12.500.000,00", "12500000.00"),
        ("1,5", "1.50"),
    ],
)
def test_english_amounts(text, expected):
    assert parse_amount(text, "en_GB") == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "locale", "readings"),
    [
        ("1,000", "nl_NL", ("1000,00", "1,00")),
        ("1.000", "en_GB", ("1,000.00", "1.00")),
        ("2.500", "sv_SE", ("2500,00", "2,50")),
        ("1,234", "nl_NL", ("1234,00", "1,234")),
    ],
)
def test_ambiguous_amounts_are_refused_with_both_readings(text, locale, readings):
    with pytest.raises(DomainError, match="is ambiguous") as refused:
        parse_amount(text, locale)
    params = refused.value.problem.params
    assert params["value"] == text
    first, second = readings
    if locale == "en_GB":
        first = "1000.00"
    assert (params["first"], params["second"]) == (first, second)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "is not an amount"),
        ("12.5.0", "groups of thousands have three digits"),
        ("1.2345,00", "groups of thousands"),
        ("12,", "is not an amount"),
        ("1,2,3.4", "groups"),
        ("--5", "is not an amount"),
        ("5 apples", "is not an amount"),
        ("1e5", "is not an amount"),
        ("NaN", "is not an amount"),
        ("DKK 100", "is not in EUR"),
        ("-5", "is negative"),
        ("1,005", "is ambiguous"),
        ("0,001", "more than two decimals"),
    ],
)
def test_garbage_is_refused_with_a_message(text, message):
    with pytest.raises(DomainError, match=message):
        parse_amount(text, "nl_NL", currency="EUR")


def test_the_request_language_decides_by_default():
    token = _language.set("nl")
    try:
        assert parse_amount("1.000") == Decimal("1000.00")
        with pytest.raises(DomainError, match="ambiguous"):
            parse_amount("1,000")
    finally:
        _language.reset(token)
    with language("en"):
        assert parse_amount("1,000") == Decimal("1000.00")
        with pytest.raises(DomainError, match="ambiguous"):
            parse_amount("1.000")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("7,5", "nl_NL", "7.5"),
        ("7.5", "nl_NL", "7.5"),
        ("7.5", "en_GB", "7.5"),
        ("7,5", "en_GB", "7.5"),
        ("10", "nl_NL", "10"),
        ("1.000", "nl_NL", "1000"),
        (" 0,25 ", "nl_NL", "0.25"),
        ("", "nl_NL", None),
        (Decimal("3.5"), "nl_NL", "3.5"),
        (4, "nl_NL", "4"),
    ],
)
def test_scores_and_weights(text, locale, expected):
    found = parse_number(text, locale)
    assert found == (None if expected is None else Decimal(expected))


def test_numbers_refuse_ambiguity_and_garbage():
    with pytest.raises(DomainError, match=r"it can mean 1000 or 1;"):
        parse_number("1,000", "nl_NL")
    with pytest.raises(DomainError, match="is not a number"):
        parse_number("seven", "nl_NL")
    with pytest.raises(DomainError, match="is not a number"):
        parse_number(True, "nl_NL")
    assert parse_percentage("12,5 %", "nl_NL") == Decimal("12.5")


amounts = st.decimals(
    min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False
)
scores = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(amounts, st.sampled_from(LANGUAGES), st.sampled_from(("EUR", "DKK", "PLN", "SEK")))
def test_an_amount_shown_by_the_money_filter_reads_back(amount, lang, currency):
    shown = formatting.money(amount, currency, lang)
    assert parse_amount(shown, LOCALES[lang], currency) == amount
    assert parse_amount(input_amount(amount, LOCALES[lang]), LOCALES[lang]) == amount


@given(scores, st.sampled_from(LANGUAGES))
def test_a_number_shown_by_the_number_filter_reads_back(value, lang):
    shown = formatting.number(value, lang)
    assert parse_number(shown, LOCALES[lang]) == value
    assert parse_number(input_text(value, LOCALES[lang]), LOCALES[lang]) == value


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(LANGUAGES),
)
def test_one_separator_before_three_digits_is_the_languages_own_or_refused(whole, part, lang):
    locale = LOCALES[lang]
    for separator in ".,":
        text = f"{whole}{separator}{part:03d}"
        own = formatting.format_locale(lang).number_symbols["latn"]["group"] == separator
        if own:
            assert parse_number(text, locale) == Decimal(f"{whole}{part:03d}")
        else:
            with pytest.raises(DomainError, match="ambiguous"):
                parse_number(text, locale)
