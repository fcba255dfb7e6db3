"""Bids a supplier submits itself in the portal (portal.service.bids on tenders.submissions):
sealed as an officer's are, received before the deadline by the server clock (the last second
counts, the next is refused with both moments shown, across daylight-saving changes), replaced
or withdrawn until the deadline, only from admitted candidates where the procedure preselects,
with a receipt naming the moment and each file's SHA-256."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from config.database import raw
from documents import storage
from documents.tables import StoredFile
from portal.service import bids as portal_bids
from tenders import bids, openings, procurement, service
from tenders.tables import Bid, BidFile
from tests.portal.bidding import PRICE_SHEET, QUALITY, member, plan, price_sheet
from tests.tenders.conftest import DST_DEADLINES, World, bidder
from tests.tenders.test_sealing_flow import database_text, stored_bytes

MARKERS = ("987654", "QUALITYMARKER", "PRICEMARKER", "plan-geheim", "prijzen-geheim")


async def published(world: World, lots: int = 1, **extra) -> tuple[int, list[int]]:
    tender_id = await world.tender(lots=lots, **extra)
    await service.publish(world.officer, tender_id)
    return tender_id, await world.lot_ids(tender_id)


async def bid_events(action: str) -> list[dict]:
    rows = await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.seq)
    return [{**r, "after": json.loads(r["after"]) if r["after"] else None} for r in rows]


async def live(lot_id: int) -> list[dict]:
    return await Bid.select().where((Bid.lot == lot_id) & Bid.withdrawn_at.is_null())


async def test_a_member_submits_a_sealed_bid_and_gets_its_receipt(world):
    tender_id, [lot_id, _] = await published(world, lots=2, two_envelope="on")
    anna = await member(0)
    bid_id = await portal_bids.submit(
        anna, tender_id, lot_id, {"price": "987.654,32"}, [plan()], [price_sheet()]
    )
    row = await Bid.select().where(Bid.id == bid_id).first()
    assert row["submitted_by_account"] == anna.id
    assert row["submitted_by"] == "Person 0 <person0@bidder0.example>"
    assert row["registered_by"] == "portal:person0@bidder0.example"
    assert row["paper_reason"] == "" and row["price"] is None and row["sealed_price"]
    assert row["received_at"] == world.clock.now()
    files = await BidFile.select().where(BidFile.bid == bid_id).order_by(BidFile.id)
    assert [(f["envelope"], f["sha256"], f["size"]) for f in files] == [
        ("quality", hashlib.sha256(plan()[2]).hexdigest(), len(plan()[2])),
        ("price", hashlib.sha256(PRICE_SHEET).hexdigest(), len(PRICE_SHEET)),
    ]
    receipt = await portal_bids.receipt(anna, tender_id, bid_id)
    assert receipt.received_local == "2026-03-02 10:00:00 (CET)"
    assert receipt.received_utc == "2026-03-02 09:00:00 UTC"
    assert [(f.envelope, f.sha256) for f in receipt.files] == [
        ("quality", hashlib.sha256(plan()[2]).hexdigest()),
        ("price", hashlib.sha256(PRICE_SHEET).hexdigest()),
    ]
    assert receipt.can_withdraw and not receipt.replaced
    [event] = await bid_events("bid.registered")
    assert event["actor"] == "portal:person0@bidder0.example"
    assert event["after"]["via"] == "portal" and event["after"]["price_files"] == 1
    assert "987" not in json.dumps(event["after"]) and "plan-geheim" not in json.dumps(
        event, default=str
    )
    # The officers see it as the portal's, before the opening without price or files.
    [view] = await bids.bids(world.officer, tender_id)
    assert view.submitted_by == "Person 0 <person0@bidder0.example>" and not view.paper_reason
    assert view.sealed and view.price is None and view.files == () and view.sealed_files == 2


async def test_sealed_in_the_database_until_the_four_eyes_opening(world):
    tender_id, [lot_id] = await published(world, two_envelope="on")
    anna, carl = await member(0), await member(1)
    mine = await portal_bids.submit(
        anna, tender_id, lot_id, {"price": "987654.32"}, [plan(0)], [price_sheet(0)]
    )
    await portal_bids.submit(
        carl, tender_id, lot_id, {"price": "800000"}, [plan(1)], [price_sheet(1)]
    )
    text = await database_text()
    assert not [m for m in MARKERS if m in text]
    rows = await raw("SELECT price, sealed_price FROM tenders_bid WHERE id = {}", mine)
    assert rows[0]["price"] is None and rows[0]["sealed_price"]
    for f in await raw(
        "SELECT f.file, f.sealed_name, d.filename, d.content_type FROM tenders_bid_file f "
        "JOIN documents_file d ON d.id = f.file WHERE f.bid = {}",
        mine,
    ):
        assert f["filename"] == "sealed" and f["sealed_name"]
        content = await stored_bytes(f["file"])
        assert b"MARKER" not in content and content not in (QUALITY, PRICE_SHEET)
    # One officer is not enough, and before the deadline nobody opens.
    with pytest.raises(DomainError):
        await openings.approve_opening(world.officer, tender_id)
    world.travel(timedelta(days=41))
    assert not await openings.approve_opening(world.officer, tender_id)
    assert not [m for m in MARKERS if m in await database_text()]
    assert await openings.approve_opening(world.second, tender_id)
    # The quality envelope decrypts; the price (two envelopes) stays sealed.
    files = await BidFile.select().where(BidFile.bid == mine).order_by(BidFile.id)
    info, data = await storage.read(files[0]["file"])
    assert (info.filename, data) == ("plan-geheim-0.pdf", plan(0)[2])
    assert (await StoredFile.select().where(StoredFile.id == files[1]["file"]).first())[
        "filename"
    ] == "sealed"
    assert (await raw("SELECT price FROM tenders_bid WHERE id = {}", mine))[0]["price"] is None
    # Quality final, two officers open the prices: the price and the price sheet decrypt.
    bid_ids = [b["id"] for b in await live(lot_id)]
    await world.score_quality(tender_id, lot_id, dict.fromkeys(bid_ids, "7"))
    assert not await openings.approve_price_opening(world.officer, tender_id, lot_id)
    assert await openings.approve_price_opening(world.second, tender_id, lot_id)
    assert (await Bid.select(Bid.price).where(Bid.id == mine).first())["price"] == Decimal(
        "987654.32"
    )
    assert (await storage.read(files[1]["file"]))[1] == PRICE_SHEET


@pytest.mark.parametrize(("deadline", "questions", "deadline_utc", "shown"), DST_DEADLINES)
async def test_the_last_second_counts_and_the_next_is_refused_with_both_moments(
    world, deadline, questions, deadline_utc, shown
):
    tender_id, [lot_id] = await published(
        world, deadline_bids=deadline, deadline_questions=questions
    )
    anna, carl = await member(0), await member(1)
    last_second = deadline_utc - timedelta(seconds=1)
    world.clock.set(last_second)
    accepted = await portal_bids.submit(anna, tender_id, lot_id, {"price": "1"}, [plan()])
    assert (await Bid.select(Bid.received_at).where(Bid.id == accepted).first())[
        "received_at"
    ] == last_second
    receipt = await portal_bids.receipt(anna, tender_id, accepted)
    local = last_second.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert receipt.received_local == f"{local:%Y-%m-%d %H:%M:%S} ({local.tzname()})"
    for late in (deadline_utc, deadline_utc + timedelta(seconds=1)):
        world.clock.set(late)
        with pytest.raises(DomainError) as refused:
            await portal_bids.submit(carl, tender_id, lot_id, {"price": "1"}, [plan(1)])
        local = late.astimezone(ZoneInfo("Europe/Amsterdam"))
        assert str(refused.value) == (
            f"Bids closed at {deadline[:10]} 03:00:00 ({shown}); "
            f"this one came at {local:%Y-%m-%d %H:%M:%S} ({shown})"
        )
        # Nor may Anna replace or withdraw hers now.
        with pytest.raises(DomainError, match="Bids closed at"):
            await portal_bids.submit(anna, tender_id, lot_id, {"price": "2"}, [plan()])
        with pytest.raises(DomainError, match="Bids closed at"):
            await portal_bids.withdraw(anna, tender_id, accepted)
    assert [b["id"] for b in await live(lot_id)] == [accepted]
    assert await Bid.count().where(Bid.tender == tender_id) == 1


async def test_a_bid_that_came_in_time_is_taken_while_the_closed_tender_is_not_opened(world):
    """The deadline step may have closed the tender a moment before the bid's transaction
    ran: the bid came (was received whole) before the deadline, so it counts."""
    tender_id, [lot_id] = await published(world)
    anna = await member(0)
    came = world.clock.now() + timedelta(days=40) - timedelta(seconds=1)
    world.travel(timedelta(days=41))
    await service.apply_due(service.TICKER, tender_id, world.clock.now())
    bid_id = await portal_bids.submit(
        anna, tender_id, lot_id, {"price": "10"}, [plan()], received_at=came
    )
    assert (await Bid.select(Bid.received_at).where(Bid.id == bid_id).first())[
        "received_at"
    ] == came.replace(microsecond=0)


async def test_a_new_bid_replaces_the_live_one_and_withdrawing_ends_it_before_the_deadline(world):
    tender_id, [lot_1, lot_2] = await published(world, lots=2)
    anna, carl = await member(0), await member(1)
    first = await portal_bids.submit(anna, tender_id, lot_1, {"price": "100"}, [plan()])
    other_lot = await portal_bids.submit(anna, tender_id, lot_2, {"price": "50"}, [plan()])
    carls = await portal_bids.submit(carl, tender_id, lot_1, {"price": "90"}, [plan(1)])
    world.travel(timedelta(minutes=5))
    second = await portal_bids.submit(anna, tender_id, lot_1, {"price": "95"}, [plan()])
    assert sorted(b["id"] for b in await live(lot_1)) == sorted([second, carls])
    old = await Bid.select().where(Bid.id == first).first()
    assert old["withdrawn_at"] == world.clock.now()
    assert old["withdrawn_reason"] == f"replaced by bid {second}"
    assert (await portal_bids.receipt(anna, tender_id, first)).replaced
    [replaced] = await bid_events("bid.withdrawn")
    assert replaced["after"] == {"bid": first, "replaced_by": second}
    assert replaced["actor"] == "portal:person0@bidder0.example"
    # Her bid on the other lot stays; withdrawing one of hers leaves Carl's alone.
    await portal_bids.withdraw(anna, tender_id, second)
    assert [b["id"] for b in await live(lot_1)] == [carls]
    assert [b["id"] for b in await live(lot_2)] == [other_lot]
    with pytest.raises(DomainError, match="already been withdrawn"):
        await portal_bids.withdraw(anna, tender_id, second)
    # Another organisation's bid is not hers to see or withdraw.
    for action in (portal_bids.withdraw, portal_bids.receipt):
        with pytest.raises(NotFound):
            await action(anna, tender_id, carls)
    assert [b["id"] for b in await live(lot_1)] == [carls]
    assert [r.bid_id for r in await portal_bids.own_bids(anna, tender_id)] == [
        second,
        other_lot,
        first,
    ]
    # An officer still registers a paper bid for Anna's organisation on lot 1 (none live).
    await world.bid(tender_id, lot_1, 0)
    with pytest.raises(DomainError, match="already has a bid on this lot"):
        await world.bid(tender_id, lot_1, 0)


async def test_only_admitted_candidates_bid_where_the_procedure_preselects(world):
    now = world.clock.now()
    tender_id = await world.tender(
        procedure="restricted",
        deadline_requests=(now + timedelta(days=31)).strftime("%Y-%m-%dT%H:%M"),
        deadline_questions=(now + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
        deadline_bids=(now + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M"),
    )
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    ids = [
        await procurement.register_candidate(world.officer, tender_id, bidder(i)) for i in (0, 1)
    ]
    world.travel(timedelta(days=32))
    await service.apply_due(service.TICKER, tender_id, world.clock.now())
    await procurement.decide(world.officer, tender_id, ids[0], True, "")
    await procurement.decide(world.officer, tender_id, ids[1], False, "No HKZ certificate")
    await procurement.complete_selection(world.officer, tender_id)
    anna, carl = await member(0), await member(1)
    assert await portal_bids.submit(anna, tender_id, lot_id, {"price": "1"}, [plan()])
    with pytest.raises(DomainError) as refused:
        await portal_bids.submit(carl, tender_id, lot_id, {"price": "1"}, [plan(1)])
    assert str(refused.value) == "Thuishulp West was not invited to bid"
    assert await Bid.count().where(Bid.tender == tender_id) == 1


async def test_what_is_refused_before_anything_is_stored(world):
    tender_id, [lot_id] = await published(world)
    draft_id = await world.tender(reference="UTR-DRAFT")
    [draft_lot] = await world.lot_ids(draft_id)
    anna = await member(0)
    files_before = await StoredFile.count()
    with pytest.raises(ValidationFailed) as refused:
        await portal_bids.submit(anna, tender_id, lot_id, {"price": "veel"}, [])
    assert [p.location for p in refused.value.problems] == ["price", "files"]
    assert refused.value.problems[1].message == "Attach the bid's documents"
    with pytest.raises(ValidationFailed) as refused:
        await portal_bids.submit(
            anna,
            tender_id,
            lot_id,
            {"price": "10"},
            [("setup.exe", "application/pdf", b"MZ..."), ("leeg.pdf", "application/pdf", b"")],
        )
    assert [str(p.message) for p in refused.value.problems] == [
        "{name}: a bid's documents are files of these kinds: {kinds}",
        "The file {name} is empty",
    ]
    assert refused.value.problems[0].params["name"] == "setup.exe"
    big = ("groot.pdf", "application/pdf", b"0" * (storage.DEFAULT_MAX_BYTES + 1))
    with pytest.raises(ValidationFailed, match="larger than"):
        await portal_bids.submit(anna, tender_id, lot_id, {"price": "10"}, [big])
    # A draft is not there; a lot of another tender is not there either.
    with pytest.raises(NotFound):
        await portal_bids.submit(anna, draft_id, draft_lot, {"price": "10"}, [plan()])
    with pytest.raises(NotFound):
        await portal_bids.submit(anna, tender_id, draft_lot, {"price": "10"}, [plan()])
    # A member whose membership is not approved bids for nobody.
    pending = await member(1, status="pending")
    with pytest.raises(Forbidden):
        await portal_bids.submit(pending, tender_id, lot_id, {"price": "10"}, [plan()])
    assert await Bid.count() == 0 and await StoredFile.count() == files_before


async def test_the_officer_form_asks_why_a_bid_is_registered_by_hand(world):
    tender_id, [lot_id] = await published(world)
    form = {**bidder(2), "price": "10"}
    with pytest.raises(ValidationFailed) as refused:
        await bids.register_bid(
            world.officer, tender_id, lot_id, form, [plan()], reason_required=True
        )
    assert [p.location for p in refused.value.problems] == ["paper_reason"]
    await bids.register_bid(
        world.officer,
        tender_id,
        lot_id,
        {**form, "paper_reason": "Delivered on paper"},
        [plan()],
        reason_required=True,
    )
    [view] = await bids.bids(world.officer, tender_id)
    assert view.paper_reason == "Delivered on paper" and view.submitted_by == ""
