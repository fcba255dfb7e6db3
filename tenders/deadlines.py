"""The tenders' deadlines for the scheduler: bids and requests close on time, once.

``tick`` applies every due transition (``tenders.service.apply_due``: idempotent, audited as
late with its delay) and tells the lead officer through the mail outbox; when a standstill
period ends the lead officer is told once as well. ``upcoming`` gives each open tender's next
automatic step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.tables import User
from audit.domain import Actor
from common.deadlines import AppliedStep, Deadline
from common.i18n import N_
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
COLUMNS = (Tender.id, Tender.title, Tender.reference, Tender.phase, Tender.deadline_requests,
           Tender.deadline_bids, Tender.standstill_ends_at, Tender.lead_officer,
           Tender.lead_authority.timezone)
STANDSTILL_ENDS = N_("End of the standstill period")


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

    async def _open(self, key: str | None) -> list[dict[str, Any]]:
        query = Tender.select(*COLUMNS).where(Tender.phase.is_in(
            [Phase.PUBLISHED.value, Phase.TENDERING.value, Phase.AWARD_INTENT.value]))
        if key is not None:
            query = query.where(Tender.id == int(key.split(":")[1]))
        return await query

    async def upcoming(self, now: datetime) -> list[Deadline]:
        found = []
        rows = await self._open(None)
        members: dict[int, list[int]] = {}
        for link in await TenderAuthority.select(TenderAuthority.tender,
                                                 TenderAuthority.authority).where(
                TenderAuthority.tender.is_in([r["id"] for r in rows] or [0])):
            members.setdefault(link["tender"], []).append(link["authority"])
        for row in rows:
            step = _next(row)
            if step is None:
                continue
            due_at, what = step
            if what == STANDSTILL_ENDS and due_at <= now:
                continue  # told at the sweep; nothing left to schedule
            found.append(Deadline(f"tender:{row['id']}", due_at, what, row["title"],
                                  service.tender_url(row["id"]), row["lead_authority.timezone"],
                                  tuple(members.get(row["id"], ()))))
        return found

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        applied: list[AppliedStep] = []
        for row in await self._open(key):
            step = _next(row)
            if step is None or step[0] > now:
                continue
            if Phase(row["phase"]) is Phase.AWARD_INTENT:
                await self._standstill_over(row)
                continue
            async with transaction():
                steps = await service.apply_due(TICKER, row["id"], now)
                for done in steps:
                    await self._tell_lead_officer(row, done)
            applied.extend(steps)
        return applied

    async def _lead_officer(self, row: dict[str, Any]) -> dict[str, Any] | None:
        if row["lead_officer"] is None:
            return None
        return await User.select(User.id, User.email, User.name, User.language).where(
            (User.id == row["lead_officer"]) & User.active.eq(True)).first()

    async def _tell_lead_officer(self, row: dict[str, Any], done: AppliedStep) -> None:
        officer = await self._lead_officer(row)
        if officer is None:
            return
        action = Action(done.step)
        now_in = await Tender.select(Tender.phase).where(Tender.id == row["id"]).first()
        assert now_in is not None
        with language(officer["language"]):
            deadline = gettext(DEADLINE_LABELS[AUTOMATIC[action]]).lower()
            step = gettext(ACTION_LABELS[action])
            phase = gettext(PHASE_LABELS[Phase(now_in["phase"])])
        await self._send(officer, row, "tenders/mail/deadline.txt", f"{action.value}",
                         deadline=deadline, step=step, phase=phase, due_at=done.due_at)

    async def _standstill_over(self, row: dict[str, Any]) -> None:
        officer = await self._lead_officer(row)
        if officer is None:
            return
        async with transaction():
            open_objections = await Objection.count().where(
                (Objection.tender == row["id"]) & Objection.resolved_at.is_null())
            await self._send(officer, row, "tenders/mail/standstill.txt", "standstill",
                             due_at=row["standstill_ends_at"], objections=open_objections)

    async def _send(self, officer: dict[str, Any], row: dict[str, Any], template: str,
                    kind: str, **context: Any) -> None:
        title, body = compose(template, officer["language"], name=officer["name"],
                              title=row["title"], reference=row["reference"],
                              zone=row["lead_authority.timezone"],
                              url=f"{get_settings().public_url}{service.tender_url(row['id'])}",
                              **context)
        await outbox.enqueue(TICKER, OutgoingMessage(
            kind="tenders.deadline", recipient=officer["email"],
            recipient_name=officer["name"], language=officer["language"], subject=title,
            body=body, dedupe_key=f"tenders.{kind}:{row['id']}:{context['due_at'].isoformat()}",
            object_type="tender", object_id=str(row["id"])))


DEADLINES = TenderDeadlines()
