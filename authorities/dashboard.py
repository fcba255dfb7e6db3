"""Dashboard panels of the authorities context."""

from __future__ import annotations

from authorities import service
from common.i18n import N_
from common.identity import Principal
from web.dashboard import Panel


async def my_authorities(principal: Principal) -> Panel:
    if principal.is_admin:
        rows = await service.list_authorities()
        return Panel(
            N_("Contracting authorities"),
            "authorities/_panel.html",
            {"authorities": rows, "admin": True},
        )
    rows = await service.list_authorities(ids=principal.authority_ids)
    return Panel(
        N_("Your authorities"), "authorities/_panel.html", {"authorities": rows, "admin": False}
    )
