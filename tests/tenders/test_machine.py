"""The state machine for every procedure type: every action in every phase, with its message."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError
from tenders.machine import (
    AUTOMATIC,
    REFUSED,
    Action,
    TenderFacts,
    allowed,
    due_transitions,
    missing,
    require,
    target,
)
from tenders.procedures import FINAL_PHASES, PROCEDURE_TYPES, Deadline, Phase

NOW = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
FUTURE = NOW + timedelta(days=40)
PAST = NOW - timedelta(seconds=1)

# The phase each advancing action belongs to.
SOURCES = {
    Action.PUBLISH: {Phase.DRAFT},
    Action.CLOSE_REQUESTS: {Phase.PUBLISHED},
    Action.COMPLETE_SELECTION: {Phase.SELECTION},
    Action.CLOSE_DIALOGUE: {Phase.DIALOGUE},
    Action.CLOSE_BIDS: {Phase.TENDERING},
    Action.OPEN_BIDS: {Phase.OPENING},
    Action.SEND_AWARD_DECISIONS: {Phase.EVALUATION},
    Action.AWARD: {Phase.AWARD_INTENT, Phase.EVALUATION},
    Action.CONCLUDE_CONTRACTS: {Phase.AWARDED},
    Action.DECLARE_UNSUCCESSFUL: {Phase.OPENING, Phase.EVALUATION},
}


def ready(procedure: str, phase: Phase) -> TenderFacts:
    """A tender of ``procedure`` in ``phase`` with everything the phase's actions need."""
    deadlines = {
        Deadline.REQUESTS: FUTURE - timedelta(days=10),
        Deadline.QUESTIONS: FUTURE - timedelta(days=5),
        Deadline.BIDS: FUTURE,
    }
    if phase in (Phase.SELECTION, Phase.DIALOGUE):
        deadlines[Deadline.REQUESTS] = PAST
    if phase in (Phase.OPENING, Phase.EVALUATION, Phase.AWARD_INTENT, Phase.AWARDED):
        deadlines = {Deadline.REQUESTS: PAST, Deadline.QUESTIONS: PAST, Deadline.BIDS: PAST}
    if phase is Phase.PUBLISHED:
        deadlines[Deadline.REQUESTS] = PAST
    if phase is Phase.TENDERING:
        deadlines[Deadline.BIDS] = PAST
    valid = 0 if phase is not Phase.EVALUATION else 3
    return TenderFacts(
        procedure=procedure,
        phase=phase,
        title="Household help",
        lots=("Lot 1",),
        cpv_codes=("98513310-8",),
        deadlines=deadlines,
        candidates_admitted=5,
        candidates_in_dialogue=5,
        bids=3,
        valid_bids=valid,
        opening_approvals=(1,),
        standstill_ends_at=PAST,
    )


def expected_target(procedure: str, phase: Phase, action: Action) -> Phase | None:
    kind = PROCEDURE_TYPES[procedure]
    if action is Action.CANCEL:
        return None if phase in FINAL_PHASES else Phase.CANCELLED
    if phase not in SOURCES[action] or not kind.has(phase):
        return None
    if action is Action.DECLARE_UNSUCCESSFUL:
        return Phase.UNSUCCESSFUL
    following = kind.next_phase(phase)
    if action is Action.AWARD and following is not Phase.AWARDED:
        return None
    if action is Action.SEND_AWARD_DECISIONS and following is not Phase.AWARD_INTENT:
        return None
    return following


CASES = [
    (code, phase)
    for code, kind in PROCEDURE_TYPES.items()
    for phase in (*kind.phases, Phase.CANCELLED, Phase.UNSUCCESSFUL)
]


@pytest.mark.parametrize(("procedure", "phase"), CASES)
def test_every_action_in_every_phase_of_every_type(procedure, phase):
    facts = ready(procedure, phase)
    for action in Action:
        wanted = expected_target(procedure, phase, action)
        assert target(action, facts) == wanted, (procedure, phase, action)
        problems = missing(action, facts, NOW, actor_id=2)
        if wanted is None:
            assert [p.message for p in problems] == [REFUSED[action]], (action, phase)
            with pytest.raises(DomainError) as refused:
                require(action, facts, NOW, actor_id=2)
            assert str(refused.value) == REFUSED[action]
        elif action is Action.DECLARE_UNSUCCESSFUL and phase is Phase.EVALUATION:
            assert [p.render() for p in problems] == ["3 valid bid(s) remain"]
        else:
            assert problems == [], (procedure, phase, action, problems)
            assert require(action, facts, NOW, actor_id=2) == wanted


