"""Sealed bids in the database: the service side of :mod:`tenders.sealing`.

A bid is sealed as it is registered: its price goes only into ``Bid.sealed_price`` and each file
is stored encrypted under the name "sealed" (its real name and type encrypted in
``BidFile.sealed_name``), all with the tender's public key, which is made with the first bid.
The tender's data key is unwrapped (with the master key ``TENDERDESK_SEALING_KEY``) only by
:func:`unseal`, which the four-eyes openings call: the bid opening for the quality envelope (and
the prices with one envelope), the price opening for the price envelope of a lot. It writes the
decrypted price and files back in their plain columns and files, so that everything after the
opening (scoring, letters, award summaries, exports) reads them as it always did; withdrawn
bids are never opened and stay encrypted.

Callers run these inside their use case's transaction and put what was decrypted on record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from audit import service as audit
from common import clock
from common.i18n import N_
from common.identity import Actor
from config.database import transaction
from config.settings import get_settings
from documents import storage
from scoring.envelope import Envelope
from tenders import sealing
from tenders.sealing import SealBroken
from tenders.tables import Bid, BidFile, Tender, TenderKey

SEALED_NAME = "sealed"
SEALED_TYPE = f"{storage.APP_TYPE_PREFIX}sealed"
KEY_MISSING = N_(
    "The sealing key of this tender is missing from the database; its sealed bids cannot be opened"
)


@dataclass(frozen=True)
class SealedPart:
    """A file of a bid as received, in its envelope."""

    envelope: Envelope
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Unsealed:
    """What :func:`unseal` decrypted: the prices by bid and the number of files."""

    prices: dict[int, Decimal]
    files: int


def master_key() -> sealing.MasterKey:
    return sealing.MasterKey.from_secret(get_settings().sealing_key)


async def public_key(tender_id: int) -> str:
    """The tender's public key for sealing, made (with its wrapped data key) when missing."""
    row = await TenderKey.select(TenderKey.public_key).where(TenderKey.tender == tender_id).first()
    if row is None:
        keys = sealing.new_tender_keys(master_key(), tender_id)
        await TenderKey.insert(
            TenderKey(
                tender=tender_id,
                public_key=keys.public_key,
                wrapped=keys.wrapped,
                fingerprint=keys.fingerprint,
                created_at=clock.now(),
            )
        ).on_conflict(target=TenderKey.tender, action="DO NOTHING")
        row = (
            await TenderKey.select(TenderKey.public_key)
            .where(TenderKey.tender == tender_id)
            .first()
        )
    return str(row["public_key"])


def _file_context(tender_id: int, bid_id: int, envelope: str) -> str:
    return sealing.bid_context(tender_id, bid_id, f"file:{envelope}")


def check_files(parts: Sequence[SealedPart]) -> None:
    """The size rules of stored files, applied to the content as received."""
    for part in parts:
        storage.check_size(part.filename, len(part.data))


async def seal_price(tender_id: int, bid_id: int, price: Decimal) -> None:
    key = await public_key(tender_id)
    sealed = sealing.seal_price(key, price, sealing.bid_context(tender_id, bid_id, "price"))
    await Bid.update({Bid.sealed_price: sealed, Bid.price: None}).where(Bid.id == bid_id)


async def seal_file(actor: Actor, tender_id: int, bid_id: int, part: SealedPart) -> None:
    key = await public_key(tender_id)
    context = _file_context(tender_id, bid_id, part.envelope.value)
    stored = await storage.store(
        actor,
        SEALED_NAME,
        SEALED_TYPE,
        sealing.seal_bytes(key, part.data, context),
        max_bytes=storage.DEFAULT_MAX_BYTES + 1024,  # the content was checked as received
    )
    await BidFile(
        bid=bid_id,
        file=stored.id,
        envelope=part.envelope.value,
        sha256=hashlib.sha256(part.data).hexdigest(),  # the receipt's, of the content received
        size=len(part.data),
        sealed_name=sealing.seal_name(
            key, storage.safe_filename(part.filename), part.content_type, context
        ),
    ).save()


async def seal_bid(
    actor: Actor, tender_id: int, bid_id: int, price: Decimal, parts: Sequence[SealedPart]
) -> None:
    """Seal a bid just registered: its price and its files, each in its envelope."""
    check_files(parts)
    await seal_price(tender_id, bid_id, price)
    for part in parts:
        await seal_file(actor, tender_id, bid_id, part)


async def data_key(tender_id: int) -> bytes:
    """The tender's data key, unwrapped: only for an opening (:func:`unseal`)."""
    row = await TenderKey.select().where(TenderKey.tender == tender_id).first()
    if row is None:
        raise SealBroken(KEY_MISSING)
    return sealing.unwrap(master_key(), row["wrapped"], row["fingerprint"], tender_id)


