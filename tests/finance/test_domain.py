"""Finance rules: exact shares of joint procurements, filters, totals per currency, pivots."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance.domain import (
    AwardRow,
    FinanceQuery,
    PaymentRow,
    Share,
    split_by_shares,
    totals_by_currency,
)
from finance.service import payment_pivot, share_lines

D = Decimal


def shares(*percents: str) -> list[Share]:
    return [Share(i + 1, f"Gmina {i + 1}", D(p)) for i, p in enumerate(percents)]


def test_three_equal_thirds_give_the_left_over_cent_to_the_first():
    parts = split_by_shares(D("100.00"), shares("33.3333", "33.3333", "33.3334"))
    assert [p.amount for p in parts] == [D("33.33"), D("33.33"), D("33.34")]
    assert sum(p.amount for p in parts) == D("100.00")


def test_the_cents_left_over_go_to_the_largest_remainders():
    # 1000.00 × 12.345 % = 123.45; × 40.005 % = 400.05; × 47.65 % = 476.50: exact, no rest
    exact = split_by_shares(D("1000.00"), shares("12.345", "40.005", "47.65"))
    assert [p.rounding for p in exact] == [D("0")] * 3
    # 0.05 × 30 % = 0.015 twice (floors 0.01, remainders 0.005), × 40 % = 0.02 exactly: the
    # one cent left goes to the first of the two equal remainders
    parts = split_by_shares(D("0.05"), shares("30", "30", "40"))
    assert [p.amount for p in parts] == [D("0.02"), D("0.01"), D("0.02")]
    assert [p.rounding for p in parts] == [D("0.01"), D("0"), D("0")]


# The fifteen municipalities' shares of a joint procurement (percent; they add up to 100).
WROCLAW_PERCENTS = [
    "38.50",
    "6.20",
    "5.90",
    "5.60",
    "5.30",
    "5.00",
    "4.70",
    "4.40",
    "4.10",
    "3.80",
    "3.50",
    "3.40",
    "3.30",
    "3.20",
    "3.10",
]


def test_fifteen_municipalities_of_the_wroclaw_functional_area():
    percents = WROCLAW_PERCENTS
    assert sum(D(p) for p in percents) == 100
    parts = split_by_shares(D("2345678.91"), shares(*percents))
    assert sum(p.amount for p in parts) == D("2345678.91")
    assert parts[0].amount == D("903086.38")  # 2,345,678.91 × 38.5 % = 903,086.38035
    assert sum(p.rounding for p in parts) == D("2345678.91") - sum(
        (D("2345678.91") * D(p) / 100).quantize(D("0.01"), "ROUND_DOWN") for p in percents
    )


@pytest.mark.parametrize(
    ("amount", "percents", "problem"),
    [
        (D("10.00"), ["50", "40"], "shares must add up to 100"),
        (D("-1.00"), ["100"], "non-negative"),
        (D("1.001"), ["100"], "cents"),
    ],
)
def test_impossible_splits_are_refused(amount, percents, problem):
    with pytest.raises(ValueError, match=problem):
        split_by_shares(amount, shares(*percents))


@st.composite
def share_sets(draw):
    count = draw(st.integers(min_value=1, max_value=15))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(min_value=0, max_value=10_000), min_size=count - 1, max_size=count - 1
            )
        )
    )
    bounds = [0, *cuts, 10_000]
    return [Share(i, f"A{i}", D(bounds[i + 1] - bounds[i]) / 100) for i in range(count)]


@given(st.decimals(min_value=0, max_value=10**9, places=2), share_sets())
def test_parts_always_add_up_exactly_and_stay_within_a_cent(amount, share_set):
    parts = split_by_shares(amount, share_set)
    assert sum(p.amount for p in parts) == amount
    for part, share in zip(parts, share_set, strict=True):
        exact = amount * share.percent / 100
        assert D(0) <= part.amount - exact.quantize(D("0.01"), "ROUND_DOWN") <= D("0.01")
        assert part.rounding in (D(0), D("0.01"))


def award(**overrides) -> AwardRow:
    values = {
        "kind": "contract",
        "authority_id": 1,
        "authority": "Gemeente Utrecht",
        "procedure": "Hulp bij het huishouden",
        "reference": "UTR-2025-HH",
        "lot": "West",
        "provider": "Zorg BV",
        "registration_number": "12345678",
        "iban": "",
        "service_type": "Household help",
        "service_type_code": "household_help",
        "amount": D("1000.00"),
        "currency": "EUR",
        "period_start": date(2026, 1, 1),
        "period_end": date(2028, 12, 31),
        "budget_line": "WMO-HH",
        "status": "signed",
    }
    return AwardRow(**{**values, **overrides})


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        (FinanceQuery(), True),
        (FinanceQuery(authority_ids=frozenset({1})), True),
        (FinanceQuery(authority_ids=frozenset({2})), False),
        (FinanceQuery(period_from=date(2028, 12, 31)), True),
        (FinanceQuery(period_from=date(2029, 1, 1)), False),
        (FinanceQuery(period_to=date(2025, 12, 31)), False),
        (FinanceQuery(period_from=date(2020, 1, 1), period_to=date(2026, 1, 1)), True),
        (FinanceQuery(service_type="day_support"), False),
        (FinanceQuery(service_type="household_help"), True),
        (FinanceQuery(reference="utr-2025"), True),
        (FinanceQuery(reference="WRO"), False),
        (FinanceQuery(status="signed"), True),
        (FinanceQuery(status="ended"), False),
    ],
)
def test_filters_on_awards(query, matches):
    assert query.matches_award(award()) is matches


def test_a_joint_award_is_seen_by_every_participant_and_each_sees_its_own_share():
    joint = award(
        authority_id=10,
        authority="Gmina Wrocław",
        currency="PLN",
        amount=D("1000.00"),
        shares=tuple(shares("33.3333", "33.3333", "33.3334")),
    )
    assert FinanceQuery(authority_ids=frozenset({2})).matches_award(joint)
    lines = share_lines([joint], FinanceQuery(authority_ids=frozenset({2})))
    assert [(line["authority"], line["amount"]) for line in lines] == [("Gmina 2", D("333.33"))]
    everyone = share_lines([joint, award()], FinanceQuery())
    assert [line["amount"] for line in everyone] == [
        D("333.33"),
        D("333.33"),
        D("333.34"),
        D("1000.00"),
    ]


def test_totals_are_kept_per_currency():
    assert totals_by_currency(
        [("EUR", D("1.50")), ("DKK", D("2")), ("EUR", D("3")), ("EUR", None)]
    ) == [("DKK", D("2")), ("EUR", D("4.50"))]


def payment(
    day: date,
    amount: str,
    status: str = "scheduled",
    currency: str = "DKK",
    budget_line: str = "ÆLDRE",
) -> PaymentRow:
    return PaymentRow(
        authority_id=1,
        authority="Vesthimmerlands Kommune",
        reference="DK-POOL",
        payee="Vesthimmerlands Kommune",
        budget_line=budget_line,
        service_type="Home care",
        due_on=day,
        amount=D(amount),
        currency=currency,
        status=status,
    )


def test_payments_pivot_by_month_and_year_keeps_decimals_and_currencies_apart():
    rows = [
        payment(date(2023, 1, 15), "466666.67", "paid"),
        payment(date(2024, 1, 15), "466666.67"),
        payment(date(2025, 1, 15), "466666.66"),
        payment(date(2024, 1, 20), "100.00", currency="EUR"),
    ]
    months, lines = payment_pivot(rows, "month")
    assert months == ["2023-01", "2024-01", "2025-01"]
    by_key = {(line["currency"], line["status"]): line for line in lines}
    assert by_key[("DKK", "Scheduled")]["2024-01"] == D("466666.67")
    assert by_key[("DKK", "Scheduled")]["total"] == D("933333.33")
    assert by_key[("DKK", "Paid")]["2023-01"] == D("466666.67")
    assert by_key[("EUR", "Scheduled")]["total"] == D("100.00")
    assert all(
        isinstance(v, Decimal)
        for line in lines
        for k, v in line.items()
        if k[:1].isdigit() or k == "total"
    )
    years, yearly = payment_pivot(rows, "year")
    assert years == ["2023", "2024", "2025"] and len(yearly) == 3
    assert payment_pivot([], "month") == ([], [])
