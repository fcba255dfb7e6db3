"""Sealed for real: before the opening the database (and the file store) holds the bids' prices
and files only as ciphertext; the four-eyes opening decrypts them (two envelopes: the prices only
at the price opening, after quality is final) and everything after works on the plain data; a
lost master key is refused with a message naming it, and every access is on record."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from common.errors import DomainError
from common.identity import Actor
from config.database import is_sqlite, raw
from config.settings import get_settings
from documents import storage
from scoring import service as scoring
from tenders import bids, openings, service, vault
from tenders.sealing import DAMAGED, WRONG_KEY, SealBroken
from tenders.tables import Bid, BidFile
from tests.support.http import sign_in
from tests.tenders.conftest import bidder
from tests.tenders.conftest import events as all_events

QUALITY = b"%PDF-1.4 QUALITYMARKER our plan for the districts"
PRICE_SHEET = b"PK PRICEMARKER price sheet"
SYSTEM = Actor.system("test")
MARKERS = ("987654", "QUALITYMARKER", "PRICEMARKER", "plan-geheim", "prijzen-geheim")


async def events(action: str) -> list[dict]:
    return [
        {**e, "after": json.loads(e["after"]) if e["after"] else None}
        for e in await all_events(action)
    ]


@pytest.fixture(autouse=True)
def kept_before() -> None:
    """The data dir's files from earlier tests (its content is not emptied between tests)."""
    root = get_settings().files_dir
    KEPT_BEFORE.clear()
    if root.exists():
        KEPT_BEFORE.update(p for p in root.rglob("*") if p.is_file())


KEPT_BEFORE: set = set()


async def _bid(world, tender_id: int, lot_id: int, index: int, price: str) -> int:
    return await bids.register_bid(
        world.officer,
        tender_id,
        lot_id,
        {
            **bidder(index),
            "price": price,
            "paper_reason": "Received on paper at the front desk",
        },
        [(f"plan-geheim-{index}.pdf", "application/pdf", QUALITY + bytes([48 + index]))],
        price_files=[(f"prijzen-geheim-{index}.xlsx", "application/vnd.ms-excel", PRICE_SHEET)],
    )


async def _tender_with_bids(world, **extra) -> tuple[int, int, list[int]]:
    tender_id = await world.tender(**extra)
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    ids = [
        await _bid(world, tender_id, lot_id, 0, "987654.32"),
        await _bid(world, tender_id, lot_id, 1, "800000.00"),
    ]
    return tender_id, lot_id, ids


async def database_text() -> str:
    """Every value of every table, as text: what a database reader sees."""
    if is_sqlite():
        names = [r["name"] for r in await raw("SELECT name FROM sqlite_master WHERE type='table'")]
    else:
        names = [
            r["tablename"]
            for r in await raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
    values = []
    for name in names:
        for row in await raw(f'SELECT * FROM "{name}"'):
            values.extend(repr(value) for value in row.values())
    return "\n".join(values)


async def stored_bytes(file_id: int) -> bytes:
    """A stored file's content as kept: the blob rows (PostgreSQL) or the file in the data dir."""
    [row] = await raw("SELECT sha256 FROM documents_file WHERE id = {}", file_id)
    if get_settings().storage == "postgres":
        chunks = await raw(
            "SELECT c.data FROM documents_blob_chunk c JOIN documents_blob b ON b.id = c.blob "
            "WHERE b.sha256 = {} ORDER BY c.seq",
            row["sha256"],
        )
        return b"".join(bytes(c["data"]) for c in chunks)
    return storage.backend().path(row["sha256"]).read_bytes()


def files_dir_bytes() -> bytes:
    root = get_settings().files_dir
    if not root.exists():
        return b""
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file() and p not in KEPT_BEFORE)


async def raw_bid(bid_id: int) -> dict:
    [row] = await raw(
        "SELECT price, sealed_price, paper_reason FROM tenders_bid WHERE id = {}", bid_id
    )
    return row


async def raw_files(bid_id: int) -> dict[str, dict]:
    rows = await raw(
        "SELECT bf.file, bf.envelope, bf.sealed_name, f.filename FROM tenders_bid_file bf "
        "JOIN documents_file f ON f.id = bf.file WHERE bf.bid = {}",
        bid_id,
    )
    return {r["envelope"]: r for r in rows}


async def assert_nothing_readable(*markers: str) -> None:
    text = await database_text()
    kept = files_dir_bytes()
    for marker in markers:
        assert marker not in text, marker
        assert marker.encode() not in kept, marker


async def open_bids(world, tender_id: int) -> None:
    world.travel(timedelta(days=41))
    assert not await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)


