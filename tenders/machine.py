"""The one state machine every procedure type runs on. Pure Python.

An action moves a tender from the phase it belongs to (its *source*) to the type's next phase
(or to cancelled / unsuccessful). :func:`missing` answers what stops an action now, as problems
naming what is missing; an empty list means the action is allowed. :func:`due_transitions` says
which deadline-driven actions are due at a moment; applying them and asking again gives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from common.errors import DomainError, Problem
from common.i18n import N_
from tenders.procedures import (
    FINAL_PHASES,
    PROCEDURE_TYPES,
    Deadline,
    Phase,
    ProcedureType,
)


class Action(StrEnum):
    PUBLISH = "publish"
    CLOSE_REQUESTS = "close_requests"  # automatic at the requests deadline
    COMPLETE_SELECTION = "complete_selection"
    CLOSE_DIALOGUE = "close_dialogue"
    CLOSE_BIDS = "close_bids"  # automatic at the bid deadline
    OPEN_BIDS = "open_bids"
    SEND_AWARD_DECISIONS = "send_award_decisions"
    AWARD = "award"
    CONCLUDE_CONTRACTS = "conclude_contracts"
    CANCEL = "cancel"
    DECLARE_UNSUCCESSFUL = "declare_unsuccessful"


ACTION_LABELS: dict[Action, str] = {
    Action.PUBLISH: N_("Publish"),
    Action.CLOSE_REQUESTS: N_("Close requests to participate"),
    Action.COMPLETE_SELECTION: N_("Complete the selection"),
    Action.CLOSE_DIALOGUE: N_("Close the dialogue and invite final bids"),
    Action.CLOSE_BIDS: N_("Close bidding"),
    Action.OPEN_BIDS: N_("Open the bids"),
    Action.SEND_AWARD_DECISIONS: N_("Send the award decisions"),
    Action.AWARD: N_("Award definitively"),
    Action.CONCLUDE_CONTRACTS: N_("Conclude contracting"),
    Action.CANCEL: N_("Cancel the tender"),
    Action.DECLARE_UNSUCCESSFUL: N_("Declare unsuccessful"),
}

# What a deadline-driven action does, as shown beside the next deadline.
AUTOMATIC: dict[Action, Deadline] = {
    Action.CLOSE_REQUESTS: Deadline.REQUESTS,
    Action.CLOSE_BIDS: Deadline.BIDS,
}

_SOURCES: dict[Action, tuple[Phase, ...]] = {
    Action.PUBLISH: (Phase.DRAFT,),
    Action.CLOSE_REQUESTS: (Phase.PUBLISHED,),
    Action.COMPLETE_SELECTION: (Phase.SELECTION,),
    Action.CLOSE_DIALOGUE: (Phase.DIALOGUE,),
    Action.CLOSE_BIDS: (Phase.TENDERING,),
    Action.OPEN_BIDS: (Phase.OPENING,),
    Action.SEND_AWARD_DECISIONS: (Phase.EVALUATION,),
    Action.AWARD: (Phase.AWARD_INTENT, Phase.EVALUATION),
    Action.CONCLUDE_CONTRACTS: (Phase.AWARDED,),
    Action.DECLARE_UNSUCCESSFUL: (Phase.OPENING, Phase.EVALUATION),
}


@dataclass(frozen=True)
class TenderFacts:
    """What the preconditions look at: a snapshot of one tender, gathered by the service."""

    procedure: str
    phase: Phase
    title: str = ""
    lots: tuple[str, ...] = ()
    shares_total: str | None = "100"  # None when the shares were not checked yet
    cpv_codes: tuple[str, ...] = ()
    has_service_type: bool = True
    deadlines: dict[Deadline, datetime] = field(default_factory=dict)
    candidates_undecided: tuple[str, ...] = ()
    candidates_admitted: int = 0
    max_candidates: int | None = None
    candidates_in_dialogue: int = 0
    bids: int = 0
    valid_bids: int = 0  # neither withdrawn nor knocked out
    opening_approvals: tuple[int, ...] = ()  # officer ids, in order
    lots_unranked: tuple[str, ...] = ()  # lots whose ranking is not confirmed
    lots_without_winner: tuple[str, ...] = ()
    lots_unsuccessful: tuple[str, ...] = ()  # declared unsuccessful: out of the award
    # Gathered for drafts only (what publishing looks at):
    lots_without_criteria: tuple[str, ...] = ()
    lots_with_incomplete_criteria: tuple[str, ...] = ()
    lots_without_value: tuple[str, ...] = ()
    documents: int | None = None  # None: not counted
    standstill_ends_at: datetime | None = None
    open_objections: int = 0
    winners_without_contract: tuple[str, ...] = ()

    @property
    def type(self) -> ProcedureType:
        return procedure_type(self.procedure)


def procedure_type(code: str) -> ProcedureType:
    try:
        return PROCEDURE_TYPES[code]
    except KeyError:
        raise DomainError(N_("Unknown procedure type {type}"), type=code) from None


def target(action: Action, facts: TenderFacts) -> Phase | None:
    """Where ``action`` takes the tender from its current phase (None: not from here)."""
    if action is Action.CANCEL:
        return None if facts.phase in FINAL_PHASES else Phase.CANCELLED
    if action is Action.DECLARE_UNSUCCESSFUL:
        return Phase.UNSUCCESSFUL if facts.phase in _SOURCES[action] else None
    if facts.phase not in _SOURCES[action]:
        return None
    following = facts.type.next_phase(facts.phase)
    if action is Action.AWARD:
        return following if following is Phase.AWARDED else None
    if action is Action.SEND_AWARD_DECISIONS:
        return following if following is Phase.AWARD_INTENT else None
    return following


# Why an action is refused in a phase it does not belong to (one message each, so that every
# word is translated, not filled in from a label).
REFUSED: dict[Action, str] = {
    Action.PUBLISH: N_("Only a draft tender can be published"),
    Action.CLOSE_REQUESTS: N_(
        "Requests to participate can only be closed while the tender is published"
    ),
    Action.COMPLETE_SELECTION: N_("The selection can only be completed in the selection phase"),
    Action.CLOSE_DIALOGUE: N_("The dialogue can only be closed in the dialogue phase"),
    Action.CLOSE_BIDS: N_("Bidding can only be closed in the tendering phase"),
    Action.OPEN_BIDS: N_("Bids can only be opened in the opening phase"),
    Action.SEND_AWARD_DECISIONS: N_(
        "Award decisions can only be sent at the end of the evaluation of a ranked procedure"
    ),
    Action.AWARD: N_(
        "The definitive award follows the standstill period (or the evaluation of an open house)"
    ),
    Action.CONCLUDE_CONTRACTS: N_("Contracting can only be concluded after the definitive award"),
    Action.CANCEL: N_("A tender that is contracted, cancelled or unsuccessful cannot be cancelled"),
    Action.DECLARE_UNSUCCESSFUL: N_(
        "A tender can only be declared unsuccessful at the opening or in the evaluation"
    ),
}

DEADLINE_MISSING: dict[Deadline, str] = {
    Deadline.REQUESTS: N_("The deadline for requests to participate is missing"),
    Deadline.QUESTIONS: N_("The deadline for clarification questions is missing"),
    Deadline.BIDS: N_("The deadline for bids is missing"),
}
DEADLINE_PASSED: dict[Deadline, str] = {
    Deadline.REQUESTS: N_("The deadline for requests to participate has already passed"),
    Deadline.QUESTIONS: N_("The deadline for clarification questions has already passed"),
    Deadline.BIDS: N_("The deadline for bids has already passed"),
}


def missing(
    action: Action, facts: TenderFacts, now: datetime, actor_id: int | None = None
) -> list[Problem]:
    """What stops ``action`` now; empty when it is allowed. Messages are ``N_`` ids."""
    if target(action, facts) is None:
        return [Problem(REFUSED[action])]
    check = _CHECKS.get(action)
    return check(facts, now, actor_id) if check else []


def allowed(facts: TenderFacts, now: datetime, actor_id: int | None = None) -> list[Action]:
    """Actions an officer may take now (deadline-driven ones excluded)."""
    return [a for a in Action if a not in AUTOMATIC and not missing(a, facts, now, actor_id)]


def possible(facts: TenderFacts) -> list[Action]:
    """Actions of the current phase, allowed now or not (to show what they still need)."""
    return [a for a in Action if a not in AUTOMATIC and target(a, facts) is not None]


def require(
    action: Action, facts: TenderFacts, now: datetime, actor_id: int | None = None
) -> Phase:
    """The phase ``action`` leads to, or a DomainError naming the first thing missing."""
    problems = missing(action, facts, now, actor_id)
    if problems:
        first = problems[0]
        raise DomainError(first.message, **first.params)
    found = target(action, facts)
    assert found is not None
    return found


def _deadline_problem(deadline: Deadline) -> Problem:
    return Problem(DEADLINE_MISSING[deadline], {}, f"deadline_{deadline.value}")


def _publish(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    problems: list[Problem] = []
    if not facts.title.strip():
        problems.append(Problem(N_("A title is required"), {}, "title"))
    if not facts.has_service_type:
        problems.append(Problem(N_("Choose a service type"), {}, "service_type"))
    if not facts.cpv_codes:
        problems.append(Problem(N_("At least one CPV code is required"), {}, "cpv_codes"))
    if not facts.lots:
        problems.append(Problem(N_("Add at least one lot"), {}, "lots"))
    for lot in facts.lots_without_criteria:
        problems.append(Problem(N_("Lot {lot} has no award criteria"), {"lot": lot}, "lots"))
    for lot in facts.lots_with_incomplete_criteria:
        problems.append(
            Problem(
                N_(
                    "The award criteria of lot {lot} are not complete (the "
                    "weights, scales or price formula); its criteria page says "
                    "what is missing"
                ),
                {"lot": lot},
                "lots",
            )
        )
    if facts.shares_total is not None and facts.shares_total != "100":
        problems.append(
            Problem(
                N_("The authorities' shares add up to {total}%, not 100%"),
                {"total": facts.shares_total},
                "shares",
            )
        )
    previous: datetime | None = None
    for deadline in facts.type.required_deadlines:
        moment = facts.deadlines.get(deadline)
        if moment is None:
            problems.append(_deadline_problem(deadline))
            continue
        if moment <= now:
            problems.append(Problem(DEADLINE_PASSED[deadline], {}, f"deadline_{deadline.value}"))
        if previous is not None and deadline is Deadline.BIDS and moment <= previous:
            problems.append(
                Problem(N_("Bids must close after the other deadlines"), {}, "deadline_bids")
            )
        previous = moment if deadline is not Deadline.BIDS else previous
    return problems


def publish_warnings(facts: TenderFacts) -> list[Problem]:
    """What publishing does not stop but the officer should see first (messages are ids)."""
    if facts.phase is not Phase.DRAFT:
        return []
    warnings: list[Problem] = []
    if facts.documents == 0:
        warnings.append(
            Problem(
                N_(
                    "No tender documents have been uploaded: candidates will "
                    "find only the particulars"
                )
            )
        )
    for lot in facts.lots_without_value:
        warnings.append(Problem(N_("Lot {lot} has no estimated value"), {"lot": lot}))
    return warnings


def _future_bids_deadline(facts: TenderFacts, now: datetime) -> list[Problem]:
    moment = facts.deadlines.get(Deadline.BIDS)
    if moment is None:
        return [_deadline_problem(Deadline.BIDS)]
    if moment <= now:
        return [
            Problem(
                N_("Set a new deadline for bids: the current one has passed"), {}, "deadline_bids"
            )
        ]
    return []


def _complete_selection(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    problems: list[Problem] = []
    if facts.candidates_undecided:
        problems.append(
            Problem(
                N_("No selection decision yet for {candidates}"),
                {"candidates": ", ".join(facts.candidates_undecided)},
            )
        )
    if facts.candidates_admitted == 0:
        problems.append(Problem(N_("Admit at least one candidate")))
    if facts.max_candidates is not None and facts.candidates_admitted > facts.max_candidates:
        problems.append(
            Problem(
                N_("{admitted} candidates are admitted but the shortlist has room for {limit}"),
                {"admitted": facts.candidates_admitted, "limit": facts.max_candidates},
            )
        )
    if facts.type.next_phase(facts.phase) is Phase.TENDERING:
        problems.extend(_future_bids_deadline(facts, now))
    return problems


def _close_dialogue(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    problems: list[Problem] = []
    if facts.candidates_in_dialogue == 0:
        problems.append(Problem(N_("No candidate remains in the dialogue")))
    problems.extend(_future_bids_deadline(facts, now))
    return problems


def _close_bids(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    moment = facts.deadlines.get(Deadline.BIDS)
    if moment is None:
        return [_deadline_problem(Deadline.BIDS)]
    if now < moment:
        return [Problem(N_("Bids are open until {deadline}"), {"deadline": moment})]
    return []


def _open_bids(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    problems = _close_bids(facts, now, actor_id)
    if problems:
        return problems
    if facts.bids == 0:
        return [Problem(N_("No bids were received: declare the tender unsuccessful"))]
    approvals = set(facts.opening_approvals)
    if actor_id is not None:
        approvals.add(actor_id)
    if len(approvals) < 2:
        return [
            Problem(
                N_("Opening the bids needs two different officers; a second officer must confirm")
            )
        ]
    return []


def _send_award_decisions(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    problems: list[Problem] = []
    if facts.lots and len(facts.lots_unsuccessful) == len(facts.lots):
        return [Problem(N_("Every lot is unsuccessful: there is no award to send"))]
    if facts.lots_unranked:
        problems.append(
            Problem(
                N_("The ranking is not confirmed for {lots}"),
                {"lots": ", ".join(facts.lots_unranked)},
            )
        )
    if facts.lots_without_winner:
        problems.append(
            Problem(
                N_("No award intent yet for {lots}"), {"lots": ", ".join(facts.lots_without_winner)}
            )
        )
    return problems


def _award(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    if facts.phase is Phase.EVALUATION:  # open house: no standstill
        return _send_award_decisions(facts, now, actor_id)
    problems: list[Problem] = []
    if facts.standstill_ends_at is None:
        problems.append(Problem(N_("The award decisions have not been sent")))
    elif now < facts.standstill_ends_at:
        problems.append(
            Problem(
                N_("The standstill period runs until {moment}"),
                {"moment": facts.standstill_ends_at},
            )
        )
    if facts.open_objections:
        problems.append(
            Problem(
                N_("{count} objection(s) are open: the definitive award is suspended"),
                {"count": facts.open_objections},
            )
        )
    return problems


def _conclude(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    if facts.winners_without_contract:
        return [
            Problem(
                N_("No contract recorded yet with {winners}"),
                {"winners": ", ".join(facts.winners_without_contract)},
            )
        ]
    return []


def _unsuccessful(facts: TenderFacts, now: datetime, actor_id: int | None) -> list[Problem]:
    if facts.phase is Phase.OPENING:
        problems = _close_bids(facts, now, actor_id)
        if problems:
            return problems
    if facts.valid_bids > 0:
        return [Problem(N_("{count} valid bid(s) remain"), {"count": facts.valid_bids})]
    return []


@dataclass(frozen=True)
class OpeningStep:
    """What the opening page offers an officer now: a button (its label) or a sentence saying
    why not. Never a button that the state would then refuse."""

    offer: str | None = None  # message id of the button
    reason: Problem | None = None  # why there is no button now


def opening_step(facts: TenderFacts, now: datetime, actor_id: int | None) -> OpeningStep:
    """The four-eyes opening as one officer sees it: approve (the first), confirm (a second,
    different officer), or why neither is possible yet."""
    if facts.phase not in (Phase.TENDERING, Phase.OPENING):
        return OpeningStep()
    moment = facts.deadlines.get(Deadline.BIDS)
    if moment is None:
        return OpeningStep(reason=_deadline_problem(Deadline.BIDS))
    if now < moment:
        return OpeningStep(
            reason=Problem(
                N_("The bids can be opened after the deadline for bids, {deadline}"),
                {"deadline": moment},
            )
        )
    if facts.bids == 0:
        return OpeningStep(
            reason=Problem(N_("No bids were received: declare the tender unsuccessful"))
        )
    if actor_id is not None and actor_id in facts.opening_approvals:
        return OpeningStep(
            reason=Problem(
                N_("You have approved the opening; a second, different officer must confirm it")
            )
        )
    if facts.opening_approvals:
        return OpeningStep(offer=N_("Confirm the opening"))
    return OpeningStep(offer=N_("Approve the opening"))


_CHECKS = {
    Action.PUBLISH: _publish,
    Action.COMPLETE_SELECTION: _complete_selection,
    Action.CLOSE_DIALOGUE: _close_dialogue,
    Action.CLOSE_BIDS: _close_bids,
    Action.OPEN_BIDS: _open_bids,
    Action.SEND_AWARD_DECISIONS: _send_award_decisions,
    Action.AWARD: _award,
    Action.CONCLUDE_CONTRACTS: _conclude,
    Action.DECLARE_UNSUCCESSFUL: _unsuccessful,
}


@dataclass(frozen=True)
class DueTransition:
    action: Action
    due_at: datetime
    source: Phase
    target: Phase


def next_automatic(facts: TenderFacts) -> tuple[Action, datetime] | None:
    """The deadline-driven action waiting in the current phase, with its moment."""
    for action, deadline in AUTOMATIC.items():
        if target(action, facts) is not None and deadline in facts.deadlines:
            return action, facts.deadlines[deadline]
    return None


def due_transitions(facts: TenderFacts, now: datetime) -> list[DueTransition]:
    """Every deadline-driven transition due at ``now``, in order (pure).

    A tender in the phase a transition leads to has nothing due from it, so applying the result
    and asking again gives an empty list.
    """
    due: list[DueTransition] = []
    current = facts
    while (waiting := next_automatic(current)) is not None:
        action, moment = waiting
        if moment > now:
            break
        following = target(action, current)
        assert following is not None
        due.append(DueTransition(action, moment, current.phase, following))
        current = replace(current, phase=following)
    return due
