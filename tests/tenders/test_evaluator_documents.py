"""The evaluator reads what they score (issue 14): from their scoring page, the documents of
each bid assigned to them and declared free of conflict, after the opening; under the blind
code in a blind evaluation; every access audited; one access check in tenders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError, NotFound
from scoring import service as scoring
from scoring import sheets
from tenders import bids, openings, service
from tenders.tables import BidFile
from tests.support.http import text_of
from tests.tenders.conftest import clock_days_ago

fixed_clock = clock_days_ago(60)  # published in the past: its deadlines have passed


async def opened_blind_lot(world, make_user):
    tender_id = await world.tender()
    [lot_id] = await world.lot_ids(tender_id)
    lot = await service.get_lot_row(tender_id, lot_id)
    evaluation_id = lot["evaluation_id"]
    await scoring.update_settings(world.officer, evaluation_id, {"title": "Lot 1", "blind": "on"})
    await service.publish(world.officer, tender_id)
    first = await world.bid(tender_id, lot_id, 0, "150000")
    second = await world.bid(tender_id, lot_id, 1, "100000")
    await scoring.freeze_criteria(world.officer, evaluation_id)
    world.travel(timedelta(days=41))
    await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)
    await scoring.assign(world.officer, evaluation_id, world.evaluator.id)
    subjects = {s.ref: s for s in await scoring.list_subjects(world.officer, evaluation_id)}
    await sheets.declare(
        world.evaluator,
        evaluation_id,
        {
            subjects[f"bid:{first}"].id: ("none", ""),
            subjects[f"bid:{second}"].id: ("conflict", "My sister works there"),
        },
    )
    world.clock.set(datetime.now(UTC))
    return tender_id, evaluation_id, first, second, subjects


async def test_the_evaluator_opens_a_bid_document_from_the_scoring_page(world, make_user, login):
    _, evaluation_id, first, second, subjects = await opened_blind_lot(world, make_user)
    code = subjects[f"bid:{first}"].code
    client = await login(world.evaluator)
    base = f"/scoring/evaluations/{evaluation_id}/sheet"
    page = await client.get(f"{base}/{code}")
    assert page.status_code == 200
    [file_id] = [r["file"] for r in await BidFile.select(BidFile.file).where(BidFile.bid == first)]
    text = text_of(page.text)
    assert f"{code}-document-1.pdf" in text
    assert "bid-0.pdf" not in page.text and "Zorg Plus" not in page.text  # nothing leaks
    answer = await client.get(f"{base}/{code}/documents/{file_id}")
    assert answer.status_code == 200
    assert answer.content == b"%PDF-1.4 bid Zorg Plus BV"
    assert f"{code}-document-1.pdf" in answer.headers["content-disposition"]
    assert "Zorg" not in answer.headers["content-disposition"]
    [event] = await AuditEvent.select().where(AuditEvent.action == "bid.file_downloaded")
    after = json.loads(event["after"])
    assert after == {
        "bid": first,
        "file": file_id,
        "envelope": "quality",
        "via": f"scoring:{evaluation_id}:{code}",
    }

    # The bid declared in conflict: neither its page nor its file, not even through another code.
    other_code = subjects[f"bid:{second}"].code
    [other_file] = [
        r["file"] for r in await BidFile.select(BidFile.file).where(BidFile.bid == second)
    ]
    assert (await client.get(f"{base}/{other_code}")).status_code == 404
    assert (await client.get(f"{base}/{other_code}/documents/{other_file}")).status_code == 404
    assert (await client.get(f"{base}/{code}/documents/{other_file}")).status_code == 404
    # An evaluator who is not assigned sees nothing.
    stranger = await login(await make_user("evaluator"))
    assert (await stranger.get(f"{base}/{code}/documents/{file_id}")).status_code in (403, 404)
    assert await AuditEvent.count().where(AuditEvent.action == "bid.file_downloaded") == 1


async def test_one_access_check_for_every_way_to_a_bid_file(world, make_user):
    tender_id = await world.tender()
    [lot_id] = await world.lot_ids(tender_id)
    await service.publish(world.officer, tender_id)
    bid_id = await world.bid(tender_id, lot_id, 0)
    [file_id] = [r["file"] for r in await BidFile.select(BidFile.file).where(BidFile.bid == bid_id)]
    with pytest.raises(DomainError, match="sealed until the opening"):
        await bids.bid_file(world.officer, tender_id, bid_id, file_id)
    assert await AuditEvent.count().where(AuditEvent.action == "bid.sealed_access_refused") == 1
    for who in (world.evaluator, world.stranger):  # not assigned / another authority
        with pytest.raises(NotFound):
            await bids.bid_file(who, tender_id, bid_id, file_id)
