"""Who evaluates what: assigning evaluators, unassigning, reopening a sheet."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.tables import User
from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from config.database import transaction
from scoring import access
from scoring.access import (
    as_lead,
    as_reader,
    changed,
    load_tree,
    require_not_final,
)
from scoring.domain import (
    validate_reason,
)
from scoring.service.evaluations import subject_rows
from scoring.tables import (
    Assignment,
    AssignmentCriterion,
    AssignmentSubject,
    Declaration,
    Score,
)


@dataclass(frozen=True)
class AssignmentView:
    id: int
    evaluator_id: int
    evaluator: str
    email: str
    all_subjects: bool
    subject_ids: frozenset[int]
    all_criteria: bool
    criterion_ids: frozenset[int]
    submitted_at: datetime | None
    declared: int
    to_declare: int
    conflicts: tuple[tuple[int, str], ...]  # (subject id, note)


async def evaluator_choices() -> list[dict[str, Any]]:
    return (
        await User.select(User.id, User.name, User.email)
        .where((User.role == Role.EVALUATOR.value) & User.active.eq(True))
        .order_by(User.name)
    )


async def assignments(principal: Principal, evaluation_id: int) -> list[AssignmentView]:
    await as_reader(principal, evaluation_id)
    rows = (
        await Assignment.select(
            *Assignment.all_columns(),
            Assignment.evaluator.name.as_alias("evaluator_name"),
            Assignment.evaluator.email.as_alias("evaluator_email"),
        )
        .where(Assignment.evaluation == evaluation_id)
        .order_by(Assignment.id)
    )
    scope_of = await access.scopes(rows)
    active = [r["id"] for r in await subject_rows(evaluation_id) if r["excluded_at"] is None]
    declarations: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    if rows:
        for d in await Declaration.select().where(
            Declaration.assignment.is_in([r["id"] for r in rows])
        ):
            declarations[d["assignment"]].append(d)
    result = []
    for r in rows:
        scope = scope_of[r["id"]]
        covered = [s for s in active if scope.covers_subject(s)]
        done = {d["subject"] for d in declarations[r["id"]]}
        result.append(
            AssignmentView(
                r["id"],
                r["evaluator"],
                r["evaluator_name"],
                r["evaluator_email"],
                r["all_subjects"],
                scope.subject_ids or frozenset(),
                r["all_criteria"],
                scope.criterion_ids or frozenset(),
                r["submitted_at"],
                len(done),
                len([s for s in covered if s not in done]),
                tuple((d["subject"], d["note"]) for d in declarations[r["id"]] if d["conflict"]),
            )
        )
    return result


async def assign(
    principal: Principal,
    evaluation_id: int,
    evaluator_id: int,
    subject_ids: Collection[int] | None = None,
    criterion_ids: Collection[int] | None = None,
) -> None:
    """Give an evaluator a sheet (or change its scope): all subjects or ``subject_ids``, all
    scored criteria or ``criterion_ids``. A changed scope sends a submitted sheet back to draft
    and drops its scores outside the new scope."""
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await require_not_final(row)
        evaluator = (
            await User.select(User.id, User.role, User.active)
            .where(User.id == evaluator_id)
            .first()
        )
        if (
            evaluator is None
            or evaluator["role"] != Role.EVALUATOR.value
            or not evaluator["active"]
        ):
            raise ValidationFailed([Problem(N_("Choose an active evaluator"), {}, "evaluator_id")])
        subjects = {r["id"] for r in await subject_rows(evaluation_id)}
        scored = {c.id for c in (await load_tree(evaluation_id)).scored()}
        problems = []
        if subject_ids is not None:
            if not subject_ids:
                problems.append(Problem(N_("Choose at least one subject"), {}, "subject_ids"))
            problems += [
                Problem(
                    N_("{value} is not a subject of this evaluation"), {"value": s}, "subject_ids"
                )
                for s in subject_ids
                if s not in subjects
            ]
        if criterion_ids is not None:
            if not criterion_ids:
                problems.append(Problem(N_("Choose at least one criterion"), {}, "criterion_ids"))
            problems += [
                Problem(
                    N_("{value} is not a scored criterion of this evaluation"),
                    {"value": c},
                    "criterion_ids",
                )
                for c in criterion_ids
                if c not in scored
            ]
        if problems:
            raise ValidationFailed(problems)
        existing = (
            await Assignment.select()
            .where(
                (Assignment.evaluation == evaluation_id) & (Assignment.evaluator == evaluator_id)
            )
            .first()
        )
        wanted = {
            "all_subjects": subject_ids is None,
            "all_criteria": criterion_ids is None,
            "subject_ids": sorted(subject_ids or ()),
            "criterion_ids": sorted(criterion_ids or ()),
        }
        if existing is None:
            new = Assignment(
                evaluation=evaluation_id,
                evaluator=evaluator_id,
                all_subjects=wanted["all_subjects"],
                all_criteria=wanted["all_criteria"],
                created_at=clock.now(),
            )
            await new.save()
            assignment_id, before = new.id, None
        else:
            assignment_id = existing["id"]
            scope = (await access.scopes([existing]))[assignment_id]
            before = {
                "all_subjects": existing["all_subjects"],
                "all_criteria": existing["all_criteria"],
                "subject_ids": sorted(scope.subject_ids or ()),
                "criterion_ids": sorted(scope.criterion_ids or ()),
            }
            if before == wanted:
                return
            await Assignment.update(
                {
                    Assignment.all_subjects: wanted["all_subjects"],
                    Assignment.all_criteria: wanted["all_criteria"],
                    Assignment.submitted_at: None,
                }
            ).where(Assignment.id == assignment_id)
            await AssignmentSubject.delete().where(AssignmentSubject.assignment == assignment_id)
            await AssignmentCriterion.delete().where(
                AssignmentCriterion.assignment == assignment_id
            )
        if subject_ids is not None:
            await AssignmentSubject.insert(
                *[
                    AssignmentSubject(assignment=assignment_id, subject=s)
                    for s in sorted(subject_ids)
                ]
            )
            await Score.delete().where(
                (Score.assignment == assignment_id) & Score.subject.not_in(sorted(subject_ids))
            )
        if criterion_ids is not None:
            await AssignmentCriterion.insert(
                *[
                    AssignmentCriterion(assignment=assignment_id, criterion=c)
                    for c in sorted(criterion_ids)
                ]
            )
            await Score.delete().where(
                (Score.assignment == assignment_id) & Score.criterion.not_in(sorted(criterion_ids))
            )
        await audit.record(
            principal.as_actor(),
            "assignment.changed" if before else "assignment.created",
            "evaluation",
            evaluation_id,
            before=before and {"evaluator": evaluator_id, **before},
            after={"evaluator": evaluator_id, **wanted},
        )


async def _assignment(evaluation_id: int, assignment_id: int) -> dict[str, Any]:
    found = (
        await Assignment.select()
        .where((Assignment.id == assignment_id) & (Assignment.evaluation == evaluation_id))
        .first()
    )
    if found is None:
        raise NotFound(N_("Assignment {id} does not exist"), id=assignment_id)
    return found


async def unassign(principal: Principal, evaluation_id: int, assignment_id: int) -> None:
    """Take a sheet away; its scores and declarations go into the audit log."""
    async with transaction():
        await require_not_final(await as_lead(principal, evaluation_id))
        found = await _assignment(evaluation_id, assignment_id)
        scores = await Score.select(
            Score.subject, Score.criterion, Score.value, Score.justification
        ).where(Score.assignment == assignment_id)
        await Assignment.delete().where(Assignment.id == assignment_id)
        await audit.record(
            principal.as_actor(),
            "assignment.removed",
            "evaluation",
            evaluation_id,
            before={"evaluator": found["evaluator"], "scores": scores},
        )


async def reopen_sheet(
    principal: Principal, evaluation_id: int, assignment_id: int, reason: str
) -> None:
    text = validate_reason(reason)
    async with transaction():
        await require_not_final(await as_lead(principal, evaluation_id))
        found = await _assignment(evaluation_id, assignment_id)
        if found["submitted_at"] is None:
            raise await changed(
                DomainError(N_("This sheet has not been submitted")),
                evaluation_id,
                "sheet.reopened",
                evaluator=found["evaluator"],
            )
        await Assignment.update({Assignment.submitted_at: None}).where(
            Assignment.id == assignment_id
        )
        await audit.record(
            principal.as_actor(),
            "sheet.reopened",
            "evaluation",
            evaluation_id,
            before={"submitted_at": found["submitted_at"]},
            after={"evaluator": found["evaluator"], "reason": text},
        )
