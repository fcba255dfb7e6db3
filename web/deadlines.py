"""Upcoming deadlines across every tender, subsidy round and scoring deadline.

A calendar-like list: what each open procedure's next automatic step is and when it happens,
in the authority's own wall-clock time. Officers and finance staff see their authorities'
procedures (a joint procurement: any of its authorities), administrators all of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from common import clock
from common.deadlines import Deadline, DeadlineSource, visible_deadlines
from common.i18n import N_
from common.identity import Principal, Role
from common.localtime import utc_to_local
from web.dashboard import Panel
from web.guards import current_principal, requires_role
from web.i18n import gettext

READERS = requires_role(Role.ADMIN, Role.OFFICER, Role.FINANCE)
HORIZONS = (7, 30, 90, 365)


@dataclass(frozen=True)
class UpcomingDeadline:
    key: str
    step: str
    subject: str
    url: str
    due_at: datetime
    zone: str
    overdue: bool


async def upcoming_for(
    principal: Principal, sources: list[DeadlineSource], now: datetime, horizon_days: int
) -> list[Deadline]:
    """Every source's next steps within the horizon that ``principal`` may see, soonest first."""
    until = now + timedelta(days=horizon_days)
    found: list[Deadline] = []
    for source in sources:
        found.extend(d for d in await source.upcoming(now) if d.due_at <= until)
    visible = visible_deadlines(found, principal.authority_ids, principal.is_admin)
    return sorted(visible, key=lambda d: (d.due_at, d.subject))


def _horizon(days: int | None) -> int:
    return days if days in HORIZONS else 90


class DeadlinesController(Controller):
    path = "/deadlines"
    include_in_schema = False
    guards = [READERS]

    @get("/", name="deadlines")
    async def page(self, request: Request, days: FromQuery[int | None] = None) -> Template:
        principal = current_principal(request)
        assert principal is not None
        now = clock.now()
        horizon = _horizon(days)
        deadlines = await upcoming_for(principal, request.app.state.deadline_sources, now, horizon)
        return Template(
            template_name="web/deadlines.html",
            context={
                "days": _by_local_day(deadlines, now),
                "horizon": horizon,
                "horizons": HORIZONS,
                "count": len(deadlines),
            },
        )


def _by_local_day(deadlines: list[Deadline], now: datetime) -> list[tuple[date, list[Any]]]:
    rows = [
        UpcomingDeadline(d.key, d.step, d.subject, d.url, d.due_at, d.zone, d.due_at <= now)
        for d in deadlines
    ]
    return [
        (day, list(items))
        for day, items in groupby(rows, key=lambda r: utc_to_local(r.due_at, r.zone).date())
    ]


@dataclass(frozen=True)
class DeadlineOut:
    key: str
    step: str
    subject: str
    url: str
    due_at: datetime
    local_time: str
    zone: str
    overdue: bool


class DeadlinesApiController(Controller):
    path = "/api/v1/deadlines"
    guards = [READERS]
    tags = ["deadlines"]

    @get("/", name="api-deadlines")
    async def list_deadlines(
        self,
        request: Request,
        days: Annotated[int, QueryParameter(ge=1, le=365)] = 90,
    ) -> list[DeadlineOut]:
        """The next automatic step of each open procedure within ``days``, soonest first."""
        principal = current_principal(request)
        assert principal is not None
        now = clock.now()
        deadlines = await upcoming_for(principal, request.app.state.deadline_sources, now, days)
        return [
            DeadlineOut(
                d.key,
                gettext(d.step),
                d.subject,
                d.url,
                d.due_at,
                utc_to_local(d.due_at, d.zone).isoformat(),
                d.zone,
                d.due_at <= now,
            )
            for d in deadlines
        ]


def next_deadlines(sources: list[DeadlineSource]) -> Callable[[Principal], Awaitable[Panel | None]]:
    """A dashboard panel of the next automatic steps (30 days) for officers and finance: what
    is about to close, so that it is ready in time."""

    async def panel(principal: Principal) -> Panel | None:
        if principal.role not in (Role.OFFICER, Role.FINANCE, Role.ADMIN):
            return None
        found = await upcoming_for(principal, sources, clock.now(), 30)
        return Panel(N_("Next deadlines"), "web/_deadlines_panel.html", {"deadlines": found[:6]})

    return panel
