"""Evaluation options are validated on every path that stores them (issue 14), and a bad value
stored before that never breaks a page, the quality check or the consensus matrix."""

import pytest

from common.errors import ValidationFailed
from scoring import service, sheets
from scoring.domain import validate_options
from scoring.tables import Evaluation
from tests.scoring.conftest import make_scenario

BAD = [
    ({"aggregation": "mode"}, "aggregation"),
    ({"winners": "0"}, "winners"),
    ({"total_points": "-5"}, "total_points"),
    ({"spread_limit": "150"}, "spread_limit"),
]


@pytest.mark.parametrize(("option", "field"), BAD)
def test_validate_options_fills_the_callers_empty_collector(option, field):
    from common.errors import ProblemCollector

    problems = ProblemCollector()  # empty, so falsy: the problems must still land in it
    validate_options(option, problems)
    assert [p.location for p in problems.problems] == [field]


@pytest.mark.parametrize(("option", "field"), BAD)
async def test_create_evaluation_refuses_invalid_options(
    db, make_user, make_authority, option, field
):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    with pytest.raises(ValidationFailed) as refused:
        await service.create_evaluation(
            officer,
            {"title": "Day support", "authority_id": authority["id"], "currency": "EUR", **option},
        )
    assert [p.location for p in refused.value.problems] == [field]
    assert await Evaluation.count() == 0


@pytest.mark.parametrize(("option", "field"), BAD)
async def test_update_settings_refuses_invalid_options(
    db, make_user, make_authority, option, field
):
    s = await make_scenario(make_user, make_authority, freeze=False)
    with pytest.raises(ValidationFailed) as refused:
        await service.update_settings(
            s.officer, s.evaluation_id, {"title": "Day support", **option}
        )
    assert [p.location for p in refused.value.problems] == [field]
    row = await Evaluation.select().where(Evaluation.id == s.evaluation_id).first()
    assert (row["aggregation"], row["winners"], row["spread_limit"]) == ("mean", 1, None)


async def test_a_stored_unknown_aggregation_breaks_nothing(db, make_user, make_authority):
    """Rows stored before the options were validated: status, the consensus matrix,
    finalising quality and the ranking work, combining by the mean."""
    s = await make_scenario(make_user, make_authority)
    await Evaluation.update({Evaluation.aggregation: "mode"}).where(
        Evaluation.id == s.evaluation_id
    )
    for evaluator in s.evaluators:
        await s.declare_all(evaluator)
        for ref in ("bid:1", "bid:2", "bid:3"):
            await s.score(evaluator, ref, {"Method": "8", "Team": "7", "Certified": "1"})
        await sheets.submit_sheet(evaluator, s.evaluation_id)
    status = await service.status(s.officer, s.evaluation_id)
    assert status.sheets_submitted == 2
    matrix = await service.consensus_matrix(s.officer, s.evaluation_id)
    assert matrix.evaluation.options.aggregation == "mean"
    final = await service.finalise_quality(s.officer, s.evaluation_id)
    assert final.quality_final
    await service.set_prices(
        s.officer,
        s.evaluation_id,
        {"bid:1": "150000", "bid:2": "100000", "bid:3": "120000"},
        by_owner=True,
    )
    ranking = await service.ranking(s.officer, s.evaluation_id)
    assert ranking.winners == ("bid:2",)
