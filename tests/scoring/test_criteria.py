"""Validating criteria trees, scales, scores and the other input, message by message."""

from decimal import Decimal as D

import pytest

from common.errors import ValidationFailed
from scoring.criteria import Kind, parse_criterion, parse_tree, validate_tree
from scoring.domain import (
    check_score,
    sheet_gaps,
    validate_declaration,
    validate_evaluation,
    validate_price,
    validate_subjects,
)


def problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        call(*args, **kwargs)
    return [p.render() for p in refused.value.problems]


def tree(items, total="100", min_quality=None):
    return validate_tree(parse_tree(items), D(total), D(min_quality) if min_quality else None)


RANGE = {"scale_type": "range", "scale_min": "0", "scale_max": "10", "scale_step": "1"}


def test_a_good_tree_with_sub_criteria_levels_and_a_price():
    result = tree(
        [
            {
                "name": "Quality",
                "kind": "quality",
                "weight": "60",
                "children": [
                    {"name": "Plan", "kind": "quality", "weight": "40", **RANGE},
                    {
                        "name": "Team",
                        "kind": "quality",
                        "weight": "20",
                        "scale_type": "levels",
                        "levels": [
                            {"value": 0, "label": "poor"},
                            {"value": "5", "label": "fair"},
                            {"value": "10", "label": "good"},
                        ],
                    },
                ],
            },
            {"name": "Licence", "kind": "pass_fail"},
            {
                "name": "Price",
                "kind": "price",
                "weight": "40",
                "formula": "linear_fixed",
                "low": "1000",
                "high": "2000",
            },
        ]
    )
    assert [c.name for c in result.scored()] == ["Plan", "Team", "Licence"]
    assert result.by_id[result.children[None][0].id].kind is Kind.QUALITY
    team = next(c for c in result.criteria if c.name == "Team")
    assert team.scale.top == 10 and team.scale.label_of(D(5)) == "fair"


def test_weights_must_add_up_to_the_stated_total_and_to_their_parent():
    assert problems(
        tree,
        [
            {
                "name": "Quality",
                "kind": "quality",
                "weight": "50",
                "children": [
                    {"name": "Plan", "kind": "quality", "weight": "30", **RANGE},
                    {"name": "Team", "kind": "quality", "weight": "10", **RANGE},
                ],
            },
            {"name": "Price", "kind": "price", "weight": "40", "formula": "relative_lowest"},
        ],
    ) == [
        "Quality: its sub-criteria add up to 40, not to its weight 50",
        "criteria: The weights add up to 90 points, not to the stated total of 100",
    ]


def test_price_criteria_need_a_formula_and_sound_bounds():
    assert problems(tree, [{"name": "Price", "kind": "price", "weight": "100"}]) == [
        "criteria[0].formula: A price criterion needs one of the formulas relative_lowest, "
        "linear_fixed, linear_bids, value_based, price_per_quality"
    ]
    assert problems(
        tree,
        [
            {"name": "Quality", "kind": "quality", "weight": "60", **RANGE},
            {
                "name": "Price",
                "kind": "price",
                "weight": "40",
                "formula": "linear_fixed",
                "low": "2000",
                "high": "1000",
            },
        ],
    ) == ["Price: the highest price 1000 must be above the lowest price 2000"]
    assert problems(
        tree,
        [
            {"name": "Quality", "kind": "quality", "weight": "60", **RANGE},
            {"name": "Price", "kind": "price", "weight": "20", "formula": "relative_lowest"},
            {"name": "Price 2", "kind": "price", "weight": "20", "formula": "relative_lowest"},
        ],
    ) == ["criteria: An evaluation has at most one price criterion"]
    assert problems(
        tree,
        [
            {"name": "Value", "kind": "value", "weight": "5000", **RANGE},
            {"name": "Price", "kind": "price", "weight": "0", "formula": "relative_lowest"},
        ],
        total="0",
    ) == [
        "Price: the weight must be above 0",
        "criteria: Value criteria need a price criterion with the value-based formula",
    ]


def plan(**scale: str) -> dict[str, str]:
    """The quality criterion "Plan" (weight 10) with ``scale``'s fields."""
    return {"name": "Plan", "kind": "quality", "weight": "10", **scale}


