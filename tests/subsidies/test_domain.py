"""Life cycle, payment schedules, reporting tiers, settlement and round settings."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError, ValidationFailed
from subsidies.domain import (
    DEFAULT_TIERS,
    Instalments,
    ReportDue,
    ReportKind,
    fixed_changes,
    payment_schedule,
    reports_due,
    require_reports_ahead,
    settle,
    tier_for,
    validate_round,
)
from subsidies.lifecycle import Action, State, allowed, step

D = Decimal


def test_the_happy_path_through_the_life_cycle():
    state = State.DRAFT
    full = {"organisation_id": 1, "requested": D("100"), "activity_plan": "x", "target_group": "y"}
    for action in (
        Action.SUBMIT,
        Action.ASK_INFORMATION,
        Action.COMPLETE,
        Action.MARK_ELIGIBLE,
        Action.START_REVIEW,
    ):
        state = step(state, action, application=full, reason="why")
    state = step(state, Action.DECIDE, outcome=State.PARTLY_GRANTED)
    for action in (Action.PAY_ADVANCE, Action.REPORT_DUE, Action.SETTLE, Action.CLOSE):
        state = step(state, action)
    assert state is State.CLOSED


def test_forbidden_steps_say_what_is_missing():
    with pytest.raises(DomainError) as refused:
        step(State.SUBMITTED, Action.MARK_ELIGIBLE)
    assert str(refused.value) == (
        "Mark eligible needs an application that is complete; this one is Submitted"
    )
    with pytest.raises(DomainError) as missing:
        step(State.DRAFT, Action.SUBMIT, application={"requested": D(0), "target_group": "x"})
    assert str(missing.value) == (
        "The application cannot be submitted yet; missing: the "
        "applicant organisation, the requested amount, the activity "
        "plan"
    )
    dutch = {
        "The application cannot be submitted yet; missing: {missing}": (
            "Nog niet in te dienen; ontbreekt: {missing}"
        ),
        "the applicant organisation": "de aanvrager",
    }
    translated = missing.value.problem.text(lambda text: dutch.get(text, text))
    assert translated.startswith("Nog niet in te dienen; ontbreekt: de aanvrager, the requested")
    with pytest.raises(DomainError, match="Give a reason"):
        step(State.COMPLETE, Action.MARK_INELIGIBLE, reason=" ")
    with pytest.raises(DomainError, match="grants, partly grants or refuses"):
        step(State.UNDER_REVIEW, Action.DECIDE, outcome=State.SETTLED)
    with pytest.raises(DomainError, match="not yet decided"):
        step(State.GRANTED, Action.WITHDRAW, reason="changed our mind")


def test_every_state_but_closed_has_a_way_on():
    stuck = [state for state in State if not allowed(state)]
    assert stuck == [State.CLOSED]


def test_yearly_instalments_for_a_grant_over_several_years():
    # Vesthimmerland: DKK 1,400,000 for 2022-11-01 to 2025-12-31, no advance, yearly.
    schedule = payment_schedule(
        D("1400000.00"),
        date(2022, 10, 1),
        date(2022, 11, 1),
        date(2025, 12, 31),
        D("0"),
        Instalments.YEARLY,
    )
    assert [(i.kind, i.due_on, i.amount) for i in schedule] == [
        ("instalment", date(2022, 11, 1), D("350000.00")),
        ("instalment", date(2023, 1, 1), D("350000.00")),
        ("instalment", date(2024, 1, 1), D("350000.00")),
        ("instalment", date(2025, 1, 1), D("350000.00")),
    ]


def test_an_advance_and_instalments_on_dates_add_up_to_the_grant():
    schedule = payment_schedule(
        D("10000.01"),
        date(2021, 2, 15),
        date(2021, 1, 1),
        date(2021, 12, 31),
        D("80"),
        Instalments.DATES,
        [date(2021, 12, 1), date(2021, 7, 1)],
    )
    assert [(i.kind, i.due_on, i.amount) for i in schedule] == [
        ("advance", date(2021, 2, 15), D("8000.00")),
        ("instalment", date(2021, 7, 1), D("1000.00")),
        ("instalment", date(2021, 12, 1), D("1000.01")),
    ]
    assert (
        payment_schedule(
            D("0"),
            date(2021, 1, 1),
            date(2021, 1, 1),
            date(2021, 12, 31),
            D("80"),
            Instalments.YEARLY,
        )
        == []
    )


@given(
    st.decimals(D("0.01"), D("9999999"), places=2),
    st.decimals(D(0), D(100), places=2),
    st.integers(0, 5),
)
def test_a_schedule_always_adds_up(granted, share, years):
    schedule = payment_schedule(
        granted,
        date(2022, 1, 1),
        date(2022, 3, 1),
        date(2022 + years, 6, 30),
        share,
        Instalments.YEARLY,
    )
    assert sum(i.amount for i in schedule) == granted
    assert all(i.amount >= 0 for i in schedule)


def test_reporting_tiers_by_amount():
    assert tier_for(D("5000.00"), DEFAULT_TIERS).kind is ReportKind.NONE
    assert tier_for(D("5000.01"), DEFAULT_TIERS).kind is ReportKind.ACTIVITY
    assert tier_for(D("50000.01"), DEFAULT_TIERS).kind is ReportKind.FINANCIAL
    assert reports_due(D("4000"), DEFAULT_TIERS, date(2021, 1, 1), date(2021, 12, 31), False) == []
    [final] = reports_due(D("20000"), DEFAULT_TIERS, date(2021, 1, 1), date(2021, 12, 31), False)
    assert final.kind is ReportKind.ACTIVITY and final.due_on == date(2022, 3, 31)
    dues = reports_due(D("1400000"), DEFAULT_TIERS, date(2022, 11, 1), date(2025, 12, 31), True)
    assert [(r.due_on, r.final) for r in dues] == [
        (date(2023, 6, 30), False),
        (date(2024, 6, 30), False),
        (date(2025, 6, 30), False),
        (date(2026, 6, 30), True),
    ]


def test_settlement_reclaims_an_overpaid_advance():
    result = settle(granted=D("20000.00"), final=D("15000.00"), paid=D("16000.00"))
    assert result.reclaim == D("1000.00") and result.to_pay == D("0.00")
    rest = settle(granted=D("20000.00"), final=D("18000.00"), paid=D("16000.00"))
    assert rest.reclaim == D("0.00") and rest.to_pay == D("2000.00")
    with pytest.raises(DomainError, match=r"more than the 20,000\.00 granted"):
        settle(granted=D("20000.00"), final=D("20000.01"), paid=D("0"))
    with pytest.raises(DomainError, match="cannot be negative"):
        settle(granted=D("20000.00"), final=D("-1"), paid=D("0"))


@given(
    st.decimals(D(0), D("1e6"), places=2),
    st.decimals(D(0), D("1e6"), places=2),
    st.decimals(D(0), D("1e6"), places=2),
)
def test_settlement_is_never_negative(granted, final, paid):
    if final > granted:
        return
    result = settle(granted, final, paid)
    assert result.reclaim >= 0 and result.to_pay >= 0
    assert result.paid - result.reclaim + result.to_pay == result.final


ROUND = {
    "title": "Sociale Prestatie 2021",
    "authority_id": "1",
    "opens_at": "2020-09-01T09:00",
    "closes_at": "2020-10-01T12:00",
    "ceiling": "1250000",
    "currency": "EUR",
    "method": "ranking",
    "period_start": "2021-01-01",
    "period_end": "2021-12-31",
    "advance_share": "80",
    "instalments": "yearly",
}


def test_round_settings_are_read_and_fixed_ones_are_named():
    data = validate_round(ROUND)
    assert data.ceiling == D("1250000.00") and data.closes_at.hour == 10  # 12:00 CEST
    assert data.tiers == DEFAULT_TIERS
    changed = validate_round({**ROUND, "ceiling": "1300000", "title": "Renamed"})
    assert fixed_changes(data.settings(), changed.settings()) == ["ceiling"]


def test_bad_round_settings_name_every_field():
    with pytest.raises(ValidationFailed) as refused:
        validate_round(
            {
                **ROUND,
                "title": "",
                "closes_at": "2020-08-01T09:00",
                "ceiling": "-5",
                "currency": "XYZ",
                "method": "dice",
                "period_end": "2020-01-01",
                "advance_share": "120",
                "instalments": "dates",
                "tiers": "5000;none;0\nabc",
            }
        )
    assert sorted({p.location for p in refused.value.problems}) == [
        "advance_share",
        "ceiling",
        "closes_at",
        "currency",
        "instalment_dates",
        "method",
        "period_end",
        "tiers",
        "title",
    ]


def test_a_grant_asking_for_a_report_before_its_decision_is_refused():
    due = [ReportDue(ReportKind.ACTIVITY, date(2026, 3, 31), final=True)]
    require_reports_ahead(due, date(2026, 3, 31))  # on the day itself: fine
    with pytest.raises(
        DomainError,
        match="A report would fall due on 2026-03-31, before the decision on 2026-12-06",
    ):
        require_reports_ahead(due, date(2026, 12, 6))
