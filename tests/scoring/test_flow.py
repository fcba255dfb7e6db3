"""The whole use case against the real database: create, score, consensus, rank, confirm."""

from decimal import Decimal

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError, NotFound, ValidationFailed
from notifications.tables import OutboxMessage
from scoring import service, sheets
from scoring.domain import Phase
from scoring.tables import Consensus, Notice, Score
from tests.scoring.conftest import make_scenario


async def events(action: str) -> list[dict]:
    return await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.seq)


async def test_from_declarations_to_a_confirmed_ranking(scenario):
    s = scenario
    first, second = s.evaluators
    await s.declare_all(first)
    await s.declare_all(second)
    marks = {"bid:1": ("8", "7"), "bid:2": ("6", "8"), "bid:3": ("10", "6")}
    for evaluator in s.evaluators:
        for ref, (method, team) in marks.items():
            await s.score(evaluator, ref, {"Method": method, "Team": team, "Certified": "1"})
    # The second evaluator disagrees on bid:3's method: 10 against 4.
    await s.score(second, "bid:3", {"Method": "4"})
    await sheets.submit_sheet(first, s.evaluation_id)
    await sheets.submit_sheet(second, s.evaluation_id)

    status = await service.status(s.officer, s.evaluation_id)
    assert status.phase is Phase.SCORING and status.sheets_submitted == 2
    assert status.flagged_open == 0  # no spread limit set: nothing flagged

    ids = await s.subject_ids()
    criteria = await s.criteria()
    await service.record_consensus(
        s.officer,
        s.evaluation_id,
        ids["bid:3"],
        criteria["Method"],
        "8",
        "Agreed in the meeting: strong method, thin on risks",
    )
    with pytest.raises(DomainError, match="ranking can be computed once quality is final"):
        await service.ranking(s.officer, s.evaluation_id)
    await s.finalise_and_price()

    result = await service.ranking(s.officer, s.evaluation_id, explain=["bid:3"])
    # Quality: Method 25 × mean/10, Team 15 × mean/10; price 60 × 100000 / P.
    # bid:1: 25×0.8 + 15×0.7 = 30.5; price 40.00 → 70.50
    # bid:2: 25×0.6 + 15×0.8 = 27.0; price 60.00 → 87.00
    # bid:3: 25×0.8 (consensus) + 15×0.6 = 29.0; price 50.00 → 79.00
    assert [(x.ref, x.rank, x.total) for x in result.subjects] == [
        ("bid:2", 1, Decimal("87.00")),
        ("bid:3", 2, Decimal("79.00")),
        ("bid:1", 3, Decimal("70.50")),
    ]
    assert result.winners == ("bid:2",)
    bid3 = result.subject("bid:3")
    method = bid3.criterion("Method")
    assert method.formula == "consensus" and method.points == Decimal("20.00")
    assert method.consensus == Decimal("8.00")
    assert method.consensus_justification.startswith("Agreed in the meeting")
    assert sorted(line.value for line in method.individual) == [Decimal("4"), Decimal("10")]
    assert bid3.criterion("Plan of approach").points == Decimal("29.00")
    price = bid3.criterion("Price")
    assert price.inputs == {
        "weight": "60",
        "price": "120000.00",
        "points": "50.00",
        "low": "100000.00",
        "high": "None",
    }
    assert price.explanation.text() == "60 × lowest price 100000.00 / price 120000.00 = 50.00"
    assert not result.subject("bid:1").explained
    assert result.reversal_checked and result.reversals == ()

    confirmed = await service.confirm_ranking(s.officer, s.evaluation_id)
    assert confirmed.confirmed_at is not None
    final = await service.status(s.officer, s.evaluation_id)
    assert final.complete and final.phase is Phase.COMPLETE
    [event] = await events("ranking.confirmed")
    assert '"winners":["bid:2"]' in event["after"] and '"lottery_seed":"seed-1"' in event["after"]
    assert len(await events("score.submitted")) == 2 * 3 * 3


