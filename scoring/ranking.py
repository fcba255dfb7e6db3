"""Aggregation, thresholds, ranking, the tie lottery and the rank-reversal check.

Pure functions over plain data, vectorised with pandas so that a round of ten thousand
applications ranks in a fraction of a second:

- ``scores``: one row per individual final score: ``subject_id``, ``criterion_id``,
  ``evaluator_id``, ``value`` (the number on the criterion's scale);
- ``consensus``: ``subject_id``, ``criterion_id``, ``value``: the lead officer's score, which
  replaces the mean (or median) of the individual scores;
- ``subjects``: ``subject_id`` (index), ``ref``, ``price`` (float or NaN), ``excluded`` (bool),
  ``excluded_reason``.

The order: scores are aggregated per subject and criterion; subjects that fail a pass/fail
criterion, a minimum score or the minimum total quality are knocked out *before* prices are
looked at (so they do not move a relative formula's bounds); the others get their price points
(or fictitious price, or price per quality point) and are ranked: total first, then higher
quality, then a lottery drawn from the evaluation's seed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from common.errors import Problem, ValidationFailed
from common.i18n import N_
from scoring.criteria import (
    POINT_FORMULAS,
    RELATIVE_FORMULAS,
    Formula,
    Kind,
    Tree,
    plain,
)
from scoring.formulas import (
    Bounds,
    fictitious_price,
    price_per_quality_point,
    price_points,
)

MEAN = "mean"
MEDIAN = "median"
AGGREGATIONS = (MEAN, MEDIAN)


def known_aggregation(value: object) -> str:
    """The stored aggregation when it is one the engine knows, else the mean (the default):
    a value stored before the options were validated must not break a page or a ranking."""
    return value if isinstance(value, str) and value in AGGREGATIONS else MEAN


# Totals are compared at this many decimals, so that float noise never decides a tie.
TIE_DECIMALS = 6
EPSILON = 1e-9

SCORE_COLUMNS = ["subject_id", "criterion_id", "evaluator_id", "value"]
CONSENSUS_COLUMNS = ["subject_id", "criterion_id", "value"]


@dataclass(frozen=True)
class Options:
    aggregation: str = MEAN
    spread_limit: float | None = None  # percent of the scale's top score
    winners: int = 1
    seed: str = ""
    min_total_quality: float | None = None


# --- building the inputs --------------------------------------------------------------------


def scores_frame(rows: Iterable[Sequence[Any]] | pd.DataFrame = ()) -> pd.DataFrame:
    frame = (
        rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=SCORE_COLUMNS)
    )
    if frame.empty:
        frame = pd.DataFrame(
            {c: pd.Series(dtype="int64") for c in SCORE_COLUMNS[:3]}
            | {"value": pd.Series(dtype="float64")}
        )
    return frame.astype(
        {
            "subject_id": "int64",
            "criterion_id": "int64",
            "evaluator_id": "int64",
            "value": "float64",
        }
    )


def consensus_frame(rows: Iterable[Sequence[Any]] | pd.DataFrame = ()) -> pd.DataFrame:
    frame = (
        rows
        if isinstance(rows, pd.DataFrame)
        else pd.DataFrame(list(rows), columns=CONSENSUS_COLUMNS)
    )
    if frame.empty:
        frame = pd.DataFrame(
            {
                "subject_id": pd.Series(dtype="int64"),
                "criterion_id": pd.Series(dtype="int64"),
                "value": pd.Series(dtype="float64"),
            }
        )
    return frame.astype({"subject_id": "int64", "criterion_id": "int64", "value": "float64"})


def subjects_frame(rows: Iterable[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Subjects indexed by ``subject_id`` with ``ref``, ``price``, ``excluded``, reason."""
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    for column, default in (("price", np.nan), ("excluded", False), ("excluded_reason", "")):
        if column not in frame:
            frame[column] = default
    if frame.empty:
        frame = pd.DataFrame(
            {
                "subject_id": pd.Series(dtype="int64"),
                "ref": pd.Series(dtype="object"),
                "price": pd.Series(dtype="float64"),
                "excluded": pd.Series(dtype="bool"),
                "excluded_reason": pd.Series(dtype="object"),
            }
        )
    frame = frame.astype({"subject_id": "int64", "price": "float64", "excluded": "bool"})
    frame["ref"] = frame["ref"].astype(str)
    frame["excluded_reason"] = frame["excluded_reason"].fillna("").astype(str)
    return frame.set_index("subject_id")


