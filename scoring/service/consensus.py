"""The consensus matrix and the consensus score per subject and criterion."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from audit import service as audit
from common import clock
from common.errors import NotFound
from common.i18n import N_
from common.identity import Principal
from config.database import raw, transaction
from scoring import access
from scoring.access import (
    EvaluationView,
    as_lead,
    as_reader,
    evaluation_view,
    load_tree,
)
from scoring.criteria import (
    Criterion,
    Tree,
)
from scoring.domain import (
    check_consensus,
)
from scoring.ranking import Options as RankOptions
from scoring.ranking import aggregate, known_aggregation, missing_pairs
from scoring.results import ScoreLine, dec
from scoring.service.evaluations import subject_rows
from scoring.tables import (
    Consensus,
    Subject,
)


@dataclass(frozen=True)
class Cell:
    count: int
    aggregate: Decimal | None
    low: Decimal | None
    high: Decimal | None
    spread: Decimal | None
    flagged: bool
    consensus: Decimal | None
    value: Decimal | None
    points: Decimal | None


@dataclass(frozen=True)
class MatrixRow:
    subject_id: int
    label: str  # the name, or the code while names are hidden
    code: str
    excluded: bool
    cells: Mapping[int, Cell]


@dataclass(frozen=True)
class Matrix:
    evaluation: EvaluationView
    criteria: list[Criterion]
    rows: list[MatrixRow]
    flagged_open: int
    missing: int


def rank_options(row: dict[str, Any]) -> RankOptions:
    limit = row["spread_limit"]
    minimum = row["min_total_quality"]
    return RankOptions(
        known_aggregation(row["aggregation"]),
        float(limit) if limit is not None else None,
        row["winners"],
        row["lottery_seed"],
        float(minimum) if minimum is not None else None,
    )


def _cells(aggregates: pd.DataFrame) -> dict[tuple[int, int], Cell]:
    cells = {}
    columns = [
        "count",
        "aggregate",
        "low",
        "high",
        "spread",
        "flagged",
        "consensus",
        "value",
        "points",
    ]
    for key, values in zip(
        aggregates.index, aggregates[columns].itertuples(index=False), strict=True
    ):
        count, agg, low, high, spread, flagged, consensus, value, points = values
        cells[key] = Cell(
            int(count),
            dec(agg),
            dec(low),
            dec(high),
            dec(spread),
            bool(flagged),
            dec(consensus),
            dec(value),
            dec(points),
        )
    return cells


def open_flags(aggregates: pd.DataFrame, active: Collection[int]) -> pd.DataFrame:
    subjects = aggregates.index.get_level_values("subject_id")
    return aggregates[
        aggregates["flagged"] & aggregates["consensus"].isna() & subjects.isin(list(active))
    ]


async def consensus_matrix(principal: Principal, evaluation_id: int) -> Matrix:
    """Subjects × criteria: mean (or median), spread, flag and consensus per cell."""
    async with transaction():
        row = await as_reader(principal, evaluation_id)
        tree = await load_tree(evaluation_id)
        subjects = await subject_rows(evaluation_id)
        scores = await access.final_scores(evaluation_id)
        consensus = await access.consensus_scores(evaluation_id)
    view = evaluation_view(row)
    aggregates = aggregate(tree, scores, consensus, rank_options(row))
    active = [s["id"] for s in subjects if s["excluded_at"] is None]
    cells = _cells(aggregates)
    rows = [
        MatrixRow(
            s["id"],
            s["code"] if view.names_hidden else s["name"],
            s["code"],
            s["excluded_at"] is not None,
            {c.id: cells[(s["id"], c.id)] for c in tree.scored() if (s["id"], c.id) in cells},
        )
        for s in subjects
    ]
    if view.names_hidden:
        rows.sort(key=lambda r: r.code)
    return Matrix(
        view,
        tree.scored(),
        rows,
        len(open_flags(aggregates, active)),
        len(missing_pairs(tree, aggregates, active)),
    )


@dataclass(frozen=True)
class CriterionScores:
    criterion: Criterion
    cell: Cell | None
    individual: tuple[ScoreLine, ...]
    consensus_justification: str


@dataclass(frozen=True)
class SubjectScores:
    evaluation: EvaluationView
    subject_id: int
    label: str
    code: str
    excluded: bool
    criteria: list[CriterionScores]


async def score_lines(
    evaluation_id: int, tree: Tree, subject_ids: Collection[int] | None
) -> dict[tuple[int, int], list[ScoreLine]]:
    """Final individual scores with the evaluator's name and justification."""
    query = (
        "SELECT s.subject, s.criterion, a.evaluator, u.name, s.value, s.justification "
        "FROM scoring_score s JOIN scoring_assignment a ON a.id = s.assignment "
        "JOIN accounts_user u ON u.id = a.evaluator WHERE s.evaluation = {} "
        "AND a.submitted_at IS NOT NULL AND s.value IS NOT NULL"
    )
    args: list[Any] = [evaluation_id]
    if subject_ids is not None:
        if not subject_ids:
            return {}
        ids = sorted(int(s) for s in subject_ids)
        query += f" AND s.subject IN ({', '.join('{}' for _ in ids)})"
        args += ids
    lines: dict[tuple[int, int], list[ScoreLine]] = {}
    for r in await raw(query + " ORDER BY u.name, a.evaluator", *args):
        criterion = tree.by_id.get(r["criterion"])
        if criterion is None or criterion.effective_scale is None:
            continue
        scale = criterion.effective_scale
        value = Decimal(r["value"])
        lines.setdefault((r["subject"], r["criterion"]), []).append(
            ScoreLine(
                r["evaluator"],
                r["name"],
                value,
                scale.label_of(value),
                dec(float(criterion.weight * value / scale.top)) or Decimal(0),
                r["justification"],
            )
        )
    return lines


