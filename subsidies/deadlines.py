"""The rounds' automatic steps for the scheduler: the application window closes, reports fall due.

``tick`` applies what is due idempotently (a closed window or a noticed report is not applied
again) and audits each step with how late it was applied. Keys: "subsidy-round:7" for a
round's window, "subsidy-report:31" for one report.
"""

from __future__ import annotations

from datetime import datetime, time

from audit import service as audit
from audit.domain import Actor
from authorities.tables import Authority
from common.deadlines import AppliedStep, Deadline
from common.i18n import N_
from common.localtime import local_to_utc
from config.database import transaction
from subsidies.domain import RoundPhase
from subsidies.lifecycle import Action, State, step
from subsidies.tables import Application, Report, SubsidyRound

ACTOR = Actor.system("scheduler")
WINDOW_CLOSES = N_("The application window closes")
REPORT_DUE = N_("A report falls due")
ROUND_KEY = "subsidy-round:"
REPORT_KEY = "subsidy-report:"


async def _zones() -> dict[int, str]:
    return {r["id"]: r["timezone"] for r in await Authority.select(Authority.id,
                                                                     Authority.timezone)}


class SubsidyDeadlines:
    name = "subsidies"

    async def upcoming(self, now: datetime) -> list[Deadline]:
        zones = await _zones()
        found: list[Deadline] = []
        for row in await SubsidyRound.select(
                SubsidyRound.id, SubsidyRound.title, SubsidyRound.closes_at,
                SubsidyRound.authority).where(SubsidyRound.phase == RoundPhase.OPEN.value):
            found.append(Deadline(f"{ROUND_KEY}{row['id']}", row["closes_at"], WINDOW_CLOSES,
                                  row["title"], f"/subsidies/rounds/{row['id']}",
                                  zones[row["authority"]], (row["authority"],)))
        for row in await Report.select(
                Report.id, Report.due_on, Report.application,
                Report.application.reference, Report.application.round.authority).where(
                Report.noticed_at.is_null() & Report.received_at.is_null()):
            authority = row["application.round.authority"]
            zone = zones[authority]
            found.append(Deadline(f"{REPORT_KEY}{row['id']}",
                                  local_to_utc(row["due_on"], time(0, 0), zone), REPORT_DUE,
                                  row["application.reference"],
                                  f"/subsidies/applications/{row['application']}", zone,
                                  (authority,)))
        return found

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        applied: list[AppliedStep] = []
        due = sorted((d for d in await self.upcoming(now)
                      if d.due_at <= now and (key is None or d.key == key)),
                     key=lambda d: d.due_at)
        for deadline in due:
            async with transaction():
                if deadline.key.startswith(ROUND_KEY):
                    done = await _close_window(int(deadline.key[len(ROUND_KEY):]), deadline,
                                               now)
                else:
                    done = await _report_due(int(deadline.key[len(REPORT_KEY):]), deadline, now)
            if done:
                applied.append(AppliedStep(deadline.key, deadline.step, deadline.due_at, now))
        return applied


async def _close_window(round_id: int, deadline: Deadline, now: datetime) -> bool:
    closed = await SubsidyRound.update({SubsidyRound.phase: RoundPhase.CLOSED.value,
                                        SubsidyRound.window_closed_at: now}).where(
        (SubsidyRound.id == round_id) & (SubsidyRound.phase == RoundPhase.OPEN.value)
    ).returning(SubsidyRound.id)
    if not closed:
        return False
    await audit.record(ACTOR, "round.window_closed", "subsidy_round", round_id,
                       after={"closes_at": deadline.due_at, "applied_at": now,
                              "late_by_seconds": int((now - deadline.due_at).total_seconds())})
    return True


async def _report_due(report_id: int, deadline: Deadline, now: datetime) -> bool:
    noticed = await Report.update({Report.noticed_at: now}).where(
        (Report.id == report_id) & Report.noticed_at.is_null()).returning(
        Report.application, Report.final, Report.kind, Report.due_on)
    if not noticed:
        return False
    report = noticed[0]
    application = await Application.select(Application.id, Application.state).where(
        Application.id == report["application"]).first()
    after = {"report": report_id, "kind": report["kind"], "due_on": report["due_on"],
             "late_by_seconds": int((now - deadline.due_at).total_seconds())}
    if report["final"] and application["state"] == State.ADVANCE_PAID.value:
        target = step(State.ADVANCE_PAID, Action.REPORT_DUE)
        await Application.update({Application.state: target.value,
                                  Application.updated_at: now}).where(
            Application.id == application["id"])
        after |= {"state": target.value}
    await audit.record(ACTOR, "application.report_due", "application", application["id"],
                       before={"state": application["state"]}, after=after)
    return True


SOURCE = SubsidyDeadlines()
