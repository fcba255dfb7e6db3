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

from accounts.tables import Membership, User
from audit import service as audit
from audit.service import NewEvent
from common.deadlines import AppliedStep, Deadline
from common.i18n import N_
from common.identity import Actor, Role
from config.database import is_sqlite, transaction
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
CHUNK = 200  # steps per transaction of a sweep
STALE_AFTER = timedelta(minutes=1)  # a step this late was missed while the service was down


@dataclass(frozen=True)
class ScoringDeadline:
    """What the rule needs to know of one evaluation with a due date."""

    evaluation_id: int
    scores_due_at: datetime
    done: frozenset[str]  # the steps already applied for this due date


def steps(deadline: ScoringDeadline, reminder_days: int) -> list[tuple[str, datetime]]:
    """The steps not yet applied, in order: remind, then tell the lead officers."""
    remind_at = deadline.scores_due_at - timedelta(days=reminder_days)
    return [
        (step, at)
        for step, at in ((REMIND, remind_at), (TELL_LEAD, deadline.scores_due_at))
        if STEP_KINDS[step] not in deadline.done
    ]


def reminder_is_stale(scores_due_at: datetime, now: datetime) -> bool:
    """A reminder applied after the scores were due (the service was down at its moment)
    would announce a deadline that has passed: the evaluators are told that their scores are
    overdue instead, under the same dedupe key, so never both. Due "now" (a reminder set for
    the due moment itself, applied on time) is not stale: :data:`STALE_AFTER` allows for the
    time a sweep takes."""
    return now - scores_due_at >= STALE_AFTER


def due_steps(
    deadline: ScoringDeadline, reminder_days: int, now: datetime
) -> list[tuple[str, datetime]]:
    return [(step, at) for step, at in steps(deadline, reminder_days) if at <= now]


class ScoringReminders:
    """The deadline source of evaluations whose scores have a due date."""

    name = "scoring"

    def __init__(self, reminder_days: int | None = None) -> None:
        self._reminder_days = reminder_days

    @property
    def reminder_days(self) -> int:
        return (
            self._reminder_days
            if self._reminder_days is not None
            else (get_settings().reminder_days)
        )

    async def upcoming(self, now: datetime) -> list[Deadline]:
        rows, deadlines = await _open_evaluations(), []
        for row, deadline in rows:
            pending = steps(deadline, self.reminder_days)
            if pending:
                step, at = pending[0]
                deadlines.append(
                    Deadline(
                        key=f"evaluation:{row['id']}",
                        due_at=at,
                        step=step,
                        subject=row["title"],
                        url=links(row["id"]).overview,
                        zone=row["authority.timezone"],
                        authority_ids=(row["authority"],),
                    )
                )
        return deadlines

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        """Apply every due step, across evaluations in deadline order, :data:`CHUNK` per
        transaction (checked again inside it, so that two callers never both apply it)."""
        due = sorted(
            (
                DueStep(at, row, step, deadline.scores_due_at)
                for row, deadline in await _open_evaluations(
                    key, now + timedelta(days=self.reminder_days)
                )
                for step, at in due_steps(deadline, self.reminder_days, now)
            ),
            key=lambda item: (item.at, item.row["id"]),
        )
        applied: list[AppliedStep] = []
        for start in range(0, len(due), CHUNK):
            async with transaction():
                done = await _apply(due[start : start + CHUNK], now)
            applied.extend(
                AppliedStep(f"evaluation:{d.row['id']}", d.step, d.at, now) for d in done
            )
        return applied


@dataclass(frozen=True)
class DueStep:
    at: datetime
    row: dict[str, Any]
    step: str
    scores_due_at: datetime

    @property
    def notice(self) -> tuple[int, str, str]:
        return self.row["id"], STEP_KINDS[self.step], self.scores_due_at.isoformat()


def _still_scored(evaluation: Any, key: str | None, due_by: datetime | None) -> Any:
    """The condition on ``evaluation`` (the table, or a foreign key to it) of the evaluations
    :func:`_open_evaluations` reads: joins, not a list of thousands of ids."""
    where = evaluation.scores_due_at.is_not_null() & evaluation.quality_final_at.is_null()
    if key is not None:
        where = where & (evaluation.id == int(key.removeprefix("evaluation:")))
    if due_by is not None:
        where = where & (evaluation.scores_due_at <= due_by)
    return where


