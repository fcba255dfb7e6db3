"""Dashboard panels of the accounts context."""

from __future__ import annotations

from accounts import service
from common.i18n import N_
from common.identity import Principal, Role
from web.dashboard import Panel


async def users_by_role(principal: Principal) -> Panel | None:
    if principal.role is not Role.ADMIN:
        return None
    return Panel(
        N_("Active users"), "accounts/_panel_users.html", {"counts": await service.count_by_role()}
    )
