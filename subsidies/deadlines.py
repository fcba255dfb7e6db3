"""The rounds' automatic steps for the scheduler: the application window closes, reports fall due.

``tick`` applies what is due idempotently (a closed window or a noticed report is not applied
again) and audits each step with how late it was applied. Keys: "subsidy-round:7" for a
round's window, "subsidy-report:31" for one report.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from audit import service as audit
from audit.service import NewEvent
from authorities.tables import Authority
from common.deadlines import AppliedStep, Deadline
from common.i18n import N_
from common.identity import Actor
from common.localtime import local_to_utc
from config.database import transaction, update_rows
from subsidies.domain import RoundPhase
from subsidies.lifecycle import Action, State, step
from subsidies.tables import Application, Report, SubsidyRound

ACTOR = Actor.system("scheduler")
WINDOW_CLOSES = N_("The application window closes")
REPORT_DUE = N_("A report falls due")
ROUND_KEY = "subsidy-round:"
REPORT_KEY = "subsidy-report:"
CHUNK = 200  # deadlines per transaction of a sweep


async def _zones() -> dict[int, str]:
    return {
        r["id"]: r["timezone"] for r in await Authority.select(Authority.id, Authority.timezone)
    }


class SubsidyDeadlines:
    name = "subsidies"

    async def upcoming(self, now: datetime, due_by: datetime | None = None) -> list[Deadline]:
        """Every window still open and report neither noticed nor received (only those due by
        ``due_by`` when given: the sweep reads those, not the thousands ahead)."""
        zones = await _zones()
        found: list[Deadline] = []
        rounds = SubsidyRound.phase == RoundPhase.OPEN.value
        reports = Report.noticed_at.is_null() & Report.received_at.is_null()
        if due_by is not None:
            rounds = rounds & (SubsidyRound.closes_at <= due_by)
            # a day's local midnight is at most 14 hours before its midnight UTC
            reports = reports & (Report.due_on <= (due_by + timedelta(days=1)).date())
        for row in await SubsidyRound.select(
            SubsidyRound.id, SubsidyRound.title, SubsidyRound.closes_at, SubsidyRound.authority
        ).where(rounds):
            found.append(
                Deadline(
                    f"{ROUND_KEY}{row['id']}",
                    row["closes_at"],
                    WINDOW_CLOSES,
                    row["title"],
                    f"/subsidies/rounds/{row['id']}",
                    zones[row["authority"]],
                    (row["authority"],),
                )
            )
        for row in await Report.select(
            Report.id,
            Report.due_on,
            Report.application,
            Report.application.reference,
            Report.application.round.authority,
        ).where(reports):
            authority = row["application.round.authority"]
            zone = zones[authority]
            found.append(
                Deadline(
                    f"{REPORT_KEY}{row['id']}",
                    local_to_utc(row["due_on"], time(0, 0), zone),
                    REPORT_DUE,
                    row["application.reference"],
                    f"/subsidies/applications/{row['application']}",
                    zone,
                    (authority,),
                )
            )
        return found

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        """Every due step in deadline order, :data:`CHUNK` per transaction; each update is
        guarded (an open window, a report not yet noticed), so nothing is applied twice."""
        applied: list[AppliedStep] = []
        due = sorted(
            (
                d
                for d in await self.upcoming(now, due_by=now)
                if d.due_at <= now and (key is None or d.key == key)
            ),
            key=lambda d: d.due_at,
        )
        for start in range(0, len(due), CHUNK):
            chunk = due[start : start + CHUNK]
            async with transaction():
                events = {**await _close_windows(chunk, now), **await _reports_due(chunk, now)}
                await audit.record_many(ACTOR, [events[d.key] for d in chunk if d.key in events])
            applied.extend(
                AppliedStep(d.key, d.step, d.due_at, now) for d in chunk if d.key in events
            )
        return applied


def _ids(deadlines: list[Deadline], prefix: str) -> dict[int, Deadline]:
    return {int(d.key[len(prefix) :]): d for d in deadlines if d.key.startswith(prefix)}


async def _close_windows(deadlines: list[Deadline], now: datetime) -> dict[str, NewEvent]:
    """Close the windows among ``deadlines`` still open; their audit events by key."""
    rounds = _ids(deadlines, ROUND_KEY)
    if not rounds:
        return {}
    closed = (
        await SubsidyRound.update(
            {SubsidyRound.phase: RoundPhase.CLOSED.value, SubsidyRound.window_closed_at: now}
        )
        .where(SubsidyRound.id.is_in(list(rounds)) & (SubsidyRound.phase == RoundPhase.OPEN.value))
        .returning(SubsidyRound.id)
    )
    await update_rows(
        SubsidyRound._meta.tablename,
        "id",
        ["window_close_due_at"],
        [(rounds[r["id"]].due_at, r["id"]) for r in closed],
    )
    return {
        rounds[r["id"]].key: NewEvent(
            "round.window_closed",
            "subsidy_round",
            r["id"],
            after={
                "closes_at": rounds[r["id"]].due_at,
                "applied_at": now,
                "late_by_seconds": int((now - rounds[r["id"]].due_at).total_seconds()),
            },
        )
        for r in closed
    }


async def _reports_due(deadlines: list[Deadline], now: datetime) -> dict[str, NewEvent]:
    """Notice the reports among ``deadlines`` not noticed yet (a final one moves an application
    paid in advance on); their audit events by key."""
    reports = _ids(deadlines, REPORT_KEY)
    if not reports:
        return {}
    noticed = {
        r["id"]: r
        for r in await Report.update({Report.noticed_at: now})
        .where(Report.id.is_in(list(reports)) & Report.noticed_at.is_null())
        .returning(Report.id, Report.application, Report.final, Report.kind, Report.due_on)
    }
    states = {
        a["id"]: a["state"]
        for a in await Application.select(Application.id, Application.state).where(
            Application.id.is_in([r["application"] for r in noticed.values()] or [0])
        )
    }
    target = step(State.ADVANCE_PAID, Action.REPORT_DUE)
    moving: list[int] = []
    events: dict[str, NewEvent] = {}
    for report_id, deadline in reports.items():  # in deadline order
        if (report := noticed.get(report_id)) is None:
            continue
        application = report["application"]
        before = states[application]
        after = {
            "report": report_id,
            "kind": report["kind"],
            "due_on": report["due_on"],
            "late_by_seconds": int((now - deadline.due_at).total_seconds()),
        }
        if report["final"] and before == State.ADVANCE_PAID.value:
            after |= {"state": target.value}
            states[application] = target.value
            moving.append(application)
        events[deadline.key] = NewEvent(
            "application.report_due",
            "application",
            application,
            before={"state": before},
            after=after,
        )
    if moving:
        await Application.update(
            {Application.state: target.value, Application.updated_at: now}
        ).where(Application.id.is_in(moving))
    return events


SOURCE = SubsidyDeadlines()