async def _open_evaluations(
    key: str | None = None, due_by: datetime | None = None
) -> list[tuple[dict[str, Any], ScoringDeadline]]:
    """Evaluations still being scored, with a due date (by ``due_by`` when given) and a sheet
    not yet submitted."""
    rows = await Evaluation.select(
        Evaluation.id,
        Evaluation.title,
        Evaluation.authority,
        Evaluation.authority.timezone,
        Evaluation.scores_due_at,
    ).where(_still_scored(Evaluation, key, due_by))
    if not rows:
        return []
    waiting = {
        a["evaluation"]
        for a in await Assignment.select(Assignment.evaluation).where(
            _still_scored(Assignment.evaluation, key, due_by) & Assignment.submitted_at.is_null()
        )
    }
    notices: dict[int, set[tuple[str, str]]] = {}
    for notice in await Notice.select(Notice.evaluation, Notice.kind, Notice.note).where(
        _still_scored(Notice.evaluation, key, due_by) & Notice.kind.is_in(list(STEP_KINDS.values()))
    ):
        notices.setdefault(notice["evaluation"], set()).add((notice["kind"], notice["note"]))
    found = []
    for row in rows:
        if row["id"] not in waiting:
            continue
        due = row["scores_due_at"].isoformat()
        done = frozenset(kind for kind, note in notices.get(row["id"], set()) if note == due)
        found.append((row, ScoringDeadline(row["id"], row["scores_due_at"], done)))
    return found


async def _apply(due: list[DueStep], now: datetime) -> list[DueStep]:
    """Apply the steps of ``due`` not applied yet, in the caller's transaction: mail queued,
    a notice each, audit events in order. Returns the steps applied.

    The evaluations are locked first (PostgreSQL; SQLite's write lock is taken up front), so
    that of two callers at once (two leaders for a moment) the second reads the first's
    notices and applies nothing again."""
    ids = sorted({d.row["id"] for d in due})
    if not is_sqlite():
        await (
            Evaluation.select(Evaluation.id)
            .where(Evaluation.id.is_in(ids))
            .order_by(Evaluation.id)
            .lock_rows()
        )
    done = {
        (n["evaluation"], n["kind"], n["note"])
        for n in await Notice.select(Notice.evaluation, Notice.kind, Notice.note).where(
            Notice.evaluation.is_in(ids) & Notice.kind.is_in(list(STEP_KINDS.values()))
        )
    }
    due = [d for d in due if d.notice not in done]
    if not due:
        return []
    waiting: dict[int, list[dict[str, Any]]] = {}
    for w in (
        await Assignment.select(
            Assignment.evaluation,
            Assignment.evaluator.id,
            Assignment.evaluator.email,
            Assignment.evaluator.name,
            Assignment.evaluator.language,
        )
        .where(
            Assignment.evaluation.is_in(ids)
            & Assignment.submitted_at.is_null()
            & Assignment.evaluator.active.eq(True)
        )
        .order_by(Assignment.id)
    ):
        waiting.setdefault(w["evaluation"], []).append(
            {
                "id": w["evaluator.id"],
                "email": w["evaluator.email"],
                "name": w["evaluator.name"],
                "language": w["evaluator.language"],
            }
        )
    officers = await _lead_officers({d.row["authority"] for d in due if d.step == TELL_LEAD})
    mail: list[tuple[int, OutgoingMessage]] = []  # (index in due, message)
    for index, d in enumerate(due):
        evaluators = waiting.get(d.row["id"], [])
        if d.step == REMIND:
            messages = _reminders(
                d.row, evaluators, d.scores_due_at, overdue=reminder_is_stale(d.scores_due_at, now)
            )
        else:
            messages = _scores_due(
                d.row, evaluators, officers.get(d.row["authority"], []), d.scores_due_at
            )
        mail.extend((index, message) for message in messages)
    queued, mail_events = await outbox.queue_many([message for _, message in mail])
    told: dict[int, list[NewEvent]] = {}
    events = iter(mail_events)  # those of the messages queued (not queued before)
    for (index, _), message_id in zip(mail, queued, strict=True):
        if message_id is not None:
            told.setdefault(index, []).append(next(events))
    await Notice.insert(
        *[
            Notice(
                evaluation=d.row["id"],
                kind=STEP_KINDS[d.step],
                note=d.scores_due_at.isoformat(),
                created_at=now,
                sent_at=now,
            )
            for d in due
        ]
    )
    audit_events: list[NewEvent] = []
    for index, d in enumerate(due):
        evaluators = waiting.get(d.row["id"], [])
        mailed = len(evaluators) if d.step == REMIND else len(officers.get(d.row["authority"], []))
        late = max((now - d.at).total_seconds(), 0.0)
        audit_events.extend(told.get(index, []))
        audit_events.append(
            NewEvent(
                f"evaluation.{STEP_KINDS[d.step]}",
                "evaluation",
                d.row["id"],
                after={
                    "scores_due_at": d.scores_due_at.isoformat(),
                    "due_at": d.at.isoformat(),
                    "mailed": mailed,
                    "evaluators_waiting": [e["id"] for e in evaluators],
                    **(
                        {"overdue": True}
                        if d.step == REMIND and reminder_is_stale(d.scores_due_at, now)
                        else {}
                    ),
                    **({"applied_late_by_seconds": round(late)} if late >= 60 else {}),
                },
            )
        )
    await audit.record_many(SYSTEM, audit_events)
    return due


