"""Who may see and change an evaluation, and loading what the use cases work on.

- Officers of the evaluation's authority lead it (criteria, assignments, consensus, ranking).
- Administrators and finance staff of the authority (administrators: of every authority) read
  it; they change nothing.
- Evaluators see only evaluations they are assigned to, and a subject only after declaring that
  they have no conflict of interest with it.

An evaluation a user may not know of answers NotFound, as if it did not exist.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from audit import service as audit
from common.errors import DomainError, Forbidden, NotFound
from common.i18n import N_
from common.identity import Principal, Role
from common.paths import is_local_path
from config.database import lock as lock_rows
from config.database import raw_rows
from scoring.criteria import Criterion, Formula, Kind, Level, Scale, Tree
from scoring.domain import Options, Phase, names_hidden, phase_of
from scoring.envelope import EnvelopeFacts, price_sealed
from scoring.ranking import consensus_frame, known_aggregation, scores_frame, subjects_frame
from scoring.tables import (
    Assignment,
    AssignmentCriterion,
    AssignmentSubject,
    CriterionRow,
    Evaluation,
)

READER_ROLES = frozenset({Role.OFFICER, Role.ADMIN, Role.FINANCE})
BASE_PATH = "/scoring/evaluations"


@dataclass(frozen=True)
class Links:
    """The engine's pages for one evaluation, for owners to link to from their own pages."""

    overview: str
    criteria: str
    assignments: str
    consensus: str
    ranking: str
    declarations: str  # evaluators
    sheet: str  # evaluators


def links(evaluation_id: int) -> Links:
    base = f"{BASE_PATH}/{evaluation_id}"
    return Links(
        base,
        f"{base}/criteria",
        f"{base}/assignments",
        f"{base}/consensus",
        f"{base}/ranking",
        f"{base}/declarations",
        f"{base}/sheet",
    )


@dataclass(frozen=True)
class EvaluationView:
    id: int
    title: str
    authority_id: int
    currency: str
    owner_ref: str
    owner_url: str
    options: Options
    lottery_seed: str
    criteria_version: int
    phase: Phase
    criteria_frozen_at: datetime | None
    quality_final_at: datetime | None
    ranking_confirmed_at: datetime | None
    created_at: datetime
    links: Links
    scores_due_at: datetime | None = None  # UTC; shown in the authority's zone
    price_opening_approved_by: int | None = None  # two envelopes: the first officer
    price_opening_approved_at: datetime | None = None
    prices_opened_at: datetime | None = None  # two envelopes: by a second officer

    @property
    def frozen(self) -> bool:
        return self.criteria_frozen_at is not None

    @property
    def quality_final(self) -> bool:
        return self.quality_final_at is not None

    @property
    def envelope(self) -> EnvelopeFacts:
        """The envelope rule's facts: a subject exists only after its bids were opened."""
        return EnvelopeFacts(
            bids_opened=True,
            two_envelope=self.options.two_envelope,
            prices_opened=self.prices_opened_at is not None,
        )

    @property
    def prices_sealed(self) -> bool:
        return price_sealed(self.envelope)

    @property
    def names_hidden(self) -> bool:
        return names_hidden(self.options.blind, self.quality_final)


def evaluation_view(row: dict[str, Any]) -> EvaluationView:
    options = Options(
        row["blind"],
        row["two_envelope"],
        known_aggregation(row["aggregation"]),
        row["spread_limit"],
        row["winners"],
        row["total_points"],
        row["min_total_quality"],
    )
    return EvaluationView(
        row["id"],
        row["title"],
        row["authority"],
        row["currency"],
        row["owner_ref"],
        row["owner_url"] if is_local_path(row["owner_url"]) else "",
        options,
        row["lottery_seed"],
        row["criteria_version"],
        phase_of(
            row["criteria_frozen_at"] is not None,
            row["quality_final_at"] is not None,
            row["ranking_confirmed_at"] is not None,
        ),
        row["criteria_frozen_at"],
        row["quality_final_at"],
        row["ranking_confirmed_at"],
        row["created_at"],
        links(row["id"]),
        row.get("scores_due_at"),
        row.get("price_opening_approved_by"),
        row.get("price_opening_approved_at"),
        row.get("prices_opened_at"),
    )


def _not_found(evaluation_id: int) -> NotFound:
    return NotFound(N_("Evaluation {id} does not exist"), id=evaluation_id)


async def evaluation_row(evaluation_id: int) -> dict[str, Any]:
    row = await Evaluation.select().where(Evaluation.id == evaluation_id).first()
    if row is None:
        raise _not_found(evaluation_id)
    return row


