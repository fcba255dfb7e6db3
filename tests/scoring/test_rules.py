"""The service's rules around sheets, subjects and prices, against the real database."""

from decimal import Decimal

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from scoring import service, sheets
from scoring.domain import Phase
from scoring.tables import Assignment, Score, Subject
from tests.scoring.conftest import make_scenario
from tests.support.http import text_of

MARKS = {"Method": "8", "Team": "7", "Certified": "1"}


async def score_all(s, evaluator, refs=("bid:1", "bid:2", "bid:3"), marks=None):
    for ref in refs:
        await s.score(evaluator, ref, marks or MARKS)


async def test_a_sheet_for_some_subjects_and_some_criteria(make_user, make_authority):
    s = await make_scenario(make_user, make_authority, evaluators=1)
    evaluator = s.evaluators[0]
    ids = await s.subject_ids()
    criteria = await s.criteria()
    await s.declare_all(evaluator)
    await score_all(s, evaluator)
    await service.assign(
        s.officer,
        s.evaluation_id,
        evaluator.id,
        subject_ids=[ids["bid:2"]],
        criterion_ids=[criteria["Method"]],
    )
    # Scores outside the new scope are gone; the sheet lists one subject, one criterion.
    kept = await Score.select(Score.subject, Score.criterion)
    assert kept == [{"subject": ids["bid:2"], "criterion": criteria["Method"]}]
    view = await sheets.sheet(evaluator, s.evaluation_id)
    assert [x.label for x in view.subjects] == ["Thuishulp West"]
    assert [c.name for c in view.criteria] == ["Method"]
    codes = await s.codes()
    with pytest.raises(NotFound):
        await sheets.subject_sheet(evaluator, s.evaluation_id, codes["bid:1"])
    with pytest.raises(NotFound):
        await s.score(evaluator, "bid:2", {"Team": "7"})
    await sheets.submit_sheet(evaluator, s.evaluation_id)
    # Nobody scored the rest: the lead officer is told what is missing.
    with pytest.raises(ValidationFailed, match="8 scores are missing"):
        await service.finalise_quality(s.officer, s.evaluation_id)
    with pytest.raises(ValidationFailed) as refused:
        await service.assign(
            s.officer, s.evaluation_id, evaluator.id, subject_ids=[], criterion_ids=[987654]
        )
    assert [p.render() for p in refused.value.problems] == [
        "subject_ids: Choose at least one subject",
        "criterion_ids: 987654 is not a scored criterion of this evaluation",
    ]


async def test_reopening_a_sheet_needs_a_reason_and_is_on_record(scenario):
    s = scenario
    first = s.evaluators[0]
    await s.declare_all(first)
    await score_all(s, first)
    await sheets.submit_sheet(first, s.evaluation_id)
    with pytest.raises(DomainError, match="has been submitted"):
        await s.score(first, "bid:1", {"Method": "10"})
    [sheet] = await Assignment.select().where(Assignment.evaluator == first.id)
    with pytest.raises(ValidationFailed, match="Give a reason"):
        await service.reopen_sheet(s.officer, s.evaluation_id, sheet["id"], "")
    await service.reopen_sheet(
        s.officer, s.evaluation_id, sheet["id"], "Method of bid:1 was scored on the wrong document"
    )
    await s.score(first, "bid:1", {"Method": "10"})
    event = await AuditEvent.select().where(AuditEvent.action == "sheet.reopened").first()
    assert "wrong document" in event["after"]
    with pytest.raises(DomainError, match="not been submitted"):
        await service.reopen_sheet(s.officer, s.evaluation_id, sheet["id"], "again")


async def test_a_new_subject_during_scoring_reopens_sheets_that_cover_all(scenario):
    s = scenario
    first = s.evaluators[0]
    await s.declare_all(first)
    await score_all(s, first)
    await sheets.submit_sheet(first, s.evaluation_id)
    await service.register_subjects(
        s.officer, s.evaluation_id, [{"ref": "bid:4", "name": "Late but on time BV"}]
    )
    view = await sheets.sheet(first, s.evaluation_id)
    assert view.submitted_at is None and view.to_declare == 1
    with pytest.raises(DomainError, match="1 still to declare"):
        await sheets.submit_sheet(first, s.evaluation_id)
    with pytest.raises(ValidationFailed, match="code cannot change once scoring"):
        await service.register_subjects(
            s.officer, s.evaluation_id, [{"ref": "bid:4", "name": "Late", "code": "NEW1"}]
        )


