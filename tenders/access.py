"""Who may see and change a tender, what of its bids is still sealed, and the facts its state
machine looks at.

Officers act for the tenders of their authorities (any authority of a joint procurement);
finance staff read those; administrators read every tender but change none (they are not
procurement officers). Evaluators work in the scoring pages and never see a tender here; they
read a bid's documents only as :func:`bid_document` allows. A tender the principal may not know
of answers NotFound.

What is sealed is decided by one rule, :mod:`scoring.envelope`; :class:`Seals` gives it a
tender's facts (bids opened, two envelopes, the lots whose prices were opened).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from authorities.domain import SERVICE_TYPE_LANGUAGES, name_column
from common.errors import DomainError, Forbidden, NotFound
from common.i18n import N_
from common.identity import Principal, Role
from common.refs import SubjectRef
from config import database
from scoring import service as scoring
from scoring.envelope import Envelope, EnvelopeFacts, sealed_reason
from scoring.tables import Evaluation, Subject
from tenders.machine import Action, TenderFacts
from tenders.procedures import PROCEDURE_TYPES, Deadline, Phase
from tenders.tables import (
    Bid,
    BidFile,
    Candidate,
    Contract,
    Lot,
    Objection,
    OpeningApproval,
    Tender,
    TenderAuthority,
    TenderDocument,
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


# The events that move a tender from phase to phase (by an officer, or at a deadline).
PHASE_ACTIONS = tuple(f"tender.{action.value}" for action in Action)


async def changed(
    reason: DomainError, tender: TenderRef, *actions: str, **about: Any
) -> DomainError:
    """``reason`` naming who changed the tender so, and when (the authority's time): its
    latest event of ``actions`` whose recorded values include ``about``; see
    :func:`audit.service.conflict`."""
    return await audit.conflict(
        reason, "tender", tender.id, actions=actions, about=about or None, zone=tender.zone
    )


async def moved(reason: DomainError, tender: TenderRef) -> DomainError:
    """``reason``, refused in the tender's phase, naming who moved it there, and when."""
    return await changed(reason, tender, *PHASE_ACTIONS)


def not_found(tender_id: int) -> NotFound:
    return NotFound(N_("Tender {id} does not exist"), id=tender_id)


def may_read(principal: Principal, authority_ids: tuple[int, ...]) -> bool:
    return principal.role in READER_ROLES and principal.can_see_any(authority_ids)


def may_change(principal: Principal, authority_ids: tuple[int, ...]) -> bool:
    return principal.role is Role.OFFICER and bool(
        principal.authority_ids.intersection(authority_ids)
    )


TENDER_COLUMNS = (
    Tender.all_columns(),
    Tender.lead_authority.timezone.as_alias("lead_timezone"),
    Tender.lead_authority.country.as_alias("lead_country"),
    Tender.lead_authority.standstill_days.as_alias("lead_standstill_days"),
    *(
        getattr(Tender.service_type, name_column(language)).as_alias(f"service_type_{language}")
        for language in SERVICE_TYPE_LANGUAGES
    ),
)
# A tender's service type's names in every language, as ``service_type.name_<language>``.
SERVICE_TYPE_NAMES = tuple(
    getattr(Tender.service_type, name_column(language)) for language in SERVICE_TYPE_LANGUAGES
)


async def load_many(tender_ids: Collection[int]) -> dict[int, TenderRef]:
    """The tenders found among ``tender_ids`` by id, without an access check, in two queries."""
    if not tender_ids:
        return {}
    ids = list(tender_ids)
    rows = await Tender.select(*TENDER_COLUMNS).where(Tender.id.is_in(ids))
    members: dict[int, list[int]] = {}
    for link in await TenderAuthority.select(
        TenderAuthority.tender, TenderAuthority.authority
    ).where(TenderAuthority.tender.is_in(ids)):
        members.setdefault(link["tender"], []).append(link["authority"])
    return {
        row["id"]: TenderRef(
            row,
            tuple(members.get(row["id"], ())) or (row["lead_authority"],),
            row["lead_timezone"],
            row["lead_country"],
            row["lead_standstill_days"],
            False,
        )
        for row in rows
    }


async def load(tender_id: int) -> TenderRef:
    """The tender without an access check (the deadline ticker, the officer checks below)."""
    found = (await load_many([tender_id])).get(tender_id)
    if found is None:
        raise not_found(tender_id)
    return found


async def as_reader(principal: Principal, tender_id: int) -> TenderRef:
    found = await load(tender_id)
    if not may_read(principal, found.authority_ids):
        raise not_found(tender_id)
    return TenderRef(
        found.row,
        found.authority_ids,
        found.zone,
        found.country,
        found.standstill_days,
        may_change(principal, found.authority_ids),
    )


async def as_officer(principal: Principal, tender_id: int, *, lock: bool = True) -> TenderRef:
    """The tender for a change by one of its officers. With ``lock`` (the default) its row is
    locked until the caller's transaction ends and read after the lock: a concurrent change
    of the same tender waits, then finds this one's result (``config.database.lock``)."""
    if lock:
        await database.lock(Tender, tender_id)
    found = await as_reader(principal, tender_id)
    if not found.can_change:
        raise Forbidden(N_("Only procurement officers of the tender's authorities can change it"))
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
WITH_BIDS = frozenset(
    {Phase.TENDERING, Phase.OPENING, Phase.EVALUATION, Phase.AWARD_INTENT, Phase.AWARDED}
)


async def facts(tender: TenderRef, lots: list[dict[str, Any]] | None = None) -> TenderFacts:
    """Everything the preconditions of the state machine look at. Only what the current
    phase's actions need is read (a page view costs a few queries, not a dozen)."""
    return (await facts_many([tender], None if lots is None else {tender.id: lots}))[tender.id]


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row[key], []).append(row)
    return found


