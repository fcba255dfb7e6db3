"""The use cases against the real database: draft to contract, with refusals on the way."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from documents import storage
from documents.tables import StoredFile
from notifications.tables import OutboxMessage
from scoring import service as scoring
from tenders import bids, contracting, letters, openings, service
from tenders.deadlines import DEADLINES
from tenders.procedures import Phase
from tenders.tables import Bid, Lot, Tender, TenderAuthority
from tests.tenders.conftest import ADVANTAGES, TREE, events, local


async def phase(tender_id: int) -> str:
    row = await Tender.select(Tender.phase).where(Tender.id == tender_id).first()
    return row["phase"]


async def test_a_draft_is_created_for_the_officers_authority(world):
    tender_id = await world.tender(lots=2)
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert row["phase"] == "draft" and row["cpv_codes"] == "98513310-8,85312000-9"
    assert row["lead_officer"] == world.officer.id
    # Typed as 11 April 11:00 in Amsterdam, which is summer time (UTC+2).
    assert world.form()["deadline_bids"] == "2026-04-11T11:00"
    assert row["deadline_bids"] == datetime(2026, 4, 11, 9, 0, tzinfo=UTC)
    lots = await Lot.select().where(Lot.tender == tender_id).order_by(Lot.number)
    assert [lot["title"] for lot in lots] == ["District 1", "District 2"]
    view = await scoring.get_evaluation(world.officer, lots[0]["evaluation_id"])
    assert view.owner_ref == f"tender:{tender_id}:lot:{lots[0]['id']}"
    assert view.owner_url == f"/tenders/{tender_id}/lots/{lots[0]['id']}"
    [created] = await events("tender.created")
    assert created["object_id"] == str(tender_id)


async def test_bad_input_names_every_field_and_writes_nothing(world):
    with pytest.raises(ValidationFailed) as refused:
        await service.create_tender(world.officer, world.form(title="", cpv_codes="9851331"))
    assert [p.location for p in refused.value.problems] == ["title", "cpv_codes"]
    with pytest.raises(ValidationFailed, match="one of your authorities"):
        await service.create_tender(world.stranger, world.form())
    with pytest.raises(ValidationFailed, match="not a date and time"):
        await service.create_tender(world.officer, world.form(deadline_bids="tomorrow"))
    assert await Tender.count() == 0 and await events("tender.created") == []


async def test_only_the_authoritys_officers_see_and_change_a_tender(world):
    tender_id = await world.tender()
    with pytest.raises(NotFound):
        await service.overview(world.stranger, tender_id)
    with pytest.raises(NotFound):
        await service.overview(world.evaluator, tender_id)
    assert (await service.overview(world.admin, tender_id)).can_change is False
    assert (await service.overview(world.finance, tender_id)).can_change is False
    with pytest.raises(Forbidden):
        await service.publish(world.admin, tender_id)
    items, total = await service.list_tenders(world.stranger, service.Filters())
    assert (items, total) == ([], 0)
    items, total = await service.list_tenders(world.finance, service.Filters(text="huishouden"))
    assert total == 1 and items[0].id == tender_id


async def test_publishing_names_what_is_missing_and_warns_about_short_periods(world):
    tender_id = await service.create_tender(world.officer, world.form(deadline_bids=""))
    with pytest.raises(DomainError) as refused:
        await service.publish(world.officer, tender_id)
    assert str(refused.value) == "Add at least one lot"
    assert await phase(tender_id) == "draft"
    lot_id = await service.add_lot(world.officer, tender_id, {"number": "1", "title": "Stad"})
    second = await service.add_lot(
        world.officer, tender_id, {"number": "2", "title": "Wijk", "estimated_value": "1.000,00"}
    )
    # Lots without criteria make the tender unusable later: refused, each lot named.
    facts = (await service.overview(world.officer, tender_id)).facts
    from tenders.machine import Action, missing

    assert [p.text() for p in missing(Action.PUBLISH, facts, world.clock.now())][:2] == [
        "Lot 1. Stad has no award criteria",
        "Lot 2. Wijk has no award criteria",
    ]
    with pytest.raises(DomainError, match=r"Lot 1\. Stad has no award criteria"):
        await service.publish(world.officer, tender_id)
    evaluations = [
        (await service.get_lot_row(tender_id, i))["evaluation_id"] for i in (lot_id, second)
    ]
    await scoring.replace_criteria(world.officer, evaluations[0], TREE)
    await scoring.add_criterion(world.officer, evaluations[1], TREE[0])  # 60 of 100 points
    with pytest.raises(DomainError, match=r"The award criteria of lot 2\. Wijk are not complete"):
        await service.publish(world.officer, tender_id)
    await scoring.replace_criteria(world.officer, evaluations[1], TREE)
    with pytest.raises(DomainError, match="The deadline for bids is missing"):
        await service.publish(world.officer, tender_id)
    # What does not stop publication is shown beforehand: no documents, no estimated value.
    warned = (await service.overview(world.officer, tender_id)).publish_warnings
    assert [p.text() for p in warned] == [
        "No tender documents have been uploaded: candidates will find only the particulars",
        "Lot 1. Stad has no estimated value",
    ]
    await service.set_deadlines(
        world.officer, tender_id, {"deadline_bids": local(world.clock.now() + timedelta(days=20))}
    )
    with pytest.raises(DomainError, match="Bids must close after the other deadlines"):
        await service.publish(world.officer, tender_id)
    await service.set_deadlines(
        world.officer,
        tender_id,
        {"deadline_questions": local(world.clock.now() + timedelta(days=10))},
    )
    warnings = await service.publish(world.officer, tender_id)
    assert [(w.days_given, w.days_required) for w in warnings] == [(20, 30)]
    assert await phase(tender_id) == "tendering"
    [event] = await events("tender.period_warnings")
    assert '"minimum":30' in event["after"]
    with pytest.raises(DomainError, match="Only a draft tender can be published"):
        await service.publish(world.officer, tender_id)


async def test_joint_procurement_shares_add_up_to_one_hundred(world, make_authority):
    tender_id = await world.tender()
    other = await make_authority("Gemeente Nieuwegein")
    lead = world.authority["id"]
    with pytest.raises(ValidationFailed) as refused:
        await service.set_authorities(world.officer, tender_id, {lead: "60", other["id"]: "30"})
    assert refused.value.problems[0].render() == (
        "shares: The authorities' shares add up to 90%, not 100%"
    )
    with pytest.raises(ValidationFailed, match="lead authority must take part"):
        await service.set_authorities(world.officer, tender_id, {other["id"]: "100"})
    await service.set_authorities(world.officer, tender_id, {lead: "60.5", other["id"]: "39.5"})
    shares = {r["authority"]: r["share"] for r in await TenderAuthority.select()}
    assert shares == {lead: Decimal("60.50"), other["id"]: Decimal("39.50")}


async def test_documents_keep_their_old_versions(world):
    tender_id = await world.tender()
    first = await service.upload_document(
        world.officer, tender_id, "Bestek", "bestek.pdf", "application/pdf", b"version one"
    )
    second = await service.upload_document(
        world.officer, tender_id, "Bestek", "bestek2.pdf", "application/pdf", b"version two"
    )
    docs = await service.documents(world.officer, tender_id)
    assert [(d["name"], d["version"]) for d in docs] == [("Bestek", 2), ("Bestek", 1)]
    data = await storage.collect((await service.document_file(world.finance, tender_id, first))[1])
    assert data == b"version one"
    data = await storage.collect((await service.document_file(world.officer, tender_id, second))[1])
    assert data == b"version two"


async def test_a_bid_one_second_late_is_refused_and_nothing_is_stored(world):
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    deadline = (await Tender.select(Tender.deadline_bids).first())["deadline_bids"]
    world.clock.set(deadline - timedelta(seconds=1))
    on_time = await world.bid(tender_id, lot_id, 0)
    world.clock.set(deadline + timedelta(seconds=1))
    files_before = await StoredFile.count()
    with pytest.raises(DomainError) as refused:
        await world.bid(tender_id, lot_id, 1)
    assert str(refused.value) == (
        "Bids closed at 2026-04-11 11:00:00 (CEST); this one came at 2026-04-11 11:00:01 (CEST)"
    )
    assert [r["id"] for r in await Bid.select(Bid.id)] == [on_time]
    assert await StoredFile.count() == files_before


async def test_sealed_bids_are_unreadable_for_every_role_until_two_officers_open_them(world):
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    bid_id = await world.bid(tender_id, lot_id, 0, "123456.78")
    [file_row] = await bids.BidFile.select()
    for who in (world.officer, world.second, world.admin, world.finance):
        [view] = await bids.bids(who, tender_id)
        assert view.sealed and view.price is None and view.files == ()
        with pytest.raises(DomainError, match="sealed until the opening"):
            await bids.bid_file(who, tender_id, bid_id, file_row["file"])
    with pytest.raises(NotFound):
        await bids.bid_file(world.stranger, tender_id, bid_id, file_row["file"])
    refused = await events("bid.sealed_access_refused")
    assert len(refused) == 4 and {e["actor_id"] for e in refused} == {
        world.officer.id,
        world.second.id,
        world.admin.id,
        world.finance.id,
    }
    # Neither the price nor the file name is in the audit log before the opening.
    [registered] = await events("bid.registered")
    assert "123456" not in registered["after"] and "bid-0.pdf" not in registered["after"]
    # Not before the deadline, not by one officer alone.
    with pytest.raises(DomainError, match="Bids can only be opened in the opening phase"):
        await openings.approve_opening(world.officer, tender_id)
    world.travel(timedelta(days=41))
    assert await openings.approve_opening(world.officer, tender_id) is False
    with pytest.raises(DomainError, match="a second, different officer must confirm"):
        await openings.approve_opening(world.officer, tender_id)
    with pytest.raises(Forbidden):
        await openings.approve_opening(world.admin, tender_id)
    [view] = await bids.bids(world.admin, tender_id)
    assert view.sealed and await phase(tender_id) == "opening"
    assert await openings.approve_opening(world.second, tender_id) is True
    [view] = await bids.bids(world.admin, tender_id)
    assert not view.sealed and view.price == Decimal("123456.78")
    data = await storage.collect(
        (await bids.bid_file(world.admin, tender_id, bid_id, file_row["file"]))[1]
    )
    assert data.startswith(b"%PDF-1.4 bid")
    assert len(await events("bid.file_downloaded")) == 1
    [opened] = await events("tender.open_bids")
    assert f"[{world.officer.id},{world.second.id}]" in opened["after"]
    lot = await service.get_lot_row(tender_id, lot_id)
    [subject] = await scoring.list_subjects(world.officer, lot["evaluation_id"])
    assert subject.ref == f"bid:{bid_id}" and subject.price == Decimal("123456.78")


async def test_due_transitions_are_applied_once_and_late_ones_say_by_how_much(world):
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [upcoming] = await DEADLINES.upcoming(world.clock.now())
    assert upcoming.key == f"tender:{tender_id}" and upcoming.step == "Close bidding"
    assert upcoming.authority_ids == (world.authority["id"],)
    assert await DEADLINES.tick(world.clock.now()) == []
    world.travel(timedelta(days=40, hours=2))
    [applied] = await DEADLINES.tick(world.clock.now())
    assert applied.step == "close_bids" and applied.late_by_seconds == 7200
    assert await DEADLINES.tick(world.clock.now()) == []
    assert await service.apply_due(world.officer.as_actor(), tender_id, world.clock.now()) == []
    assert await phase(tender_id) == "opening"
    [closed] = await events("tender.close_bids")
    assert '"late_by_seconds":7200' in closed["after"]
    [mail] = await OutboxMessage.select().where(OutboxMessage.kind == "tenders.deadline")
    assert mail["recipient"] == world.officer.email
    assert mail["subject"] == "Deadline passed: Hulp bij het huishouden 2022"
    assert "The tender is now in the phase Opening" in mail["body"]
    assert await DEADLINES.upcoming(world.clock.now()) == []


async def test_from_evaluation_through_standstill_and_objection_to_contract(world):
    tender_id = await world.tender()
    ids = await world.to_evaluation(tender_id)
    lot_id = await world.score_and_confirm(tender_id, {ids[0]: "9", ids[1]: "5", ids[2]: "8"})
    result = await bids.lot_result(world.officer, tender_id, lot_id)
    # Quality 60 × mark/10; price 40 × 100000 / P.
    assert [(s.ref, s.total) for s in result.ranking.subjects] == [
        (f"bid:{ids[2]}", Decimal("81.33")),
        (f"bid:{ids[0]}", Decimal("80.67")),
        (f"bid:{ids[1]}", Decimal("70.00")),
    ]
    with pytest.raises(DomainError, match=r"No award intent yet for 1\. District 1"):
        await letters.send_award_decisions(world.officer, tender_id)
    with pytest.raises(ValidationFailed, match="deviates from the ranking"):
        await bids.choose_award(world.officer, tender_id, lot_id, [ids[0]])
    with pytest.raises(ValidationFailed, match="relative advantages of the winning bid"):
        await bids.choose_award(world.officer, tender_id, lot_id, [ids[2]], advantages="  ")
    await bids.choose_award(world.officer, tender_id, lot_id, [ids[2]], advantages=ADVANTAGES)
    ends = (await letters.send_award_decisions(world.officer, tender_id)).standstill_ends_at
    # Sent Sunday 12 April 2026; 20 calendar days end on Saturday 2 May, so the period runs
    # on to the end of Monday 4 May (Algemene termijnenwet).
    assert ends == datetime(2026, 5, 4, 22, 0, tzinfo=UTC)
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert row["phase"] == "award_intent" and row["standstill_ends_at"] == ends
    assert row["decisions_sent_at"] == world.clock.now()
    objection = await contracting.record_objection(
        world.officer, tender_id, "Zorg Plus BV", "The price formula was applied wrongly", lot_id
    )
    world.clock.set(ends)
    with pytest.raises(DomainError, match="objection"):
        await service.award(world.officer, tender_id)
    await DEADLINES.tick(world.clock.now())
    [told] = await OutboxMessage.select().where(OutboxMessage.subject.like("Standstill%"))
    assert "1 objection(s) are still open" in told["body"]
    await contracting.resolve_objection(world.officer, tender_id, objection, "Rejected: formula ok")
    await service.award(world.officer, tender_id)
    with pytest.raises(DomainError, match="No contract recorded yet with Samen Sterk"):
        await service.conclude_contracts(world.officer, tender_id)
    with pytest.raises(DomainError, match="did not win"):
        await contracting.record_contract(
            world.officer,
            tender_id,
            ids[0],
            {
                "value": "120000",
                "start": "2027-01-01",
                "end": "2029-12-31",
                "signed_on": "2026-06-01",
            },
        )
    await contracting.record_contract(
        world.officer,
        tender_id,
        ids[2],
        {"value": "120000", "start": "2027-01-01", "end": "2029-12-31", "signed_on": "2026-06-01"},
    )
    await service.conclude_contracts(world.officer, tender_id)
    assert await phase(tender_id) == "contracted"
    [contract] = await contracting.contracts(world.finance, tender_id)
    assert contract["value"] == Decimal("120000.00") and contract["currency"] == "EUR"


async def test_no_valid_bid_left_makes_the_tender_unsuccessful(world):
    tender_id = await world.tender()
    ids = await world.to_evaluation(tender_id, {0: "100000"})
    with pytest.raises(DomainError, match="1 valid bid"):
        await service.declare_unsuccessful(world.officer, tender_id, "No valid bids")
    await bids.knock_out(world.officer, tender_id, ids[0], "No HKZ certificate")
    await service.declare_unsuccessful(world.officer, tender_id, "No valid bids")
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert row["phase"] == "unsuccessful" and row["closed_reason"] == "No valid bids"


async def test_cancelling_needs_a_reason_and_is_final(world):
    tender_id = await world.tender()
    with pytest.raises(DomainError, match="Give a reason"):
        await service.cancel(world.officer, tender_id, " ")
    await service.cancel(world.officer, tender_id, "Budget withdrawn by the council")
    assert await phase(tender_id) == Phase.CANCELLED.value
    with pytest.raises(DomainError, match="cannot be cancelled"):
        await service.cancel(world.officer, tender_id, "again")
    [event] = await events("tender.cancel")
    assert "Budget withdrawn" in event["after"]


async def test_changing_the_draft_keeps_the_options_the_lead_officer_chose(world):
    """The tender passes its lots' evaluations only what it decides (title, envelope, winners):
    blind scoring, aggregation, spread limit and thresholds stay as the lead officer set them."""
    tender_id = await world.tender(lots=1)
    [lot] = await Lot.select().where(Lot.tender == tender_id)
    chosen = {
        "title": "Beoordeling",
        "blind": "on",
        "aggregation": "median",
        "spread_limit": "20",
        "total_points": "100",
        "min_total_quality": "30",
        "winners": "1",
    }
    await scoring.update_settings(world.officer, lot["evaluation_id"], chosen)
    await service.update_tender(
        world.officer,
        tender_id,
        world.form(title="Hulp bij het huishouden 2023", two_envelope="on"),
    )
    await service.update_lot(
        world.officer, tender_id, lot["id"], {"number": "1", "title": "Noord", "winners": "2"}
    )
    options = (await scoring.get_evaluation(world.officer, lot["evaluation_id"])).options
    assert options.blind and options.aggregation == "median"
    assert options.spread_limit == Decimal(20) and options.min_total_quality == Decimal(30)
    assert options.two_envelope and options.winners == 2


async def test_an_open_house_lot_admits_every_bid_after_its_lot_changes(world):
    tender_id = await world.tender(lots=1, procedure="open_house")
    [lot] = await Lot.select().where(Lot.tender == tender_id)
    await service.update_lot(
        world.officer, tender_id, lot["id"], {"number": "1", "title": "Noord", "winners": "1"}
    )
    await service.update_tender(
        world.officer, tender_id, world.form(procedure="open_house", title="Open house 2023")
    )
    view = await scoring.get_evaluation(world.officer, lot["evaluation_id"])
    assert view.options.winners == 10_000 and view.title == "Open house 2023: Noord"
