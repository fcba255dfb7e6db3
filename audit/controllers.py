"""The audit log for administrators: events with filters, and a check of the hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Template

from audit import service
from audit.sentences import SYSTEM, told
from audit.service import EventFilter
from common.errors import DomainError
from common.localtime import local_to_utc
from web.guards import ADMIN
from web.i18n import gettext


def _day_start(text: str | None, zone: str, shift: int = 0) -> datetime | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return local_to_utc(day + timedelta(days=shift), datetime.min.time(), zone)


def _filters(request: Request) -> tuple[EventFilter, dict[str, str]]:
    params = {
        key: request.query_params.get(key, "").strip()
        for key in ("actor", "action", "object_type", "object_id", "since", "until")
    }
    zone = request.app.state.settings.timezone
    return EventFilter(
        actor=params["actor"] or None,
        action=params["action"] or None,
        object_type=params["object_type"] or None,
        object_id=params["object_id"] or None,
        since=_day_start(params["since"], zone),
        until=_day_start(params["until"], zone, shift=1),
    ), params


def _before(request: Request) -> int | None:
    raw = request.query_params.get("before", "")
    return int(raw) if raw.isdigit() else None


async def with_sentences(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events told as sentences, for pages (the API keeps the recorded codes)."""
    names = await service.actor_names({event["actor"] for event in events})
    return told(events, names, gettext(SYSTEM), gettext)


async def _object_type_options() -> list[tuple[str, str]]:
    return [(name, name) for name in await service.object_types()]


async def _events_page(page: Any, params: dict[str, Any], verification: Any) -> Template:
    return Template(
        "audit/events.html",
        context={
            "page": page,
            "events": await with_sentences(page.events),
            "params": params,
            "object_types": await _object_type_options(),
            "verification": verification,
        },
    )


class AuditController(Controller):
    path = "/admin/audit"
    guards = [ADMIN]
    include_in_schema = False

    @get("", name="audit")
    async def events(self, request: Request) -> Template:
        filters, params = _filters(request)
        page = await service.list_events(filters, before_seq=_before(request))
        return await _events_page(page, params, None)

    @post("/verify", name="audit_verify")
    async def verify(self, request: Request) -> Template:
        filters, params = _filters(request)
        verification = await service.verify()
        return await _events_page(await service.list_events(filters), params, verification)


@dataclass
class EventOut:
    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: str
    before: str | None
    after: str | None
    hash: str


@dataclass
class EventPageOut:
    events: list[EventOut]
    next_before: int | None


class AuditApiController(Controller):
    path = "/api/v1/audit/events"
    guards = [ADMIN]
    tags = ["audit"]

    @get("", name="api_audit_events")
    async def events(
        self, request: Request, before: FromQuery[int | None] = None, limit: FromQuery[int] = 100
    ) -> EventPageOut:
        """Events newest first; pass ``next_before`` of a page as ``before`` for the next."""
        if not 1 <= limit <= 1000:
            raise DomainError("limit must be between 1 and 1000")
        filters, _ = _filters(request)
        page = await service.list_events(filters, before_seq=before, limit=limit)
        fields = EventOut.__dataclass_fields__
        return EventPageOut(
            [EventOut(**{k: row[k] for k in fields}) for row in page.events], page.next_before
        )


CONTROLLERS: list[Any] = [AuditController, AuditApiController]