async def test_before_the_opening_the_database_holds_only_ciphertext(world):
    tender_id, _, [first, _] = await _tender_with_bids(world)
    await assert_nothing_readable(*MARKERS)
    row = await raw_bid(first)
    assert row["price"] is None and len(row["sealed_price"]) > 40
    assert row["paper_reason"] == "Received on paper at the front desk"
    for stored in (await raw_files(first)).values():
        assert stored["filename"] == "sealed" and stored["sealed_name"]
        content = await stored_bytes(stored["file"])
        assert b"MARKER" not in content and len(content) > len(PRICE_SHEET)
    [key] = await raw("SELECT public_key, wrapped, fingerprint FROM tenders_key")
    assert get_settings().sealing_key not in repr(key)
    # Nobody reads it through the service either, the administrator included; each attempt is
    # on record.
    file_id = (await raw_files(first))["quality"]["file"]
    for who in (world.officer, world.admin):
        with pytest.raises(DomainError):
            await bids.bid_file(who, tender_id, first, file_id)
    refused = await events("bid.sealed_access_refused")
    assert [e["actor_id"] for e in refused] == [world.officer.id, world.admin.id]


async def test_the_opening_decrypts_and_scoring_works_on_the_plain_bids(world):
    tender_id, lot_id, [first, second] = await _tender_with_bids(world)
    await open_bids(world, tender_id)
    row = await raw_bid(first)
    assert (Decimal(row["price"]), row["sealed_price"]) == (Decimal("987654.32"), "")
    files = await raw_files(first)
    assert files["quality"]["filename"] == "plan-geheim-0.pdf"
    assert files["price"]["filename"] == "prijzen-geheim-0.xlsx"
    assert not files["quality"]["sealed_name"] and not files["price"]["sealed_name"]
    assert await stored_bytes(files["quality"]["file"]) == QUALITY + b"0"
    [counted] = await raw("SELECT COUNT(*) AS n FROM documents_file WHERE filename = 'sealed'")
    assert counted["n"] == 0
    info, chunks = await bids.bid_file(world.officer, tender_id, first, files["price"]["file"])
    assert (info.filename, await storage.collect(chunks)) == ("prijzen-geheim-0.xlsx", PRICE_SHEET)
    [unsealed] = await events("bid.unsealed")
    assert unsealed["after"]["decrypted"] == {"prices": 2, "files": 4}
    [downloaded] = await events("bid.file_downloaded")
    assert downloaded["actor_id"] == world.officer.id
    assert downloaded["after"] == {
        "bid": first,
        "file": files["price"]["file"],
        "envelope": "price",
    }
    # The scoring engine ranks on the decrypted prices.
    await world.score_and_confirm(tender_id, {first: "8", second: "8"})
    result = await bids.lot_result(world.officer, tender_id, lot_id)
    assert result.ranking is not None
    prices = {s.ref: s.price for s in result.ranking.subjects}
    assert prices == {f"bid:{first}": Decimal("987654.32"), f"bid:{second}": Decimal("800000.00")}
    assert [s.ref for s in result.ranking.subjects if s.rank == 1] == [f"bid:{second}"]


async def test_two_envelopes_keep_the_prices_encrypted_until_quality_is_final(world):
    tender_id, lot_id, [first, second] = await _tender_with_bids(world, two_envelope="on")
    await open_bids(world, tender_id)
    files = await raw_files(first)
    assert files["quality"]["filename"] == "plan-geheim-0.pdf"
    assert files["price"]["filename"] == "sealed" and files["price"]["sealed_name"]
    assert (await raw_bid(first))["price"] is None
    await assert_nothing_readable("987654", "PRICEMARKER", "prijzen-geheim")
    assert {r["price"] for r in await raw("SELECT price FROM scoring_subject")} == {None}
    with pytest.raises(DomainError):
        await bids.bid_file(world.officer, tender_id, first, files["price"]["file"])
    [unsealed] = await events("bid.unsealed")
    assert unsealed["after"]["decrypted"] == {"prices": 0, "files": 2}

    evaluation_id = await world.score_quality(tender_id, lot_id, {first: "8", second: "6"})
    assert not await openings.approve_price_opening(world.officer, tender_id, lot_id)
    await assert_nothing_readable("987654", "PRICEMARKER")  # one officer is not enough
    assert await openings.approve_price_opening(world.second, tender_id, lot_id)
    assert Decimal((await raw_bid(first))["price"]) == Decimal("987654.32")
    price_file = (await raw_files(first))["price"]
    assert await stored_bytes(price_file["file"]) == PRICE_SHEET
    [opened] = await events("lot.prices_opened")
    assert opened["after"]["decrypted"] == {"prices": 2, "files": 2}
    [engine] = await events("evaluation.prices_opened")
    assert engine["after"]["prices"][f"bid:{first}"] == "987654.32"
    await scoring.confirm_ranking(world.officer, evaluation_id)
    ranking = await scoring.ranking(world.officer, evaluation_id)
    assert {s.ref: s.price for s in ranking.subjects}[f"bid:{first}"] == Decimal("987654.32")


