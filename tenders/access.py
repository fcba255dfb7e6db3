"""Who may see and change a tender, and the facts its state machine looks at.

Officers act for the tenders of their authorities (any authority of a joint procurement);
finance staff read those; administrators read every tender but change none (they are not
procurement officers). Evaluators work in the scoring pages and never see a tender here. A
tender the principal may not know of answers NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.domain import Principal, Role
from common.errors import Forbidden, NotFound
from common.i18n import N_
from scoring.tables import Evaluation, Subject
from tenders.machine import TenderFacts
from tenders.procedures import Deadline, Phase
from tenders.tables import (
    Bid,
    Candidate,
    Contract,
    Lot,
    Objection,
    OpeningApproval,
    Tender,
    TenderAuthority,
)

READER_ROLES = frozenset({Role.OFFICER, Role.ADMIN, Role.FINANCE})


@dataclass(frozen=True)
class TenderRef:
    """A tender row the principal may see, with its authorities and the lead's settings."""

    row: dict[str, Any]
    authority_ids: tuple[int, ...]
    zone: str
    country: str
    standstill_days: int
    can_change: bool

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def phase(self) -> Phase:
        return Phase(self.row["phase"])

    @property
    def key(self) -> str:
        return f"tender:{self.id}"


def not_found(tender_id: int) -> NotFound:
    return NotFound(N_("Tender {id} does not exist"), id=tender_id)


def may_read(principal: Principal, authority_ids: tuple[int, ...]) -> bool:
    return principal.role in READER_ROLES and principal.can_see_any(authority_ids)


def may_change(principal: Principal, authority_ids: tuple[int, ...]) -> bool:
    return principal.role is Role.OFFICER and bool(
        principal.authority_ids.intersection(authority_ids))


async def load(tender_id: int) -> TenderRef:
    """The tender without an access check (the deadline ticker, the officer checks below)."""
    row = await Tender.select(
        Tender.all_columns(), Tender.lead_authority.timezone.as_alias("lead_timezone"),
        Tender.lead_authority.country.as_alias("lead_country"),
        Tender.lead_authority.standstill_days.as_alias("lead_standstill_days"),
        Tender.service_type.name_en.as_alias("service_type_en"),
        Tender.service_type.name_nl.as_alias("service_type_nl"),
    ).where(Tender.id == tender_id).first()
    if row is None:
        raise not_found(tender_id)
    authority_ids = tuple(r["authority"] for r in await TenderAuthority.select(
        TenderAuthority.authority).where(TenderAuthority.tender == tender_id))
    return TenderRef(row, authority_ids or (row["lead_authority"],), row["lead_timezone"],
                     row["lead_country"], row["lead_standstill_days"], False)


async def as_reader(principal: Principal, tender_id: int) -> TenderRef:
    found = await load(tender_id)
    if not may_read(principal, found.authority_ids):
        raise not_found(tender_id)
    return TenderRef(found.row, found.authority_ids, found.zone, found.country,
                     found.standstill_days, may_change(principal, found.authority_ids))


async def as_officer(principal: Principal, tender_id: int) -> TenderRef:
    found = await as_reader(principal, tender_id)
    if not found.can_change:
        raise Forbidden(N_("Only procurement officers of the tender's authorities can change "
                           "it"))
    return found


def deadlines_of(row: dict[str, Any]) -> dict[Deadline, datetime]:
    found = {}
    for deadline in Deadline:
        moment = row.get(f"deadline_{deadline.value}")
        if moment is not None:
            found[deadline] = moment
    return found


async def lots_of(tender_id: int) -> list[dict[str, Any]]:
    return await Lot.select().where(Lot.tender == tender_id).order_by(Lot.number)


SELECTING = frozenset({Phase.SELECTION, Phase.DIALOGUE})
WITH_BIDS = frozenset({Phase.TENDERING, Phase.OPENING, Phase.EVALUATION, Phase.AWARD_INTENT,
                       Phase.AWARDED})