async def facts_many(
    tenders: Sequence[TenderRef],
    lots: Mapping[int, list[dict[str, Any]]] | None = None,
) -> dict[int, TenderFacts]:
    """:func:`facts` of many tenders by id, in a few set-based queries (one per kind of fact
    some tender's phase needs), whatever their number: the deadline sweep reads hundreds."""

    def ids_in(phases: frozenset[Phase]) -> list[int]:
        return [t.id for t in tenders if t.phase in phases]

    if lots is None:
        lots = _grouped(
            await Lot.select()
            .where(Lot.tender.is_in([t.id for t in tenders] or [0]))
            .order_by(Lot.tender, Lot.number),
            "tender",
        )
    every_lot = [lot for tender in tenders for lot in lots.get(tender.id, [])]
    shares: dict[int, list[dict[str, Any]]] = {}
    readiness: dict[int, scoring.Readiness] = {}
    documents: dict[int, int] = {}
    if drafts := ids_in(frozenset({Phase.DRAFT})):
        shares = _grouped(
            await TenderAuthority.select(TenderAuthority.tender, TenderAuthority.share).where(
                TenderAuthority.tender.is_in(drafts)
            ),
            "tender",
        )
        for ranked in (True, False):
            readiness |= await scoring.criteria_readiness(
                [
                    lot["evaluation_id"]
                    for t in tenders
                    if t.id in drafts and PROCEDURE_TYPES[t.row["procedure"]].ranked is ranked
                    for lot in lots.get(t.id, [])
                    if lot["evaluation_id"]
                ],
                ranked=ranked,
            )
        for r in await TenderDocument.select(TenderDocument.tender).where(
            TenderDocument.tender.is_in(drafts)
        ):
            documents[r["tender"]] = documents.get(r["tender"], 0) + 1
    candidates: dict[int, list[dict[str, Any]]] = {}
    if selecting := ids_in(SELECTING):
        candidates = _grouped(
            await Candidate.select(
                Candidate.tender, Candidate.status, Candidate.organisation.name
            ).where(Candidate.tender.is_in(selecting)),
            "tender",
        )
    live: dict[int, list[dict[str, Any]]] = {}
    if with_bids := ids_in(WITH_BIDS):
        live = _grouped(
            await Bid.select(Bid.tender, Bid.id, Bid.lot, Bid.winner, Bid.organisation.name).where(
                Bid.tender.is_in(with_bids) & Bid.withdrawn_at.is_null()
            ),
            "tender",
        )
    approvals: dict[int, list[dict[str, Any]]] = {}
    if opening := ids_in(frozenset({Phase.OPENING})):
        approvals = _grouped(
            await OpeningApproval.select(OpeningApproval.tender, OpeningApproval.officer)
            .where(OpeningApproval.tender.is_in(opening))
            .order_by(OpeningApproval.id),
            "tender",
        )
    evaluating = set(ids_in(frozenset({Phase.EVALUATION})))
    evaluated_lots = [lot for lot in every_lot if lot["tender"] in evaluating]
    knocked_out = await knocked_out_refs(evaluated_lots) if evaluating else set()
    confirmed = await confirmed_lots(evaluated_lots) if evaluating else set()
    contracted: set[int] = set()
    if awarded := ids_in(frozenset({Phase.AWARDED})):
        contracted = {
            r["bid"]
            for r in await Contract.select(Contract.bid).where(Contract.tender.is_in(awarded))
        }
    objections: dict[int, int] = {}
    if intent := ids_in(frozenset({Phase.AWARD_INTENT})):
        for r in await Objection.select(Objection.tender).where(
            Objection.tender.is_in(intent) & Objection.resolved_at.is_null()
        ):
            objections[r["tender"]] = objections.get(r["tender"], 0) + 1
    found = {
        tender.id: _facts_of(
            tender,
            lots.get(tender.id, []),
            shares.get(tender.id),
            candidates.get(tender.id, []),
            live.get(tender.id, []),
            tuple(r["officer"] for r in approvals.get(tender.id, [])),
            knocked_out,
            confirmed,
            contracted,
            objections.get(tender.id, 0),
        )
        for tender in tenders
    }
    for tender_id in drafts:
        found[tender_id] = _draft_facts(
            found[tender_id], lots.get(tender_id, []), readiness, documents.get(tender_id, 0)
        )
    return found


