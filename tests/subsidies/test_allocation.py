"""Allocation worked out by hand for each method, and its properties under hypothesis."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import DomainError, ValidationFailed
from subsidies.allocation import (
    Adjustment,
    Candidate,
    Method,
    Outcome,
    Remainder,
    Rules,
    adjust,
    allocate,
    lottery_order,
    reason_text,
)

D = Decimal


def ranked(*requests: str) -> list[Candidate]:
    return [Candidate(f"a{n}", D(r), rank=n, score=D(100 - n)) for n, r in enumerate(requests, 1)]


def summary(allocation) -> list[tuple[str, Decimal, str]]:
    return [(line.ref, line.granted, reason_text(line.reasons)) for line in allocation.lines]


def test_ranking_grants_the_remainder_to_the_first_that_does_not_fit():
    # Ceiling 100,000: 40,000 + 35,000 fit (75,000); the third asks 30,000 and gets the
    # 25,000 left; the fourth gets nothing.
    result = allocate(
        ranked("40000", "35000", "30000", "10000"), Rules(Method.RANKING, D("100000.00"))
    )
    assert summary(result) == [
        ("a1", D("40000"), "place 1 in the ranking; granted in full"),
        ("a2", D("35000"), "place 2 in the ranking; granted in full"),
        (
            "a3",
            D("25000.00"),
            "place 3 in the ranking; granted what was left of the budget: 25,000.00",
        ),
        ("a4", D("0.00"), "place 4 in the ranking; ceiling reached"),
    ]
    assert [line.outcome for line in result.lines] == [
        Outcome.GRANTED,
        Outcome.GRANTED,
        Outcome.PARTLY_GRANTED,
        Outcome.REFUSED,
    ]
    assert result.total == D("100000.00") and result.rest == D("0.00")


def test_ranking_can_skip_to_the_next_one_that_fits():
    result = allocate(
        ranked("40000", "35000", "30000", "10000", "20000"),
        Rules(Method.RANKING, D("100000.00"), remainder=Remainder.SKIP),
    )
    assert [(line.ref, line.granted) for line in result.lines] == [
        ("a1", D("40000")),
        ("a2", D("35000")),
        ("a3", D("0.00")),
        ("a4", D("10000")),
        ("a5", D("0.00")),
    ]
    assert reason_text(result.line("a3").reasons) == (
        "place 3 in the ranking; does not fit in what is left of the budget: 25,000.00"
    )
    assert result.rest == D("15000.00")


def test_ranking_can_stop_at_the_first_that_does_not_fit():
    result = allocate(
        ranked("40000", "35000", "30000", "10000"),
        Rules(Method.RANKING, D("100000.00"), remainder=Remainder.STOP),
    )
    assert [line.granted for line in result.lines] == [D("40000"), D("35000"), D("0.00"), D("0.00")]
    assert reason_text(result.line("a4").reasons) == "place 4 in the ranking; ceiling reached"


def test_maximum_per_applicant_and_minimum_score():
    candidates = [
        Candidate("a", D("80000"), rank=1, score=D("90")),
        Candidate("b", D("20000"), rank=2, score=D("54.5")),
        Candidate("c", D("30000"), rank=3, score=D("70")),
        Candidate("d", D("5000"), rank=None, score=None),
    ]
    result = allocate(
        candidates,
        Rules(Method.RANKING, D("100000.00"), maximum=D("50000.00"), minimum_score=D("55")),
    )
    assert summary(result) == [
        (
            "a",
            D("50000.00"),
            "place 1 in the ranking; capped at the maximum per applicant 50,000.00; granted",
        ),
        ("c", D("30000"), "place 3 in the ranking; granted in full"),
        ("b", D("0.00"), "score 54.5 is below the minimum 55"),
        ("d", D("0.00"), "no score"),
    ]
    assert result.line("a").outcome is Outcome.PARTLY_GRANTED


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=UTC)


def test_first_come_first_served_with_a_lottery_on_the_day_the_budget_ran_out():
    # Ceiling 50,000. 4 March: 20,000 fits. 5 March (Amsterdam): three ask 15,000 each
    # (45,000 > 30,000 left): they are drawn by lot. 6 March: nothing left.
    candidates = [
        Candidate("early", D("20000"), complete_at=at(4, 9)),
        Candidate("x", D("15000"), complete_at=at(5, 8)),
        Candidate("y", D("15000"), complete_at=at(5, 12)),
        Candidate("z", D("15000"), complete_at=at(4, 23, 30)),  # 00:30 on 5 March locally
        Candidate("late", D("1000"), complete_at=at(6, 10)),
    ]
    rules = Rules(Method.FIRST_COME, D("50000.00"), seed="utrecht-2024")
    result = allocate(candidates, rules)
    draw = lottery_order(["x", "y", "z"], "utrecht-2024")
    assert result.lottery_day == date(2024, 3, 5) and result.draw == tuple(draw)
    assert [line.ref for line in result.lines] == ["early", *draw, "late"]
    granted = {line.ref: line.granted for line in result.lines}
    assert granted["early"] == D("20000")
    assert [granted[ref] for ref in draw] == [D("15000"), D("15000"), D("0.00")]
    assert granted["late"] == D("0.00")
    first = result.line(draw[0])
    assert reason_text(first.reasons) == (
        "complete on 2024-03-05, the day the budget ran out; drawn 1 of 3 in the lottery; "
        "granted in full"
    )
    assert reason_text(result.line("early").reasons) == (
        "complete at 2024-03-04 10:00:00; granted in full"
    )
    assert reason_text(result.line("late").reasons).endswith("ceiling reached")
    # The same seed draws the same order; the draw does not depend on the input order.
    again = allocate(list(reversed(candidates)), rules)
    assert again.draw == result.draw and summary(again) == summary(result)


def test_first_come_without_a_draw_when_everything_fits():
    result = allocate(
        [
            Candidate("a", D("10"), complete_at=at(1, 9)),
            Candidate("b", D("10"), complete_at=at(1, 10)),
        ],
        Rules(Method.FIRST_COME, D("100.00"), seed="s"),
    )
    assert result.draw == () and result.lottery_day is None and result.total == D("20")


def test_pro_rata_rounds_every_share_down_and_states_the_rest():
    # Asked 30,000 + 20,000 + 50,000.01 = 100,000.01 under a ceiling of 10,000:
    # each gets 10,000/100,000.01 of its request, rounded down to the cent.
    candidates = [
        Candidate("a", D("30000")),
        Candidate("b", D("20000")),
        Candidate("c", D("50000.01")),
    ]
    result = allocate(candidates, Rules(Method.PRO_RATA, D("10000.00")))
    granted = {line.ref: line.granted for line in result.lines}
    assert granted == {"a": D("2999.99"), "b": D("1999.99"), "c": D("5000.00")}
    assert result.total == D("9999.98") and result.rounding_rest == D("0.02")
    assert reason_text(result.line("a").reasons) == (
        "pro rata: 9.9999% of 30,000.00, rounded down to the cent"
    )


def test_pro_rata_grants_in_full_when_everything_fits_and_respects_the_maximum():
    result = allocate(
        [Candidate("a", D("3000")), Candidate("b", D("9000"))],
        Rules(Method.PRO_RATA, D("100000.00"), maximum=D("5000.00")),
    )
    assert [line.granted for line in result.lines] == [D("3000"), D("5000.00")]
    assert result.rounding_rest == D("0.00")


def test_adjustments_need_a_reason_and_stay_under_the_ceiling():
    result = allocate(ranked("40000", "35000", "30000"), Rules(Method.RANKING, D("100000.00")))
    changed = adjust(result, {"a3": Adjustment(D("20000.00"), "Activities in two districts only")})
    assert changed.line("a3").granted == D("20000.00") and changed.total == D("95000.00")
    assert reason_text(changed.line("a3").reasons).endswith(
        "changed by the officer: Activities in two districts only"
    )
    with pytest.raises(ValidationFailed) as refused:
        adjust(result, {"a3": Adjustment(D("31000.00"), ""), "zz": Adjustment(D("1"), "x")})
    assert [p.render() for p in refused.value.problems] == [
        "a3: Give a reason for the change",
        "a3: 31,000.00 is more than the 30,000.00 asked",
        "zz: zz is not part of this allocation",
    ]
    with pytest.raises(DomainError, match="above the ceiling"):
        adjust(result, {"a3": Adjustment(D("30000.00"), "all of it")})


def test_bad_rules_and_duplicates_are_refused():
    with pytest.raises(ValidationFailed):
        allocate([], Rules(Method.RANKING, D("-1")))
    with pytest.raises(DomainError, match="twice"):
        allocate(
            [Candidate("a", D(1), rank=1), Candidate("a", D(2), rank=2)],
            Rules(Method.RANKING, D(10)),
        )


amounts = st.decimals(min_value=D("0.01"), max_value=D("200000"), places=2)
methods = st.sampled_from(list(Method))
remainders = st.sampled_from(list(Remainder))


@st.composite
def rounds(draw):
    count = draw(st.integers(0, 30))
    candidates = [
        Candidate(
            f"r{i}",
            draw(amounts),
            rank=draw(st.one_of(st.none(), st.integers(1, 40))),
            score=draw(st.one_of(st.none(), st.decimals(0, 100, places=1))),
            complete_at=datetime(
                2024, 1, 1 + draw(st.integers(0, 4)), draw(st.integers(0, 23)), tzinfo=UTC
            ),
        )
        for i in range(count)
    ]
    rules = Rules(
        draw(methods),
        draw(amounts),
        maximum=draw(st.one_of(st.none(), amounts)),
        minimum_score=draw(st.one_of(st.none(), st.decimals(0, 100, places=0))),
        remainder=draw(remainders),
        seed=draw(st.text(max_size=8)),
    )
    return candidates, rules


@settings(max_examples=300, deadline=None)
@given(rounds())
def test_never_above_the_ceiling_a_request_or_the_maximum(data):
    candidates, rules = data
    result = allocate(candidates, rules)
    assert len(result.lines) == len(candidates)
    assert result.total == sum(line.granted for line in result.lines) <= rules.ceiling
    assert result.rest >= 0
    for line in result.lines:
        assert D(0) <= line.granted <= line.requested
        assert rules.maximum is None or line.granted <= rules.maximum
        assert line.granted == line.granted.quantize(D("0.01"))
    if rules.method is Method.PRO_RATA:
        assert result.rounding_rest < D("0.01") * max(1, len(candidates)) or (
            result.total
            == sum(
                min(c.requested, rules.maximum or c.requested)
                for c in candidates
                if rules.minimum_score is None
                or (c.score is not None and c.score >= rules.minimum_score)
            )
        )


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_the_same_seed_gives_the_same_lottery(data):
    candidates, rules = data
    first = allocate(candidates, rules)
    second = allocate(list(reversed(candidates)), rules)
    assert first.draw == second.draw
    assert {line.ref: line.granted for line in first.lines} == {
        line.ref: line.granted for line in second.lines
    }


@given(st.lists(st.text(min_size=1, max_size=5), unique=True, max_size=12), st.text())
def test_a_lottery_order_depends_only_on_the_seed_and_the_refs(refs, seed):
    assert lottery_order(refs, seed) == lottery_order(list(reversed(refs)), seed)
    assert sorted(lottery_order(refs, seed)) == sorted(refs)