def test_each_type_runs_its_own_phases_in_order():
    assert PROCEDURE_TYPES["open"].phases == (
        Phase.DRAFT,
        Phase.TENDERING,
        Phase.OPENING,
        Phase.EVALUATION,
        Phase.AWARD_INTENT,
        Phase.AWARDED,
        Phase.CONTRACTED,
    )
    assert PROCEDURE_TYPES["competitive_dialogue"].phases[:5] == (
        Phase.DRAFT,
        Phase.PUBLISHED,
        Phase.SELECTION,
        Phase.DIALOGUE,
        Phase.TENDERING,
    )
    assert PROCEDURE_TYPES["restricted"].next_phase(Phase.SELECTION) is Phase.TENDERING
    assert not PROCEDURE_TYPES["open_house"].has(Phase.AWARD_INTENT)
    assert not PROCEDURE_TYPES["open_house"].ranked


def walk(procedure: str) -> list[Phase]:
    """Drive a tender from draft to contracted with the allowed actions only."""
    kind = PROCEDURE_TYPES[procedure]
    seen = [Phase.DRAFT]
    phase = Phase.DRAFT
    while phase is not Phase.CONTRACTED:
        facts = ready(procedure, phase)
        step = [
            a
            for a in (*allowed(facts, NOW, 2), *AUTOMATIC)
            if a not in (Action.CANCEL, Action.DECLARE_UNSUCCESSFUL)
            and not missing(a, facts, NOW, 2)
        ]
        assert len(step) == 1, (phase, step)
        phase = require(step[0], facts, NOW, 2)
        seen.append(phase)
    assert tuple(seen) == kind.phases
    return seen


@pytest.mark.parametrize("procedure", sorted(PROCEDURE_TYPES))
def test_one_path_from_draft_to_contracted(procedure):
    walk(procedure)


def test_publishing_names_everything_missing():
    facts = TenderFacts(
        procedure="restricted",
        phase=Phase.DRAFT,
        title=" ",
        lots=(),
        shares_total="99.99",
        cpv_codes=(),
        has_service_type=False,
        deadlines={Deadline.BIDS: PAST},
    )
    assert [p.render() for p in missing(Action.PUBLISH, facts, NOW)] == [
        "title: A title is required",
        "service_type: Choose a service type",
        "cpv_codes: At least one CPV code is required",
        "lots: Add at least one lot",
        "shares: The authorities' shares add up to 99.99%, not 100%",
        "deadline_requests: The deadline for requests to participate is missing",
        "deadline_questions: The deadline for clarification questions is missing",
        "deadline_bids: The deadline for bids has already passed",
    ]


def test_bids_must_close_after_the_other_deadlines():
    facts = replace(
        ready("restricted", Phase.DRAFT),
        deadlines={Deadline.REQUESTS: FUTURE, Deadline.QUESTIONS: FUTURE, Deadline.BIDS: FUTURE},
    )
    assert [p.render() for p in missing(Action.PUBLISH, facts, NOW)] == [
        "deadline_bids: Bids must close after the other deadlines"
    ]


def test_selection_needs_a_decision_for_everyone_and_room_on_the_shortlist():
    facts = replace(
        ready("competitive_dialogue", Phase.SELECTION),
        candidates_undecided=("Zorg Plus", "Thuishulp West"),
        candidates_admitted=7,
        max_candidates=5,
    )
    assert [p.render() for p in missing(Action.COMPLETE_SELECTION, facts, NOW)] == [
        "No selection decision yet for Zorg Plus, Thuishulp West",
        "7 candidates are admitted but the shortlist has room for 5",
    ]
    nobody = replace(
        ready("restricted", Phase.SELECTION), candidates_admitted=0, deadlines={Deadline.BIDS: PAST}
    )
    assert [p.render() for p in missing(Action.COMPLETE_SELECTION, nobody, NOW)] == [
        "Admit at least one candidate",
        "deadline_bids: Set a new deadline for bids: the current one has passed",
    ]


def test_closing_the_dialogue_needs_a_candidate_and_a_future_bid_deadline():
    facts = replace(
        ready("competitive_dialogue", Phase.DIALOGUE), candidates_in_dialogue=0, deadlines={}
    )
    assert [p.render() for p in missing(Action.CLOSE_DIALOGUE, facts, NOW)] == [
        "No candidate remains in the dialogue",
        "deadline_bids: The deadline for bids is missing",
    ]


