"""Reading tenders: the list, and the overview of one tender with its next step and warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from authorities.domain import SERVICE_TYPE_LANGUAGES, localized_name
from common import clock
from common.errors import Problem
from common.i18n import N_
from common.identity import Principal
from common.jurisdictions import jurisdiction_for
from config.database import contains
from tenders import access
from tenders.access import as_reader
from tenders.domain import (
    PeriodWarning,
    check_minimum_periods,
    contract_value,
    light_regime_warnings,
)
from tenders.machine import (
    ACTION_LABELS,
    AUTOMATIC,
    Action,
    OpeningStep,
    TenderFacts,
    missing,
    next_automatic,
    opening_step,
    possible,
    publish_warnings,
)
from tenders.procedures import (
    DEADLINE_LABELS,
    PROCEDURE_TYPES,
    Deadline,
    Phase,
)
from tenders.service.base import OPEN_FOR_BIDS, localise
from tenders.tables import Tender, TenderAuthority


@dataclass(frozen=True)
class Filters:
    phase: str | None = None
    authority_id: int | None = None
    service_type_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class TenderListItem:
    id: int
    reference: str
    title: str
    procedure: str
    phase: str
    authority: str
    service_type: dict[str, str | None]  # its name by language
    next_deadline: datetime | None
    zone: str
    updated_at: datetime


async def list_tenders(
    principal: Principal, filters: Filters, offset: int = 0, limit: int = 25
) -> tuple[list[TenderListItem], int]:
    if principal.role not in access.READER_ROLES:
        return [], 0
    query = Tender.select(
        Tender.id,
        Tender.reference,
        Tender.title,
        Tender.procedure,
        Tender.phase,
        Tender.deadline_requests,
        Tender.deadline_bids,
        Tender.updated_at,
        Tender.lead_authority.name,
        Tender.lead_authority.timezone,
        *access.SERVICE_TYPE_NAMES,
    )
    count = Tender.count()
    conditions = []
    if not principal.is_admin:
        visible = TenderAuthority.select(TenderAuthority.tender).where(
            TenderAuthority.authority.is_in(sorted(principal.authority_ids) or [0])
        )
        conditions.append(Tender.id.is_in(visible))
    if filters.phase:
        conditions.append(Tender.phase == filters.phase)
    if filters.authority_id:
        conditions.append(
            Tender.id.is_in(
                TenderAuthority.select(TenderAuthority.tender).where(
                    TenderAuthority.authority == filters.authority_id
                )
            )
        )
    if filters.service_type_id:
        conditions.append(Tender.service_type == filters.service_type_id)
    if filters.text:
        conditions.append(
            contains(Tender.title, filters.text) | contains(Tender.reference, filters.text)
        )
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    total = await count
    rows = (
        await query.order_by(Tender.updated_at, ascending=False)
        .order_by(Tender.id, ascending=False)
        .offset(offset)
        .limit(limit)
    )
    items = []
    for r in rows:
        phase = Phase(r["phase"])
        nxt = (
            r["deadline_requests"]
            if phase is Phase.PUBLISHED
            else (r["deadline_bids"] if phase is Phase.TENDERING else None)
        )
        service = {
            language: localized_name(r, language, "service_type.")
            for language in SERVICE_TYPE_LANGUAGES
        }
        items.append(
            TenderListItem(
                r["id"],
                r["reference"],
                r["title"],
                r["procedure"],
                r["phase"],
                r["lead_authority.name"],
                service,
                nxt,
                r["lead_authority.timezone"],
                r["updated_at"],
            )
        )
    return items, total


@dataclass(frozen=True)
class ActionView:
    action: Action
    label: str
    missing: tuple[Problem, ...]

    @property
    def allowed(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class NextStep:
    """The next deadline and what happens at it."""

    label: str  # message id of the deadline
    at: datetime
    does: str  # message id of what it will do
    automatic: bool


@dataclass(frozen=True)
class Overview:
    tender: dict[str, Any]
    zone: str
    country: str
    standstill_days: int
    can_change: bool
    authorities: list[dict[str, Any]]
    lots: list[dict[str, Any]]
    phases: tuple[Phase, ...]
    phase: Phase
    actions: list[ActionView]
    next_step: NextStep | None
    warnings: list[PeriodWarning]
    facts: TenderFacts
    deadlines: dict[Deadline, datetime] = field(default_factory=dict)
    opening: OpeningStep = field(default_factory=OpeningStep)
    publish_warnings: list[Problem] = field(default_factory=list)
    # What the light regime asks at the tender's value (EU publication), in every phase.
    regime_warnings: list[Problem] = field(default_factory=list)


def next_step(facts: TenderFacts, row: Mapping[str, Any], now: datetime) -> NextStep | None:
    automatic = next_automatic(facts)
    if automatic is not None:
        action, moment = automatic
        return NextStep(DEADLINE_LABELS[AUTOMATIC[action]], moment, ACTION_LABELS[action], True)
    if facts.phase is Phase.AWARD_INTENT and row["standstill_ends_at"] is not None:
        return NextStep(
            N_("End of the standstill period"),
            row["standstill_ends_at"],
            N_("The definitive award becomes possible"),
            False,
        )
    questions = facts.deadlines.get(Deadline.QUESTIONS)
    if facts.phase in (Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, Phase.TENDERING) and (
        questions is not None and questions > now
    ):
        return NextStep(
            DEADLINE_LABELS[Deadline.QUESTIONS],
            questions,
            N_("Questions received later are refused"),
            False,
        )
    return None


async def overview(principal: Principal, tender_id: int) -> Overview:
    tender = await as_reader(principal, tender_id)
    lot_rows = await access.lots_of(tender_id)
    facts = await access.facts(tender, lot_rows)
    now = clock.now()
    authorities = (
        await TenderAuthority.select(
            TenderAuthority.authority,
            TenderAuthority.share,
            TenderAuthority.authority.name,
            TenderAuthority.authority.country,
        )
        .where(TenderAuthority.tender == tender_id)
        .order_by(TenderAuthority.share, ascending=False)
    )
    actions = (
        [
            ActionView(
                a,
                ACTION_LABELS[a],
                tuple(localise(p, tender.zone) for p in missing(a, facts, now, principal.id)),
            )
            for a in possible(facts)
        ]
        if tender.can_change
        else []
    )
    kind = PROCEDURE_TYPES[tender.row["procedure"]]
    warnings = (
        []
        if tender.phase not in OPEN_FOR_BIDS
        else check_minimum_periods(
            kind,
            facts.deadlines,
            tender.row["published_at"] or now,
            tender.zone,
            tender.row["electronic_submission"],
            tender.row["invited_at"],
            country=tender.country,
        )
    )
    opening = opening_step(facts, now, principal.id) if tender.can_change else OpeningStep()
    if opening.reason is not None:
        opening = OpeningStep(reason=localise(opening.reason, tender.zone))
    return Overview(
        tender.row,
        tender.zone,
        tender.country,
        tender.standstill_days,
        tender.can_change,
        authorities,
        lot_rows,
        kind.phases,
        tender.phase,
        actions,
        next_step(facts, tender.row, now),
        warnings,
        facts,
        facts.deadlines,
        opening,
        publish_warnings(facts) if tender.can_change else [],
        light_regime_warnings(
            tender.row["procedure"],
            contract_value(
                tender.row["estimated_value"], [lot["estimated_value"] for lot in lot_rows]
            ),
            tender.row["currency"],
            jurisdiction_for(tender.country).light_regime,
        ),
    )