def may_read(principal: Principal, row: dict[str, Any]) -> bool:
    return principal.role in READER_ROLES and principal.can_see_authority(row["authority"])


async def as_reader(principal: Principal, evaluation_id: int) -> dict[str, Any]:
    """The evaluation for its officers, its authority's finance staff and administrators."""
    row = await evaluation_row(evaluation_id)
    if not may_read(principal, row):
        raise _not_found(evaluation_id)
    return row


async def as_lead(principal: Principal, evaluation_id: int, *, lock: bool = True) -> dict[str, Any]:
    """The evaluation for one of the officers who lead it. With ``lock`` (the default) its
    row is locked until the caller's transaction ends and read after the lock, so that a
    concurrent change waits and then checks against this one's result
    (``config.database.lock``)."""
    if lock:
        await lock_rows(Evaluation, evaluation_id)
    row = await as_reader(principal, evaluation_id)
    if principal.role is not Role.OFFICER:
        raise Forbidden(
            N_("Only the procurement officers of the evaluation's authority can change it")
        )
    return row


async def as_evaluator(
    principal: Principal,
    evaluation_id: int,
    *,
    lock: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The evaluation and the principal's own sheet (assignment) in it.

    With ``lock`` (the default, for changes) the sheet is locked until the caller's
    transaction ends, and the evaluation share-locked: the evaluator's own changes (drafts,
    uploads, submitting) happen one after the other and each checks the previous one's result,
    evaluators never wait for each other, and a lead's change of the evaluation (which locks
    it for update, :func:`as_lead`) waits for them and they for it. Reading pass
    ``lock=False``."""
    where = (Assignment.evaluation == evaluation_id) & (Assignment.evaluator == principal.id)
    if lock:
        await lock_rows(Evaluation, evaluation_id, share=True)
        found = await Assignment.select(Assignment.id).where(where).first()
        if found is not None:
            await lock_rows(Assignment, found["id"])
    row = await evaluation_row(evaluation_id)
    assignment = await Assignment.select().where(where).first()
    if assignment is None:
        raise _not_found(evaluation_id)
    return row, assignment


async def changed(
    reason: DomainError, evaluation_id: int, *actions: str, actor: str | None = None, **about: Any
) -> DomainError:
    """``reason`` naming who put the evaluation in its state, and when: its latest event of
    ``actions`` (by ``actor``, whose recorded values include ``about``); see
    :func:`audit.service.conflict`."""
    return await audit.conflict(
        reason, "evaluation", evaluation_id, actions=actions, actor=actor, about=about or None
    )


async def require_open_for_scores(row: dict[str, Any]) -> None:
    if row["criteria_frozen_at"] is None:
        raise await changed(
            DomainError(N_("Scoring has not started: the criteria are not final yet")),
            row["id"],
            "criteria.reopened",
        )
    await require_not_final(row, N_("Quality is final; scores can no longer change"))


async def require_not_final(
    row: dict[str, Any], reason: str = N_("Quality is final; this can no longer change")
) -> None:
    if row["quality_final_at"] is not None:
        raise await changed(DomainError(reason), row["id"], "evaluation.quality_finalised")


# --- criteria -------------------------------------------------------------------------------


def criterion_of(row: dict[str, Any]) -> Criterion:
    scale = None
    if row["levels"]:
        scale = Scale(
            levels=tuple(
                Level(Decimal(item["value"]), item["label"]) for item in json.loads(row["levels"])
            )
        )
    elif row["scale_max"] is not None:
        scale = Scale(row["scale_min"], row["scale_max"], row["scale_step"])
    return Criterion(
        id=row["id"],
        name=row["name"],
        kind=Kind(row["kind"]),
        weight=row["weight"],
        parent_id=row["parent"],
        position=row["position"],
        description=row["description"],
        scale=scale,
        minimum=row["minimum"],
        formula=Formula(row["formula"]) if row["formula"] else None,
        low=row["low"],
        high=row["high"],
    )


def criterion_columns(criterion: Criterion) -> dict[str, Any]:
    scale = criterion.scale
    return {
        "name": criterion.name,
        "description": criterion.description,
        "kind": criterion.kind.value,
        "weight": criterion.weight,
        "minimum": criterion.minimum,
        "position": criterion.position,
        "scale_min": scale.minimum if scale and not scale.has_levels else None,
        "scale_max": scale.maximum if scale and not scale.has_levels else None,
        "scale_step": scale.step if scale and not scale.has_levels else None,
        "levels": json.dumps(scale.as_dict()["levels"]) if scale and scale.has_levels else "",
        "formula": criterion.formula.value if criterion.formula else "",
        "low": criterion.low,
        "high": criterion.high,
    }


async def load_tree(evaluation_id: int) -> Tree:
    rows = await CriterionRow.select().where(CriterionRow.evaluation == evaluation_id)
    return Tree([criterion_of(row) for row in rows])


# --- sheets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    subject_ids: frozenset[int] | None  # None: all subjects
    criterion_ids: frozenset[int] | None  # None: all scored criteria

    def covers_subject(self, subject_id: int) -> bool:
        return self.subject_ids is None or subject_id in self.subject_ids

    def criteria(self, tree: Tree) -> list[Criterion]:
        return [
            c for c in tree.scored() if self.criterion_ids is None or c.id in self.criterion_ids
        ]


async def scopes(assignments: Collection[dict[str, Any]]) -> dict[int, Scope]:
    ids = [a["id"] for a in assignments]
    subjects: dict[int, set[int]] = {i: set() for i in ids}
    criteria: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for row in await AssignmentSubject.select().where(AssignmentSubject.assignment.is_in(ids)):
            subjects[row["assignment"]].add(row["subject"])
        for row in await AssignmentCriterion.select().where(
            AssignmentCriterion.assignment.is_in(ids)
        ):
            criteria[row["assignment"]].add(row["criterion"])
    return {
        a["id"]: Scope(
            None if a["all_subjects"] else frozenset(subjects[a["id"]]),
            None if a["all_criteria"] else frozenset(criteria[a["id"]]),
        )
        for a in assignments
    }


# --- frames for the computation -------------------------------------------------------------


async def subject_frame(evaluation_id: int) -> pd.DataFrame:
    rows = await raw_rows(
        "SELECT CAST(id AS INTEGER), ref, CAST(price AS DOUBLE PRECISION), "
        "CASE WHEN excluded_at IS NULL THEN 0 ELSE 1 END, excluded_reason "
        "FROM scoring_subject WHERE evaluation = {} ORDER BY id",
        evaluation_id,
    )
    return subjects_frame(
        _frame(
            rows,
            {
                "subject_id": "int64",
                "ref": "object",
                "price": "float64",
                "excluded": "bool",
                "excluded_reason": "object",
            },
        )
    )


async def final_scores(evaluation_id: int) -> pd.DataFrame:
    """The scores of submitted sheets only: drafts never count and are never shown."""
    rows = await raw_rows(
        "SELECT CAST(s.subject AS INTEGER), CAST(s.criterion AS INTEGER), "
        "CAST(a.evaluator AS INTEGER), CAST(s.value AS DOUBLE PRECISION) "
        "FROM scoring_score s JOIN scoring_assignment a ON a.id = s.assignment "
        "WHERE s.evaluation = {} AND a.submitted_at IS NOT NULL AND s.value IS NOT NULL",
        evaluation_id,
    )
    return scores_frame(_frame(rows, SCORE_TYPES))


async def consensus_scores(evaluation_id: int) -> pd.DataFrame:
    rows = await raw_rows(
        "SELECT CAST(subject AS INTEGER), CAST(criterion AS INTEGER), "
        "CAST(value AS DOUBLE PRECISION) FROM scoring_consensus WHERE evaluation = {}",
        evaluation_id,
    )
    return consensus_frame(_frame(rows, CONSENSUS_TYPES))


SCORE_TYPES = {
    "subject_id": "int64",
    "criterion_id": "int64",
    "evaluator_id": "int64",
    "value": "float64",
}
CONSENSUS_TYPES = {"subject_id": "int64", "criterion_id": "int64", "value": "float64"}


def _frame(rows: Sequence[Sequence[Any]], types: dict[str, str]) -> pd.DataFrame:
    """Rows as a DataFrame built column by column, not row by row (500,000 rows of numbers
    go through one numpy array)."""
    if rows and "object" not in types.values():
        matrix = np.fromiter(
            chain.from_iterable(rows), dtype=np.float64, count=len(rows) * len(types)
        ).reshape(len(rows), len(types))
        return pd.DataFrame(
            {name: matrix[:, n].astype(kind) for n, (name, kind) in enumerate(types.items())}
        )
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in types]
    return pd.DataFrame(
        {
            name: np.asarray(column, dtype=object if kind == "object" else kind)
            for (name, kind), column in zip(types.items(), columns, strict=True)
        }
    )
