"""Scoring deadlines: evaluators are reminded before their scores are due; lead officers are told
when the deadline passes with sheets outstanding.

Each step is applied once per evaluation and due date: a :class:`~scoring.tables.Notice` records
it (moving the due date starts afresh), and every mail carries a dedupe key, so a reminder goes
out once per evaluator. A step applied after its time (the service was down) is audited with the
delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from accounts.domain import Role
from accounts.tables import Membership, User
from audit import service as audit
from audit.domain import Actor
from common.deadlines import AppliedStep, Deadline
from common.i18n import N_
from config.database import transaction
from config.settings import get_settings
from notifications import service as outbox
from notifications.compose import compose
from notifications.domain import OutgoingMessage
from scoring.access import links
from scoring.tables import Assignment, Evaluation, Notice

REMIND = N_("Remind evaluators who have not submitted their scores")
TELL_LEAD = N_("Scores due: tell the lead officers whose scores are missing")
STEP_KINDS = {REMIND: "reminders_sent", TELL_LEAD: "scores_due_told"}
SYSTEM = Actor.system("scheduler")


@dataclass(frozen=True)
class ScoringDeadline:
    """What the rule needs to know of one evaluation with a due date."""

    evaluation_id: int
    scores_due_at: datetime
    done: frozenset[str]  # the steps already applied for this due date


def steps(deadline: ScoringDeadline, reminder_days: int) -> list[tuple[str, datetime]]:
    """The steps not yet applied, in order: remind, then tell the lead officers."""
    remind_at = deadline.scores_due_at - timedelta(days=reminder_days)
    return [(step, at) for step, at in ((REMIND, remind_at), (TELL_LEAD, deadline.scores_due_at))
            if STEP_KINDS[step] not in deadline.done]


def due_steps(deadline: ScoringDeadline, reminder_days: int,
              now: datetime) -> list[tuple[str, datetime]]:
    return [(step, at) for step, at in steps(deadline, reminder_days) if at <= now]


class ScoringReminders:
    """The deadline source of evaluations whose scores have a due date."""

    name = "scoring"

    def __init__(self, reminder_days: int | None = None) -> None:
        self._reminder_days = reminder_days

    @property
    def reminder_days(self) -> int:
        return self._reminder_days if self._reminder_days is not None else (
            get_settings().reminder_days)

    async def upcoming(self, now: datetime) -> list[Deadline]:
        rows, deadlines = await _open_evaluations(), []
        for row, deadline in rows:
            pending = steps(deadline, self.reminder_days)
            if pending:
                step, at = pending[0]
                deadlines.append(Deadline(
                    key=f"evaluation:{row['id']}", due_at=at, step=step, subject=row["title"],
                    url=links(row["id"]).overview, zone=row["authority.timezone"],
                    authority_ids=(row["authority"],)))
        return deadlines

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        """Apply every due step, across evaluations in deadline order, each in its own
        transaction (checked again inside it, so that two callers never both apply it)."""
        due = sorted(((at, row, step, deadline.scores_due_at)
                      for row, deadline in await _open_evaluations(key)
                      for step, at in due_steps(deadline, self.reminder_days, now)),
                     key=lambda item: (item[0], item[1]["id"]))
        applied: list[AppliedStep] = []
        for at, row, step, scores_due_at in due:
            async with transaction():
                if await _already_done(row["id"], step, scores_due_at):
                    continue
                await _apply(row, step, at, scores_due_at, now)
            applied.append(AppliedStep(f"evaluation:{row['id']}", step, at, now))
        return applied


async def _open_evaluations(key: str | None = None) -> list[tuple[dict[str, Any],
                                                                 ScoringDeadline]]:
    """Evaluations still being scored, with a due date and a sheet not yet submitted."""
    query = Evaluation.select(Evaluation.id, Evaluation.title, Evaluation.authority,
                              Evaluation.authority.timezone, Evaluation.scores_due_at).where(
        Evaluation.scores_due_at.is_not_null() & Evaluation.quality_final_at.is_null())
    if key is not None:
        query = query.where(Evaluation.id == int(key.removeprefix("evaluation:")))
    rows = await query
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    waiting = {a["evaluation"] for a in await Assignment.select(Assignment.evaluation).where(
        Assignment.evaluation.is_in(ids) & Assignment.submitted_at.is_null())}
    notices: dict[int, set[tuple[str, str]]] = {}
    for notice in await Notice.select(Notice.evaluation, Notice.kind, Notice.note).where(
            Notice.evaluation.is_in(ids) & Notice.kind.is_in(list(STEP_KINDS.values()))):
        notices.setdefault(notice["evaluation"], set()).add((notice["kind"], notice["note"]))
    found = []
    for row in rows:
        if row["id"] not in waiting:
            continue
        due = row["scores_due_at"].isoformat()
        done = frozenset(kind for kind, note in notices.get(row["id"], set()) if note == due)
        found.append((row, ScoringDeadline(row["id"], row["scores_due_at"], done)))
    return found


async def _already_done(evaluation_id: int, step: str, scores_due_at: datetime) -> bool:
    return await Notice.exists().where(
        (Notice.evaluation == evaluation_id) & (Notice.kind == STEP_KINDS[step])
        & (Notice.note == scores_due_at.isoformat()))


async def _apply(row: dict[str, Any], step: str, at: datetime, scores_due_at: datetime,
                 now: datetime) -> None:
    waiting = await Assignment.select(
        Assignment.evaluator.id, Assignment.evaluator.email, Assignment.evaluator.name,
        Assignment.evaluator.language).where(
        (Assignment.evaluation == row["id"]) & Assignment.submitted_at.is_null()
        & Assignment.evaluator.active.eq(True))
    evaluators = [{"id": w["evaluator.id"], "email": w["evaluator.email"],
                   "name": w["evaluator.name"], "language": w["evaluator.language"]}
                  for w in waiting]
    if step == REMIND:
        mailed = await _remind(row, evaluators, scores_due_at)
    else:
        mailed = await _tell_lead_officers(row, evaluators, scores_due_at)
    await Notice(evaluation=row["id"], kind=STEP_KINDS[step], note=scores_due_at.isoformat(),
                 created_at=now, sent_at=now).save()
    late = max((now - at).total_seconds(), 0.0)
    await audit.record(SYSTEM, f"evaluation.{STEP_KINDS[step]}", "evaluation", row["id"], after={
        "scores_due_at": scores_due_at.isoformat(), "due_at": at.isoformat(),
        "mailed": mailed, "evaluators_waiting": [e["id"] for e in evaluators],
        **({"applied_late_by_seconds": round(late)} if late >= 60 else {})})


async def _remind(row: dict[str, Any], evaluators: list[dict[str, Any]],
                  scores_due_at: datetime) -> int:
    url = f"{get_settings().public_url}{links(row['id']).sheet}"
    for evaluator in evaluators:
        subject, body = compose("scoring/mail/reminder.txt", evaluator["language"],
                                name=evaluator["name"], evaluation=row["title"],
                                due=scores_due_at, zone=row["authority.timezone"], url=url)
        await outbox.enqueue(SYSTEM, OutgoingMessage(
            kind="scoring.reminder", recipient=evaluator["email"],
            recipient_name=evaluator["name"], language=evaluator["language"], subject=subject,
            body=body, object_type="evaluation", object_id=str(row["id"]),
            dedupe_key=f"scoring.reminder:{row['id']}:{evaluator['id']}:"
                       f"{scores_due_at.isoformat()}"))
    return len(evaluators)


async def _tell_lead_officers(row: dict[str, Any], evaluators: list[dict[str, Any]],
                              scores_due_at: datetime) -> int:
    members = [m["user"] for m in await Membership.select(Membership.user).where(
        Membership.authority == row["authority"])]
    officers = await User.select(User.id, User.email, User.name, User.language).where(
        User.id.is_in(members or [-1]) & (User.role == Role.OFFICER.value)
        & User.active.eq(True))
    url = f"{get_settings().public_url}{links(row['id']).overview}"
    missing = ", ".join(sorted(e["name"] for e in evaluators))
    for officer in officers:
        subject, body = compose("scoring/mail/scores_due.txt", officer["language"],
                                name=officer["name"], evaluation=row["title"],
                                due=scores_due_at, zone=row["authority.timezone"],
                                missing=missing, count=len(evaluators), url=url)
        await outbox.enqueue(SYSTEM, OutgoingMessage(
            kind="scoring.scores_due", recipient=officer["email"],
            recipient_name=officer["name"], language=officer["language"], subject=subject,
            body=body, object_type="evaluation", object_id=str(row["id"]),
            dedupe_key=f"scoring.scores_due:{row['id']}:{officer['id']}:"
                       f"{scores_due_at.isoformat()}"))
    return len(officers)
