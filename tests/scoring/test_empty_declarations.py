"""An empty conflict-of-interest form is refused, not reported as "0 declarations recorded"
(issue 14)."""

import pytest

from common.errors import ValidationFailed
from scoring import sheets
from scoring.tables import Declaration
from tests.scoring.conftest import make_scenario
from tests.support.http import post_form, text_of


async def test_the_service_refuses_nothing_declared(db, make_user, make_authority):
    s = await make_scenario(make_user, make_authority, evaluators=1)
    ids = await s.subject_ids()
    for answers in ({}, {ids["bid:1"]: ("", "")}):
        with pytest.raises(ValidationFailed, match="Nothing was declared") as refused:
            await sheets.declare(s.evaluators[0], s.evaluation_id, answers)
        assert refused.value.problems[0].location.startswith("answer-")
    assert await Declaration.count() == 0


async def test_the_page_says_nothing_was_declared_in_dutch(db, make_user, make_authority, login):
    s = await make_scenario(make_user, make_authority, evaluators=0)
    evaluator = await make_user("evaluator", language="nl")
    from scoring import service

    await service.assign(s.officer, s.evaluation_id, evaluator.id)
    client = await login(evaluator)
    base = f"/scoring/evaluations/{s.evaluation_id}"
    answer = await post_form(client, f"{base}/declarations", {})
    assert answer.status_code == 422
    text = text_of(answer.text)
    assert "Er is niets verklaard" in text and "vastgelegd" not in text.split("Er is")[0]
    assert "0 verklaringen" not in text
    assert await Declaration.count() == 0
