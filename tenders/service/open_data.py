"""Withholding a tender from open data (and publishing it again): an officer's decision with
a reason, audited. The open-data endpoints and exports leave a withheld tender out."""

from __future__ import annotations

from typing import Any

from audit import service as audit
from common import clock
from common.identity import Principal
from config.database import transaction
from tenders.domain import require_reason
from tenders.service.phases import for_change
from tenders.tables import Tender


async def withhold_from_open_data(principal: Principal, tender_id: int, reason: Any) -> None:
    """Mark the tender "not published" in open data, with the reason."""
    text = require_reason(reason)
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.row["open_data_withheld_at"] and tender.row["open_data_withheld_reason"] == text:
            return  # already withheld for this reason: nothing changes, nothing to record
        now = clock.now()
        await Tender.update(
            {Tender.open_data_withheld_at: now, Tender.open_data_withheld_reason: text}
        ).where(Tender.id == tender_id)
        await audit.record(
            principal.as_actor(),
            "tender.open_data_withheld",
            "tender",
            tender_id,
            before={"open_data_withheld_reason": tender.row["open_data_withheld_reason"]},
            after={"open_data_withheld_reason": text},
        )


async def publish_in_open_data(principal: Principal, tender_id: int) -> None:
    """Lift the mark: the tender is in open data again, with its whole history."""
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.row["open_data_withheld_at"] is None:
            return
        await Tender.update(
            {Tender.open_data_withheld_at: None, Tender.open_data_withheld_reason: ""}
        ).where(Tender.id == tender_id)
        await audit.record(
            principal.as_actor(),
            "tender.open_data_published",
            "tender",
            tender_id,
            before={"open_data_withheld_reason": tender.row["open_data_withheld_reason"]},
        )
