"""An evaluator's changes at the same moment: submitting while drafts are saved, the same
scoresheet uploaded five times at once.

On PostgreSQL a draft saved while the sheet was being submitted used to change the submitted
scores afterwards (stored scores no longer those audited as ``score.submitted``), and
concurrent uploads failed with 500 (``scoring_score_uq``). The sheet's row lock
(``scoring.access.as_evaluator``) puts an evaluator's changes one after the other: a draft
save after the submit is refused, a later upload works on what the earlier one stored.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

from audit.tables import AuditEvent
from tests.scoring.conftest import FULL_MARKS
from tests.scoring.scoresheet_support import fill, stored_scores
from tests.scoring.test_scoresheet_pages import XLSX
from tests.support.http import sign_in

REFS = ("bid:1", "bid:2", "bid:3")


async def _audited(evaluation_id: int) -> dict[tuple[str, str], Decimal]:
    rows = await AuditEvent.select(AuditEvent.after).where(
        (AuditEvent.action == "score.submitted") & (AuditEvent.object_id == str(evaluation_id))
    )
    found = {}
    for row in rows:
        after = json.loads(row["after"])
        found[(after["ref"], after["criterion"])] = Decimal(str(after["value"]))
    return found


async def test_submit_racing_draft_saves_keeps_the_audited_scores(
    scenario, parallel_client_factory
) -> None:
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    for ref in REFS:
        await scenario.score(evaluator, ref, FULL_MARKS)
    criteria, codes = await scenario.criteria(), await scenario.codes()
    base = f"/api/v1/scoring/evaluations/{scenario.evaluation_id}"
    async with parallel_client_factory() as submitter, parallel_client_factory() as saver:
        await sign_in(submitter, evaluator.email)
        await sign_in(saver, evaluator.email)

        def save(ref: str, mark: str):
            return saver.put(
                f"{base}/sheet/{codes[ref]}",
                json=[
                    {
                        "criterion_id": criteria["Method"],
                        "value": mark,
                        "justification": "Second thoughts",
                    }
                ],
            )

        answers = await asyncio.gather(
            save("bid:1", "2"),
            submitter.post(f"{base}/submit"),
            save("bid:2", "4"),
            save("bid:3", "6"),
        )
        statuses = [a.status_code for a in answers]
        assert statuses[1] == 204, answers[1].text
        saves = statuses[:1] + statuses[2:]
        assert all(status in (200, 409) for status in saves), [a.text for a in answers]
        late = await save("bid:1", "10")
        assert late.status_code == 409
    stored = {key: value for key, (value, _) in (await stored_scores(evaluator, scenario)).items()}
    assert stored == await _audited(scenario.evaluation_id)
    assert stored[("bid:1", "Method")] != Decimal(10)


async def test_the_same_sheet_uploaded_five_times_at_once(
    scenario, parallel_client_factory
) -> None:
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    api = f"/api/v1/scoring/evaluations/{scenario.evaluation_id}/scoresheet"
    clients = [parallel_client_factory() for _ in range(5)]
    try:
        for client in clients:
            await client.__aenter__()
            await sign_in(client, evaluator.email)
        blank = (await clients[0].get(api)).content
        values = {
            row: (8 if row % 3 == 2 else (7 if row % 3 == 0 else 0), "Because")
            for row in range(2, 11)
        }
        data = fill(blank, values)
        answers = await asyncio.gather(
            *[client.post(api, files={"file": ("scores.xlsx", data, XLSX)}) for client in clients]
        )
    finally:
        for client in clients:
            await client.__aexit__(None, None, None)
    statuses = [a.status_code for a in answers]
    assert all(status in (201, 409) for status in statuses), [a.text for a in answers]
    assert 201 in statuses
    stored = await stored_scores(evaluator, scenario)
    assert len(stored) == 9
    assert {text for _, text in stored.values()} == {"Because"}
    added = [a.json()["added"] for a in answers if a.status_code == 201]
    assert sorted(added) == [0] * (len(added) - 1) + [9]  # the first stored them all