async def test_a_withdrawn_bid_is_never_decrypted(world):
    tender_id, _, [first, _] = await _tender_with_bids(world)
    await bids.withdraw_bid(world.officer, tender_id, first, "The bidder withdrew it")
    await open_bids(world, tender_id)
    assert (await raw_bid(first))["price"] is None
    assert {f["filename"] for f in (await raw_files(first)).values()} == {"sealed"}
    await assert_nothing_readable("987654", "plan-geheim-0")


def use_other_sealing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service restarted with another master key (the first one lost)."""
    other = dataclasses.replace(get_settings(), sealing_key="a key made anew")
    monkeypatch.setattr(vault, "get_settings", lambda: other)


async def test_a_lost_key_is_a_clear_refusal_and_nothing_is_opened(world, client, monkeypatch):
    tender_id, _, [first, _] = await _tender_with_bids(world)
    use_other_sealing_key(monkeypatch)
    world.travel(timedelta(days=41))
    assert not await openings.approve_opening(world.officer, tender_id)
    await sign_in(client, world.second.email)
    refused = await client.post(f"/api/v1/tenders/{tender_id}/opening")
    assert refused.status_code == 409, refused.text
    assert "TENDERDESK_SEALING_KEY" in refused.json()["detail"]
    [failed] = await events("tender.unsealing_failed")
    assert failed["actor_id"] == world.second.id and "TENDERDESK_SEALING_KEY" in str(
        failed["after"]
    )
    [tender] = await raw("SELECT opened_at, phase FROM tenders_tender WHERE id = {}", tender_id)
    assert tender["opened_at"] is None
    assert (await raw_bid(first))["price"] is None
    await assert_nothing_readable(*MARKERS)
    # With the key it was sealed under, the same officer opens.
    monkeypatch.undo()
    assert await openings.approve_opening(world.second, tender_id)
    assert Decimal((await raw_bid(first))["price"]) == Decimal("987654.32")


async def test_damaged_ciphertext_or_a_missing_key_opens_nothing(world):
    tender_id, _, [first, _] = await _tender_with_bids(world)
    world.travel(timedelta(days=41))
    assert not await openings.approve_opening(world.officer, tender_id)
    [row] = await raw("SELECT sealed_price FROM tenders_bid WHERE id = {}", first)
    forged = row["sealed_price"][:-6] + (
        "AAAA==" if row["sealed_price"][-6:] != "AAAA==" else "BBBB=="
    )
    await raw("UPDATE tenders_bid SET sealed_price = {} WHERE id = {}", forged, first)
    with pytest.raises(SealBroken) as refused:
        await openings.approve_opening(world.second, tender_id)
    assert refused.value.problem.message == DAMAGED
    await raw("DELETE FROM tenders_key")
    with pytest.raises(SealBroken) as refused:
        await openings.approve_opening(world.second, tender_id)
    assert refused.value.problem.message == vault.KEY_MISSING
    assert len(await events("tender.unsealing_failed")) == 2
    await assert_nothing_readable("QUALITYMARKER", "plan-geheim")
    assert WRONG_KEY != DAMAGED


async def test_bids_registered_before_sealing_are_sealed_by_seal_existing(world):
    """Rows kept plain before this change (a tender not opened yet): `tenderdesk seal-existing`
    encrypts them in place; the opening then decrypts them as any other."""
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    await world.bid(tender_id, lot_id, 1)  # (and its organisation) sealed as usual
    [organisation] = await raw("SELECT organisation FROM tenders_bid WHERE tender = {}", tender_id)
    bid = Bid(
        tender=tender_id,
        lot=lot_id,
        organisation=organisation["organisation"],
        received_at=world.clock.now(),
        price=Decimal("987654.32"),
        registered_by="before sealing",
    )
    await bid.save()
    stored = await storage.store(SYSTEM, "plan-geheim-old.pdf", "application/pdf", QUALITY)
    await BidFile(bid=bid.id, file=stored.id, envelope="quality").save()
    assert "987654" in await database_text()

    assert await vault.seal_existing(SYSTEM) == {"tenders": 1, "prices": 1, "files": 1}
    assert await vault.seal_existing(SYSTEM) == {"tenders": 0, "prices": 0, "files": 0}
    world.clock.set(datetime.now(UTC) + timedelta(minutes=1))  # the file store's clock
    await storage.sweep(timedelta(0))
    await assert_nothing_readable("987654", "QUALITYMARKER", "plan-geheim-old")
    [sealed] = await events("bid.sealed_existing")
    assert sealed["after"] == {"prices": 1, "files": 1}
    await open_bids(world, tender_id)
    assert Decimal((await raw_bid(bid.id))["price"]) == Decimal("987654.32")
    info, data = await storage.read(stored.id)
    assert (info.filename, data) == ("plan-geheim-old.pdf", QUALITY)
