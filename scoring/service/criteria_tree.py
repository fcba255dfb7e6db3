"""The criteria tree of an evaluation: edit, replace, readiness, freeze and reopen."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum
from typing import Any

from audit import service as audit
from audit.domain import changes
from common import clock
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from config.database import raw, transaction
from scoring import access
from scoring.access import (
    EvaluationView,
    as_lead,
    as_reader,
    changed,
    criterion_columns,
    criterion_of,
    evaluation_view,
    load_tree,
)
from scoring.criteria import (
    Criterion,
    Tree,
    check_node_alone,
    parse_criterion,
    parse_tree,
    validate_tree,
)
from scoring.domain import (
    validate_reason,
)
from scoring.service.evaluations import BATCH
from scoring.tables import (
    Assignment,
    Consensus,
    CriterionRow,
    Evaluation,
    Score,
)


async def criteria(principal: Principal, evaluation_id: int) -> Tree:
    await as_reader(principal, evaluation_id)
    return await load_tree(evaluation_id)


async def _require_editable(row: dict[str, Any]) -> None:
    if row["criteria_frozen_at"] is not None:
        raise await changed(
            DomainError(N_("The criteria are frozen while scoring runs; reopen them first")),
            row["id"],
            "criteria.frozen",
        )


async def add_criterion(
    principal: Principal, evaluation_id: int, form: Mapping[str, Any]
) -> Criterion:
    async with transaction():
        await _require_editable(await as_lead(principal, evaluation_id))
        criterion = parse_criterion(form)
        tree = await load_tree(evaluation_id)
        siblings = tree.children.get(criterion.parent_id, [])
        position = max((c.position for c in siblings), default=-1) + 1
        check_node_alone(criterion, tree.criteria)
        row = CriterionRow(
            evaluation=evaluation_id,
            parent=criterion.parent_id,
            **{**criterion_columns(criterion), "position": position},
        )
        await row.save()
        await audit.record(
            principal.as_actor(),
            "criterion.added",
            "evaluation",
            evaluation_id,
            after={**criterion.as_dict(), "id": row.id},
        )
    return (await load_tree(evaluation_id)).by_id[row.id]


async def _editable(
    principal: Principal, evaluation_id: int, criterion_id: int
) -> tuple[Tree, Criterion]:
    """The tree and one of its criteria, for a change by the lead while criteria may change."""
    await _require_editable(await as_lead(principal, evaluation_id))
    tree = await load_tree(evaluation_id)
    current = tree.by_id.get(criterion_id)
    if current is None:
        raise NotFound(N_("Criterion {id} does not exist"), id=criterion_id)
    return tree, current


async def update_criterion(
    principal: Principal, evaluation_id: int, criterion_id: int, form: Mapping[str, Any]
) -> Criterion:
    async with transaction():
        tree, current = await _editable(principal, evaluation_id, criterion_id)
        criterion = parse_criterion({**form, "position": current.position}, criterion_id)
        if criterion.parent_id == criterion_id:
            raise ValidationFailed(
                [Problem(N_("A criterion cannot be its own parent"), {}, "parent_id")]
            )
        if criterion.parent_id is not None and tree.children.get(criterion_id):
            raise ValidationFailed(
                [
                    Problem(
                        N_("A criterion with sub-criteria cannot become a sub-criterion"),
                        {},
                        "parent_id",
                    )
                ]
            )
        check_node_alone(criterion, tree.criteria)
        before, after = changes(current.as_dict(), criterion.as_dict())
        if after:
            await CriterionRow.update(
                {**criterion_columns(criterion), "parent": criterion.parent_id}
            ).where(CriterionRow.id == criterion_id)
            await audit.record(
                principal.as_actor(),
                "criterion.updated",
                "evaluation",
                evaluation_id,
                before={"id": criterion_id, **before},
                after={"id": criterion_id, **after},
            )
    return (await load_tree(evaluation_id)).by_id[criterion_id]


async def delete_criterion(principal: Principal, evaluation_id: int, criterion_id: int) -> None:
    async with transaction():
        tree, current = await _editable(principal, evaluation_id, criterion_id)
        removed = [current, *tree.children.get(criterion_id, [])]
        await CriterionRow.delete().where(CriterionRow.id.is_in([c.id for c in removed]))
        await audit.record(
            principal.as_actor(),
            "criterion.deleted",
            "evaluation",
            evaluation_id,
            before={"criteria": [c.as_dict() for c in removed]},
        )


async def replace_criteria(
    principal: Principal, evaluation_id: int, items: Sequence[Mapping[str, Any]]
) -> list[Criterion]:
    """The whole tree at once (nested ``children``), checked as a whole, before scoring."""
    parsed = parse_tree(items)
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await _require_editable(row)
        validate_tree(parsed, row["total_points"], row["min_total_quality"])
        old = await load_tree(evaluation_id)
        await CriterionRow.delete().where(CriterionRow.evaluation == evaluation_id)
        ids: dict[int, int] = {}
        for criterion in parsed:  # parents come before their sub-criteria
            saved = CriterionRow(
                evaluation=evaluation_id,
                parent=ids.get(criterion.parent_id) if criterion.parent_id else None,
                **criterion_columns(criterion),
            )
            await saved.save()
            ids[criterion.id] = saved.id
        tree = await load_tree(evaluation_id)
        await audit.record(
            principal.as_actor(),
            "criteria.replaced",
            "evaluation",
            evaluation_id,
            before={"criteria": [c.as_dict() for c in old.ordered()]},
            after={"criteria": [c.as_dict() for c in tree.ordered()]},
        )
    return tree.ordered()


class Readiness(StrEnum):
    """Whether an evaluation's criteria could be frozen as they stand."""

    MISSING = "missing"  # no criterion at all (or no evaluation)
    INCOMPLETE = "incomplete"  # criteria that would not pass the check before scoring
    READY = "ready"


