"""Worked examples for every price formula and ranking rule, each checked by hand."""

from decimal import Decimal as D

import pandas as pd
import pytest

from common.errors import ValidationFailed
from scoring.criteria import Criterion, Formula, Kind, Level, Scale, validate_tree
from scoring.formulas import fictitious_price, price_per_quality_point, price_points
from scoring.ranking import (
    Options,
    aggregate,
    consensus_frame,
    rank,
    scores_frame,
    subjects_frame,
)

TEN = Scale(D(0), D(10), D(1))


def prices(*values: float) -> pd.Series:
    return pd.Series(values, index=range(1, len(values) + 1), dtype=float)


# --- the formulas alone ---------------------------------------------------------------------


def test_relative_to_lowest():
    # 40 × 100 / 100 = 40; 40 × 100 / 150 = 26.67; 40 × 100 / 400 = 10
    points, bounds = price_points(Formula.RELATIVE_LOWEST, 40, prices(100, 150, 400))
    assert points.round(2).tolist() == [40.0, 26.67, 10.0]
    assert bounds.low == 100


def test_linear_between_fixed_bounds_is_clipped():
    # Pmin 80, Pmax 160: 40 × (160 − 100) / 80 = 30; 40 × (160 − 120) / 80 = 20;
    # 170 is above Pmax: 0, not −5; 60 is below Pmin: 40, not 50.
    points, bounds = price_points(
        Formula.LINEAR_FIXED, 40, prices(100, 120, 170, 60), low=80, high=160
    )
    assert points.tolist() == [30.0, 20.0, 0.0, 40.0]
    assert (bounds.low, bounds.high) == (80, 160)


def test_linear_between_lowest_and_highest_bid():
    # bounds 100 and 200: 40, 40 × (200 − 150) / 100 = 20, 0
    points, bounds = price_points(Formula.LINEAR_BIDS, 40, prices(100, 150, 200))
    assert points.tolist() == [40.0, 20.0, 0.0]
    assert (bounds.low, bounds.high) == (100, 200)
    equal, _ = price_points(Formula.LINEAR_BIDS, 40, prices(120, 120))
    assert equal.tolist() == [40.0, 40.0]


def test_value_based_fictitious_deduction():
    # 100,000 − 15,000 = 85,000; 90,000 − 2,000 = 88,000: the first wins despite its price.
    result = fictitious_price(prices(100000, 90000), pd.Series({1: 15000.0, 2: 2000.0}))
    assert result.tolist() == [85000.0, 88000.0]


def test_price_per_quality_point():
    # 100,000 / 50 = 2,000; 90,000 / 40 = 2,250; no quality points: no ratio.
    result = price_per_quality_point(
        prices(100000, 90000, 80000), pd.Series({1: 50.0, 2: 40.0, 3: 0.0})
    )
    assert result.tolist()[:2] == [2000.0, 2250.0] and result[3] == float("inf")


# --- whole rankings -------------------------------------------------------------------------


def quality_and_price(formula=Formula.RELATIVE_LOWEST, quality=60, price_weight=40, **price):
    weight = (
        D(price_weight)
        if formula in (Formula.RELATIVE_LOWEST, Formula.LINEAR_FIXED, Formula.LINEAR_BIDS)
        else D(0)
    )
    criteria = [
        Criterion(1, "Quality", Kind.QUALITY, D(quality), scale=Scale(D(0), D(quality), D(1))),
        Criterion(2, "Price", Kind.PRICE, weight, formula=formula, **price),
    ]
    total = D(quality) + weight
    return validate_tree(criteria, total)


def run(tree, bids, options=None, scores=None, consensus=()):
    """bids: {ref: (quality score, price)}; one evaluator scores criterion 1."""
    subjects = subjects_frame(
        [
            {"subject_id": i, "ref": ref, "price": price}
            for i, (ref, (_, price)) in enumerate(bids.items(), start=1)
        ]
    )
    if scores is None:
        scores = [(i, 1, 100, q) for i, (q, _) in enumerate(bids.values(), start=1)]
    return rank(
        tree,
        subjects,
        scores_frame(scores),
        consensus_frame(consensus),
        options or Options(seed="s"),
    )


def totals(outcome):
    return {
        row.ref: round(row.total, 2) for row in outcome.table.itertuples() if not pd.isna(row.total)
    }


def test_the_designs_rank_reversal_example():
    """60 quality, 40 price by 40 · Pmin / P: A 60/€150 86.7, B 50/€100 90, so B wins;
    add C 0/€50: A 73.3, B 70, C 40, so A wins; the report names C."""
    tree = quality_and_price()
    two = run(tree, {"A": (60, 150), "B": (50, 100)})
    assert totals(two) == {"A": 86.67, "B": 90.0}
    assert two.table["ref"].tolist() == ["B", "A"] and two.winners == [2]
    assert two.reversals == []
    three = run(tree, {"A": (60, 150), "B": (50, 100), "C": (0, 50)})
    assert totals(three) == {"A": 73.33, "B": 70.0, "C": 40.0}
    assert three.table["ref"].tolist() == ["A", "B", "C"]
    [reversal] = three.reversals
    assert reversal.left_out == "C" and reversal.pairs == (("A", "B"),)


