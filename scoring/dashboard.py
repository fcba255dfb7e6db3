"""Dashboard panels of the scoring engine: evaluations and conflicts; an evaluator's sheets."""

from __future__ import annotations

from common.i18n import N_
from common.identity import Principal, Role
from scoring import service
from scoring.domain import PHASE_LABELS
from web.dashboard import Panel


async def evaluations(principal: Principal) -> Panel | None:
    found = await service.list_evaluations(principal)
    if principal.role is Role.EVALUATOR:
        return Panel(
            N_("Your scoring"),
            "scoring/_panel_evaluator.html",
            {"evaluations": found[:8], "more": len(found) - 8, "phase_labels": PHASE_LABELS},
        )
    if not found and principal.role is Role.FINANCE:
        return None
    return Panel(
        N_("Evaluations"),
        "scoring/_panel.html",
        {
            "evaluations": found[:8],
            "more": len(found) - 8,
            "phase_labels": PHASE_LABELS,
            "notices": await service.notices(principal, limit=5),
        },
    )
