"""When the scores of an evaluation are due: the lead officer sets it in the authority's local
time; it is stored in UTC, shown on the sheets and drives the reminders."""

from __future__ import annotations

from datetime import datetime

from audit import service as audit
from authorities.tables import Authority
from common import clock
from common.deadlines import deadline_changes
from common.errors import DomainError, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from common.localtime import parse_local_datetime
from config.database import transaction
from config.settings import get_settings
from scoring import access
from scoring.access import EvaluationView, evaluation_view
from scoring.tables import Evaluation


async def zone_of(authority_id: int) -> str:
    """The authority's time zone (the configured one when it has none)."""
    row = await Authority.select(Authority.timezone).where(Authority.id == authority_id).first()
    return row["timezone"] if row else get_settings().timezone


async def set_scores_due(
    principal: Principal, evaluation_id: int, local: str | datetime | None
) -> EvaluationView:
    """Set (or with None or "", remove) when the scores are due. A text such as
    ``2026-12-01T17:00`` is wall-clock time in the authority's zone; stored in UTC."""
    async with transaction():
        row = await access.as_lead(principal, evaluation_id)
        await access.require_not_final(row)
        due: datetime | None = None
        if isinstance(local, datetime):
            if local.tzinfo is None:
                raise ValidationFailed(
                    [Problem(N_("Give the time with its zone"), {}, "scores_due_at")]
                )
            due = local
        elif local not in (None, ""):
            try:
                due = parse_local_datetime(str(local), await zone_of(row["authority"]))
            except DomainError as exc:
                raise ValidationFailed(
                    [Problem(exc.problem.message, exc.problem.params, "scores_due_at")]
                ) from None
        if due is not None:
            due = due.astimezone(clock.now().tzinfo).replace(second=0, microsecond=0)
        if row["scores_due_at"] != due:
            await Evaluation.update({Evaluation.scores_due_at: due}).where(
                Evaluation.id == evaluation_id
            )
            await audit.record(
                principal.as_actor(),
                "evaluation.scores_due_set",
                "evaluation",
                evaluation_id,
                before={"scores_due_at": row["scores_due_at"]},
                after={"scores_due_at": due},
            )
            deadline_changes.changed(f"evaluation:{evaluation_id}")
    return evaluation_view(await access.evaluation_row(evaluation_id))