async def test_an_excluded_subject_leaves_the_ranking_with_its_reason(make_user, make_authority):
    s = await make_scenario(make_user, make_authority, evaluators=1)
    evaluator = s.evaluators[0]
    await s.declare_all(evaluator)
    await score_all(s, evaluator)
    await sheets.submit_sheet(evaluator, s.evaluation_id)
    await service.finalise_quality(s.officer, s.evaluation_id)
    with pytest.raises(ValidationFailed, match="prices: bid:1 has no price"):
        await service.confirm_ranking(s.officer, s.evaluation_id)
    with pytest.raises(ValidationFailed) as refused:
        await service.set_prices(
            s.officer,
            s.evaluation_id,
            {"bid:1": "-5", "bid:2": "12,50", "bid:9": "10"},
            by_owner=True,
        )
    assert [p.render() for p in refused.value.problems] == [
        "prices.bid:1: A price must be above 0",
        "prices.bid:9: No subject bid:9 in this evaluation",
    ]
    assert await Subject.count().where(Subject.price.is_not_null()) == 0
    await service.set_prices(
        s.officer, s.evaluation_id, {"bid:1": "100", "bid:2": "90", "bid:3": "80"}, by_owner=True
    )
    await service.confirm_ranking(s.officer, s.evaluation_id)
    with pytest.raises(DomainError, match="prices can no longer change"):
        await service.set_prices(s.officer, s.evaluation_id, {"bid:1": "70"}, by_owner=True)
    await service.exclude_subject(s.officer, s.evaluation_id, "bid:3", "Bid withdrawn")
    status = await service.status(s.officer, s.evaluation_id)
    assert status.phase is Phase.QUALITY_FINAL and not status.complete
    result = await service.ranking(s.officer, s.evaluation_id)
    gone = result.subject("bid:3")
    assert gone.excluded and gone.rank is None and result.winners == ("bid:2",)
    assert result.subjects[-1].ref == "bid:3"
    with pytest.raises(DomainError, match="already excluded"):
        await service.exclude_subject(s.officer, s.evaluation_id, "bid:3", "twice")
    with pytest.raises(NotFound):
        await service.exclude_subject(s.officer, s.evaluation_id, "bid:99", "unknown")


async def test_owners_find_their_evaluations_and_who_may_see_a_subject(make_user, make_authority):
    s = await make_scenario(make_user, make_authority, evaluators=1)
    other = await service.create_evaluation(
        s.officer,
        {
            "title": "Lot 2",
            "authority_id": s.authority_id,
            "currency": "EUR",
            "owner_ref": "tender:12/lot:2",
        },
    )
    assert [e.id for e in await service.evaluations_of(s.officer, "tender:12/", prefix=True)] == [
        s.evaluation_id,
        other.id,
    ]
    assert [e.title for e in await service.evaluations_of(s.officer, "tender:12/lot:2")] == [
        "Lot 2"
    ]
    stranger = await make_user("officer")
    assert await service.evaluations_of(stranger, "tender:12/", prefix=True) == []
    with pytest.raises(NotFound):
        await service.get_evaluation(stranger, s.evaluation_id)
    with pytest.raises(Forbidden):
        await service.create_evaluation(
            stranger, {"title": "Not mine", "authority_id": s.authority_id, "currency": "EUR"}
        )
    evaluator = s.evaluators[0]
    assert not await service.can_view_subject(evaluator, s.evaluation_id, "bid:1")
    await s.declare_all(evaluator, conflicts={"bid:2": "Board member"})
    assert await service.can_view_subject(evaluator, s.evaluation_id, "bid:1")
    assert not await service.can_view_subject(evaluator, s.evaluation_id, "bid:2")
    assert await service.can_view_subject(s.officer, s.evaluation_id, "bid:2")
    assert not await service.can_view_subject(stranger, s.evaluation_id, "bid:1")
    assert (await service.status(s.officer, s.evaluation_id)).conflicts == 1
    links = service.links(s.evaluation_id)
    assert links.sheet == f"/scoring/evaluations/{s.evaluation_id}/sheet"
    assert (await service.get_evaluation(evaluator, s.evaluation_id)).links == links


async def test_the_pages_speak_dutch_to_a_dutch_evaluator(login, make_user, make_authority):
    s = await make_scenario(make_user, make_authority, evaluators=0)
    dutch = await make_user("evaluator", language="nl")
    await service.assign(s.officer, s.evaluation_id, dutch.id)
    client = await login(dutch)
    page = text_of((await client.get(f"/scoring/evaluations/{s.evaluation_id}/sheet")).text)
    assert "Uw scores" in page and "Verklaar voor nog 3 inzendingen" in page
    dashboard = text_of((await client.get("/")).text)
    assert "Uw beoordelingen" in dashboard and "Household help, lot 1" in dashboard
    await s.declare_all(dutch)
    code = (await s.codes())["bid:1"]
    criteria = await s.criteria()
    refused = await client.put(
        f"/api/v1/scoring/evaluations/{s.evaluation_id}/sheet/{code}",
        json=[{"criterion_id": criteria["Team"], "value": "11"}],
    )
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        {"location": f"value-{criteria['Team']}", "message": "11 ligt boven het maximum 10"}
    ]
    assert await Score.count() == 0
    value = Decimal("7.5")
    saved = await client.put(
        f"/api/v1/scoring/evaluations/{s.evaluation_id}/sheet/{code}",
        json=[{"criterion_id": criteria["Team"], "value": "7,5"}],
    )
    assert saved.status_code == 200
    assert (await Score.select(Score.value).first())["value"] == value
