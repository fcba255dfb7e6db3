"""Dashboard panels of the audit context."""

from __future__ import annotations

from audit import service
from audit.controllers import with_sentences
from audit.service import EventFilter
from common.i18n import N_
from common.identity import Principal
from web.dashboard import Panel


async def recent_events(principal: Principal) -> Panel | None:
    if not principal.is_admin:
        return None
    page = await service.list_events(EventFilter(), limit=8)
    return Panel(
        N_("Recent activity"), "audit/_panel.html", {"events": await with_sentences(page.events)}
    )