async def consensus_texts(
    evaluation_id: int, subject_ids: Collection[int] | None
) -> dict[tuple[int, int], str]:
    query = Consensus.select(Consensus.subject, Consensus.criterion, Consensus.justification).where(
        Consensus.evaluation == evaluation_id
    )
    if subject_ids is not None:
        if not subject_ids:
            return {}
        query = query.where(Consensus.subject.is_in(sorted(subject_ids)))
    return {(r["subject"], r["criterion"]): r["justification"] for r in await query}


async def _subject(evaluation_id: int, subject_id: int) -> dict[str, Any]:
    """The evaluation's subject (NotFound when it is not one of its subjects)."""
    subject = (
        await Subject.select()
        .where((Subject.id == subject_id) & (Subject.evaluation == evaluation_id))
        .first()
    )
    if subject is None:
        raise NotFound(N_("Subject {id} does not exist"), id=subject_id)
    return subject


async def subject_scores(
    principal: Principal, evaluation_id: int, subject_id: int
) -> SubjectScores:
    """Every final individual score of one subject with its justification, and consensus."""
    async with transaction():
        row = await as_reader(principal, evaluation_id)
        subject = await _subject(evaluation_id, subject_id)
        tree = await load_tree(evaluation_id)
        scores = await access.final_scores(evaluation_id)
        consensus = await access.consensus_scores(evaluation_id)
        lines = await score_lines(evaluation_id, tree, [subject_id])
        texts = await consensus_texts(evaluation_id, [subject_id])
    view = evaluation_view(row)
    mine = scores[scores["subject_id"] == subject_id]
    cells = _cells(
        aggregate(tree, mine, consensus[consensus["subject_id"] == subject_id], rank_options(row))
    )
    return SubjectScores(
        view,
        subject_id,
        subject["code"] if view.names_hidden else subject["name"],
        subject["code"],
        subject["excluded_at"] is not None,
        [
            CriterionScores(
                c,
                cells.get((subject_id, c.id)),
                tuple(lines.get((subject_id, c.id), ())),
                texts.get((subject_id, c.id), ""),
            )
            for c in tree.scored()
        ],
    )


async def _scored_pair(
    evaluation_id: int, subject_id: int, criterion_id: int
) -> tuple[dict[str, Any], Criterion]:
    subject = await _subject(evaluation_id, subject_id)
    tree = await load_tree(evaluation_id)
    criterion = next((c for c in tree.scored() if c.id == criterion_id), None)
    if criterion is None:
        raise NotFound(N_("Criterion {id} does not exist"), id=criterion_id)
    return subject, criterion


async def record_consensus(
    principal: Principal,
    evaluation_id: int,
    subject_id: int,
    criterion_id: int,
    value: Any,
    justification: Any,
) -> None:
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await access.require_open_for_scores(row)
        subject, criterion = await _scored_pair(evaluation_id, subject_id, criterion_id)
        number, text = check_consensus(criterion, value, justification)
        current = (
            await Consensus.select(Consensus.value, Consensus.justification)
            .where((Consensus.subject == subject_id) & (Consensus.criterion == criterion_id))
            .first()
        )
        await Consensus.insert(
            Consensus(
                evaluation=evaluation_id,
                subject=subject_id,
                criterion=criterion_id,
                value=number,
                justification=text,
                decided_by=principal.id,
                decided_at=clock.now(),
            )
        ).on_conflict(
            target=(Consensus.subject, Consensus.criterion),
            action="DO UPDATE",
            values=[
                Consensus.value,
                Consensus.justification,
                Consensus.decided_by,
                Consensus.decided_at,
            ],
        )
        await audit.record(
            principal.as_actor(),
            "consensus.recorded",
            "evaluation",
            evaluation_id,
            before=current and {"ref": subject["ref"], **current},
            after={
                "ref": subject["ref"],
                "criterion": criterion.name,
                "value": number,
                "justification": text,
            },
        )


async def clear_consensus(
    principal: Principal, evaluation_id: int, subject_id: int, criterion_id: int
) -> None:
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await access.require_open_for_scores(row)
        subject, criterion = await _scored_pair(evaluation_id, subject_id, criterion_id)
        current = (
            await Consensus.select(Consensus.value, Consensus.justification)
            .where((Consensus.subject == subject_id) & (Consensus.criterion == criterion_id))
            .first()
        )
        if current is None:
            return
        await Consensus.delete().where(
            (Consensus.subject == subject_id) & (Consensus.criterion == criterion_id)
        )
        await audit.record(
            principal.as_actor(),
            "consensus.cleared",
            "evaluation",
            evaluation_id,
            before={"ref": subject["ref"], "criterion": criterion.name, **current},
        )
