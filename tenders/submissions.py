"""Receiving a bid on a lot, one path for both ways it comes in: registered by an officer
(:func:`tenders.bids.register_bid`, e.g. a bid received on paper) or submitted by a supplier
itself through the portal (:func:`submit`). Both take the same rules: received before the bid
deadline (server clock; the moment shown when late), in a procedure with preselection only
from an admitted candidate, one live bid per organisation and lot, price and files sealed
through :mod:`tenders.vault` until the four-eyes opening.

A supplier's new bid on a lot replaces its live one there (withdrawn in the same transaction,
on record); a supplier withdraws its own bid until the deadline. Its receipt names the moment
of receipt and a SHA-256 of each file as received (before sealing), kept with the bid so the
receipt can be shown again. The portal knows the organisation its account acts for; this
module takes that organisation's id and never looks at portal accounts itself (the portal
builds on tenders, not the other way round).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, ProblemCollector
from common.i18n import N_
from common.identity import Actor
from common.money import parse_amount
from config import database
from config.database import transaction
from documents import storage
from scoring.envelope import Envelope
from tenders import access, vault
from tenders.access import TenderRef, bid_ref
from tenders.domain import local_text, require_in_time
from tenders.procedures import PROCEDURE_TYPES, Phase
from tenders.service import get_lot_row
from tenders.tables import Bid, BidFile, Candidate, Tender

LATE = N_("Bids closed at {deadline}; this one came at {received}")
# The reasons on record of a bid the bidder replaced or withdrew in the portal.
REPLACED = "replaced by bid {bid}"
WITHDRAWN = "withdrawn by the bidder"
# The kinds of document a bid may carry (by the file name's extension), as the file store
# knows how to serve them back.
BID_FILE_TYPES = tuple(sorted(storage.SERVED_TYPES))


def parse_price(raw: Any, currency: str | None = None) -> Decimal:
    if raw is None or not str(raw).strip():
        raise DomainError(N_("A price is required"))
    return parse_amount(raw, currency=currency)


@dataclass(frozen=True)
class Bidder:
    """Who a bid comes from: the organisation, and who put it in (an officer's label, or the
    portal account's id and its name)."""

    organisation_id: int
    name: str
    registered_by: str
    paper_reason: str = ""
    account_id: int | None = None
    account: str = ""


Document = tuple[str, str, bytes]  # file name, declared type, content


def check_documents(
    problems: ProblemCollector, field: str, documents: Sequence[Document], required: bool
) -> None:
    """The files of one envelope as received: at least one where ``required``, each of a
    kind bids may carry, neither empty nor over the size limit."""
    if required and not documents:
        problems.add(field, N_("Attach the bid's documents"))
    for filename, _, data in documents:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in storage.SERVED_TYPES:
            problems.add(
                field,
                N_("{name}: a bid's documents are files of these kinds: {kinds}"),
                name=storage.safe_filename(filename),
                kinds=", ".join(BID_FILE_TYPES),
            )
            continue
        try:
            storage.check_size(filename, len(data))
        except DomainError as exc:
            problems.add(field, exc.problem.message, **exc.problem.params)


async def _lock_bids_of(lot_id: int, organisation_id: int) -> None:
    """One organisation's bids on one lot change one at a time (a submit, a replacement, a
    withdrawal): taken after the tender's lock, before any other."""
    await database.lock_name(f"tenders-bid:{lot_id}:{organisation_id}")


def _takes_bids(tender: TenderRef, moment: datetime) -> None:
    """Refused unless ``tender`` takes a bid received at ``moment``: before the bid deadline
    (a late one is told the deadline and its moment), in the tendering phase, or closed by
    the deadline a moment ago but not opened yet (the bid came in time)."""
    if tender.phase in (Phase.TENDERING, Phase.OPENING):
        require_in_time(moment, tender.row["deadline_bids"], LATE, tender.zone)
    if tender.phase is Phase.OPENING and tender.row["opened_at"] is None:
        return
    if tender.phase is not Phase.TENDERING:
        raise DomainError(N_("Bids are registered in the tendering phase"))


async def receive(
    actor: Actor,
    tender: TenderRef,
    lot_id: int,
    bidder: Bidder,
    price: Decimal,
    files: Sequence[Document],
    price_files: Sequence[Document],
    moment: datetime,
    replace: bool,
) -> int:
    """Store a bid received at ``moment``, sealed, inside the caller's transaction, which has
    locked the tender (or share-locked it) first. With ``replace`` the organisation's live
    bid on the lot is withdrawn as replaced; without, such a bid refuses the new one."""
    try:
        _takes_bids(tender, moment)
    except DomainError as exc:
        if tender.phase in (Phase.TENDERING, Phase.OPENING):
            raise
        raise await access.moved(exc, tender) from None
    await get_lot_row(tender.id, lot_id)
    await _lock_bids_of(lot_id, bidder.organisation_id)
    if PROCEDURE_TYPES[tender.row["procedure"]].selects and not await Candidate.exists().where(
        (Candidate.tender == tender.id)
        & (Candidate.organisation == bidder.organisation_id)
        & (Candidate.status == "admitted")
    ):
        raise DomainError(N_("{name} was not invited to bid"), name=bidder.name)
    live = await Bid.select(Bid.id).where(
        (Bid.lot == lot_id)
        & (Bid.organisation == bidder.organisation_id)
        & Bid.withdrawn_at.is_null()
    )
    if live and not replace:
        raise DomainError(
            N_("{name} already has a bid on this lot; withdraw it first"), name=bidder.name
        )
    row = Bid(
        tender=tender.id,
        lot=lot_id,
        organisation=bidder.organisation_id,
        received_at=moment,
        registered_by=bidder.registered_by,
        paper_reason=bidder.paper_reason,
        submitted_by_account=bidder.account_id,
        submitted_by=bidder.account,
    )
    await row.save()
    replaced = [r["id"] for r in live]
    if replaced:
        await Bid.update(
            {Bid.withdrawn_at: moment, Bid.withdrawn_reason: REPLACED.format(bid=row.id)}
        ).where(Bid.id.is_in(replaced) & Bid.withdrawn_at.is_null())
    parts = [
        vault.SealedPart(envelope, *document)
        for envelope, documents in ((Envelope.QUALITY, files), (Envelope.PRICE, price_files))
        for document in documents
    ]
    await vault.seal_bid(actor, tender.id, row.id, price, parts)
    # Neither the price nor the files' names go into the log: it is readable before the opening.
    await audit.record_many(
        actor,
        [
            *(
                audit.NewEvent(
                    "bid.withdrawn",
                    "tender",
                    tender.id,
                    after={"bid": old, "replaced_by": row.id},
                )
                for old in replaced
            ),
            audit.NewEvent(
                "bid.registered",
                "tender",
                tender.id,
                after={
                    "bid": row.id,
                    "lot": lot_id,
                    "organisation": bidder.name,
                    "received_at": moment,
                    "files": len(files),
                    "price_files": len(price_files),
                    **({"via": "portal"} if bidder.account_id is not None else {}),
                },
            ),
        ],
    )
    return int(row.id)


# --- the supplier's side ----------------------------------------------------------------------


async def _published(tender_id: int) -> TenderRef:
    tender = await access.load(tender_id)
    if tender.row["published_at"] is None:
        raise access.not_found(tender_id)
    return tender


async def submit(
    actor: Actor,
    tender_id: int,
    lot_id: int,
    bidder: Bidder,
    form: Mapping[str, Any],
    files: Sequence[Document],
    price_files: Sequence[Document] = (),
    received_at: datetime | None = None,
) -> int:
    """A supplier's bid on a lot of a published tender, received at the server's clock
    (``received_at``: when the request had come in whole), replacing its live one there.
    Bids of many suppliers go in side by side (the tender share-locked, so that the deadline
    and the opening wait for them); one organisation's bids on one lot one after the other."""
    problems = ProblemCollector()
    price = None
    try:
        price = parse_price(form.get("price"))
    except DomainError as exc:
        problems.add("price", exc.problem.message, **exc.problem.params)
    check_documents(problems, "files", files, required=True)
    check_documents(problems, "price_files", price_files, required=False)
    problems.raise_if_any()
    assert price is not None
    moment = received_at or clock.now()
    async with transaction():
        await database.lock(Tender, tender_id, share=True)
        tender = await _published(tender_id)
        if not tender.row["two_envelope"] and price_files:
            price_files, files = (), [*files, *price_files]
        return await receive(
            actor, tender, lot_id, bidder, price, files, price_files, moment, replace=True
        )


async def _own_bid(tender_id: int, bid_id: int, organisation_id: int) -> dict[str, Any]:
    """A bid of ``organisation_id``; another's (or none) is NotFound, as if it did not exist."""
    row = (
        await Bid.select(Bid.all_columns(), Bid.lot.number, Bid.lot.title)
        .where(
            (Bid.id == bid_id) & (Bid.tender == tender_id) & (Bid.organisation == organisation_id)
        )
        .first()
    )
    if row is None:
        raise NotFound(N_("Bid {id} does not exist"), id=bid_id)
    return row


async def withdraw(actor: Actor, tender_id: int, bid_id: int, organisation_id: int) -> None:
    """The supplier withdraws its own live bid, until the bid deadline (server clock)."""
    moment = clock.now()
    async with transaction():
        await database.lock(Tender, tender_id, share=True)
        tender = await _published(tender_id)
        bid = await _own_bid(tender_id, bid_id, organisation_id)
        await _lock_bids_of(bid["lot"], organisation_id)
        if tender.phase in (Phase.TENDERING, Phase.OPENING):
            require_in_time(
                moment,
                tender.row["deadline_bids"],
                N_("Bids closed at {deadline}; it is {received} now"),
                tender.zone,
            )
        if tender.phase is not Phase.TENDERING:
            raise DomainError(N_("A bid can be withdrawn until bidding closes"))
        withdrawn = (
            await Bid.update({Bid.withdrawn_at: moment, Bid.withdrawn_reason: WITHDRAWN})
            .where((Bid.id == bid_id) & Bid.withdrawn_at.is_null())
            .returning(Bid.id)
        )
        if not withdrawn:
            raise DomainError(N_("This bid has already been withdrawn"))
        await audit.record(
            actor,
            "bid.withdrawn",
            "tender",
            tender_id,
            after={"bid": bid_id, "lot": bid["lot"], "via": "portal"},
        )


@dataclass(frozen=True)
class ReceiptFile:
    number: int
    envelope: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Receipt:
    """What the bidder is given for a bid: when it was received and what it contained."""

    bid_id: int
    ref: str
    tender_id: int
    lot: str
    received_at: datetime
    zone: str
    submitted_by: str
    files: tuple[ReceiptFile, ...]
    withdrawn_at: datetime | None
    replaced: bool
    can_withdraw: bool

    @property
    def received_local(self) -> str:
        """The moment of receipt to the second, in the authority's time with its zone."""
        return local_text(self.received_at, self.zone)

    @property
    def received_utc(self) -> str:
        return self.received_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


async def _receipts(tender: TenderRef, rows: Sequence[Mapping[str, Any]]) -> list[Receipt]:
    files = (
        await BidFile.select(BidFile.bid, BidFile.envelope, BidFile.size, BidFile.sha256)
        .where(BidFile.bid.is_in([r["id"] for r in rows] or [0]))
        .order_by(BidFile.id)
    )
    by_bid: dict[int, list[ReceiptFile]] = {}
    for f in files:
        mine = by_bid.setdefault(f["bid"], [])
        mine.append(ReceiptFile(len(mine) + 1, f["envelope"], f["size"], f["sha256"]))
    now = clock.now()
    deadline = tender.row["deadline_bids"]
    open_now = tender.phase is Phase.TENDERING and deadline is not None and now < deadline
    return [
        Receipt(
            r["id"],
            bid_ref(r["id"]),
            tender.id,
            f"{r['lot.number']}. {r['lot.title']}",
            r["received_at"],
            tender.zone,
            r["submitted_by"] or r["registered_by"],
            tuple(by_bid.get(r["id"], ())),
            r["withdrawn_at"],
            r["withdrawn_reason"].startswith(REPLACED.split("{")[0]),
            open_now and r["withdrawn_at"] is None,
        )
        for r in rows
    ]


async def receipt(tender_id: int, bid_id: int, organisation_id: int) -> Receipt:
    """The receipt of one of the organisation's bids (another's is NotFound)."""
    tender = await _published(tender_id)
    [found] = await _receipts(tender, [await _own_bid(tender_id, bid_id, organisation_id)])
    return found


async def receipts(tender_id: int, organisation_id: int) -> list[Receipt]:
    """The organisation's bids on a published tender, live and withdrawn, newest first."""
    tender = await _published(tender_id)
    rows = (
        await Bid.select(Bid.all_columns(), Bid.lot.number, Bid.lot.title)
        .where((Bid.tender == tender_id) & (Bid.organisation == organisation_id))
        .order_by(Bid.received_at, ascending=False)
        .order_by(Bid.id, ascending=False)
    )
    return await _receipts(tender, rows)
