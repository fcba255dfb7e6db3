"""Preselection, dialogue and clarification questions of a competitive dialogue."""

from datetime import timedelta

import pytest

from common.errors import DomainError, ValidationFailed
from documents import storage
from organisations.tables import Organisation
from scoring import service as scoring
from scoring import sheets
from tenders import openings, procurement, service
from tenders.deadlines import DEADLINES
from tenders.tables import Candidate, Question, Tender
from tests.support.criteria import quality
from tests.tenders.conftest import NAMES, TREE, bidder, events, local


def dialogue_form(world, **extra):
    now = world.clock.now()
    return world.form(
        procedure="competitive_dialogue",
        max_candidates="5",
        deadline_requests=local(now + timedelta(days=30)),
        deadline_questions=local(now + timedelta(days=60)),
        deadline_bids=local(now + timedelta(days=90)),
        **extra,
    )


async def published_dialogue(world) -> int:
    tender_id = await service.create_tender(world.officer, dialogue_form(world))
    lot_id = await service.add_lot(world.officer, tender_id, {"number": "1", "title": "Noordwest"})
    await scoring.replace_criteria(
        world.officer, (await service.get_lot_row(tender_id, lot_id))["evaluation_id"], TREE
    )
    await procurement.add_requirement(
        world.officer, tender_id, "exclusion", "No ground for exclusion (UEA part III)"
    )
    await procurement.add_requirement(world.officer, tender_id, "suitability", "HKZ certificate")
    assert await service.publish(world.officer, tender_id) == []
    return tender_id


def candidate(index: int) -> dict:
    return {
        **bidder(index),
        "contact_name": "Contact",
        "email": f"info{index}@example.nl",
    }


async def requests_closed(world, candidates: int) -> tuple[int, list[int]]:
    """A published dialogue with ``candidates`` requests to participate, its request
    deadline passed (30 days on) and applied: the tender and the candidates' ids."""
    tender_id = await published_dialogue(world)
    ids = [
        await procurement.register_candidate(world.officer, tender_id, candidate(i))
        for i in range(candidates)
    ]
    world.travel(timedelta(days=30))
    await DEADLINES.tick(world.clock.now())
    return tender_id, ids


async def assess_all(world, tender_id: int, ids: list[int], failing: int, note: str) -> None:
    """Every candidate meets every requirement, but candidate ``failing`` only the exclusion
    ground."""
    requirements = await procurement.requirements(tender_id)
    for index, candidate_id in enumerate(ids):
        await procurement.assess(
            world.officer,
            tender_id,
            candidate_id,
            {r["id"]: (index != failing or r["kind"] == "exclusion", note) for r in requirements},
        )


async def test_requests_to_participate_before_the_deadline_only(world):
    tender_id = await published_dialogue(world)
    await procurement.register_candidate(world.officer, tender_id, candidate(0))
    with pytest.raises(ValidationFailed, match="already a candidate"):
        await procurement.register_candidate(world.officer, tender_id, candidate(0))
    with pytest.raises(ValidationFailed) as refused:
        await procurement.register_candidate(
            world.officer, tender_id, {"name": "Bad", "country": "NL", "registration_number": "12"}
        )
    assert refused.value.problems[0].render() == (
        "registration_number: 12 is not a valid KvK number"
    )
    world.travel(timedelta(days=30))
    with pytest.raises(DomainError, match="Requests to participate closed at"):
        await procurement.register_candidate(world.officer, tender_id, candidate(1))
    assert await Candidate.count() == 1
    assert await Organisation.count().where(Organisation.name == NAMES[1]) == 0


