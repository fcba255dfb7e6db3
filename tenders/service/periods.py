"""A tender's deadlines: setting and moving them, and the minimum-period warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit import service as audit
from authorities.tables import Authority
from common import clock
from common.deadlines import deadline_changes
from common.errors import DomainError
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from tenders import access, notices
from tenders.access import as_reader
from tenders.domain import (
    PeriodWarning,
    check_deadline_changes,
    check_minimum_periods,
    parse_deadlines,
)
from tenders.procedures import (
    FINAL_PHASES,
    PROCEDURE_TYPES,
    Phase,
)
from tenders.service.phases import for_change
from tenders.tables import Tender


@dataclass(frozen=True)
class DeadlinesSaved:
    warnings: list[PeriodWarning]  # periods shorter than a legal minimum (later moves)
    told: tuple[str, ...] = ()  # candidates told of a deadline moved earlier
    without_address: tuple[str, ...] = ()  # candidates who could not be told (no email)


async def set_deadlines(
    principal: Principal, tender_id: int, form: Mapping[str, Any]
) -> DeadlinesSaved:
    """Deadlines entered as local times, with ``reason`` when one moves earlier after
    publication (:func:`tenders.domain.check_deadline_changes` is the rule: later freely,
    earlier with a reason and never below the legal minimum). Candidates are told of an
    earlier deadline through the mail outbox. Returns the minimum-period warnings and who was
    told."""
    reason = str(form.get("reason") or "").strip()
    told = notices.Told((), ())
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase in FINAL_PHASES:
            raise await access.moved(
                DomainError(N_("The deadlines of a closed tender cannot change")), tender
            )
        wanted = parse_deadlines(form, tender.zone)
        now = clock.now()
        row = tender.row
        found = check_deadline_changes(
            PROCEDURE_TYPES[row["procedure"]],
            tender.phase is not Phase.DRAFT,
            access.deadlines_of(row),
            wanted,
            now,
            zone=tender.zone,
            country=tender.country,
            electronic=row["electronic_submission"],
            published_at=row["published_at"],
            invited_at=row["invited_at"],
            reason=reason,
        )
        update = {f"deadline_{c.deadline.value}": c.after for c in found}
        if update:
            earlier = [c for c in found if c.earlier] if tender.phase is not Phase.DRAFT else []
            await Tender.update({**update, "updated_at": now}).where(Tender.id == tender_id)
            after: dict[str, Any] = dict(update)
            if earlier:
                after.update(reason=reason, earlier=[c.deadline.value for c in earlier])
            await audit.record(
                principal.as_actor(),
                "tender.deadlines_changed",
                "tender",
                tender_id,
                before={k: row[k] for k in update},
                after=after,
            )
            if tender.phase is not Phase.DRAFT:
                await notices.announce_deadlines(principal.as_actor(), tender_id, update)
            if earlier:
                language = (
                    await Authority.select(Authority.language)
                    .where(Authority.id == row["lead_authority"])
                    .first()
                )
                told = await notices.tell_deadlines_moved_earlier(
                    principal.as_actor(),
                    tender,
                    language["language"] if language else "en",
                    earlier,
                    reason,
                )
    deadline_changes.changed(tender.key)
    return DeadlinesSaved(
        await period_warnings(principal, tender_id), told.told, told.without_address
    )


async def period_warnings(principal: Principal, tender_id: int) -> list[PeriodWarning]:
    tender = await as_reader(principal, tender_id)
    row = tender.row
    start = row["published_at"] or clock.now()
    return check_minimum_periods(
        PROCEDURE_TYPES[row["procedure"]],
        access.deadlines_of(row),
        start,
        tender.zone,
        row["electronic_submission"],
        row["invited_at"],
        country=tender.country,
    )
