"""Whether a round's grants appear in the open data (360Giving): by default they do once the
round is decided; an officer of its authority may withhold them, with a reason, and publish
them again. Both are audited."""

from __future__ import annotations

from typing import Any

from audit import service as audit
from common.errors import Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from subsidies import access
from subsidies.tables import SubsidyRound

REASON_LIMIT = 1000
WITHHELD = "round.withheld_from_open_data"
PUBLISHED = "round.published_as_open_data"


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        message = N_("Give the reason for keeping the round out of the open data")
        raise ValidationFailed([Problem(message, {}, "reason")])
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed(
            [
                Problem(
                    N_("The reason is longer than {limit} characters"),
                    {"limit": REASON_LIMIT},
                    "reason",
                )
            ]
        )
    return reason


async def set_open_data(
    principal: Principal, round_id: int, *, withheld: bool, reason: str = ""
) -> bool:
    """Withhold the round's grants from the open data (``reason`` required) or publish them
    again. Returns whether anything changed (the same state again changes nothing)."""
    wanted: dict[str, Any] = {
        "open_data_withheld": withheld,
        "open_data_reason": _reason(reason) if withheld else "",
    }
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        before = {key: row[key] for key in wanted}
        if before == wanted:
            return False
        await SubsidyRound.update(wanted).where(SubsidyRound.id == round_id)
        await audit.record(
            principal.as_actor(),
            WITHHELD if withheld else PUBLISHED,
            "subsidy_round",
            round_id,
            before=before,
            after=wanted,
        )
        return True