def _draft_facts(
    facts: TenderFacts, lots: list[dict[str, Any]], readiness: Mapping[int, Any], documents: int
) -> TenderFacts:
    """What publishing a draft looks at: each lot's criteria (asked of the scoring engine),
    its estimated value, the tender's documents."""

    def name(lot: dict[str, Any]) -> str:
        return f"{lot['number']}. {lot['title']}"

    state = {lot["id"]: readiness.get(lot["evaluation_id"], "missing") for lot in lots}
    return replace(
        facts,
        lots_without_criteria=tuple(name(lot) for lot in lots if state[lot["id"]] == "missing"),
        lots_with_incomplete_criteria=tuple(
            name(lot) for lot in lots if state[lot["id"]] == "incomplete"
        ),
        lots_without_value=tuple(name(lot) for lot in lots if lot["estimated_value"] is None),
        documents=documents,
    )


def _facts_of(
    tender: TenderRef,
    lots: list[dict[str, Any]],
    shares: list[dict[str, Any]] | None,
    candidates: list[dict[str, Any]],
    live: list[dict[str, Any]],
    approvals: tuple[int, ...],
    knocked_out: set[str],
    confirmed: set[int],
    contracted: set[int],
    open_objections: int,
) -> TenderFacts:
    row = tender.row
    lot_names = {lot["id"]: f"{lot['number']}. {lot['title']}" for lot in lots}
    total = "100"
    if shares:
        total = format(sum((r["share"] for r in shares), Decimal(0)).normalize(), "f")
    winners_by_lot = {b["lot"] for b in live if b["winner"]}
    closed = {lot["id"] for lot in lots if lot.get("unsuccessful_at") is not None}
    in_race = [b for b in live if b["lot"] not in closed]
    return TenderFacts(
        procedure=row["procedure"],
        phase=tender.phase,
        title=row["title"],
        lots=tuple(lot_names.values()),
        shares_total=total,
        cpv_codes=tuple(c for c in row["cpv_codes"].split(",") if c),
        has_service_type=row["service_type"] is not None,
        deadlines=deadlines_of(row),
        candidates_undecided=tuple(
            c["organisation.name"] for c in candidates if c["status"] == "pending"
        ),
        candidates_admitted=sum(1 for c in candidates if c["status"] == "admitted"),
        max_candidates=row["max_candidates"],
        candidates_in_dialogue=sum(1 for c in candidates if c["status"] == "admitted"),
        bids=len(live),
        valid_bids=sum(1 for b in in_race if bid_ref(b["id"]) not in knocked_out),
        opening_approvals=approvals,
        lots_unranked=tuple(
            lot_names[lot["id"]]
            for lot in lots
            if lot["id"] not in confirmed and lot["id"] not in closed
        ),
        lots_without_winner=tuple(
            lot_names[lot["id"]]
            for lot in lots
            if lot["id"] not in winners_by_lot and lot["id"] not in closed
        ),
        lots_unsuccessful=tuple(lot_names[lot["id"]] for lot in lots if lot["id"] in closed),
        standstill_ends_at=row["standstill_ends_at"],
        open_objections=open_objections,
        winners_without_contract=tuple(
            b["organisation.name"] for b in live if b["winner"] and b["id"] not in contracted
        ),
    )


async def confirmed_lots(lots: list[dict[str, Any]]) -> set[int]:
    """Lots whose evaluation has a confirmed ranking."""
    ids = [lot["evaluation_id"] for lot in lots if lot["evaluation_id"]]
    if not ids:
        return set()
    done = {
        r["id"]
        for r in await Evaluation.select(Evaluation.id).where(
            Evaluation.id.is_in(ids) & Evaluation.ranking_confirmed_at.is_not_null()
        )
    }
    return {lot["id"] for lot in lots if lot["evaluation_id"] in done}


