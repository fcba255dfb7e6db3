"""What a subsidy round needs from its officers now, from its phase and its applications'
states (the officer's dashboard). Pure Python."""

from __future__ import annotations

from collections.abc import Mapping

from common.errors import Problem
from common.i18n import N_
from subsidies.domain import RoundPhase
from subsidies.lifecycle import State

# Per state an application waits in: what the officer does with it, by the round's phase.
WAITING = {
    State.SUBMITTED: N_("applications to check for completeness: {count}"),
    State.COMPLETE: N_("applications to check for eligibility: {count}"),
    State.GRANTED: N_("grants whose first payment is still to be made: {count}"),
    State.PARTLY_GRANTED: N_("grants whose first payment is still to be made: {count}"),
    State.REPORT_DUE: N_("reports due to settle: {count}"),
}


def needs_doing(
    phase: RoundPhase, states: Mapping[State, int], payments_due: int, reviewing: bool
) -> list[Problem]:
    """The round's next steps for its officers; empty when nothing waits for them."""
    if phase is RoundPhase.DRAFT:
        return [Problem(N_("check the settings and open the round"))]
    waiting: dict[str, int] = {}
    for state, message in WAITING.items():
        if states.get(state):
            waiting[message] = waiting.get(message, 0) + states[state]
    steps = [Problem(message, {"count": count}) for message, count in waiting.items()]
    if phase is RoundPhase.CLOSED and states.get(State.ELIGIBLE) and not reviewing:
        steps.append(Problem(N_("start the review of the eligible applications")))
    elif phase is RoundPhase.CLOSED and reviewing:
        steps.append(Problem(N_("propose the allocation and decide")))
    if payments_due:
        steps.append(Problem(N_("payments due to approve: {count}"), {"count": payments_due}))
    return steps