async def criteria_readiness(
    evaluation_ids: Collection[int], ranked: bool = True
) -> dict[int, Readiness]:
    """For an owner checking its procedure before it goes out (a tender before publication):
    per evaluation, whether its criteria are there and would pass the check that freezing them
    makes. Unranked procedures (an open house) need criteria, not points adding up."""
    ids = sorted(set(evaluation_ids))
    if not ids:
        return {}
    rows = {
        r["id"]: r
        for r in await Evaluation.select(
            Evaluation.id, Evaluation.total_points, Evaluation.min_total_quality
        ).where(Evaluation.id.is_in(ids))
    }
    criteria: dict[int, list[Criterion]] = {i: [] for i in ids}
    for row in await CriterionRow.select().where(CriterionRow.evaluation.is_in(ids)):
        criteria[row["evaluation"]].append(criterion_of(row))
    found: dict[int, Readiness] = {}
    for evaluation_id in ids:
        given = criteria[evaluation_id]
        if evaluation_id not in rows or not given:
            found[evaluation_id] = Readiness.MISSING
            continue
        found[evaluation_id] = Readiness.READY
        if ranked:
            row = rows[evaluation_id]
            try:
                validate_tree(given, row["total_points"], row["min_total_quality"])
            except ValidationFailed:
                found[evaluation_id] = Readiness.INCOMPLETE
    return found


async def freeze_criteria(principal: Principal, evaluation_id: int) -> EvaluationView:
    """Check the whole tree and open scoring; scores kept from before a reopen that no longer
    fit their criterion's scale are dropped (and put on record)."""
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await _require_editable(row)
        tree = validate_tree(
            (await load_tree(evaluation_id)).criteria, row["total_points"], row["min_total_quality"]
        )
        dropped = await _drop_misfits(evaluation_id, tree)
        await Evaluation.update({Evaluation.criteria_frozen_at: clock.now()}).where(
            Evaluation.id == evaluation_id
        )
        await audit.record(
            principal.as_actor(),
            "criteria.frozen",
            "evaluation",
            evaluation_id,
            after={
                "version": row["criteria_version"],
                "criteria": [c.as_dict() for c in tree.ordered()],
                "scores_dropped": dropped,
            },
        )
    return evaluation_view(await access.evaluation_row(evaluation_id))


async def _drop_misfits(evaluation_id: int, tree: Tree) -> list[dict[str, Any]]:
    scored = {c.id: c for c in tree.scored()}
    rows = await Score.select(
        Score.id, Score.assignment, Score.subject, Score.criterion, Score.value
    ).where(Score.evaluation == evaluation_id)
    misfits = [
        r
        for r in rows
        if r["criterion"] not in scored
        or (
            r["value"] is not None
            and scored[r["criterion"]].effective_scale.problem_with(r["value"]) is not None
        )
    ]
    ids = [r["id"] for r in misfits]
    for start in range(0, len(ids), BATCH):
        await Score.delete().where(Score.id.is_in(ids[start : start + BATCH]))
    return [{k: r[k] for k in ("assignment", "subject", "criterion", "value")} for r in misfits]


async def reopen_criteria(principal: Principal, evaluation_id: int, reason: str) -> EvaluationView:
    """Unfreeze the tree (version + 1). Every score and consensus so far goes into the audit
    log; consensus is cleared and every sheet goes back to draft."""
    text = validate_reason(reason)
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        if row["criteria_frozen_at"] is None:
            raise await changed(
                DomainError(N_("The criteria are not frozen")), evaluation_id, "criteria.reopened"
            )
        if row["two_envelope"] and row["prices_opened_at"] is not None:
            raise await changed(
                DomainError(
                    N_("The sealed prices have been opened; the criteria can no longer change")
                ),
                evaluation_id,
                "evaluation.prices_opened",
            )
        scores = await raw(
            "SELECT a.evaluator, s.subject, s.criterion, s.value, s.justification, "
            "a.submitted_at FROM scoring_score s JOIN scoring_assignment a "
            "ON a.id = s.assignment WHERE s.evaluation = {} ORDER BY s.id",
            evaluation_id,
        )
        consensus = await Consensus.select(
            Consensus.subject, Consensus.criterion, Consensus.value, Consensus.justification
        ).where(Consensus.evaluation == evaluation_id)
        await Consensus.delete().where(Consensus.evaluation == evaluation_id)
        await Assignment.update({Assignment.submitted_at: None}).where(
            Assignment.evaluation == evaluation_id
        )
        await Evaluation.update(
            {
                Evaluation.criteria_version: row["criteria_version"] + 1,
                Evaluation.criteria_frozen_at: None,
                Evaluation.quality_final_at: None,
                Evaluation.price_opening_approved_by: None,
                Evaluation.price_opening_approved_at: None,
                Evaluation.ranking_confirmed_at: None,
            }
        ).where(Evaluation.id == evaluation_id)
        kept = [
            {
                "evaluator": s["evaluator"],
                "subject": s["subject"],
                "criterion": s["criterion"],
                "value": s["value"],
                "justification": s["justification"],
                "final": s["submitted_at"] is not None,
            }
            for s in scores
        ]
        await audit.record(
            principal.as_actor(),
            "criteria.reopened",
            "evaluation",
            evaluation_id,
            before={"version": row["criteria_version"], "scores": kept, "consensus": consensus},
            after={"version": row["criteria_version"] + 1, "reason": text},
        )
    return evaluation_view(await access.evaluation_row(evaluation_id))