def test_no_reversal_is_reported_for_a_formula_that_is_not_relative():
    tree = quality_and_price(Formula.LINEAR_FIXED, low=D(50), high=D(150))
    outcome = run(tree, {"A": (60, 150), "B": (50, 100), "C": (0, 50)})
    # A 60 + 0 = 60; B 50 + 40 × 50/100 = 70; C 0 + 40 = 40
    assert totals(outcome) == {"A": 60.0, "B": 70.0, "C": 40.0}
    assert outcome.reversals is None


def test_linear_between_bids_reports_the_highest_bid_too():
    tree = quality_and_price(Formula.LINEAR_BIDS)
    # bounds 100–200: A 60 + 40 × 50/100 = 80, B 45 + 40 = 85, C 50 + 0 = 50: B wins.
    # Without C (the highest) the bounds are 100–150: A 60 + 0 = 60, B 85: no reversal.
    # Without B (the lowest) A and C are compared, B is not a winner: nothing to report.
    outcome = run(
        tree, {"A": (60, 150), "B": (45, 100), "C": (50, 200)}, Options(winners=2, seed="s")
    )
    assert totals(outcome) == {"A": 80.0, "B": 85.0, "C": 50.0}
    # Two winners B, A; leaving out C: A 60, B 85 → same order. Leaving out B: the bounds
    # become 150–200, A 60 + 40 = 100, C 50: A still above C. No reversal.
    assert outcome.reversals == []


def test_leaving_out_the_highest_bid_can_reverse_a_linear_ranking():
    tree = quality_and_price(Formula.LINEAR_BIDS)
    # bounds 100–400: A 60 + 40 × 250/300 = 93.33 beats B 50 + 40 = 90.
    # Without D the bounds are 100–150: A 60 + 0 = 60, B 90: B would win.
    outcome = run(tree, {"A": (60, 150), "B": (50, 100), "D": (0, 400)})
    assert totals(outcome) == {"A": 93.33, "B": 90.0, "D": 0.0}
    [reversal] = outcome.reversals
    assert reversal.left_out == "D" and reversal.pairs == (("A", "B"),)


def test_value_based_award_ranks_by_fictitious_price():
    criteria = [
        Criterion(1, "Quality plan", Kind.VALUE, D(20000), scale=TEN),
        Criterion(2, "Price", Kind.PRICE, D(0), formula=Formula.VALUE_BASED),
    ]
    tree = validate_tree(criteria, D(0))
    # A: 100,000 − 20,000 × 8/10 = 84,000; B: 90,000 − 20,000 × 2/10 = 86,000 → A wins.
    outcome = run(tree, {"A": (8, 100000), "B": (2, 90000)})
    assert totals(outcome) == {"A": 84000.0, "B": 86000.0}
    assert outcome.table["ref"].tolist() == ["A", "B"] and not outcome.higher_is_better


def test_price_per_quality_point_ranks_lowest_first():
    tree = quality_and_price(Formula.PRICE_PER_QUALITY, quality=100)
    # A: 100,000 / 50 = 2,000; B: 90,000 / 40 = 2,250; C has no quality points: out.
    outcome = run(tree, {"A": (50, 100000), "B": (40, 90000), "C": (0, 10)})
    assert totals(outcome) == {"A": 2000.0, "B": 2250.0}
    assert outcome.table.loc[3, "knocked_out"]
    assert outcome.reasons[3][0].text() == "No quality points, so no price per quality point"


def test_knock_outs_come_before_the_price_bounds():
    criteria = [
        Criterion(1, "Quality", Kind.QUALITY, D(60), scale=Scale(D(0), D(60), D(1)), minimum=D(30)),
        Criterion(2, "Licensed", Kind.PASS_FAIL, D(0)),
        Criterion(3, "Price", Kind.PRICE, D(40), formula=Formula.RELATIVE_LOWEST),
    ]
    tree = validate_tree(criteria, D(100))
    subjects = subjects_frame(
        [
            {"subject_id": 1, "ref": "A", "price": 150},
            {"subject_id": 2, "ref": "B", "price": 100},
            {"subject_id": 3, "ref": "C", "price": 50},
            {"subject_id": 4, "ref": "D", "price": 40},
        ]
    )
    scores = scores_frame(
        [
            (1, 1, 9, 60),
            (2, 1, 9, 50),
            (3, 1, 9, 10),
            (4, 1, 9, 55),
            (1, 2, 9, 1),
            (2, 2, 9, 1),
            (3, 2, 9, 1),
            (4, 2, 9, 0),
        ]
    )
    outcome = rank(tree, subjects, scores, consensus_frame(), Options(seed="s"))
    # C is below the minimum, D failed the licence: B's €100 is the lowest price that counts.
    assert totals(outcome) == {"A": round(60 + 40 * 100 / 150, 2), "B": 90.0}
    assert outcome.reasons[3][0].render() == "Quality: 10.00 points, below the minimum of 30"
    assert outcome.reasons[4][0].render() == "Licensed: not passed"
    assert outcome.table["ref"].tolist() == ["B", "A", "C", "D"]


