"""Open house: the award is the decision on every application, and each applicant gets its
letter. Botkyrka's valfrihetssystem under LOV: approved or refused with the reasons, rättelse at
the förvaltningsrätt within three weeks (10 kap. 1 §), counted by lagen (1930:173)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from documents import storage
from documents.letters.kinds import LetterKind
from scoring import service as scoring
from tenders import admissions, bids, openings
from tenders.tables import Bid, Tender
from tests.documents.letters_support import docx_text
from tests.tenders.conftest import World
from tests.tenders.test_letters_swedish import _swedish


async def _open_house(world: World) -> tuple[int, list[int]]:
    """An open house in evaluation: three applicants, Samen Sterk excluded with a reason, the
    other two admitted."""
    tender_id = await world.tender(procedure="open_house")
    ids = await world.to_evaluation(tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    evaluation_id = await world.score_quality(tender_id, lot_id, dict.fromkeys(ids, "7"))
    if (await scoring.get_evaluation(world.officer, evaluation_id)).options.two_envelope:
        assert not await openings.approve_price_opening(world.officer, tender_id, lot_id)
        assert await openings.approve_price_opening(world.second, tender_id, lot_id)
    await scoring.exclude_subject(
        world.officer, evaluation_id, f"bid:{ids[2]}", "Tillstånd från IVO saknas."
    )
    await scoring.confirm_ranking(world.officer, evaluation_id)
    await bids.choose_award(world.officer, tender_id, lot_id, ids[:2])
    return tender_id, ids


async def _texts(sent) -> dict[str, str]:
    return {s.addressee: docx_text((await storage.read(s.file_id))[1]) for s in sent}


async def test_a_swedish_open_house_tells_every_applicant_with_the_lov_remedy(world):
    await _swedish(world)
    tender_id, _ = await _open_house(world)
    # Decided Tuesday 1 December 2026: three weeks end on Tuesday 22 December.
    sent = await admissions.award(
        world.officer, tender_id, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    )
    assert {s.kind for s in sent} == {LetterKind.ADMISSION} and len(sent) == 3
    texts = await _texts(sent)
    refused = texts["Samen Sterk"]
    assert "Vi avslår er ansökan." in refused
    assert "Tillstånd från IVO saknas." in refused
    assert "rättelse hos förvaltningsrätten (10 kap. 1 § lagen (2008:962) om valfrihetssystem)" in (
        refused
    )
    assert "senast 22 december 2026" in refused
    assert "Vi godkänner er ansökan." in texts["Zorg Plus BV"]
    assert "Vi godkänner er ansökan." in texts["Thuishulp West"]
    row = await Tender.select(Tender.phase).where(Tender.id == tender_id).first()
    assert row["phase"] == "awarded"


async def test_a_swedish_decision_near_christmas_runs_to_the_next_weekday():
    from common.jurisdictions import jurisdiction_for

    # Thursday 3 December 2026 + three weeks = Thursday 24 December (julafton) -> Monday 28.
    sweden = jurisdiction_for("SE")
    assert sweden.remedies_last_day(date(2026, 12, 3), "open_house") == date(2026, 12, 28)


async def test_a_ranked_procedure_is_awarded_without_admission_letters(world):
    tender_id = await world.tender()
    ids = await world.to_evaluation(tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    await world.score_and_confirm(tender_id, {ids[0]: "9", ids[1]: "5", ids[2]: "8"})
    await bids.choose_award(world.officer, tender_id, lot_id, [ids[2]], advantages="Beste plan.")
    sent_at = world.clock.now()
    from tenders import letters

    await letters.send_award_decisions(world.officer, tender_id, sent_at)
    world.travel(timedelta(days=30))
    assert await admissions.award(world.officer, tender_id) == []
    assert await Bid.count().where(Bid.lot == lot_id) == 3
    row = await Tender.select(Tender.phase).where(Tender.id == tender_id).first()
    assert row["phase"] == "awarded"
