"""What a round needs from its officers, by phase and by its applications' states."""

from subsidies.domain import RoundPhase
from subsidies.lifecycle import State
from subsidies.work import needs_doing


def texts(phase, states=None, payments_due=0, reviewing=False) -> list[str]:
    return [p.text() for p in needs_doing(phase, states or {}, payments_due, reviewing)]


def test_a_draft_round_is_to_be_opened():
    assert texts(RoundPhase.DRAFT) == ["check the settings and open the round"]


def test_an_open_round_names_the_applications_waiting_for_a_check():
    assert texts(RoundPhase.OPEN) == []
    assert texts(RoundPhase.OPEN, {State.SUBMITTED: 3, State.COMPLETE: 2, State.ELIGIBLE: 1}) == [
        "applications to check for completeness: 3",
        "applications to check for eligibility: 2",
    ]


def test_a_closed_round_is_to_be_reviewed_then_decided():
    assert texts(RoundPhase.CLOSED, {State.ELIGIBLE: 4}) == [
        "start the review of the eligible applications"
    ]
    assert texts(RoundPhase.CLOSED, {State.UNDER_REVIEW: 4}, reviewing=True) == [
        "propose the allocation and decide"
    ]


def test_a_decided_round_names_first_payments_reports_and_payments_due():
    assert texts(RoundPhase.DECIDED, {State.ADVANCE_PAID: 9, State.SETTLED: 2}) == []
    assert texts(
        RoundPhase.DECIDED,
        {State.GRANTED: 2, State.PARTLY_GRANTED: 1, State.REPORT_DUE: 1},
        payments_due=4,
    ) == [
        "grants whose first payment is still to be made: 3",
        "reports due to settle: 1",
        "payments due to approve: 4",
    ]
