"""The officer's steps on a whole tender, by name: one table that the pages
(``POST /tenders/{id}/actions/{action}``) and the API (``POST /api/v1/tenders/{id}/actions/
{action}``) both dispatch through. The steps the deadlines take by themselves are not in it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from common.identity import Principal
from tenders import admissions, letters, openings, procurement, service
from tenders.machine import Action

Step = Callable[[Principal, int, Any], Awaitable[Any]]

# Each step takes the officer, the tender and the reason given (used by the steps that ask one).
STEPS: dict[Action, Step] = {
    Action.PUBLISH: lambda who, tender_id, _: service.publish(who, tender_id),
    Action.COMPLETE_SELECTION: lambda who, tender_id, _: procurement.complete_selection(
        who, tender_id
    ),
    Action.CLOSE_DIALOGUE: lambda who, tender_id, _: procurement.close_dialogue(who, tender_id),
    Action.OPEN_BIDS: lambda who, tender_id, _: openings.approve_opening(who, tender_id),
    Action.SEND_AWARD_DECISIONS: lambda who, tender_id, _: letters.send_award_decisions(
        who, tender_id
    ),
    Action.AWARD: lambda who, tender_id, _: admissions.award(who, tender_id),
    Action.CONCLUDE_CONTRACTS: lambda who, tender_id, _: service.conclude_contracts(who, tender_id),
    Action.CANCEL: lambda who, tender_id, reason: service.cancel(who, tender_id, reason),
    Action.DECLARE_UNSUCCESSFUL: lambda who, tender_id, reason: service.declare_unsuccessful(
        who, tender_id, reason
    ),
}


def by_name(name: str) -> Action | None:
    """The step called ``name``, or None when the officer cannot take it by hand."""
    return next((action for action in STEPS if action.value == name), None)


async def perform(principal: Principal, tender_id: int, action: Action, reason: Any = "") -> Any:
    """Take ``action`` (one of :data:`STEPS`); returns what its use case returns (the
    publication's warnings; whether the bids opened or wait for a second officer)."""
    return await STEPS[action](principal, tender_id, reason)
