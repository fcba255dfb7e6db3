"""The tenders' deadlines for the scheduler: bids and requests close on time, once.

``tick`` applies every due transition in deadline order, :data:`CHUNK` tenders per transaction
(``tenders.service.move_due``, the code of ``apply_due`` for many: idempotent, audited as late
with its delay), and tells the lead officer through the mail outbox; when a standstill period
ends the lead officer is told once as well. ``upcoming`` gives each open tender's next
automatic step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.tables import User
from audit import service as audit
from common.deadlines import AppliedStep, Deadline
from common.i18n import N_
from common.identity import Actor
from common.refs import SubjectRef
from config.database import transaction
from config.settings import get_settings
from notifications import service as outbox
from notifications.compose import compose
from notifications.domain import OutgoingMessage
from tenders import service
from tenders.machine import ACTION_LABELS, AUTOMATIC, Action
from tenders.procedures import DEADLINE_LABELS, PHASE_LABELS, Phase
from tenders.tables import Objection, Tender, TenderAuthority
from web.i18n import gettext, language

TICKER = Actor.system("deadline")
COLUMNS = (
    Tender.id,
    Tender.title,
    Tender.reference,
    Tender.phase,
    Tender.deadline_requests,
    Tender.deadline_bids,
    Tender.standstill_ends_at,
    Tender.lead_officer,
    Tender.lead_authority.timezone,
)
STANDSTILL_ENDS = N_("End of the standstill period")
CHUNK = 200  # tenders per transaction of a sweep
WAITING = [Phase.PUBLISHED.value, Phase.TENDERING.value, Phase.AWARD_INTENT.value]


def _next(row: dict[str, Any]) -> tuple[datetime, str] | None:
    phase = Phase(row["phase"])
    if phase is Phase.PUBLISHED and row["deadline_requests"] is not None:
        return row["deadline_requests"], ACTION_LABELS[Action.CLOSE_REQUESTS]
    if phase is Phase.TENDERING and row["deadline_bids"] is not None:
        return row["deadline_bids"], ACTION_LABELS[Action.CLOSE_BIDS]
    if phase is Phase.AWARD_INTENT and row["standstill_ends_at"] is not None:
        return row["standstill_ends_at"], STANDSTILL_ENDS
    return None


class TenderDeadlines:
    name = "tenders"

    async def _open(self, key: str | None, due_by: datetime | None = None) -> list[dict[str, Any]]:
        """Tenders with an automatic step ahead (of one tender with ``key``; only those whose
        step is due by ``due_by`` when given: the sweep reads the due, not the thousands)."""
        query = Tender.select(*COLUMNS).where(Tender.phase.is_in(WAITING))
        if key is not None:
            query = query.where(Tender.id == SubjectRef.parse(key).id)
        if due_by is not None:
            query = query.where(
                ((Tender.phase == Phase.PUBLISHED.value) & (Tender.deadline_requests <= due_by))
                | ((Tender.phase == Phase.TENDERING.value) & (Tender.deadline_bids <= due_by))
                | (
                    (Tender.phase == Phase.AWARD_INTENT.value)
                    & (Tender.standstill_ends_at <= due_by)
                )
            )
        return await query

    async def upcoming(self, now: datetime) -> list[Deadline]:
        found = []
        rows = await self._open(None)
        members: dict[int, list[int]] = {}
        for link in await TenderAuthority.select(
            TenderAuthority.tender, TenderAuthority.authority
        ).where(TenderAuthority.tender.phase.is_in(WAITING)):
            members.setdefault(link["tender"], []).append(link["authority"])
        for row in rows:
            step = _next(row)
            if step is None:
                continue
            due_at, what = step
            if what == STANDSTILL_ENDS and due_at <= now:
                continue  # told at the sweep; nothing left to schedule
            found.append(
                Deadline(
                    f"tender:{row['id']}",
                    due_at,
                    what,
                    row["title"],
                    service.tender_url(row["id"]),
                    row["lead_authority.timezone"],
                    tuple(members.get(row["id"], ())),
                )
            )
        return found

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        """Apply every due step in deadline order, :data:`CHUNK` tenders per transaction (each
        checked again inside it by ``service.move_due``, so a step is never applied twice)."""
        due = sorted(
            (
                (step[0], row["id"], row)
                for row in await self._open(key, now)
                if (step := _next(row)) is not None and step[0] <= now
            ),
            key=lambda item: item[:2],
        )
        applied: list[AppliedStep] = []
        for start in range(0, len(due), CHUNK):
            applied.extend(
                await self._apply(TICKER, [row for *_, row in due[start : start + CHUNK]], now)
            )
        return applied

    async def _apply(
        self, actor: Actor, rows: list[dict[str, Any]], now: datetime
    ) -> list[AppliedStep]:
        """One transaction: the due moves of ``rows``, the ends of their standstill periods,
        a notice to each lead officer, and the audit events in the order of ``rows``."""
        standstill = {row["id"] for row in rows if Phase(row["phase"]) is Phase.AWARD_INTENT}
        async with transaction():
            moves = {
                m.tender.id: m
                for m in await service.move_due(
                    [row["id"] for row in rows if row["id"] not in standstill], now
                )
            }
            officers = await self._lead_officers(rows)
            objections: dict[int, int] = {}
            for r in await Objection.select(Objection.tender).where(
                Objection.tender.is_in(list(standstill) or [0]) & Objection.resolved_at.is_null()
            ):
                objections[r["tender"]] = objections.get(r["tender"], 0) + 1
            notices: list[tuple[int, OutgoingMessage]] = []
            for row in rows:
                officer = officers.get(row["lead_officer"])
                if officer is None:
                    continue
                if row["id"] in standstill:
                    notices.append(
                        (
                            row["id"],
                            self._message(
                                officer,
                                row,
                                "tenders/mail/standstill.txt",
                                "standstill",
                                due_at=row["standstill_ends_at"],
                                objections=objections.get(row["id"], 0),
                            ),
                        )
                    )
                elif row["id"] in moves:
                    notices.extend(
                        (row["id"], self._step_message(officer, row, done, moves[row["id"]].phase))
                        for done in moves[row["id"]].applied
                    )
            queued, mail_events = await outbox.queue_many([message for _, message in notices])
            events = iter(mail_events)  # those of the messages queued (not queued before)
            told: dict[int, list[audit.NewEvent]] = {}
            for (tender_id, _), message_id in zip(notices, queued, strict=True):
                if message_id is not None:
                    told.setdefault(tender_id, []).append(next(events))
            await audit.record_many(
                actor,
                [
                    event
                    for row in rows
                    for event in [
                        *(moves[row["id"]].events if row["id"] in moves else []),
                        *told.get(row["id"], []),
                    ]
                ],
            )
        return [step for row in rows if row["id"] in moves for step in moves[row["id"]].applied]

    async def _lead_officers(self, rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        ids = list({row["lead_officer"] for row in rows if row["lead_officer"] is not None})
        if not ids:
            return {}
        return {
            u["id"]: u
            for u in await User.select(User.id, User.email, User.name, User.language).where(
                User.id.is_in(ids) & User.active.eq(True)
            )
        }

    def _step_message(
        self, officer: dict[str, Any], row: dict[str, Any], done: AppliedStep, phase: Phase
    ) -> OutgoingMessage:
        action = Action(done.step)
        with language(officer["language"]):
            deadline = gettext(DEADLINE_LABELS[AUTOMATIC[action]]).lower()
            step = gettext(ACTION_LABELS[action])
            phase_name = gettext(PHASE_LABELS[phase])
        return self._message(
            officer,
            row,
            "tenders/mail/deadline.txt",
            f"{action.value}",
            deadline=deadline,
            step=step,
            phase=phase_name,
            due_at=done.due_at,
        )

    def _message(
        self, officer: dict[str, Any], row: dict[str, Any], template: str, kind: str, **context: Any
    ) -> OutgoingMessage:
        title, body = compose(
            template,
            officer["language"],
            name=officer["name"],
            title=row["title"],
            reference=row["reference"],
            zone=row["lead_authority.timezone"],
            url=f"{get_settings().public_url}{service.tender_url(row['id'])}",
            **context,
        )
        return OutgoingMessage(
            kind="tenders.deadline",
            recipient=officer["email"],
            recipient_name=officer["name"],
            language=officer["language"],
            subject=title,
            body=body,
            dedupe_key=f"tenders.{kind}:{row['id']}:{context['due_at'].isoformat()}",
            object_type="tender",
            object_id=str(row["id"]),
        )


DEADLINES = TenderDeadlines()