def test_minimum_total_quality():
    tree = quality_and_price()
    outcome = run(tree, {"A": (60, 150), "B": (20, 100)}, Options(min_total_quality=25, seed="s"))
    assert outcome.reasons[2][0].render() == "Quality 20.00 points, below the minimum total of 25"
    assert totals(outcome) == {"A": 100.0}  # the lowest counting price is now A's own


def test_ties_go_to_higher_quality_then_to_the_seeded_lottery():
    tree = quality_and_price()
    # A 60 + 40 × 100/200 = 80; B 40 + 40 = 80: equal totals, A has more quality.
    outcome = run(tree, {"A": (60, 200), "B": (40, 100)})
    assert outcome.table["ref"].tolist() == ["A", "B"] and outcome.draws == []
    # Equal in everything: the lottery decides, and says how.
    bids = {"A": (50, 100), "B": (50, 100), "C": (50, 100)}
    first = run(tree, bids, Options(seed="2026-03-01 drawn by notary"))
    again = run(tree, bids, Options(seed="2026-03-01 drawn by notary"))
    other = [run(tree, bids, Options(seed=f"seed {n}")).table["ref"].tolist() for n in range(8)]
    [draw] = first.draws
    assert draw.refs == tuple(first.table["ref"]) and draw.total == 90.0
    assert again.table["ref"].tolist() == first.table["ref"].tolist()
    assert len({tuple(order) for order in other}) > 1  # the seed matters


def test_several_winners():
    tree = quality_and_price()
    outcome = run(tree, {f"S{n}": (n * 5, 100) for n in range(1, 13)}, Options(winners=4, seed="s"))
    winners = outcome.table[outcome.table["winner"]]["ref"].tolist()
    assert winners == ["S12", "S11", "S10", "S9"]


def test_missing_scores_and_prices_are_refused_by_name():
    tree = quality_and_price()
    with pytest.raises(ValidationFailed, match="B: no score for Quality"):
        run(tree, {"A": (60, 150), "B": (50, 100)}, scores=[(1, 1, 9, 60)])
    with pytest.raises(ValidationFailed, match="B has no price"):
        run(tree, {"A": (60, 150), "B": (50, None)})


# --- aggregation ----------------------------------------------------------------------------


def test_mean_median_spread_flag_and_consensus():
    criteria = [
        Criterion(1, "Plan", Kind.QUALITY, D(30), scale=TEN),
        Criterion(2, "Safe", Kind.PASS_FAIL, D(0)),
        Criterion(
            3,
            "Team",
            Kind.QUALITY,
            D(70),
            scale=Scale(levels=(Level(D(0), "poor"), Level(D(5), "fair"), Level(D(10), "good"))),
        ),
    ]
    tree = validate_tree(criteria, D(100))
    scores = scores_frame(
        [
            (1, 1, 7, 2),
            (1, 1, 8, 9),
            (1, 1, 9, 10),  # mean 7, median 9, spread 8 = 80 %
            (1, 2, 7, 1),
            (1, 2, 8, 0),
            (1, 2, 9, 1),  # disagreement on pass/fail: fails, flagged
            (1, 3, 7, 5),
            (1, 3, 8, 5),
            (1, 3, 9, 10),  # mean 6.67, spread 5 = 50 %
        ]
    )
    consensus = consensus_frame([(1, 3, 10)])
    mean = aggregate(tree, scores, consensus, Options(spread_limit=50))
    plan, safe, team = (mean.loc[(1, c)] for c in (1, 2, 3))
    assert (plan["aggregate"], plan["spread"], plan["flagged"]) == (7.0, 8.0, True)
    assert plan["points"] == pytest.approx(30 * 7 / 10)
    assert (safe["value"], safe["flagged"]) == (0.0, True)
    assert team["spread_pct"] == 50.0 and not team["flagged"]  # at the limit, not above
    assert team["value"] == 10 and team["points"] == 70  # the consensus replaces the mean
    median = aggregate(tree, scores, consensus, Options(aggregation="median"))
    assert median.loc[(1, 1), "aggregate"] == 9.0 and not median.loc[(1, 1), "flagged"]
