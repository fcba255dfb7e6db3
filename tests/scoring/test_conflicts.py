"""A refusal because a sheet or the evaluation is no longer as the action needs names who
made it so, and when (local time in the site's zone, Amsterdam: 10:00 is 09:00 UTC).

Sequential on every database (PostgreSQL's races: ``tests/test_races.py`` and
``test_races.py`` here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from common.clock import FixedClock, use_clock
from common.errors import DomainError
from scoring import service, sheets
from scoring.tables import Assignment
from tests.scoring.conftest import Scenario, make_scenario
from tests.scoring.test_rules import score_all

ON_THE_DAY = "on 2 Mar 2026, 10:00)"


@pytest.fixture
async def scored(make_user, make_authority) -> AsyncIterator[Scenario]:
    """The first evaluator's sheet submitted on 2 March 2026, 10:00 in Amsterdam."""
    with use_clock(FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))):
        s = await make_scenario(make_user, make_authority)
        first = s.evaluators[0]
        await s.declare_all(first)
        await score_all(s, first)
        await sheets.submit_sheet(first, s.evaluation_id)
        yield s


async def _refusal(action) -> str:
    with pytest.raises(DomainError) as refused:
        await action
    return str(refused.value)


async def test_a_submitted_sheet_names_its_submission(scored) -> None:
    s = scored
    first = s.evaluators[0]
    told = f"({first.name} submitted their scores in evaluation {s.evaluation_id} {ON_THE_DAY}"
    refused = await _refusal(s.score(first, "bid:1", {"Method": "10"}))
    assert refused == (
        f"Your sheet has been submitted; ask the lead officer to reopen it to change a score {told}"
    )
    assert await _refusal(sheets.submit_sheet(first, s.evaluation_id)) == (
        f"Your sheet has already been submitted {told}"
    )


async def test_reopening_a_reopened_sheet_names_who_reopened_it(scored, make_user) -> None:
    s = scored
    other = await make_user("officer", authorities=[s.authority_id], name="Lea Tweede")
    [sheet] = await Assignment.select().where(Assignment.evaluator == s.evaluators[0].id)
    await service.reopen_sheet(other, s.evaluation_id, sheet["id"], "Wrong document")
    refused = await _refusal(
        service.reopen_sheet(s.officer, s.evaluation_id, sheet["id"], "Wrong document")
    )
    assert refused == (
        "This sheet has not been submitted (Lea Tweede reopened a sheet of "
        f"evaluation {s.evaluation_id} {ON_THE_DAY}"
    )


async def test_final_quality_names_who_made_it_final(scored, make_user) -> None:
    s = scored
    second = s.evaluators[1]
    await s.declare_all(second)
    await score_all(s, second)
    await sheets.submit_sheet(second, s.evaluation_id)
    await service.finalise_quality(s.officer, s.evaluation_id)
    told = (
        f"({s.officer.name} made the quality scores of evaluation {s.evaluation_id} "
        f"final {ON_THE_DAY}"
    )
    assert await _refusal(service.finalise_quality(s.officer, s.evaluation_id)) == (
        f"Quality is already final {told}"
    )
    [sheet] = await Assignment.select().where(Assignment.evaluator == second.id)
    assert await _refusal(
        service.reopen_sheet(s.officer, s.evaluation_id, sheet["id"], "Too late")
    ) == (f"Quality is final; this can no longer change {told}")
