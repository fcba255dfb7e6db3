"""Dashboard panel of the notifications context."""

from __future__ import annotations

from common.i18n import N_
from common.identity import Principal
from config.settings import get_settings
from notifications import service
from web.dashboard import Panel


async def outbox(principal: Principal) -> Panel | None:
    if not principal.is_admin:
        return None
    return Panel(
        N_("Mail outbox"),
        "notifications/_panel.html",
        {
            "counts": await service.count_by_status(),
            "smtp_configured": get_settings().smtp.configured,
        },
    )