async def knocked_out_refs(lots: list[dict[str, Any]]) -> set[str]:
    """Bids taken out of the race in the engine (knocked out or withdrawn, with a reason)."""
    ids = [lot["evaluation_id"] for lot in lots if lot["evaluation_id"]]
    if not ids:
        return set()
    return {
        r["ref"]
        for r in await Subject.select(Subject.ref).where(
            Subject.evaluation.is_in(ids) & Subject.excluded_at.is_not_null()
        )
    }


# --- what is sealed -----------------------------------------------------------------------------


def bid_ref(bid_id: int) -> str:
    return str(SubjectRef("bid", bid_id))


@dataclass(frozen=True)
class Seals:
    """A tender's facts for the envelope rule (:mod:`scoring.envelope`), per lot and bid."""

    bids_opened: bool
    two_envelope: bool
    prices_opened_lots: frozenset[int] = frozenset()

    def facts(self, lot_id: int, withdrawn: bool) -> EnvelopeFacts:
        return EnvelopeFacts(
            bids_opened=self.bids_opened,
            two_envelope=self.two_envelope,
            prices_opened=lot_id in self.prices_opened_lots,
            withdrawn=withdrawn,
        )

    def reason(
        self, lot_id: int, withdrawn: bool, envelope: Envelope = Envelope.PRICE
    ) -> str | None:
        """Why that envelope of a bid on ``lot_id`` is sealed, or None when it may be read."""
        return sealed_reason(self.facts(lot_id, withdrawn), envelope)

    def sealed(self, lot_id: int, withdrawn: bool, envelope: Envelope = Envelope.PRICE) -> bool:
        return self.reason(lot_id, withdrawn, envelope) is not None


async def seals(tender: TenderRef, opened: bool | None = None) -> Seals:
    """What of ``tender``'s bids is sealed (``opened``: whether the bids are open, when the
    caller is opening them in this transaction)."""
    row = tender.row
    bids_opened = row["opened_at"] is not None if opened is None else opened
    if not row["two_envelope"] or not bids_opened:
        return Seals(bids_opened, bool(row["two_envelope"]))
    lots = await Lot.select(Lot.id, Lot.evaluation_id).where(Lot.tender == tender.id)
    ids = [lot["evaluation_id"] for lot in lots if lot["evaluation_id"]]
    opened_evaluations = {
        r["id"]
        for r in await Evaluation.select(Evaluation.id).where(
            Evaluation.id.is_in(ids or [0]) & Evaluation.prices_opened_at.is_not_null()
        )
    }
    return Seals(
        True,
        True,
        frozenset(lot["id"] for lot in lots if lot["evaluation_id"] in opened_evaluations),
    )


@dataclass(frozen=True)
class BidDocument:
    """A bid's document as one principal asked for it: whether the envelope rule keeps it shut
    (``sealed_reason``, a message id) and what the download audit needs."""

    tender: TenderRef
    bid_id: int
    lot_id: int
    file_id: int
    envelope: Envelope
    sealed_reason: str | None

    @property
    def sealed(self) -> bool:
        return self.sealed_reason is not None


async def bid_document(
    principal: Principal, tender_id: int, bid_id: int, file_id: int
) -> BidDocument:
    """May this principal read this bid document? The one check for every route that serves a
    bid's file (tender pages, the API, the scoring pages' links for evaluators).

    Who: the tender's readers (its officers, finance staff, administrators) and an evaluator
    assigned to the lot's evaluation who declared no conflict of interest with the bid. Anyone
    else gets NotFound. What: the envelope rule: nothing before the opening, nothing of a
    withdrawn bid, price documents of a two-envelope tender only once its prices are opened.
    A sealed document is answered with the reason, for the caller to audit and refuse.
    """
    tender = await load(tender_id)
    bid = (
        await Bid.select(Bid.id, Bid.lot, Bid.withdrawn_at, Bid.lot.evaluation_id)
        .where((Bid.id == bid_id) & (Bid.tender == tender_id))
        .first()
    )
    if not may_read(principal, tender.authority_ids):
        evaluation_id = bid["lot.evaluation_id"] if bid else None
        if (
            principal.role is not Role.EVALUATOR
            or not evaluation_id
            or not await scoring.can_view_subject(principal, evaluation_id, bid_ref(bid_id))
        ):
            raise not_found(tender_id)
    if bid is None:
        raise NotFound(N_("Bid {id} does not exist"), id=bid_id)
    found = (
        await BidFile.select(BidFile.envelope)
        .where((BidFile.bid == bid_id) & (BidFile.file == file_id))
        .first()
    )
    if found is None:
        raise NotFound(N_("File {id} does not exist"), id=file_id)
    envelope = Envelope(found["envelope"])
    state = await seals(tender)
    return BidDocument(
        tender,
        bid_id,
        bid["lot"],
        file_id,
        envelope,
        state.reason(bid["lot"], bid["withdrawn_at"] is not None, envelope),
    )
