"""Bids to contracts: sealed bids, the four-eyes opening, evaluation per lot through the scoring
engine, the four-eyes opening of the prices (two envelopes), the award intent chosen from the
ranking, objections and contracts.

Sealed means: nobody (administrators included) reads it, on a page, through the API, as a
download, in a letter, a report or an audit event. What is sealed when is one rule,
:mod:`scoring.envelope`: everything until the bid opening; with two envelopes the prices and
price documents until quality is final and two officers open them; a withdrawn bid forever.
Every attempt to reach sealed material, and every download of a bid's file, is audited.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from common.refs import SubjectRef
from config.database import transaction
from documents import storage
from organisations import service as organisations
from organisations.domain import validate_organisation
from scoring import service as scoring
from scoring.documents import DocumentFile, SubjectDocument, SubjectOnSheet, coded_name
from scoring.envelope import Envelope
from scoring.results import Ranking
from tenders import access, submissions
from tenders.access import as_reader, bid_ref, seals
from tenders.domain import choose_winners, require_advantages, require_in_time, require_reason
from tenders.procedures import PROCEDURE_TYPES, Phase
from tenders.service import for_change, get_lot_row
from tenders.submissions import parse_price
from tenders.tables import Bid, BidFile, Lot

# --- registering bids -------------------------------------------------------------------------

PAPER_REASON_MISSING = N_(
    "Bids on this tender are submitted electronically: say why this one is registered by hand"
)


async def register_bid(
    principal: Principal,
    tender_id: int,
    lot_id: int,
    form: Mapping[str, Any],
    files: Sequence[tuple[str, str, bytes]] = (),
    received_at: datetime | None = None,
    price_files: Sequence[tuple[str, str, bytes]] = (),
    reason_required: bool = False,
) -> int:
    """A bid on a lot as received, before the bid deadline, with its price and files:
    ``files`` (the quality envelope: at least one) and ``price_files`` (the price envelope,
    e.g. a price sheet; with two envelopes they stay sealed until the prices are opened).
    Price and files are stored encrypted (:mod:`tenders.vault`) until their opening. An
    officer registering a bid received on paper gives the reason (``paper_reason``);
    ``reason_required`` (the officer's form): on a tender with electronic submission it must.

    The rules are those of a bid the supplier submits itself (:func:`submissions.receive`).
    """
    problems = ProblemCollector()
    organisation = None
    try:
        organisation = validate_organisation(form)
    except ValidationFailed as exc:
        problems.problems.extend(exc.problems)
    price = None
    try:
        price = parse_price(form.get("price"))
    except DomainError as exc:
        problems.add("price", exc.problem.message, **exc.problem.params)
    if not files:
        problems.add("files", N_("Attach the bid's documents"))
    problems.raise_if_any()
    assert organisation is not None and price is not None
    reason = str(form.get("paper_reason") or "").strip()
    async with transaction():
        tender = await for_change(principal, tender_id)
        if reason_required and tender.row["electronic_submission"] and not reason:
            raise ValidationFailed([Problem(PAPER_REASON_MISSING, {}, "paper_reason")])
        moment = received_at or clock.now()
        if tender.phase in (Phase.TENDERING, Phase.OPENING):  # a late bid is told so
            require_in_time(moment, tender.row["deadline_bids"], submissions.LATE, tender.zone)
        organisation_id = await organisations.register(principal.as_actor(), organisation)
        return await submissions.receive(
            principal.as_actor(),
            tender,
            lot_id,
            submissions.Bidder(
                organisation_id, organisation.name, principal.as_actor().label, reason
            ),
            price,
            files,
            price_files,
            moment,
            replace=False,
        )


async def withdraw_bid(principal: Principal, tender_id: int, bid_id: int, reason: str) -> None:
    text = require_reason(reason)
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase is not Phase.TENDERING:
            raise await access.moved(
                DomainError(N_("A bid can be withdrawn until bidding closes")), tender
            )
        bid = await bid_row(tender_id, bid_id)
        if bid["withdrawn_at"] is not None:
            raise await access.changed(
                DomainError(
                    N_("{name} has already withdrawn this bid"), name=bid["organisation.name"]
                ),
                tender,
                "bid.withdrawn",
                bid=bid_id,
            )
        await Bid.update({Bid.withdrawn_at: clock.now(), Bid.withdrawn_reason: text}).where(
            Bid.id == bid_id
        )
        await audit.record(
            principal.as_actor(),
            "bid.withdrawn",
            "tender",
            tender_id,
            after={"bid": bid_id, "reason": text},
        )


async def bid_row(tender_id: int, bid_id: int) -> dict[str, Any]:
    row = (
        await Bid.select(Bid.all_columns(), Bid.organisation.name)
        .where((Bid.id == bid_id) & (Bid.tender == tender_id))
        .first()
    )
    if row is None:
        raise NotFound(N_("Bid {id} does not exist"), id=bid_id)
    return row


@dataclass(frozen=True)
class BidView:
    id: int
    ref: str
    lot_id: int
    lot: str
    organisation: str
    received_at: datetime
    sealed: bool  # nothing of the bid may be read (before the opening; a withdrawn bid)
    price: Decimal | None  # None while the price envelope is sealed
    files: tuple[dict[str, Any], ...]  # the files that may be read, each with its envelope
    file_count: int
    withdrawn: bool
    withdrawn_reason: str
    winner: bool
    price_sealed: bool = True
    sealed_files: int = 0  # files still sealed (all before the opening; price documents)
    submitted_by: str = ""  # the portal account that submitted it ("" : an officer did)
    paper_reason: str = ""  # an officer registered it, and why
    registered_by: str = ""


async def bids(principal: Principal, tender_id: int, lot_id: int | None = None) -> list[BidView]:
    """The bids as the principal may see them: what the envelope rule keeps sealed is left
    out (prices, price documents, every file of a withdrawn bid)."""
    tender = await as_reader(principal, tender_id)
    state = await seals(tender)
    query = Bid.select(
        Bid.all_columns(), Bid.organisation.name, Bid.lot.number, Bid.lot.title
    ).where(Bid.tender == tender_id)
    if lot_id is not None:
        query = query.where(Bid.lot == lot_id)
    rows = await query.order_by(Bid.lot.number).order_by(Bid.received_at)
    files = (
        await BidFile.select(
            BidFile.bid, BidFile.file, BidFile.envelope, BidFile.file.filename, BidFile.file.size
        )
        .where(BidFile.bid.is_in([r["id"] for r in rows] or [0]))
        .order_by(BidFile.id)
    )
    by_bid: dict[int, list[dict[str, Any]]] = {}
    for f in files:
        by_bid.setdefault(f["bid"], []).append(f)
    views = []
    for r in rows:
        withdrawn = r["withdrawn_at"] is not None
        mine = by_bid.get(r["id"], [])
        readable = tuple(
            f for f in mine if not state.sealed(r["lot"], withdrawn, Envelope(f["envelope"]))
        )
        price_sealed = state.sealed(r["lot"], withdrawn, Envelope.PRICE)
        views.append(
            BidView(
                r["id"],
                bid_ref(r["id"]),
                r["lot"],
                f"{r['lot.number']}. {r['lot.title']}",
                r["organisation.name"],
                r["received_at"],
                state.sealed(r["lot"], withdrawn, Envelope.QUALITY),
                None if price_sealed else r["price"],
                readable,
                len(mine),
                withdrawn,
                r["withdrawn_reason"],
                r["winner"],
                price_sealed,
                len(mine) - len(readable),
                r["submitted_by"],
                r["paper_reason"],
                r["registered_by"],
            )
        )
    return views


async def bid_file(
    principal: Principal, tender_id: int, bid_id: int, file_id: int, via: str = "tender"
) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    """A bid's file, as :func:`tenders.access.bid_document` allows (the one check for every way
    to a bid's files: the tender's pages and API, an evaluator's scoring page). Every attempt is
    audited, refused ones too, with the way it came (``via``)."""
    document = await access.bid_document(principal, tender_id, bid_id, file_id)
    async with transaction():
        details: dict[str, Any] = {
            "bid": bid_id,
            "file": file_id,
            "envelope": document.envelope.value,
        }
        if via != "tender":
            details["via"] = via
        await audit.record(
            principal.as_actor(),
            "bid.sealed_access_refused" if document.sealed else "bid.file_downloaded",
            "tender",
            tender_id,
            after=details,
        )
    if document.sealed_reason is not None:
        raise DomainError(document.sealed_reason)
    return await storage.stream(file_id)


class BidDocuments:
    """The files of a bid as the evaluators of its lot read them from their scoring pages
    (a :class:`scoring.documents.SubjectDocuments` for the lots' evaluations). What may be
    read is what :func:`tenders.access.bid_document` allows: a sealed document (before the
    opening, a price document while prices are sealed) is neither listed nor served."""

    def owns(self, owner_ref: str) -> bool:
        return _lot_of(owner_ref) is not None

    async def _files(self, subject: SubjectOnSheet) -> tuple[int, int, list[dict[str, Any]]]:
        found = _lot_of(subject.owner_ref)
        if found is None or not subject.ref.startswith("bid:"):
            raise NotFound(N_("No subject {code} on your sheet"), code=subject.code)
        tender_id, _ = found
        bid_id = SubjectRef.parse(subject.ref).id
        files = (
            await BidFile.select(BidFile.file, BidFile.file.filename, BidFile.file.size)
            .where(BidFile.bid == bid_id)
            .order_by(BidFile.id)
        )
        return tender_id, bid_id, files

    @staticmethod
    def _name(subject: SubjectOnSheet, number: int, filename: str) -> str:
        return coded_name(subject.code, number, filename) if subject.names_hidden else filename

    async def documents(
        self, principal: Principal, subject: SubjectOnSheet
    ) -> list[SubjectDocument]:
        tender_id, bid_id, files = await self._files(subject)
        listed = []
        for number, f in enumerate(files, start=1):
            document = await access.bid_document(principal, tender_id, bid_id, f["file"])
            if not document.sealed:
                listed.append(
                    SubjectDocument(
                        f["file"], self._name(subject, number, f["file.filename"]), f["file.size"]
                    )
                )
        return listed

    async def read(
        self, principal: Principal, subject: SubjectOnSheet, document_id: int
    ) -> DocumentFile:
        tender_id, bid_id, files = await self._files(subject)
        number = next((n for n, f in enumerate(files, start=1) if f["file"] == document_id), None)
        info, chunks = await bid_file(
            principal,
            tender_id,
            bid_id,
            document_id,
            via=f"scoring:{subject.evaluation_id}:{subject.code}",
        )
        assert number is not None  # bid_document found the file on this bid
        return DocumentFile(self._name(subject, number, info.filename), info.content_type, chunks)


def _lot_of(owner_ref: str) -> tuple[int, int] | None:
    """``tender:12:lot:34`` as (12, 34)."""
    parts = owner_ref.split(":")
    if (
        len(parts) == 4
        and parts[0] == "tender"
        and parts[2] == "lot"
        and parts[1].isdigit()
        and parts[3].isdigit()
    ):
        return int(parts[1]), int(parts[3])
    return None


BID_DOCUMENTS = BidDocuments()


# --- evaluation -------------------------------------------------------------------------------


async def knock_out(principal: Principal, tender_id: int, bid_id: int, reason: str) -> None:
    """Take a bid out of the race (e.g. it misses a requirement), with the reason on record."""
    text = require_reason(reason)
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase is not Phase.EVALUATION:
            raise await access.moved(
                DomainError(N_("Bids are knocked out during the evaluation")), tender
            )
        bid = await bid_row(tender_id, bid_id)
        lot = await get_lot_row(tender_id, bid["lot"])
        await scoring.exclude_subject(principal, lot["evaluation_id"], bid_ref(bid_id), text)
        await audit.record(
            principal.as_actor(),
            "bid.knocked_out",
            "tender",
            tender_id,
            after={"bid": bid_id, "reason": text},
        )


@dataclass(frozen=True)
class LotResult:
    lot: dict[str, Any]
    status: scoring.EvaluationStatus | None
    ranking: Ranking | None  # once quality is final (two envelopes: and the prices opened)
    blocking: tuple[Problem, ...]
    evaluation: scoring.EvaluationView | None = None


async def lot_result(principal: Principal, tender_id: int, lot_id: int) -> LotResult:
    await as_reader(principal, tender_id)
    lot = await get_lot_row(tender_id, lot_id)
    if not lot["evaluation_id"]:
        return LotResult(lot, None, None, ())
    status = await scoring.status(principal, lot["evaluation_id"])
    ranking = (
        await scoring.ranking(principal, lot["evaluation_id"])
        if (status.quality_final and not status.prices_sealed)
        else None
    )
    return LotResult(
        lot,
        status,
        ranking,
        status.blocking,
        await scoring.get_evaluation(principal, lot["evaluation_id"]),
    )


async def choose_award(
    principal: Principal,
    tender_id: int,
    lot_id: int,
    bid_ids: Sequence[int],
    reason: str = "",
    advantages: str = "",
) -> None:
    """The award intent for a lot: winners from the confirmed ranking; picking other than
    the best-ranked needs a reason. An open house admits every bid that passed. A ranked
    procedure needs the officer's description of the characteristics and relative advantages
    of the winning bid(s): every rejection letter gives it (Aanbestedingswet art. 2.130)."""
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase is not Phase.EVALUATION:
            raise await access.moved(
                DomainError(N_("The award intent is decided at the end of the evaluation")), tender
            )
        lot = await get_lot_row(tender_id, lot_id)
        result = await scoring.ranking(principal, lot["evaluation_id"])
        if result.confirmed_at is None:
            raise DomainError(N_("Confirm the lot's ranking first"))
        ranked = [s.ref for s in result.subjects if s.rank is not None]
        out = [s.ref for s in result.subjects if s.knocked_out or s.excluded]
        kind = PROCEDURE_TYPES[tender.row["procedure"]]
        expected = lot["winners"] if kind.ranked else len(ranked)
        choice = choose_winners(ranked, out, [bid_ref(b) for b in bid_ids], expected, reason)
        described = require_advantages(advantages, kind.ranked)
        lot_bids = {r["id"] for r in await Bid.select(Bid.id).where(Bid.lot == lot_id)}
        winners = [SubjectRef.parse(ref).id for ref in choice.winners]
        if not set(winners) <= lot_bids:
            raise ValidationFailed([Problem(N_("Choose bids on this lot"), {}, "winners")])
        await Bid.update({Bid.winner: False}).where(Bid.lot == lot_id)
        await Bid.update({Bid.winner: True}).where(Bid.id.is_in(winners))
        await Lot.update(
            {
                Lot.intent_at: clock.now(),
                Lot.intent_deviates: choice.deviates,
                Lot.intent_reason: choice.reason,
                Lot.intent_advantages: described,
            }
        ).where(Lot.id == lot_id)
        await audit.record(
            principal.as_actor(),
            "lot.award_intent",
            "tender",
            tender_id,
            after={
                "lot": lot_id,
                "winners": list(choice.winners),
                "ranking": ranked,
                "deviates": choice.deviates,
                "reason": choice.reason,
                "advantages": described,
            },
        )


async def winners(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    """The bids chosen in the award intent, with their prices where the envelope rule opens
    them."""
    tender = await as_reader(principal, tender_id)
    state = await seals(tender)
    rows = (
        await Bid.select(
            Bid.id,
            Bid.lot,
            Bid.price,
            Bid.withdrawn_at,
            Bid.organisation.name,
            Bid.lot.number,
            Bid.lot.title,
        )
        .where((Bid.tender == tender_id) & Bid.winner.eq(True))
        .order_by(Bid.lot.number)
    )
    return [
        {
            **r,
            "price": None if state.sealed(r["lot"], r["withdrawn_at"] is not None) else r["price"],
        }
        for r in rows
    ]