async def unseal(
    tender_id: int,
    bid_ids: Collection[int],
    envelopes: Collection[Envelope],
    prices: bool,
) -> Unsealed:
    """Decrypt the sealed files of ``bid_ids`` in ``envelopes`` (and their prices when
    ``prices``) and keep them in plain form from now on. Material sealed before sealing
    existed (plain already) is left as it is. :class:`SealBroken` when anything does not open:
    the caller's transaction then leaves everything sealed."""
    ids = list(bid_ids) or [0]
    sealed_prices = (
        await Bid.select(Bid.id, Bid.sealed_price).where(
            Bid.id.is_in(ids) & (Bid.tender == tender_id) & (Bid.sealed_price != "")
        )
        if prices
        else []
    )
    sealed_files = await BidFile.select(
        BidFile.id, BidFile.bid, BidFile.file, BidFile.envelope, BidFile.sealed_name
    ).where(
        BidFile.bid.is_in(ids)
        & BidFile.envelope.is_in([e.value for e in envelopes] or [""])
        & (BidFile.sealed_name != "")
    )
    if not sealed_prices and not sealed_files:
        return Unsealed({}, 0)
    key = await data_key(tender_id)
    opened = {
        row["id"]: sealing.open_price(
            key, row["sealed_price"], sealing.bid_context(tender_id, row["id"], "price")
        )
        for row in sealed_prices
    }
    # Every file is checked before any is written: a seal that does not open leaves no
    # plain copy behind (on disk a rolled-back write would stay until the sweep).
    for row in sealed_files:
        await _open_file(tender_id, key, row)
    for bid_id, price in opened.items():
        await Bid.update({Bid.price: price, Bid.sealed_price: ""}).where(Bid.id == bid_id)
    for row in sealed_files:
        await _unseal_file(tender_id, key, row)
    return Unsealed(opened, len(sealed_files))


async def _open_file(tender_id: int, key: bytes, row: dict) -> tuple[str, str, bytes]:
    context = _file_context(tender_id, row["bid"], row["envelope"])
    filename, content_type = sealing.open_name(key, row["sealed_name"], context)
    _, sealed = await storage.read(row["file"])
    return filename, content_type, sealing.open_bytes(key, sealed, context)


async def _unseal_file(tender_id: int, key: bytes, row: dict) -> None:
    """The file decrypted in place: same id, its name, type and content."""
    filename, content_type, plain = await _open_file(tender_id, key, row)
    await storage.replace(row["file"], filename, content_type, plain)
    await BidFile.update({BidFile.sealed_name: ""}).where(BidFile.id == row["id"])


async def seal_existing(actor: Actor) -> dict[str, int]:
    """Seal what was registered before bids were sealed (`tenderdesk seal-existing`): the plain
    prices and files of the bids of every tender whose bids are not opened yet, each tender in
    a transaction of its own and on its record. Opened tenders are left as they are (what is
    opened is plain by design; a two-envelope tender opened before sealing existed already
    handed its prices to the evaluation). Running it again changes nothing."""
    counts = {"tenders": 0, "prices": 0, "files": 0}
    for tender in await Tender.select(Tender.id).where(Tender.opened_at.is_null()):
        async with transaction():
            done = await _seal_existing_of(actor, tender["id"])
        if done["prices"] or done["files"]:
            counts["tenders"] += 1
            counts["prices"] += done["prices"]
            counts["files"] += done["files"]
    return counts


async def _seal_existing_of(actor: Actor, tender_id: int) -> dict[str, int]:
    locked = await Tender.select(Tender.opened_at).where(Tender.id == tender_id).first()
    if locked is None or locked["opened_at"] is not None:  # opened meanwhile
        return {"prices": 0, "files": 0}
    bids = await Bid.select(Bid.id, Bid.price, Bid.sealed_price).where(Bid.tender == tender_id)
    plain_prices = [b for b in bids if not b["sealed_price"] and b["price"] is not None]
    plain_files = await BidFile.select(
        BidFile.id, BidFile.bid, BidFile.file, BidFile.envelope
    ).where(BidFile.bid.is_in([b["id"] for b in bids] or [0]) & (BidFile.sealed_name == ""))
    for bid in plain_prices:
        await seal_price(tender_id, bid["id"], bid["price"])
    key = await public_key(tender_id) if plain_files else ""
    for row in plain_files:
        info, data = await storage.read(row["file"])
        context = _file_context(tender_id, row["bid"], row["envelope"])
        sealed_name = sealing.seal_name(key, info.filename, info.content_type, context)
        sealed = sealing.seal_bytes(key, data, context)
        await storage.replace(row["file"], SEALED_NAME, SEALED_TYPE, sealed)
        await BidFile.update({BidFile.sealed_name: sealed_name}).where(BidFile.id == row["id"])
    done = {"prices": len(plain_prices), "files": len(plain_files)}
    if plain_prices or plain_files:
        await audit.record(actor, "bid.sealed_existing", "tender", tender_id, after=done)
    return done
