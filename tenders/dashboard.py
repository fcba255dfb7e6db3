"""Dashboard panel of tenders: an officer's procedures still running, with their next deadline."""

from __future__ import annotations

from common.i18n import N_
from common.identity import Principal, Role
from tenders import service
from tenders.procedures import FINAL_PHASES, PHASE_LABELS, Phase
from web.dashboard import Panel


async def running_tenders(principal: Principal) -> Panel | None:
    if principal.role is not Role.OFFICER:
        return None
    found, _ = await service.list_tenders(principal, service.Filters(), limit=100)
    running = [t for t in found if Phase(t.phase) not in FINAL_PHASES][:8]
    return Panel(
        N_("Your tenders"),
        "tenders/_panel.html",
        {"tenders": running, "phase_labels": PHASE_LABELS},
    )