def test_scales_must_be_well_formed():
    assert problems(
        parse_criterion,
        plan(scale_type="range", scale_min="0", scale_max="10", scale_step="3"),
    ) == ["scale_step: Steps of 3 from 0 do not reach 10"]
    assert problems(
        parse_criterion,
        plan(scale_type="levels", levels="6 = sufficient\nsix = good\n6 = fine"),
    ) == [
        "levels: Level 2: six is not a score from 0 to 1000",
        "levels: Two levels have the same score",
    ]
    assert problems(
        parse_criterion,
        plan(scale_type="range", scale_min="5", scale_max="5", scale_step="1"),
    ) == ["scale_max: The maximum 5 must be above the minimum 5"]


def test_minimums_and_pass_fail_rules():
    assert problems(
        tree,
        [
            {"name": "Plan", "kind": "quality", "weight": "100", "minimum": "120", **RANGE},
            {"name": "Licence", "kind": "pass_fail", "weight": "5"},
        ],
    ) == [
        "Plan: the minimum 120 is above the weight 100",
        "Licence: a pass or fail criterion gives no points; set its weight to 0",
    ]
    assert problems(
        tree, [{"name": "Plan", "kind": "quality", "weight": "100", **RANGE}], min_quality="101"
    ) == ["min_total_quality: The minimum total quality 101 is above the quality points 100"]


def test_an_empty_tree_and_unknown_kinds_are_refused():
    assert problems(tree, []) == ["criteria: Add at least one criterion"]
    assert problems(tree, [{"name": "", "kind": "beauty", "weight": "x"}]) == [
        "criteria[0].name: A name is required",
        "criteria[0].kind: Choose one of the kinds quality, price, pass_fail, value",
        "criteria[0].weight: x is not a number",
    ]


def test_scores_on_the_scale():
    plan = parse_criterion({"name": "Plan", "kind": "quality", "weight": "10", **RANGE})
    assert check_score(plan, "7", " good ", "v") == (D(7), "good")
    assert check_score(plan, "", "", "v") == (None, "")
    assert problems(check_score, plan, "7,5", "", "v") == ["v: 7.5 is not in steps of 1 from 0"]
    assert problems(check_score, plan, "-1", "", "v") == ["v: -1 is below the minimum 0"]
    assert problems(check_score, plan, "lots", "", "v") == ["v: lots is not a number"]
    licence = parse_criterion({"name": "Licence", "kind": "pass_fail"})
    assert problems(check_score, licence, "2", "", "v") == ["v: 2 is not one of the levels 0, 1"]
    gaps = sheet_gaps(
        [(1, "Zorg BV")], [plan, licence], {(1, plan.id): (D(7), ""), (1, licence.id): (D(0), "")}
    )
    assert [g.render() for g in gaps] == [
        "Zorg BV · Plan: A justification is required",
        "Zorg BV · Licence: A justification is required",
    ]  # a fail needs its reason


def test_evaluation_subjects_prices_and_declarations():
    assert problems(
        validate_evaluation,
        {
            "title": "",
            "currency": "USD",
            "owner_url": "https://evil.example",
            "aggregation": "mode",
            "winners": "0",
        },
    ) == [
        "title: A title is required",
        "currency: Choose one of the currencies EUR, DKK, PLN, SEK",
        "owner_url: Give a path on this site, such as /tenders/12",
        "aggregation: Choose one of mean, median",
        "winners: Enter a number from 1 to 10000",
    ]
    data = validate_evaluation({"title": "Lot 1", "currency": "eur", "winners": "13"})
    assert data.options.winners == 13 and len(data.lottery_seed) == 16
    assert problems(
        validate_subjects,
        [{"ref": "bid:1", "name": "A", "code": "A 1"}, {"ref": "bid:1", "name": ""}],
    ) == [
        "subjects[0].code: A code has at most 20 letters, digits, dashes, dots or underscores",
        "subjects[1].ref: The reference bid:1 is given twice",
        "subjects[1].name: A name is required",
    ]
    assert validate_price("1.234,50".replace(".", "")) == D("1234.50")
    assert validate_price("") is None
    assert problems(validate_price, "0") == ["price: A price must be above 0"]
    assert problems(validate_price, "12.3456") == ["price: 12.3456 has more than two decimals"]
    assert problems(validate_price, "12.345") == [
        "price: 12.345 is ambiguous: it can mean 12345 or 12.345; type one of these"
    ]
    assert validate_declaration(4, "", "", "a") is None
    assert problems(validate_declaration, 4, "conflict", " ", "a") == [
        "a: Describe the conflict of interest"
    ]
    assert validate_declaration(4, "none", "", "a").conflict is False
