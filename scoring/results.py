"""The ranking as letters and reports quote it: dataclasses built from the pure computation.

Every number is a ``Decimal`` rounded for people (points to two decimals, money to the cent);
every explanation is a translatable :class:`Problem` (message id and parameters), so that a
letter in Dutch or Polish says "40 × laagste prijs 100.00 / prijs 150.00 = 26.67" in its own
language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache, partial
from typing import Any

import pandas as pd

from common.errors import NotFound, Problem
from common.i18n import N_
from scoring.criteria import Criterion, Formula, Kind, Tree, plain
from scoring.ranking import MEDIAN, Outcome

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


def dec(value: Any, places: Decimal = TWO) -> Decimal | None:
    """A float from the computation as a rounded Decimal (None for NaN or None)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return _rounded(number, places)


@lru_cache(maxsize=65536)
def _rounded(number: float, places: Decimal) -> Decimal:
    # Scores sit on scales, so the same few values come back again and again.
    return Decimal(repr(number)).quantize(places, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ScoreLine:
    """One evaluator's final score of one subject on one criterion."""

    evaluator_id: int
    evaluator: str
    value: Decimal
    label: str | None  # the level's name on a scale of named levels
    points: Decimal
    justification: str


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: int
    name: str
    kind: str
    parent_id: int | None
    weight: Decimal
    points: Decimal | None  # None for pass/fail and for a price not looked at
    passed: bool | None  # pass/fail criteria only
    formula: str  # "mean", "median", "consensus", "sum", "pass_fail" or a price formula
    explanation: Problem
    inputs: Mapping[str, str]
    value: Decimal | None = None  # the score on the scale that counted
    spread: Decimal | None = None
    flagged: bool = False
    consensus: Decimal | None = None
    consensus_justification: str = ""
    individual: tuple[ScoreLine, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RankedSubjectData:
    ref: str
    name: str
    code: str
    rank: int | None
    total: Decimal | None
    quality: Decimal
    value: Decimal | None  # value-based: the quality's money value
    price: Decimal | None
    price_points: Decimal | None
    winner: bool
    knocked_out: bool
    excluded: bool
    reasons: tuple[Problem, ...]
    explained: bool  # individual scores and justifications included in the breakdown
    excluded_reason: str = ""  # why the subject was taken out, as the officer recorded it

    def criterion(self, name_or_id: str | int) -> CriterionResult:
        for result in self.criteria:  # type: ignore[attr-defined]
            if name_or_id in (result.criterion_id, result.name):
                return result
        raise KeyError(name_or_id)


@dataclass(frozen=True, kw_only=True)
class RankedSubject(RankedSubjectData):
    """One subject's place. ``criteria``, the breakdown per criterion, is built when first
    read: a round of ten thousand needs the totals of all, the breakdown of a few."""

    breakdown: Callable[[], tuple[CriterionResult, ...]] = field(repr=False, compare=False)

    @cached_property
    def criteria(self) -> tuple[CriterionResult, ...]:
        return self.breakdown()


@dataclass(frozen=True, kw_only=True)
class RankedSubjectOut(RankedSubjectData):
    """The same with its breakdown built: for serialising (the API)."""

    criteria: tuple[CriterionResult, ...]


@dataclass(frozen=True)
class LotteryDraw:
    """Subjects tied on total and quality, in the order the seeded lottery put them."""

    seed: str
    refs: tuple[str, ...]
    total: Decimal | None
    quality: Decimal | None


@dataclass(frozen=True)
class RankReversal:
    """Leaving out ``left_out`` would turn each pair round: (now above, would be above)."""

    left_out: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, kw_only=True)
class RankingData:
    evaluation_id: int
    currency: str
    method: str  # "points", "value_based" or "price_per_quality"
    higher_is_better: bool
    formula: str | None
    criteria_version: int
    winners: tuple[str, ...]
    lottery_seed: str
    lottery: tuple[LotteryDraw, ...]
    reversal_checked: bool  # False when no relative formula is used
    reversals: tuple[RankReversal, ...]
    confirmed_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RankingOut(RankingData):
    subjects: tuple[RankedSubjectOut, ...]


@dataclass(frozen=True, kw_only=True)
class Ranking(RankingData):
    subjects: tuple[RankedSubject, ...]  # ranked first, then knocked out, then excluded

    def materialised(self, breakdown: bool = True) -> RankingOut:
        """Every subject with its breakdown built (or without any), ready to serialise."""
        data = {f.name: getattr(self, f.name) for f in fields(RankingData)}
        subject_fields = [f.name for f in fields(RankedSubjectData)]
        return RankingOut(
            **data,
            subjects=tuple(
                RankedSubjectOut(
                    **{name: getattr(s, name) for name in subject_fields},
                    criteria=s.criteria if breakdown else (),
                )
                for s in self.subjects
            ),
        )

    def subject(self, ref: str) -> RankedSubject:
        for found in self.subjects:
            if found.ref == ref:
                return found
        raise NotFound(N_("No subject {ref} in this evaluation"), ref=ref)

    def audit_view(self) -> dict[str, Any]:
        """What confirming the ranking puts on record."""
        return {
            "criteria_version": self.criteria_version,
            "ranking": [
                {"ref": s.ref, "rank": s.rank, "total": s.total}
                for s in self.subjects
                if s.rank is not None
            ],
            "knocked_out": [s.ref for s in self.subjects if s.knocked_out],
            "excluded": [s.ref for s in self.subjects if s.excluded],
            "winners": list(self.winners),
            "lottery_seed": self.lottery_seed,
            "lottery": [list(draw.refs) for draw in self.lottery],
            "reversals": [
                {"left_out": r.left_out, "pairs": [list(p) for p in r.pairs]}
                for r in self.reversals
            ],
        }


SCORE_EXPLANATIONS = {
    "mean": N_("Mean score {value} of {top}: {weight} × {value} / {top} = {points}"),
    "median": N_("Median score {value} of {top}: {weight} × {value} / {top} = {points}"),
    "consensus": N_("Consensus score {value} of {top}: {weight} × {value} / {top} = {points}"),
}


@dataclass(frozen=True)
class Details:
    """What is loaded only for the subjects being explained."""

    individual: Mapping[tuple[int, int], Sequence[ScoreLine]] = field(default_factory=dict)
    consensus_justifications: Mapping[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Leaf:
    """What every result of one scored criterion shares, worked out once."""

    criterion: Criterion
    weight: str
    top: str

    @property
    def head(self) -> tuple[int, str, str, int | None, Decimal]:
        c = self.criterion
        return (c.id, c.name, c.kind.value, c.parent_id, c.weight)


def _leaf_result(
    leaf: _Leaf,
    head: tuple[int, str, str, int | None, Decimal],
    row: tuple[float, float, float, bool, float] | None,
    method: str,
    details: Details,
    subject_id: int,
    explained: bool,
) -> CriterionResult:
    key = (subject_id, head[0])
    individual = tuple(details.individual.get(key, ())) if explained else ()
    if row is None:
        return CriterionResult(
            *head, None, None, "none", Problem(N_("Not scored")), {}, individual=individual
        )
    raw_value, raw_consensus, raw_spread, flagged, raw_points = row
    has_consensus = raw_consensus == raw_consensus  # not NaN
    how = "consensus" if has_consensus else method
    value = dec(raw_value)
    consensus = dec(raw_consensus) if has_consensus else None
    justification = details.consensus_justifications.get(key, "") if explained else ""
    if head[2] == Kind.PASS_FAIL.value:
        passed = raw_value >= 1
        return CriterionResult(
            *head,
            None,
            passed,
            "consensus" if has_consensus else "pass_fail",
            Problem(N_("Passed") if passed else N_("Not passed")),
            {"passed": "yes" if passed else "no"},
            value,
            dec(raw_spread),
            flagged,
            consensus,
            justification,
            individual,
        )
    points = dec(raw_points)
    inputs = {
        "weight": leaf.weight,
        "value": plain(value or Decimal(0)),
        "top": leaf.top,
        "points": str(points),
        "method": how,
    }
    return CriterionResult(
        *head,
        points,
        None,
        how,
        Problem(SCORE_EXPLANATIONS[how], inputs),
        inputs,
        value,
        dec(raw_spread),
        flagged,
        consensus,
        justification,
        individual,
    )


def _price_result(
    criterion: Criterion, outcome: Outcome, row: Mapping[str, Any], valid: bool
) -> CriterionResult:
    assert criterion.formula is not None
    formula = criterion.formula
    base = (
        criterion.id,
        criterion.name,
        criterion.kind.value,
        criterion.parent_id,
        criterion.weight,
    )
    if not valid:
        return CriterionResult(
            *base,
            None,
            None,
            formula.value,
            Problem(N_("Price not considered: the subject was out before prices were looked at")),
            {},
        )
    price = dec(row["price"])
    inputs: dict[str, str] = {"weight": plain(criterion.weight), "price": str(price)}
    points = dec(row["price_points"])
    if formula is Formula.VALUE_BASED:
        inputs |= {"value": str(dec(row["value"])), "total": str(dec(row["total"]))}
        message = N_("Fictitious price: price {price} − quality value {value} = {total}")
    elif formula is Formula.PRICE_PER_QUALITY:
        inputs |= {"quality": str(dec(row["quality"])), "total": str(dec(row["total"], FOUR))}
        message = N_("Price per quality point: price {price} / quality {quality} = {total}")
    else:
        bounds = outcome.bounds
        low, high = dec(bounds.low), dec(bounds.high)
        inputs |= {"points": str(points), "low": str(low), "high": str(high)}
        if formula is Formula.RELATIVE_LOWEST:
            message = N_("{weight} × lowest price {low} / price {price} = {points}")
        elif low == high:
            message = N_("All prices are equal: {weight} points")
        elif formula is Formula.LINEAR_FIXED:
            message = N_(
                "{weight} × ({high} − price {price}) / ({high} − {low}) = {points}, "
                "kept within 0 and {weight}"
            )
        else:
            message = N_(
                "{weight} × (highest price {high} − price {price}) / (highest price "
                "{high} − lowest price {low}) = {points}"
            )
    return CriterionResult(
        *base, points, None, formula.value, Problem(message, dict(inputs)), inputs
    )


@dataclass
class _Breakdowns:
    """Builds one subject's per-criterion results, from what all subjects share."""

    tree: Tree
    outcome: Outcome
    aggregation: str
    details: Details
    rows_by_pair: dict[tuple[int, int], tuple[float, float, float, bool, float]] | None = None
    parent_sums: dict[int, dict[int, float]] | None = None

    def __post_init__(self) -> None:
        self.ordered = self.tree.ordered()
        self.leaves = {
            c.id: _Leaf(c, plain(c.weight), plain(c.effective_scale.top))
            for c in self.ordered
            if self.tree.is_leaf(c) and c.effective_scale is not None
        }
        self.parents = [
            c.id for c in self.ordered if c.kind is not Kind.PRICE and not self.tree.is_leaf(c)
        ]
        self.heads = {c: leaf.head for c, leaf in self.leaves.items()}

    def _pairs(self) -> dict[tuple[int, int], tuple[float, float, float, bool, float]]:
        if self.rows_by_pair is None:
            a = self.outcome.aggregates
            self.rows_by_pair = dict(
                zip(
                    zip(
                        a.index.get_level_values(0).tolist(),
                        a.index.get_level_values(1).tolist(),
                        strict=True,
                    ),
                    zip(
                        a["value"].tolist(),
                        a["consensus"].tolist(),
                        a["spread"].tolist(),
                        a["flagged"].tolist(),
                        a["points"].tolist(),
                        strict=True,
                    ),
                    strict=True,
                )
            )
        return self.rows_by_pair

    def _sums(self) -> dict[int, dict[int, float]]:
        """Each subject's points per parent criterion (sum of its sub-criteria)."""
        if self.parent_sums is None:
            self.parent_sums = (
                self.outcome.points.reindex(columns=self.parents).to_dict("index")
                if self.parents
                else {}
            )
        return self.parent_sums

    def build(
        self, subject_id: int, row: dict[str, Any], explained: bool
    ) -> tuple[CriterionResult, ...]:
        pairs = self._pairs()
        valid = not row["excluded"] and not row["knocked_out"]
        sums = self._sums().get(subject_id)
        results: list[CriterionResult] = []
        for criterion in self.ordered:
            if criterion.kind is Kind.PRICE:
                results.append(_price_result(criterion, self.outcome, row, valid))
            elif criterion.id in self.leaves:
                results.append(
                    _leaf_result(
                        self.leaves[criterion.id],
                        self.heads[criterion.id],
                        pairs.get((subject_id, criterion.id)),
                        self.aggregation,
                        self.details,
                        subject_id,
                        explained,
                    )
                )
            else:
                total = dec(sums[criterion.id]) if sums is not None else None
                results.append(
                    CriterionResult(
                        criterion.id,
                        criterion.name,
                        criterion.kind.value,
                        None,
                        criterion.weight,
                        total,
                        None,
                        "sum",
                        Problem(N_("Sum of its sub-criteria: {points}"), {"points": str(total)}),
                        {"points": str(total)},
                    )
                )
        return tuple(results)


def build_ranking(
    *,
    evaluation_id: int,
    currency: str,
    criteria_version: int,
    seed: str,
    tree: Tree,
    outcome: Outcome,
    names: Mapping[int, tuple[str, str]],
    aggregation: str,
    explain: Collection[int] | None,
    details: Details,
    confirmed_at: datetime | None = None,
) -> Ranking:
    """``names``: subject id → (name, code); ``explain``: subject ids to give every individual
    score and justification (None: all of them)."""
    builder = _Breakdowns(tree, outcome, "median" if aggregation == MEDIAN else "mean", details)
    total_places = FOUR if outcome.method == "price_per_quality" else TWO
    value_based = outcome.method == "value_based"
    subjects: list[RankedSubject] = []
    for subject_id, row in zip(
        outcome.table.index.tolist(), outcome.table.to_dict("records"), strict=True
    ):
        explained = explain is None or subject_id in explain
        name, code = names.get(subject_id, (row["ref"], ""))
        rank = row.get("rank")
        subjects.append(
            RankedSubject(
                ref=row["ref"],
                name=name,
                code=code,
                rank=None if rank is None or rank is pd.NA else int(rank),
                total=dec(row.get("total"), total_places),
                quality=dec(row["quality"]) or Decimal("0.00"),
                value=dec(row["value"]) if value_based else None,
                price=dec(row["price"]),
                price_points=dec(row.get("price_points")),
                winner=bool(row["winner"]),
                knocked_out=bool(row["knocked_out"]),
                excluded=bool(row["excluded"]),
                reasons=tuple(outcome.reasons.get(subject_id, ())),
                excluded_reason=str(row.get("excluded_reason") or "") if row["excluded"] else "",
                explained=explained,
                breakdown=partial(builder.build, subject_id, row, explained),
            )
        )
    refs = outcome.table["ref"]
    price = tree.price()
    return Ranking(
        evaluation_id=evaluation_id,
        currency=currency,
        method=outcome.method,
        higher_is_better=outcome.higher_is_better,
        formula=price.formula.value if price and price.formula else None,
        criteria_version=criteria_version,
        subjects=tuple(subjects),
        winners=tuple(str(refs[s]) for s in outcome.winners),
        lottery_seed=seed,
        lottery=tuple(
            LotteryDraw(seed, d.refs, dec(d.total), dec(d.quality)) for d in outcome.draws
        ),
        reversal_checked=outcome.reversals is not None,
        reversals=tuple(RankReversal(r.left_out, r.pairs) for r in outcome.reversals or ()),
        confirmed_at=confirmed_at,
    )
