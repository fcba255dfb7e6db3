"""A lot without (valid) bids no longer blocks the tender (issue 14): the officer declares it
unsuccessful with a reason, its bidders are told in a letter, the award decisions of the other
lots go out, finance sees no award for it; the tender is unsuccessful only when every lot is."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError
from documents import storage
from documents.letters.kinds import LetterKind
from finance.domain import FinanceQuery
from scoring import service as scoring
from tenders import bids, contracting, letters, openings, service
from tenders.finance import TenderFinance
from tenders.tables import Bid, Lot, Tender
from tests.documents.letters_support import docx_text
from tests.tenders.conftest import ADVANTAGES, World


async def two_lots_in_evaluation(world: World) -> tuple[int, int, int, list[int], int]:
    """Lot 1 has three bids, lot 2 one bid that is knocked out: no valid bid on lot 2."""
    tender_id = await world.tender(lots=2)
    await service.publish(world.officer, tender_id)
    first, second = await world.lot_ids(tender_id)
    ids = [
        await world.bid(tender_id, first, i, p)
        for i, p in ((0, "150000"), (1, "100000"), (2, "120000"))
    ]
    lone = await world.bid(tender_id, second, 3, "90000")
    world.travel(timedelta(days=41))
    await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)
    await bids.knock_out(world.officer, tender_id, lone, "No certificate of good conduct")
    return tender_id, first, second, ids, lone


async def test_a_lot_without_valid_bids_is_closed_and_the_rest_is_awarded(world):
    tender_id, first, second, ids, lone = await two_lots_in_evaluation(world)
    facts = (await service.overview(world.officer, tender_id)).facts
    assert facts.lots_unranked == ("1. District 1", "2. District 2")
    with pytest.raises(DomainError, match="Give a reason"):
        await letters.declare_lot_unsuccessful(world.officer, tender_id, second, "  ")

    closed = await letters.declare_lot_unsuccessful(
        world.officer, tender_id, second, "The only bid misses the certificate of good conduct"
    )
    assert not closed.tender_unsuccessful
    [letter] = closed.letters
    assert letter.kind is LetterKind.LOT_UNSUCCESSFUL and letter.addressee == "Huishoudhulp Utrecht"
    text = docx_text((await storage.read(letter.file_id))[1])
    assert "The only bid misses the certificate of good conduct" in text
    assert "mislukt verklaard" in text and "2. District 2" in text
    lot = await Lot.select().where(Lot.id == second).first()
    assert lot["unsuccessful_at"] is not None
    [event] = await AuditEvent.select().where(AuditEvent.action == "lot.declared_unsuccessful")
    assert json.loads(event["after"])["reason"].startswith("The only bid")
    with pytest.raises(DomainError, match="already been declared unsuccessful"):
        await letters.declare_lot_unsuccessful(world.officer, tender_id, second, "Again")

    facts = (await service.overview(world.officer, tender_id)).facts
    assert facts.lots_unranked == ("1. District 1",)
    assert facts.lots_unsuccessful == ("2. District 2",)
    await world.score_and_confirm(tender_id, {ids[0]: "9", ids[1]: "5", ids[2]: "8"})
    lot1 = await service.get_lot_row(tender_id, first)
    best = (await scoring.ranking(world.officer, lot1["evaluation_id"])).winners
    await bids.choose_award(
        world.officer, tender_id, first, [int(best[0].split(":")[1])], advantages=ADVANTAGES
    )
    sent = await letters.send_award_decisions(world.officer, tender_id)
    assert {x.kind for x in sent.letters} == {LetterKind.AWARD_INTENT, LetterKind.REJECTION}
    assert lone not in {b["id"] for b in await Bid.select(Bid.id).where(Bid.winner.eq(True))}
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert row["phase"] == "award_intent"
    listed = await letters.sent_letters(world.finance, tender_id, second)
    assert [x.kind for x in listed] == [LetterKind.LOT_UNSUCCESSFUL]

    world.travel(timedelta(days=30))
    await service.award(world.officer, tender_id)
    winner = next(b for b in await bids.winners(world.officer, tender_id))
    await contracting.record_contract(
        world.officer,
        tender_id,
        winner["id"],
        {
            "value": "400.000,00",
            "start": "2027-01-01",
            "end": "2028-12-31",
            "signed_on": "2026-05-01",
        },
    )
    awards = await TenderFinance().awards(FinanceQuery())
    assert [a.lot for a in awards] == ["1. District 1"]


async def test_the_tender_is_unsuccessful_only_when_every_lot_is(world):
    tender_id, first, second, _, _ = await two_lots_in_evaluation(world)
    await letters.declare_lot_unsuccessful(world.officer, tender_id, second, "No valid bid")
    overview = await service.overview(world.officer, tender_id)
    assert overview.phase.value == "evaluation"
    closed = await letters.declare_lot_unsuccessful(
        world.officer, tender_id, first, "Every bid is above the budget"
    )
    assert closed.tender_unsuccessful and len(closed.letters) == 3
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert row["phase"] == "unsuccessful"
    assert row["closed_reason"] == "Every bid is above the budget"


async def test_only_in_the_evaluation(world):
    tender_id = await world.tender(lots=2)
    [lot_id, _] = await world.lot_ids(tender_id)
    with pytest.raises(DomainError, match="during the evaluation"):
        await letters.declare_lot_unsuccessful(world.officer, tender_id, lot_id, "No bids")
    assert (await Lot.select(Lot.unsuccessful_at).where(Lot.id == lot_id).first())[
        "unsuccessful_at"
    ] is None
    # the scoring engine knows nothing of it: the lot's evaluation is untouched
    lot = await service.get_lot_row(tender_id, lot_id)
    assert (await scoring.status(world.officer, lot["evaluation_id"])).subjects == 0


async def test_the_page_needs_the_confirmation_and_the_api_declares_too(world, login):
    from datetime import UTC, datetime

    from tests.support.http import post_form, text_of

    tender_id, first, second, _, _ = await two_lots_in_evaluation(world)
    world.clock.set(datetime.now(UTC))
    officer = await login(world.officer)
    url = f"/tenders/{tender_id}/lots/{second}"
    page = text_of((await officer.get(url)).text)
    assert "Declare this lot unsuccessful" in page
    unconfirmed = await post_form(
        officer, f"{url}/unsuccessful", {"reason": "No valid bid"}, headers={"referer": url}
    )
    assert unconfirmed.status_code == 303
    assert "Nothing was done" in text_of((await officer.get(unconfirmed.headers["location"])).text)
    assert (await Lot.select(Lot.unsuccessful_at).where(Lot.id == second).first())[
        "unsuccessful_at"
    ] is None
    done = await post_form(
        officer, f"{url}/unsuccessful", {"reason": "No valid bid", "confirm": "yes"}
    )
    assert done.status_code == 303
    page = text_of((await officer.get(url)).text)
    assert "1 bidder has been told" in page and "No valid bid" in page
    assert "Declare this lot unsuccessful" not in page
    finance = await login(world.finance)
    assert (
        await post_form(
            finance,
            f"/tenders/{tender_id}/lots/{first}/unsuccessful",
            {"reason": "x", "confirm": "yes"},
        )
    ).status_code == 403
    api = await officer.post(
        f"/api/v1/tenders/{tender_id}/lots/{first}/unsuccessful",
        json={"reason": "Every bid above the budget"},
    )
    assert api.status_code == 200, api.text
    assert api.json()["unsuccessful_reason"] == "Every bid above the budget"
    tender = (await officer.get(f"/api/v1/tenders/{tender_id}")).json()
    assert tender["phase"] == "unsuccessful"