async def test_a_conflict_removes_the_evaluator_and_tells_the_lead_officer(scenario):
    s = scenario
    first = s.evaluators[0]
    ids = await s.subject_ids()
    await sheets.declare(first, s.evaluation_id, {ids["bid:1"]: ("none", "")})
    await s.score(first, "bid:1", {"Method": "8"})
    await sheets.declare(
        first, s.evaluation_id, {ids["bid:1"]: ("conflict", "My sister works there")}
    )
    assert await Score.count().where(Score.subject == ids["bid:1"]) == 0
    codes = await s.codes()
    with pytest.raises(NotFound):
        await sheets.subject_sheet(first, s.evaluation_id, codes["bid:1"])
    with pytest.raises(NotFound):
        await s.score(first, "bid:1", {"Method": "8"})
    assert not await service.can_view_subject(first, s.evaluation_id, "bid:1")
    [notice] = await service.notices(s.officer)
    assert notice.subject == "Zorg Plus BV" and notice.note == "My sister works there"
    assert await Notice.count() == 1 and notice.sent_at is not None
    [mail] = await OutboxMessage.select().where(OutboxMessage.kind == "scoring.conflict")
    assert mail["recipient"] == s.officer.email and mail["status"] == "queued"
    assert mail["subject"] == "Conflict of interest declared: Household help, lot 1"
    assert "declared a conflict of interest with Zorg Plus BV" in mail["body"]
    assert "My sister works there" in mail["body"]
    assert f"/scoring/evaluations/{s.evaluation_id}" in mail["body"]
    with pytest.raises(ValidationFailed, match="cannot be withdrawn"):
        await sheets.declare(first, s.evaluation_id, {ids["bid:1"]: ("none", "")})
    [event] = await events("declaration.conflict")
    assert '"scores_removed":1' in event["after"]


async def test_scores_are_held_to_the_scale_and_nothing_is_half_saved(scenario):
    s = scenario
    first = s.evaluators[0]
    await s.declare_all(first)
    with pytest.raises(ValidationFailed) as refused:
        await s.score(first, "bid:1", {"Method": "5", "Team": "11", "Certified": "1"})
    messages = [p.render() for p in refused.value.problems]
    criteria = await s.criteria()
    assert messages == [
        f"value-{criteria['Method']}: 5 is not one of the levels 0, 2, 4, 6, 8, 10",
        f"value-{criteria['Team']}: 11 is above the maximum 10",
    ]
    assert await Score.count() == 0
    await s.score(first, "bid:1", {"Method": "6", "Team": "7,5"}, justification="")
    with pytest.raises(ValidationFailed) as gaps:
        await sheets.submit_sheet(first, s.evaluation_id)
    rendered = [p.render() for p in gaps.value.problems]
    assert "Zorg Plus BV · Method: A justification is required" in rendered
    assert "Zorg Plus BV · Certified: No score yet" in rendered
    assert "Samen Sterk · Method: No score yet" in rendered


async def test_evaluators_see_only_their_own_sheet(scenario, make_user):
    s = scenario
    stranger = await make_user("evaluator")
    with pytest.raises(NotFound):
        await sheets.sheet(stranger, s.evaluation_id)
    first, second = s.evaluators
    await s.declare_all(first)
    await s.score(first, "bid:1", {"Method": "8"}, justification="Draft thought")
    await s.declare_all(second)
    codes = await s.codes()
    theirs = await sheets.subject_sheet(second, s.evaluation_id, codes["bid:1"])
    assert all(e.value is None and e.justification == "" for e in theirs.entries)
    matrix = await service.consensus_matrix(s.officer, s.evaluation_id)
    assert all(not row.cells for row in matrix.rows)  # drafts never reach the officer


