"""The life cycle of an application, as a state machine. Pure Python.

draft → submitted → complete | incomplete (more information asked) → eligible | ineligible →
under review → decided (granted, partly granted, refused) → advance paid → report due →
settled → closed; withdrawn from any state before the decision.

A refused step is answered with what is missing ("An application can only be marked eligible
once it is complete; this one is submitted").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from common.errors import DomainError, Problem
from common.i18n import N_


@dataclass(frozen=True)
class Phrase(Problem):
    """A problem whose parameters named in ``translated`` are message ids too (a list of them
    is joined with commas), so that "{action} needs ... {state}" reads well in every language."""

    translated: tuple[str, ...] = ()

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        def own(value: str) -> str:
            return translate(value) if translate else value

        params = dict(self.params)
        for name in self.translated:
            value = params[name]
            params[name] = (
                ", ".join(own(v) for v in value) if isinstance(value, list | tuple) else own(value)
            )
        return own(self.message).format(**params)


class Refused(DomainError):
    """A DomainError whose message has translatable parameters (see :class:`Phrase`)."""

    def __init__(self, message: str, translated: tuple[str, ...] = (), **params: Any) -> None:
        super().__init__(message, **params)
        self.problem = Phrase(message, params, None, translated)
        Exception.__init__(self, self.problem.render())


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDER_REVIEW = "under_review"
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"
    ADVANCE_PAID = "advance_paid"
    REPORT_DUE = "report_due"
    SETTLED = "settled"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    SUBMIT = "submit"
    ASK_INFORMATION = "ask_information"
    COMPLETE = "complete"
    MARK_ELIGIBLE = "mark_eligible"
    MARK_INELIGIBLE = "mark_ineligible"
    START_REVIEW = "start_review"
    DECIDE = "decide"
    PAY_ADVANCE = "pay_advance"
    REPORT_DUE = "report_due"
    SETTLE = "settle"
    CLOSE = "close"
    WITHDRAW = "withdraw"


STATE_LABELS = {
    State.DRAFT: N_("Draft"),
    State.SUBMITTED: N_("Submitted"),
    State.INCOMPLETE: N_("More information asked"),
    State.COMPLETE: N_("Complete"),
    State.ELIGIBLE: N_("Eligible"),
    State.INELIGIBLE: N_("Ineligible"),
    State.UNDER_REVIEW: N_("Under review"),
    State.GRANTED: N_("Granted"),
    State.PARTLY_GRANTED: N_("Partly granted"),
    State.REFUSED: N_("Refused"),
    State.ADVANCE_PAID: N_("Advance paid"),
    State.REPORT_DUE: N_("Report due"),
    State.SETTLED: N_("Settled"),
    State.CLOSED: N_("Closed"),
    State.WITHDRAWN: N_("Withdrawn"),
}

ACTION_LABELS = {
    Action.SUBMIT: N_("Submit"),
    Action.ASK_INFORMATION: N_("Ask for more information"),
    Action.COMPLETE: N_("Mark complete"),
    Action.MARK_ELIGIBLE: N_("Mark eligible"),
    Action.MARK_INELIGIBLE: N_("Mark ineligible"),
    Action.START_REVIEW: N_("Start the review"),
    Action.DECIDE: N_("Decide"),
    Action.PAY_ADVANCE: N_("Pay the advance"),
    Action.REPORT_DUE: N_("Report due"),
    Action.SETTLE: N_("Settle"),
    Action.CLOSE: N_("Close"),
    Action.WITHDRAW: N_("Withdraw"),
}

DECIDED = frozenset({State.GRANTED, State.PARTLY_GRANTED})
BEFORE_DECISION = frozenset(
    {
        State.DRAFT,
        State.SUBMITTED,
        State.INCOMPLETE,
        State.COMPLETE,
        State.ELIGIBLE,
        State.UNDER_REVIEW,
    }
)
# States whose grant counts towards the round's allocated amount.
HOLDING_A_GRANT = frozenset({*DECIDED, State.ADVANCE_PAID, State.REPORT_DUE, State.SETTLED})

TRANSITIONS: dict[Action, tuple[frozenset[State], str]] = {
    Action.SUBMIT: (frozenset({State.DRAFT}), N_("a draft")),
    Action.ASK_INFORMATION: (frozenset({State.SUBMITTED}), N_("submitted")),
    Action.COMPLETE: (
        frozenset({State.SUBMITTED, State.INCOMPLETE}),
        N_("submitted or waiting for more information"),
    ),
    Action.MARK_ELIGIBLE: (frozenset({State.COMPLETE, State.INELIGIBLE}), N_("complete")),
    Action.MARK_INELIGIBLE: (frozenset({State.COMPLETE, State.ELIGIBLE}), N_("complete")),
    Action.START_REVIEW: (frozenset({State.ELIGIBLE}), N_("eligible")),
    Action.DECIDE: (
        frozenset({State.ELIGIBLE, State.UNDER_REVIEW}),
        N_("eligible or under review"),
    ),
    Action.PAY_ADVANCE: (DECIDED, N_("granted")),
    Action.REPORT_DUE: (frozenset({State.ADVANCE_PAID}), N_("paid an advance")),
    Action.SETTLE: (frozenset({*DECIDED, State.ADVANCE_PAID, State.REPORT_DUE}), N_("granted")),
    Action.CLOSE: (
        frozenset({State.SETTLED, State.REFUSED, State.INELIGIBLE, State.WITHDRAWN}),
        N_("settled, refused, ineligible or withdrawn"),
    ),
    Action.WITHDRAW: (BEFORE_DECISION, N_("not yet decided")),
}

SIMPLE_TARGETS = {
    Action.SUBMIT: State.SUBMITTED,
    Action.ASK_INFORMATION: State.INCOMPLETE,
    Action.COMPLETE: State.COMPLETE,
    Action.MARK_ELIGIBLE: State.ELIGIBLE,
    Action.MARK_INELIGIBLE: State.INELIGIBLE,
    Action.START_REVIEW: State.UNDER_REVIEW,
    Action.PAY_ADVANCE: State.ADVANCE_PAID,
    Action.REPORT_DUE: State.REPORT_DUE,
    Action.SETTLE: State.SETTLED,
    Action.CLOSE: State.CLOSED,
    Action.WITHDRAW: State.WITHDRAWN,
}

REQUIRED_FOR_SUBMISSION = {
    "organisation_id": N_("the applicant organisation"),
    "requested": N_("the requested amount"),
    "activity_plan": N_("the activity plan"),
    "target_group": N_("the target group"),
}


def missing_for_submission(application: Mapping[str, Any]) -> list[str]:
    """The message ids of what a submission still lacks."""
    return [
        label
        for key, label in REQUIRED_FOR_SUBMISSION.items()
        if application.get(key) in (None, "") or (key == "requested" and application[key] <= 0)
    ]


def allowed(state: State) -> list[Action]:
    return [action for action, (sources, _) in TRANSITIONS.items() if state in sources]


def step(
    state: State,
    action: Action,
    *,
    outcome: State | None = None,
    application: Mapping[str, Any] | None = None,
    reason: str = "",
) -> State:
    """The state after ``action``, or a DomainError saying what is missing."""
    sources, needed = TRANSITIONS[action]
    if state not in sources:
        raise Refused(
            N_("{action} needs an application that is {needed}; this one is {state}"),
            translated=("action", "needed", "state"),
            action=ACTION_LABELS[action],
            needed=needed,
            state=STATE_LABELS[state],
        )
    if action is Action.SUBMIT and application is not None:
        missing = missing_for_submission(application)
        if missing:
            raise Refused(
                N_("The application cannot be submitted yet; missing: {missing}"),
                translated=("missing",),
                missing=missing,
            )
    if action in (Action.ASK_INFORMATION, Action.MARK_INELIGIBLE, Action.WITHDRAW) and (
        not reason.strip()
    ):
        raise DomainError(N_("Give a reason"))
    if action is Action.DECIDE:
        if outcome not in (State.GRANTED, State.PARTLY_GRANTED, State.REFUSED):
            raise DomainError(N_("A decision grants, partly grants or refuses"))
        return outcome
    return SIMPLE_TARGETS[action]
