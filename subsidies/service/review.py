"""An application's life cycle (complete, eligible, withdrawn) and the review through the
scoring engine."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from scoring import service as scoring
from subsidies import access
from subsidies.applicant import complete_since
from subsidies.lifecycle import TRANSITIONS, Action, Refused, State, step
from subsidies.service.rounds import BATCH, owner_ref, round_url, subject_ref, view_of
from subsidies.tables import (
    AllocationLine,
    Application,
    SubsidyRound,
)


async def change_state(
    principal: Principal,
    row: Mapping[str, Any],
    target: State,
    action: Action,
    extra: Mapping[str, Any] | None = None,
    note: Mapping[str, Any] | None = None,
) -> None:
    now = clock.now()
    values = {"state": target.value, "updated_at": now, **(extra or {})}
    await Application.update(values).where(Application.id == row["id"])
    await audit.record(
        principal.as_actor(),
        f"application.{action.value}",
        "application",
        row["id"],
        before={"state": row["state"]},
        after={
            "state": target.value,
            **{k: v for k, v in (extra or {}).items() if k != "updated_at"},
            **(note or {}),
        },
    )


async def checked_step(
    row: Mapping[str, Any], action: Action, *, outcome: State | None = None, reason: str = ""
) -> State:
    """:func:`lifecycle.step` from the application's state; refused because of that state,
    the refusal names who put the application in it, and when."""
    state = State(row["state"])
    try:
        return step(state, action, outcome=outcome, reason=reason)
    except Refused as refusal:
        if state in TRANSITIONS[action][0]:  # refused for what it lacks, not its state
            raise
        raise await audit.conflict(
            refusal, "application", row["id"], about={"state": state.value}
        ) from None


STEP_ACTIONS = (Action.ASK_INFORMATION, Action.COMPLETE, Action.WITHDRAW, Action.CLOSE)


async def act(
    principal: Principal, application_id: int, action: Action | str, reason: str = ""
) -> State:
    """Ask for information, mark complete, withdraw, close. Any other value is refused (422)
    naming the steps taken here."""
    allowed = {a.value: a for a in STEP_ACTIONS}
    if str(action) not in allowed:
        raise ValidationFailed(
            [
                Problem(
                    N_("{value} is not one of {allowed}"),
                    {"value": str(action)[:40], "allowed": ", ".join(allowed)},
                    "action",
                )
            ]
        )
    action = allowed[str(action)]
    async with transaction():
        row, _ = await access.application_row(principal, application_id, run=True)
        target = await checked_step(row, action, reason=reason)
        extra: dict[str, Any] = {"state_reason": reason.strip()}
        if action is Action.COMPLETE:
            extra["complete_at"] = complete_since(row, clock.now())
        await change_state(principal, row, target, action, extra)
        if action is Action.WITHDRAW:
            await AllocationLine.delete().where(AllocationLine.application == application_id)
        return target


async def complete_many(principal: Principal, round_id: int, application_ids: Sequence[int]) -> int:
    """Mark several submitted applications complete at once (the moment is now, or the
    moment of receipt of one made in the portal: :func:`subsidies.applicant.complete_since`)."""
    async with transaction():
        await access.round_row(principal, round_id, run=True)
        rows = await _rows_in_round(round_id, application_ids)
        for row in rows:
            target = await checked_step(row, Action.COMPLETE)
            await change_state(
                principal,
                row,
                target,
                Action.COMPLETE,
                {"complete_at": complete_since(row, clock.now())},
            )
        return len(rows)


async def _rows_in_round(round_id: int, application_ids: Sequence[int]) -> list[dict[str, Any]]:
    if not application_ids:
        raise DomainError(N_("Choose at least one application"))
    rows = (
        await Application.select()
        .where((Application.round == round_id) & Application.id.is_in(list(application_ids)))
        .order_by(Application.id)
    )
    if len(rows) != len(set(application_ids)):
        raise NotFound(N_("An application chosen is not part of this round"))
    return rows


async def mark_eligibility(
    principal: Principal, application_id: int, passed: Sequence[str], note: str = ""
) -> State:
    """Each of the round's eligibility criteria passed (named in ``passed``) or failed; one
    failed criterion makes the application ineligible, with the failed ones as its reasons."""
    async with transaction():
        row, round_ = await access.application_row(principal, application_id, run=True)
        criteria = [c for c in round_["eligibility_criteria"].splitlines() if c]
        unknown = sorted(set(passed) - set(criteria))
        if unknown:
            raise ValidationFailed(
                [
                    Problem(
                        N_("{criterion} is not a criterion of this round"),
                        {"criterion": c},
                        "passed",
                    )
                    for c in unknown
                ]
            )
        results = {c: c in passed for c in criteria}
        failed = [c for c, ok in results.items() if not ok]
        action = Action.MARK_INELIGIBLE if failed else Action.MARK_ELIGIBLE
        reason = "; ".join(failed + ([note.strip()] if note.strip() else []))
        target = await checked_step(row, action, reason=reason)
        await change_state(
            principal,
            row,
            target,
            action,
            {"eligibility": json.dumps(results), "state_reason": reason},
            note={"eligibility": results},
        )
        if failed:
            await AllocationLine.delete().where(AllocationLine.application == application_id)
        return target


async def mark_eligible_many(
    principal: Principal, round_id: int, application_ids: Sequence[int]
) -> int:
    """Several complete applications meeting every eligibility criterion."""
    async with transaction():
        round_ = await access.round_row(principal, round_id, run=True)
        criteria = [c for c in round_["eligibility_criteria"].splitlines() if c]
        for row in await _rows_in_round(round_id, application_ids):
            target = await checked_step(row, Action.MARK_ELIGIBLE)
            await change_state(
                principal,
                row,
                target,
                Action.MARK_ELIGIBLE,
                {"eligibility": json.dumps(dict.fromkeys(criteria, True)), "state_reason": ""},
            )
        return len(application_ids)


async def start_review(principal: Principal, round_id: int) -> int:
    """The round's evaluation (created the first time) with every eligible application as a
    subject; those applications are then under review. Returns the evaluation's id."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await view_of(row)
        evaluation_id = row["evaluation_id"]
        if evaluation_id is None:
            evaluation = await scoring.create_evaluation(
                principal,
                scoring.EvaluationSpec(
                    title=view.title,
                    authority_id=view.authority_id,
                    currency=view.currency,
                    owner_ref=owner_ref(round_id),
                    owner_url=round_url(round_id),
                    lottery_seed=view.lottery_seed,
                ),
            )
            evaluation_id = evaluation.id
            await SubsidyRound.update({SubsidyRound.evaluation_id: evaluation_id}).where(
                SubsidyRound.id == round_id
            )
            await audit.record(
                principal.as_actor(),
                "round.review_started",
                "subsidy_round",
                round_id,
                after={"evaluation": evaluation_id},
            )
        eligible = (
            await Application.select(
                Application.id, Application.state, Application.organisation.name
            )
            .where((Application.round == round_id) & (Application.state == State.ELIGIBLE.value))
            .order_by(Application.id)
        )
        if not eligible:
            raise DomainError(N_("No eligible application is waiting for review"))
        await scoring.register_subjects(
            principal,
            evaluation_id,
            [{"ref": subject_ref(r["id"]), "name": r["organisation.name"]} for r in eligible],
        )
        now = clock.now()
        ids = [r["id"] for r in eligible]
        for start in range(0, len(ids), BATCH):
            await Application.update(
                {Application.state: State.UNDER_REVIEW.value, Application.updated_at: now}
            ).where(Application.id.is_in(ids[start : start + BATCH]))
        await audit.record_many(
            principal.as_actor(),
            [
                audit.NewEvent(
                    "application.start_review",
                    "application",
                    r["id"],
                    before={"state": r["state"]},
                    after={"state": State.UNDER_REVIEW.value, "evaluation": evaluation_id},
                )
                for r in eligible
            ],
        )
        return evaluation_id