async def test_sealed_prices_stay_sealed_until_two_officers_open_them_after_quality(
    make_user, make_authority
):
    s = await make_scenario(make_user, make_authority, two_envelope=True, evaluators=1)
    second = await make_user("officer", authorities=[s.authority_id])
    await service.set_prices(
        s.officer,
        s.evaluation_id,
        {"bid:1": "98765.43", "bid:2": "90000", "bid:3": "110000"},
        by_owner=True,
    )

    async def bid_1() -> service.SubjectView:
        [found] = [
            x for x in await service.list_subjects(s.officer, s.evaluation_id) if x.ref == "bid:1"
        ]
        return found

    shown = await bid_1()
    assert shown.price is None and shown.price_sealed and shown.has_price
    set_events = await events("subject.price_set")
    assert len(set_events) == 3 and all('"price":"sealed"' in e["after"] for e in set_events)
    assert not any("98765" in e["after"] for e in set_events)
    with pytest.raises(DomainError):
        await service.ranking(s.officer, s.evaluation_id)
    with pytest.raises(DomainError, match="once quality is final"):
        await service.approve_price_opening(s.officer, s.evaluation_id)
    # The owner sets the envelopes; prices received sealed keep two of them even for it.
    await service.reopen_criteria(s.officer, s.evaluation_id, "Add a criterion")
    one = {"title": "Household help, lot 1", "two_envelope": False}
    with pytest.raises(DomainError, match="set by its owner, tender:12/lot:1"):
        await service.update_settings(s.officer, s.evaluation_id, one)
    with pytest.raises(DomainError, match="keeps two envelopes"):
        await service.update_settings(s.officer, s.evaluation_id, one, by_owner=True)
    await service.freeze_criteria(s.officer, s.evaluation_id)
    evaluator = s.evaluators[0]
    await s.declare_all(evaluator)
    for ref in ("bid:1", "bid:2", "bid:3"):
        await s.score(evaluator, ref, {"Method": "8", "Team": "7", "Certified": "1"})
    await sheets.submit_sheet(evaluator, s.evaluation_id)
    status = await service.finalise_quality(s.officer, s.evaluation_id)
    # Quality final opens nothing: the prices wait for two different officers.
    assert status.prices_sealed and (await bid_1()).price is None
    assert [p.message for p in status.blocking] == [
        "The prices are sealed: two different officers open them"
    ]
    with pytest.raises(DomainError, match="once two officers have opened"):
        await service.ranking(s.officer, s.evaluation_id)
    with pytest.raises(DomainError, match="once two officers have opened"):
        await service.confirm_ranking(s.officer, s.evaluation_id)
    first = await service.approve_price_opening(s.officer, s.evaluation_id)
    assert not first.opened and first.prices == {} and (await bid_1()).price_sealed
    with pytest.raises(DomainError, match="a second, different officer must confirm"):
        await service.approve_price_opening(s.officer, s.evaluation_id)
    assert await events("evaluation.prices_opened") == []
    [approved] = await events("evaluation.price_opening_approved")
    assert "98765" not in approved["after"]
    done = await service.approve_price_opening(second, s.evaluation_id)
    assert done.opened and done.officers == (s.officer.id, second.id)
    opened = await bid_1()
    assert opened.price == Decimal("98765.43") and not opened.price_sealed
    [event] = await events("evaluation.prices_opened")
    assert "98765.43" in event["after"] and f"[{s.officer.id},{second.id}]" in event["after"]
    assert event["actor_id"] == second.id
    with pytest.raises(DomainError, match="already been opened"):
        await service.approve_price_opening(s.officer, s.evaluation_id)
    with pytest.raises(DomainError, match="sealed prices have been opened"):
        await service.reopen_criteria(s.officer, s.evaluation_id, "typo")
    assert (await service.ranking(s.officer, s.evaluation_id)).subjects


async def test_a_one_envelope_evaluation_has_no_price_opening(scenario):
    with pytest.raises(DomainError, match="one envelope"):
        await service.approve_price_opening(scenario.officer, scenario.evaluation_id)


async def test_reopening_the_criteria_keeps_the_old_scores_in_the_audit_log(scenario):
    s = scenario
    first = s.evaluators[0]
    await s.declare_all(first)
    await s.score(first, "bid:1", {"Method": "8", "Team": "7.5"}, justification="Good team")
    with pytest.raises(DomainError, match="frozen"):
        await service.add_criterion(s.officer, s.evaluation_id, {"name": "X"})
    with pytest.raises(ValidationFailed, match="Give a reason"):
        await service.reopen_criteria(s.officer, s.evaluation_id, " ")
    await service.reopen_criteria(s.officer, s.evaluation_id, "Team scale must be whole points")
    [event] = await events("criteria.reopened")
    assert '"justification":"Good team"' in event["before"] and '"version":2' in event["after"]
    criteria = await s.criteria()
    await service.update_criterion(
        s.officer,
        s.evaluation_id,
        criteria["Team"],
        {
            "name": "Team",
            "kind": "quality",
            "weight": "15",
            "parent_id": criteria["Plan of approach"],
            "scale_type": "range",
            "scale_min": "0",
            "scale_max": "10",
            "scale_step": "1",
            "minimum": "6",
        },
    )
    view = await service.freeze_criteria(s.officer, s.evaluation_id)
    assert view.criteria_version == 2 and view.frozen
    # 7.5 is off the new scale: dropped (and on record); 8 for Method still stands.
    kept = await Score.select(Score.criterion, Score.value)
    assert [(r["criterion"], r["value"]) for r in kept] == [(criteria["Method"], Decimal("8"))]
    [frozen] = (await events("criteria.frozen"))[-1:]
    assert '"value":"7.50"' in frozen["after"] or '"value":"7.5"' in frozen["after"]


async def test_consensus_is_recorded_with_a_justification_by_lead_officers_only(
    scenario, make_user
):
    s = scenario
    ids = await s.subject_ids()
    criteria = await s.criteria()
    with pytest.raises(ValidationFailed) as refused:
        await service.record_consensus(
            s.officer, s.evaluation_id, ids["bid:1"], criteria["Method"], "", ""
        )
    assert {p.location for p in refused.value.problems} == {"value", "justification"}
    admin = await make_user("admin")
    with pytest.raises(Exception, match="Only the procurement officers"):
        await service.record_consensus(
            admin, s.evaluation_id, ids["bid:1"], criteria["Method"], "8", "ok"
        )
    await service.record_consensus(
        s.officer, s.evaluation_id, ids["bid:1"], criteria["Method"], "8", "Agreed"
    )
    assert await Consensus.count() == 1