async def test_selection_with_scored_criteria_then_dialogue_then_final_bids(world):
    tender_id, ids = await requests_closed(world, 7)
    assert (await Tender.select(Tender.phase).first())["phase"] == "selection"
    # Everyone passes the exclusion ground; Tzorg (6) lacks the certificate.
    await assess_all(world, tender_id, ids, failing=6, note="checked")
    with pytest.raises(DomainError, match="fails HKZ certificate cannot be admitted"):
        await procurement.decide(world.officer, tender_id, ids[6], True, "")
    await procurement.decide(world.officer, tender_id, ids[6], False, "No HKZ certificate")
    # Six remain for five places: the selection criteria are scored in the engine.
    evaluation_id = await procurement.start_selection_scoring(world.officer, tender_id)
    await scoring.exclude_subject(
        world.officer, evaluation_id, f"candidate:{ids[6]}", "Not admitted: no HKZ certificate"
    )
    await scoring.replace_criteria(
        world.officer,
        evaluation_id,
        [quality("Experience", "100")],
    )
    await scoring.freeze_criteria(world.officer, evaluation_id)
    await scoring.assign(world.officer, evaluation_id, world.evaluator.id)
    subjects = {s.ref: s for s in await scoring.list_subjects(world.officer, evaluation_id)}
    await sheets.declare(
        world.evaluator,
        evaluation_id,
        {s.id: ("none", "") for s in subjects.values() if not s.excluded},
    )
    [criterion] = (await scoring.criteria(world.officer, evaluation_id)).criteria
    for index, candidate_id in enumerate(ids[:6]):
        await sheets.save_scores(
            world.evaluator,
            evaluation_id,
            subjects[f"candidate:{candidate_id}"].code,
            {criterion.id: (str(9 - index), "Relevant references")},
        )
    await sheets.submit_sheet(world.evaluator, evaluation_id)
    await scoring.finalise_quality(world.officer, evaluation_id)
    with pytest.raises(DomainError, match="Confirm the selection ranking first"):
        await procurement.shortlist_from_ranking(world.officer, tender_id)
    await scoring.confirm_ranking(world.officer, evaluation_id)
    admitted = await procurement.shortlist_from_ranking(world.officer, tender_id)
    assert admitted == ids[:5]
    rows = {r["id"]: r for r in await procurement.candidates(world.officer, tender_id)}
    assert rows[ids[5]]["status"] == "rejected" and rows[ids[5]]["reason"] == (
        "Not shortlisted: rank 6"
    )
    assert rows[ids[6]]["reason"] == "No HKZ certificate"
    await procurement.complete_selection(world.officer, tender_id)
    assert (await Tender.select(Tender.phase).first())["phase"] == "dialogue"

    round_id = await procurement.add_round(world.officer, tender_id, "Client journey")
    with pytest.raises(ValidationFailed) as refused:
        await procurement.record_session(
            world.officer,
            tender_id,
            round_id,
            {"candidate_id": str(ids[0]), "held_at": "", "minutes": ""},
        )
    assert [p.location for p in refused.value.problems] == ["minutes", "held_at"]
    await procurement.record_session(
        world.officer,
        tender_id,
        round_id,
        {
            "candidate_id": str(ids[0]),
            "held_at": "2026-04-14T10:00",
            "attendees": "A. Inkoper, J. de Vries",
            "minutes": "Discussed the district teams",
        },
        upload=("minutes.pdf", "application/pdf", b"%PDF minutes"),
    )
    with pytest.raises(DomainError, match="Tzorg does not take part in the dialogue"):
        await procurement.record_session(
            world.officer,
            tender_id,
            round_id,
            {"candidate_id": str(ids[6]), "held_at": "2026-04-14T10:00", "minutes": "x"},
        )
    [view] = await procurement.dialogue(world.finance, tender_id)
    [session] = view.sessions
    assert session["candidate.organisation.name"] == NAMES[0]
    _, chunks = await procurement.minutes_file(world.officer, tender_id, session["id"])
    data = await storage.collect(chunks)
    assert data == b"%PDF minutes"
    await procurement.drop_candidate(world.officer, tender_id, ids[4], "Withdrew its approach")
    invited = await procurement.close_dialogue(world.officer, tender_id)
    assert invited == NAMES[:4]
    assert (await Tender.select(Tender.phase).first())["phase"] == "tendering"
    [lot_id] = await world.lot_ids(tender_id)
    with pytest.raises(DomainError, match="Careyn was not invited to bid"):
        await world.bid(tender_id, lot_id, 5)
    await world.bid(tender_id, lot_id, 0)
    [closed] = await events("tender.close_dialogue")
    assert "Zorg Plus BV" in closed["after"]


async def test_questions_are_published_without_the_asker_and_late_ones_refused(world):
    tender_id = await published_dialogue(world)
    first = await procurement.ask(
        world.officer, tender_id, "Zorg Plus BV", "May we bid on two districts?"
    )
    await procurement.ask(world.officer, tender_id, "Careyn", "Is TUPE applicable?")
    with pytest.raises(ValidationFailed) as refused:
        await procurement.ask(world.officer, tender_id, "", "")
    assert [p.location for p in refused.value.problems] == ["asker", "question"]
    await procurement.answer(world.officer, tender_id, first, "Yes, on every district.")
    [published] = await procurement.nota_van_inlichtingen(world.finance, tender_id)
    assert (published.number, published.answer) == (1, "Yes, on every district.")
    assert "Zorg Plus" not in repr(published)
    world.travel(timedelta(days=61))
    with pytest.raises(DomainError, match="Questions closed at"):
        await procurement.ask(world.officer, tender_id, "Axion", "Too late?")
    assert await Question.count() == 2
    world.travel(timedelta(days=30))
    second = (await procurement.questions(world.officer, tender_id))[1]["id"]
    with pytest.raises(DomainError, match="later answer can no longer be published"):
        await procurement.answer(world.officer, tender_id, second, "TUPE applies")


async def test_opening_without_bids_asks_to_declare_unsuccessful(world):
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    world.travel(timedelta(days=41))
    with pytest.raises(DomainError, match="No bids were received"):
        await openings.approve_opening(world.officer, tender_id)
    await service.declare_unsuccessful(world.officer, tender_id, "No bids received")
    assert (await Tender.select(Tender.phase).first())["phase"] == "unsuccessful"