async def _lead_officers(authority_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The active officers of each authority."""
    if not authority_ids:
        return {}
    members: dict[int, list[int]] = {}
    for m in await Membership.select(Membership.user, Membership.authority).where(
        Membership.authority.is_in(list(authority_ids))
    ):
        members.setdefault(m["user"], []).append(m["authority"])
    found: dict[int, list[dict[str, Any]]] = {}
    for officer in (
        await User.select(User.id, User.email, User.name, User.language)
        .where(
            User.id.is_in(list(members) or [-1])
            & (User.role == Role.OFFICER.value)
            & User.active.eq(True)
        )
        .order_by(User.id)
    ):
        for authority in members[officer["id"]]:
            found.setdefault(authority, []).append(officer)
    return found


def _reminders(
    row: dict[str, Any], evaluators: list[dict[str, Any]], scores_due_at: datetime, overdue: bool
) -> list[OutgoingMessage]:
    """A reminder to each evaluator, or, when the scores are due already, an overdue notice
    (one dedupe key for both: an evaluator never gets both)."""
    url = f"{get_settings().public_url}{links(row['id']).sheet}"
    template, kind = (
        ("scoring/mail/overdue.txt", "scoring.overdue")
        if overdue
        else ("scoring/mail/reminder.txt", "scoring.reminder")
    )
    messages = []
    for evaluator in evaluators:
        subject, body = compose(
            template,
            evaluator["language"],
            name=evaluator["name"],
            evaluation=row["title"],
            due=scores_due_at,
            zone=row["authority.timezone"],
            url=url,
        )
        messages.append(
            OutgoingMessage(
                kind=kind,
                recipient=evaluator["email"],
                recipient_name=evaluator["name"],
                language=evaluator["language"],
                subject=subject,
                body=body,
                object_type="evaluation",
                object_id=str(row["id"]),
                dedupe_key=f"scoring.reminder:{row['id']}:{evaluator['id']}:"
                f"{scores_due_at.isoformat()}",
            )
        )
    return messages


def _scores_due(
    row: dict[str, Any],
    evaluators: list[dict[str, Any]],
    officers: list[dict[str, Any]],
    scores_due_at: datetime,
) -> list[OutgoingMessage]:
    url = f"{get_settings().public_url}{links(row['id']).overview}"
    missing = ", ".join(sorted(e["name"] for e in evaluators))
    messages = []
    for officer in officers:
        subject, body = compose(
            "scoring/mail/scores_due.txt",
            officer["language"],
            name=officer["name"],
            evaluation=row["title"],
            due=scores_due_at,
            zone=row["authority.timezone"],
            missing=missing,
            count=len(evaluators),
            url=url,
        )
        messages.append(
            OutgoingMessage(
                kind="scoring.scores_due",
                recipient=officer["email"],
                recipient_name=officer["name"],
                language=officer["language"],
                subject=subject,
                body=body,
                object_type="evaluation",
                object_id=str(row["id"]),
                dedupe_key=f"scoring.scores_due:{row['id']}:{officer['id']}:"
                f"{scores_due_at.isoformat()}",
            )
        )
    return messages