async def facts(tender: TenderRef, lots: list[dict[str, Any]] | None = None) -> TenderFacts:
    """Everything the preconditions of the state machine look at. Only what the current
    phase's actions need is read (a page view costs a few queries, not a dozen)."""
    row = tender.row
    tender_id = tender.id
    phase = tender.phase
    if lots is None:
        lots = await lots_of(tender_id)
    lot_names = {lot["id"]: f"{lot['number']}. {lot['title']}" for lot in lots}
    total = "100"
    if phase is Phase.DRAFT:
        shares = [r["share"] for r in await TenderAuthority.select(
            TenderAuthority.share).where(TenderAuthority.tender == tender_id)]
        total = format(sum(shares, Decimal(0)).normalize(), "f") if shares else "100"
    candidates: list[dict[str, Any]] = []
    if phase in SELECTING:
        candidates = await Candidate.select(Candidate.status, Candidate.organisation.name
                                            ).where(Candidate.tender == tender_id)
    live: list[dict[str, Any]] = []
    if phase in WITH_BIDS:
        live = await Bid.select(Bid.id, Bid.lot, Bid.winner, Bid.organisation.name).where(
            (Bid.tender == tender_id) & Bid.withdrawn_at.is_null())
    approvals: tuple[int, ...] = ()
    if phase is Phase.OPENING:
        approvals = tuple(r["officer"] for r in await OpeningApproval.select(
            OpeningApproval.officer).where(OpeningApproval.tender == tender_id).order_by(
            OpeningApproval.id))
    knocked_out = await knocked_out_refs(lots) if phase is Phase.EVALUATION else set()
    confirmed = await confirmed_lots(lots) if phase is Phase.EVALUATION else set()
    winners_by_lot = {b["lot"] for b in live if b["winner"]}
    contracted: set[int] = set()
    if phase is Phase.AWARDED:
        contracted = {r["bid"] for r in await Contract.select(Contract.bid).where(
            Contract.tender == tender_id)}
    open_objections = 0
    if phase is Phase.AWARD_INTENT:
        open_objections = await Objection.count().where(
            (Objection.tender == tender_id) & Objection.resolved_at.is_null())
    return TenderFacts(
        procedure=row["procedure"], phase=phase, title=row["title"],
        lots=tuple(lot_names.values()), shares_total=total,
        cpv_codes=tuple(c for c in row["cpv_codes"].split(",") if c),
        has_service_type=row["service_type"] is not None,
        deadlines=deadlines_of(row),
        candidates_undecided=tuple(c["organisation.name"] for c in candidates
                                   if c["status"] == "pending"),
        candidates_admitted=sum(1 for c in candidates if c["status"] == "admitted"),
        max_candidates=row["max_candidates"],
        candidates_in_dialogue=sum(1 for c in candidates if c["status"] == "admitted"),
        bids=len(live),
        valid_bids=sum(1 for b in live if f"bid:{b['id']}" not in knocked_out),
        opening_approvals=approvals,
        lots_unranked=tuple(lot_names[lot["id"]] for lot in lots
                            if lot["id"] not in confirmed),
        lots_without_winner=tuple(lot_names[lot["id"]] for lot in lots
                                  if lot["id"] not in winners_by_lot),
        standstill_ends_at=row["standstill_ends_at"],
        open_objections=open_objections,
        winners_without_contract=tuple(b["organisation.name"] for b in live
                                       if b["winner"] and b["id"] not in contracted),
    )


async def confirmed_lots(lots: list[dict[str, Any]]) -> set[int]:
    """Lots whose evaluation has a confirmed ranking."""
    ids = [lot["evaluation_id"] for lot in lots if lot["evaluation_id"]]
    if not ids:
        return set()
    done = {r["id"] for r in await Evaluation.select(Evaluation.id).where(
        Evaluation.id.is_in(ids) & Evaluation.ranking_confirmed_at.is_not_null())}
    return {lot["id"] for lot in lots if lot["evaluation_id"] in done}


async def knocked_out_refs(lots: list[dict[str, Any]]) -> set[str]:
    """Bids taken out of the race in the engine (knocked out or withdrawn, with a reason)."""
    ids = [lot["evaluation_id"] for lot in lots if lot["evaluation_id"]]
    if not ids:
        return set()
    return {r["ref"] for r in await Subject.select(Subject.ref).where(
        Subject.evaluation.is_in(ids) & Subject.excluded_at.is_not_null())}