def test_opening_needs_two_different_officers_after_the_deadline():
    facts = replace(ready("open", Phase.OPENING), opening_approvals=())
    assert [p.render() for p in missing(Action.OPEN_BIDS, facts, NOW, actor_id=1)] == [
        "Opening the bids needs two different officers; a second officer must confirm"
    ]
    first_again = replace(facts, opening_approvals=(1,))
    assert missing(Action.OPEN_BIDS, first_again, NOW, actor_id=1)
    assert missing(Action.OPEN_BIDS, first_again, NOW, actor_id=2) == []
    early = replace(first_again, deadlines={Deadline.BIDS: NOW + timedelta(seconds=1)})
    [problem] = missing(Action.OPEN_BIDS, early, NOW, actor_id=2)
    assert problem.message == "Bids are open until {deadline}"
    empty = replace(first_again, bids=0)
    assert [p.render() for p in missing(Action.OPEN_BIDS, empty, NOW, actor_id=2)] == [
        "No bids were received: declare the tender unsuccessful"
    ]
    assert missing(Action.DECLARE_UNSUCCESSFUL, empty, NOW) == []


def test_award_waits_for_the_standstill_and_open_objections():
    facts = replace(
        ready("open", Phase.AWARD_INTENT),
        standstill_ends_at=NOW + timedelta(hours=1),
        open_objections=2,
    )
    problems = missing(Action.AWARD, facts, NOW)
    assert [p.message for p in problems] == [
        "The standstill period runs until {moment}",
        "{count} objection(s) are open: the definitive award is suspended",
    ]
    assert missing(Action.AWARD, replace(facts, open_objections=0), NOW + timedelta(hours=1)) == []
    unsent = replace(facts, standstill_ends_at=None, open_objections=0)
    assert [p.render() for p in missing(Action.AWARD, unsent, NOW)] == [
        "The award decisions have not been sent"
    ]


def test_award_decisions_need_a_confirmed_ranking_and_an_intent_for_each_lot():
    facts = replace(
        ready("open", Phase.EVALUATION),
        lots_unranked=("Lot 2",),
        lots_without_winner=("Lot 2", "Lot 3"),
    )
    assert [p.render() for p in missing(Action.SEND_AWARD_DECISIONS, facts, NOW)] == [
        "The ranking is not confirmed for Lot 2",
        "No award intent yet for Lot 2, Lot 3",
    ]
    house = replace(ready("open_house", Phase.EVALUATION), lots_without_winner=("Lot 1",))
    assert [p.render() for p in missing(Action.AWARD, house, NOW)] == [
        "No award intent yet for Lot 1"
    ]


def test_contracting_is_concluded_when_every_winner_has_a_contract():
    facts = replace(ready("open", Phase.AWARDED), winners_without_contract=("Zorg Plus",))
    assert [p.render() for p in missing(Action.CONCLUDE_CONTRACTS, facts, NOW)] == [
        "No contract recorded yet with Zorg Plus"
    ]


def test_due_transitions_at_the_deadlines():
    published = ready("restricted", Phase.PUBLISHED)
    [due] = due_transitions(published, NOW)
    assert (due.action, due.source, due.target) == (
        Action.CLOSE_REQUESTS,
        Phase.PUBLISHED,
        Phase.SELECTION,
    )
    tendering = ready("open", Phase.TENDERING)
    [due] = due_transitions(tendering, NOW)
    assert (due.action, due.target, due.due_at) == (Action.CLOSE_BIDS, Phase.OPENING, PAST)
    # One second before the deadline nothing is due.
    assert due_transitions(tendering, PAST - timedelta(seconds=1)) == []
    assert due_transitions(ready("open", Phase.EVALUATION), NOW) == []


def test_due_transitions_applied_twice_change_nothing_the_second_time():
    facts = ready("competitive_dialogue", Phase.PUBLISHED)
    first = due_transitions(facts, NOW)
    after = replace(facts, phase=first[-1].target)
    assert due_transitions(after, NOW) == []


@given(
    procedure=st.sampled_from(sorted(PROCEDURE_TYPES)),
    phase=st.sampled_from(list(Phase)),
    offset=st.integers(min_value=-(10**7), max_value=10**7),
)
def test_due_transitions_are_idempotent(procedure, phase, offset):
    if phase not in PROCEDURE_TYPES[procedure].phases and phase not in FINAL_PHASES:
        return
    facts = ready(procedure, phase)
    now = NOW + timedelta(seconds=offset)
    due = due_transitions(facts, now)
    if due:
        assert all(d.due_at <= now for d in due)
        facts = replace(facts, phase=due[-1].target)
    assert due_transitions(facts, now) == []