def _leaf_table(tree: Tree) -> pd.DataFrame:
    leaves = tree.scored()
    scales = [c.effective_scale for c in leaves]
    return pd.DataFrame(
        {
            "criterion_id": pd.Series([c.id for c in leaves], dtype="int64"),
            "kind": [c.kind.value for c in leaves],
            "weight": pd.Series([float(c.weight) for c in leaves], dtype="float64"),
            "top": pd.Series([float(s.top) if s else 1.0 for s in scales], dtype="float64"),
        }
    ).set_index("criterion_id")


# --- aggregation ----------------------------------------------------------------------------


def aggregate(
    tree: Tree, scores: pd.DataFrame, consensus: pd.DataFrame, options: Options
) -> pd.DataFrame:
    """Per subject and scored criterion: the individual scores summed up.

    Columns: ``count``, ``aggregate`` (mean or median; for pass/fail the lowest, so one fail
    fails), ``low``, ``high``, ``spread`` (high − low on the scale), ``spread_pct`` (of the
    scale's top), ``flagged`` (spread above the limit; any disagreement on pass/fail),
    ``consensus`` (NaN when none), ``value`` (consensus where set, else the aggregate),
    ``points`` (weight × value / top; a value criterion's points are money).
    """
    leaves = _leaf_table(tree)
    scored = scores[scores["criterion_id"].isin(leaves.index)]
    # One int64 key per (subject, criterion) groups much faster than two columns.
    low_c = int(leaves.index.min()) if len(leaves) else 0
    width = (int(leaves.index.max()) - low_c + 1) if len(leaves) else 1
    subject = scored["subject_id"].to_numpy(dtype=np.int64)
    low_s = int(subject.min()) if len(subject) else 0
    key = (subject - low_s) * width + (scored["criterion_id"].to_numpy(dtype=np.int64) - low_c)
    grouped = scored["value"].groupby(key, sort=True)
    stats = grouped.agg(["count", "min", "max", known_aggregation(options.aggregation)])
    stats.columns = ["count", "low", "high", "aggregate"]
    keys = stats.index.to_numpy(dtype=np.int64)
    stats.index = pd.MultiIndex.from_arrays(
        [keys // width + low_s, keys % width + low_c], names=["subject_id", "criterion_id"]
    )
    given = (
        consensus[consensus["criterion_id"].isin(leaves.index)]
        .set_index(["subject_id", "criterion_id"])["value"]
        .rename("consensus")
    )
    table = stats.join(given, how="outer")
    table["count"] = table["count"].fillna(0).astype("int64")
    criterion = table.index.get_level_values("criterion_id")
    info = leaves.reindex(criterion)
    kind = info["kind"].to_numpy()
    pass_fail = kind == Kind.PASS_FAIL.value
    table["aggregate"] = np.where(pass_fail, table["low"], table["aggregate"])
    table["spread"] = table["high"] - table["low"]
    top = info["top"].to_numpy()
    table["spread_pct"] = table["spread"].to_numpy() / top * 100.0
    limit = options.spread_limit
    over = (table["spread_pct"] > limit + EPSILON) if limit is not None else False
    table["flagged"] = (over | (pass_fail & (table["spread"] > 0))).fillna(False).astype(bool)
    table["value"] = table["consensus"].fillna(table["aggregate"])
    table["points"] = info["weight"].to_numpy() * table["value"].to_numpy() / top
    table["kind"] = kind
    return table


def missing_pairs(
    tree: Tree, aggregates: pd.DataFrame, subject_ids: Iterable[int]
) -> list[tuple[int, int]]:
    """(subject, criterion) pairs without any score or consensus, among ``subject_ids``."""
    leaves = [c.id for c in tree.scored()]
    expected = pd.MultiIndex.from_product(
        [sorted(subject_ids), leaves], names=["subject_id", "criterion_id"]
    )
    present = aggregates.index[aggregates["value"].notna()]
    return list(expected.difference(present))


# --- ranking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """One tie broken by lottery: the tied subjects in the order drawn."""

    refs: tuple[str, ...]
    total: float
    quality: float


@dataclass(frozen=True)
class Reversal:
    """Leaving out ``left_out`` would put each ``(below, above)`` pair the other way round."""

    left_out: str
    pairs: tuple[tuple[str, str], ...]


@dataclass
class Outcome:
    method: str  # "points", "value_based" or "price_per_quality"
    higher_is_better: bool
    aggregates: pd.DataFrame
    points: pd.DataFrame  # subjects × criteria (parents included)
    table: pd.DataFrame  # per subject, in ranking order
    reasons: dict[int, list[Problem]]
    draws: list[Draw]
    reversals: list[Reversal] | None  # None: the formula is not relative
    bounds: Bounds = field(default_factory=Bounds)
    winners: list[int] = field(default_factory=list)


def lottery_keys(refs: pd.Series, seed: str) -> pd.Series:
    """A number per subject drawn from the seed and the subject's reference alone.

    The same seed always gives the same order, whatever order the subjects come in.
    """
    return refs.map(
        lambda ref: int.from_bytes(hashlib.sha256(f"{seed}\x1f{ref}".encode()).digest()[:7], "big")
    )


def _order(frame: pd.DataFrame, higher_is_better: bool, seed: str) -> tuple[pd.Index, list[Draw]]:
    """Subject ids best first (frame has ``total``, ``quality``, ``value``, ``ref``).

    Total first, then higher quality, then higher value; subjects equal in all three are put
    in order by the seeded lottery (their references break a collision of lottery numbers).
    """
    if frame.empty:
        return frame.index, []
    total = frame["total"].to_numpy(dtype=float).round(TIE_DECIMALS)
    quality = frame["quality"].to_numpy(dtype=float).round(TIE_DECIMALS)
    value = frame["value"].to_numpy(dtype=float).round(TIE_DECIMALS)
    tied = pd.DataFrame({"t": total, "q": quality, "v": value}).duplicated(keep=False).to_numpy()
    lottery = np.zeros(len(frame), dtype=np.int64)
    by_ref = np.zeros(len(frame), dtype=np.int64)
    if tied.any():
        refs = frame["ref"].to_numpy()[tied]
        lottery[tied] = lottery_keys(pd.Series(refs), seed).to_numpy(dtype=np.int64)
        by_ref[tied] = np.argsort(np.argsort(refs.astype(str), kind="stable"), kind="stable")
    order = np.lexsort((by_ref, lottery, -value, -quality, -total if higher_is_better else total))
    draws: list[Draw] = []
    group: list[int] = []
    for position in [int(p) for p in order if tied[p]]:
        if group and (total[position], quality[position], value[position]) != (
            total[group[0]],
            quality[group[0]],
            value[group[0]],
        ):
            draws.append(_draw(frame, group, total, quality))
            group = []
        group.append(position)
    if group:
        draws.append(_draw(frame, group, total, quality))
    return frame.index[order], draws


def _draw(
    frame: pd.DataFrame, positions: list[int], total: np.ndarray, quality: np.ndarray
) -> Draw:
    refs = frame["ref"].to_numpy()
    return Draw(
        tuple(str(refs[p]) for p in positions),
        float(total[positions[0]]),
        float(quality[positions[0]]),
    )


def _method(tree: Tree) -> tuple[str, bool]:
    price = tree.price()
    if price is None or price.formula in POINT_FORMULAS:
        return "points", True
    if price.formula is Formula.VALUE_BASED:
        return "value_based", False
    return "price_per_quality", False


def _criterion_points(tree: Tree, aggregates: pd.DataFrame, subject_ids: pd.Index) -> pd.DataFrame:
    """Subjects × criteria: the leaves' points and each parent's sum of its leaves."""
    matrix = aggregates["points"].unstack("criterion_id")
    matrix = matrix.reindex(index=subject_ids, columns=[c.id for c in tree.scored()])
    for criterion in tree.ordered():
        if criterion.kind in (Kind.QUALITY, Kind.VALUE) and not tree.is_leaf(criterion):
            matrix[criterion.id] = matrix[[leaf.id for leaf in tree.leaves_under(criterion)]].sum(
                axis=1, min_count=1
            )
    return matrix


def _knock_outs(
    tree: Tree, aggregates: pd.DataFrame, points: pd.DataFrame, quality: pd.Series, options: Options
) -> dict[int, list[Problem]]:
    reasons: dict[int, list[Problem]] = {}
    pass_fail = [c.id for c in tree.scored() if c.kind is Kind.PASS_FAIL]
    values = (
        aggregates["value"].unstack("criterion_id").reindex(index=points.index, columns=pass_fail)
        if pass_fail
        else None
    )
    for criterion in tree.ordered():
        if criterion.kind is Kind.PASS_FAIL and values is not None:
            column = values[criterion.id]
            for subject_id in column.index[column < 1 - EPSILON]:
                reasons.setdefault(int(subject_id), []).append(
                    Problem(N_("{criterion}: not passed"), {"criterion": criterion.name})
                )
        elif criterion.minimum is not None and criterion.kind is not Kind.PRICE:
            column = points[criterion.id]
            below = column[column < float(criterion.minimum) - EPSILON]
            for subject_id, value in below.items():
                reasons.setdefault(int(subject_id), []).append(
                    Problem(
                        N_("{criterion}: {points} points, below the minimum of {minimum}"),
                        {
                            "criterion": criterion.name,
                            "points": f"{value:.2f}",
                            "minimum": plain(criterion.minimum),
                        },
                    )
                )
    if options.min_total_quality is not None:
        below = quality[quality < options.min_total_quality - EPSILON]
        for subject_id, value in below.items():
            reasons.setdefault(int(subject_id), []).append(
                Problem(
                    N_("Quality {points} points, below the minimum total of {minimum}"),
                    {"points": f"{value:.2f}", "minimum": plain(options.min_total_quality)},
                )
            )
    return reasons


def _totals(tree: Tree, method: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, Bounds]:
    """``frame`` (valid subjects: price, quality, value) with ``price_points`` and ``total``."""
    price = tree.price()
    result = frame.copy()
    result["price_points"] = np.nan
    bounds = Bounds()
    if price is None:
        result["total"] = result["quality"]
    elif method == "points":
        assert price.formula is not None
        points, bounds = price_points(
            price.formula,
            float(price.weight),
            result["price"],
            float(price.low) if price.low is not None else None,
            float(price.high) if price.high is not None else None,
        )
        result["price_points"] = points
        result["total"] = result["quality"] + points
    elif method == "value_based":
        result["total"] = fictitious_price(result["price"], result["value"])
    else:
        result["total"] = price_per_quality_point(result["price"], result["quality"])
    return result, bounds


def rank(
    tree: Tree,
    subjects: pd.DataFrame,
    scores: pd.DataFrame,
    consensus: pd.DataFrame,
    options: Options,
    check_reversals: bool = True,
) -> Outcome:
    """The ranking of ``subjects``; raises ValidationFailed when scores or prices are missing."""
    aggregates = aggregate(tree, scores, consensus, options)
    active = subjects.index[~subjects["excluded"].to_numpy()]
    missing = missing_pairs(tree, aggregates, active)
    if missing:
        names = {c.id: c.name for c in tree.criteria}
        refs = subjects["ref"]
        raise ValidationFailed(
            [
                Problem(
                    N_("{subject}: no score for {criterion}"),
                    {"subject": refs[s], "criterion": names[c]},
                    "scores",
                )
                for s, c in missing[:20]
            ]
        )
    points = _criterion_points(tree, aggregates, subjects.index)
    kinds = {c.id: c.kind for c in tree.scored()}
    quality_cols = [cid for cid, kind in kinds.items() if kind is Kind.QUALITY]
    value_cols = [cid for cid, kind in kinds.items() if kind is Kind.VALUE]
    quality = (
        points[quality_cols].sum(axis=1) if quality_cols else pd.Series(0.0, index=subjects.index)
    )
    value = points[value_cols].sum(axis=1) if value_cols else pd.Series(0.0, index=subjects.index)
    reasons = _knock_outs(tree, aggregates, points.loc[active], quality.loc[active], options)
    method, higher = _method(tree)
    table = pd.DataFrame(
        {
            "ref": subjects["ref"],
            "price": subjects["price"],
            "quality": quality,
            "value": value,
            "excluded": subjects["excluded"],
            "excluded_reason": subjects.get("excluded_reason", ""),
        }
    )
    table["knocked_out"] = table.index.isin(list(reasons))
    valid_mask = ~table["excluded"] & ~table["knocked_out"]
    if method == "price_per_quality":
        for subject_id in table.index[valid_mask & (table["quality"] <= EPSILON)]:
            reasons.setdefault(int(subject_id), []).append(
                Problem(N_("No quality points, so no price per quality point"))
            )
        table["knocked_out"] = table.index.isin(list(reasons))
        valid_mask = ~table["excluded"] & ~table["knocked_out"]
    valid = table[valid_mask]
    if tree.price() is not None:
        unpriced = valid.index[valid["price"].isna()]
        if len(unpriced):
            raise ValidationFailed(
                [
                    Problem(N_("{subject} has no price"), {"subject": valid.at[s, "ref"]}, "prices")
                    for s in unpriced[:20]
                ]
            )
        nonpositive = valid.index[valid["price"] <= 0]
        if len(nonpositive):
            raise ValidationFailed(
                [
                    Problem(
                        N_("{subject}: a price must be above 0"),
                        {"subject": valid.at[s, "ref"]},
                        "prices",
                    )
                    for s in nonpositive[:20]
                ]
            )
    valid, bounds = _totals(tree, method, valid)
    order, draws = _order(valid, higher, options.seed)
    valid = valid.loc[order]
    valid["rank"] = np.arange(1, len(valid) + 1)
    winners = list(valid.index[: max(0, options.winners)])
    table = table.join(valid[["price_points", "total", "rank"]])
    table["winner"] = table.index.isin(winners)
    table["rank"] = table["rank"].astype("Int64")
    rest = table[~valid_mask].sort_values(["excluded", "ref"], kind="mergesort")
    table = pd.concat([table.loc[order], rest])
    price = tree.price()
    if price is not None and method == "points":
        points[price.id] = table["price_points"]
    reversals = None
    if check_reversals and price is not None and price.formula in RELATIVE_FORMULAS:
        reversals = find_reversals(tree, method, valid, winners, higher, options.seed)
    return Outcome(
        method, higher, aggregates, points, table, reasons, draws, reversals, bounds, winners
    )


# --- rank reversal --------------------------------------------------------------------------


def _reversal_candidates(formula: Formula, prices: pd.Series) -> list[int]:
    """Subjects whose leaving out moves the formula's bounds; leaving out any other one
    changes nobody's points, so it cannot change any order."""
    if len(prices) < 2:
        return []
    found: list[int] = []
    ends = [prices.min()] + ([prices.max()] if formula is Formula.LINEAR_BIDS else [])
    for end in ends:
        holders = prices.index[prices == end]
        if len(holders) == 1:
            found.append(int(holders[0]))
    return list(dict.fromkeys(found))


def reversed_pairs(
    old_order: Sequence[int], new_order: Sequence[int], watched: set[int]
) -> list[tuple[int, int]]:
    """Pairs (a, b) among ``watched`` with a above b before and b above a after."""
    old_pos = {s: i for i, s in enumerate(old_order)}
    new_pos = {s: i for i, s in enumerate(new_order)}
    members = sorted((s for s in watched if s in new_pos and s in old_pos), key=old_pos.get)
    return [
        (a, b) for i, a in enumerate(members) for b in members[i + 1 :] if new_pos[a] > new_pos[b]
    ]


def find_reversals(
    tree: Tree,
    method: str,
    valid: pd.DataFrame,
    winners: list[int],
    higher: bool,
    seed: str,
    candidates: Iterable[int] | None = None,
) -> list[Reversal]:
    """For each subject whose leaving out would move the price bounds: the pairs among the
    winners (before or after) whose order would turn round."""
    price = tree.price()
    assert price is not None and price.formula is not None
    count = len(winners)
    found: list[Reversal] = []
    base = valid[["ref", "price", "quality", "value"]]
    if candidates is None:
        candidates = _reversal_candidates(price.formula, base["price"])
    for left_out in candidates:
        rest = base.drop(index=left_out)
        old_order = [s for s in valid.index if s != left_out]
        recomputed, _ = _totals(tree, method, rest)
        new_order, _ = _order(recomputed, higher, seed)
        watched = (
            {s for s in winners if s != left_out} | set(old_order[:count]) | set(new_order[:count])
        )
        pairs = reversed_pairs(old_order, list(new_order), watched)
        if pairs:
            refs = base["ref"]
            found.append(
                Reversal(str(refs[left_out]), tuple((str(refs[a]), str(refs[b])) for a, b in pairs))
            )
    return found
