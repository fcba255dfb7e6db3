"""Scoresheets through the app: the evaluator's page and API, the consensus workbook, the
deadline on the evaluation page."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook

from scoring import service, sheets
from scoring.tables import Consensus, Evaluation, Score
from tests.scoring.conftest import make_scenario
from tests.scoring.scoresheet_support import fill, rows_of, stored_scores
from tests.support.http import csrf_token, post_form, text_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def upload(client, url: str, data: bytes, filename: str = "scores.xlsx", **fields: str):
    token = await csrf_token(client)
    return await client.post(
        url, data={"_csrf_token": token, **fields}, files={"file": (filename, data, XLSX)}
    )


async def test_evaluator_downloads_uploads_with_problems_then_stores(scenario, login):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    client = await login(evaluator)
    base = f"/scoring/evaluations/{scenario.evaluation_id}"
    page = text_of((await client.get(f"{base}/sheet")).text)
    assert "Download my scoresheet (.xlsx)" in page
    response = await client.get(f"{base}/scoresheet")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(XLSX)
    assert "attachment" in response.headers["content-disposition"]
    data = response.content
    assert len(rows_of(data)) == 9

    bad = fill(data, {3: (11, "Too good"), 2: (8, None), 4: ("=1+0", "x")})
    refused = await upload(client, f"{base}/scoresheet", bad)
    assert refused.status_code == 422
    text = text_of(refused.text)
    assert "The workbook was not stored: 3 problems" in text
    assert "Scores!E3: 11 is above the maximum 10" in text
    assert "Scores!F2: justification is required" in text
    assert "Scores!E4: a formula is not a score; type the number" in text
    assert await Score.count() == 0

    good = fill(data, {3: (9.5, "Very good"), 2: (8, "Clear"), 4: (1, "")})
    stored = await upload(client, f"{base}/scoresheet", good)
    assert stored.status_code == 200
    text = text_of(stored.text)
    assert "Your scores have been stored as drafts." in text
    assert "Scores!E3 Zorg Plus BV Plan of approach › Team – 9.5 changed" in text
    assert (await stored_scores(evaluator, scenario))[("bid:1", "Team")] == (
        Decimal("9.5"),
        "Very good",
    )
    sheet_page = text_of((await client.get(f"{base}/sheet")).text)
    assert "3 of 3 criteria" in sheet_page


async def test_an_upload_without_a_file_is_refused(scenario, login):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    client = await login(evaluator)
    response = await post_form(
        client, f"/scoring/evaluations/{scenario.evaluation_id}/scoresheet", {"submit": "on"}
    )
    assert response.status_code == 422
    assert "Choose the filled-in workbook (.xlsx) to upload" in text_of(response.text)


async def test_the_api_takes_a_sheet_and_submits_it(scenario, login):
    evaluator = scenario.evaluators[0]
    await scenario.declare_all(evaluator)
    client = await login(evaluator)
    api = f"/api/v1/scoring/evaluations/{scenario.evaluation_id}/scoresheet"
    data = (await client.get(api)).content
    values = {
        row: (8 if row % 3 == 2 else (7 if row % 3 == 0 else 0), "Because") for row in range(2, 11)
    }
    refused = await client.post(api, files={"file": ("s.xlsx", fill(data, {2: (3, "x")}), XLSX)})
    assert refused.status_code == 422
    body = refused.json()
    assert "Scores!E2" in str(body) and "3 is not one of the levels" in str(body)
    response = await client.post(
        api, data={"submit": "true"}, files={"file": ("s.xlsx", fill(data, values), XLSX)}
    )
    assert response.status_code == 201, response.text
    summary = response.json()
    assert summary["added"] == 9 and summary["submitted"] is True
    assert (await sheets.sheet(evaluator, scenario.evaluation_id)).submitted_at is not None


async def test_consensus_workbook_round_trip(make_user, make_authority, login):
    s = await make_scenario(make_user, make_authority, spread_limit="30")
    for evaluator, method in zip(s.evaluators, ("8", "2"), strict=True):
        await s.declare_all(evaluator)
        for ref in ("bid:1", "bid:2", "bid:3"):
            await s.score(
                evaluator,
                ref,
                {"Method": method, "Team": "7", "Certified": "1"},
                justification=f"View {method}",
            )
        await sheets.submit_sheet(evaluator, s.evaluation_id)
    officer = await login(s.officer)
    base = f"/scoring/evaluations/{s.evaluation_id}/consensus"
    data = (await officer.get(f"{base}/workbook")).content
    rows = rows_of(data, "Consensus")
    assert len(rows) == 9
    names = sorted(e.name for e in s.evaluators)
    first = rows[0]
    assert first[0] == "Zorg Plus BV" and first[1] == "Plan of approach › Method"
    assert {first[3], first[5]} == {8, 2}
    assert {first[4], first[6]} == {"View 8", "View 2"}
    assert first[7:10] == (5, 6, "yes")  # mean, spread, flagged
    header = [c.value for c in load_workbook(io.BytesIO(data))["Consensus"][1]]
    assert header[3] == f"{names[0]}: score"
    assert header[-2:] == ["Consensus score", "Justification"]

    bad = fill(data, {2: (6, None)}, sheet="Consensus", columns=("K", "L"))
    refused = await upload(officer, f"{base}/workbook", bad)
    assert refused.status_code == 422
    assert "Consensus!L2: justification is required" in text_of(refused.text)
    good = fill(data, {2: (6, "Agreed: sufficient")}, sheet="Consensus", columns=("K", "L"))
    stored = await upload(officer, f"{base}/workbook", good)
    assert stored.status_code == 200, text_of(stored.text)
    assert "The consensus scores have been stored." in text_of(stored.text)
    found = await Consensus.select(Consensus.value, Consensus.justification)
    assert found == [{"value": Decimal("6"), "justification": "Agreed: sufficient"}]
    # The workbook made now carries the consensus; emptying both cells clears it.
    again = (await officer.get(f"{base}/workbook")).content
    assert rows_of(again, "Consensus")[0][10:12] == (6, "Agreed: sufficient")
    cleared = await upload(
        officer,
        f"{base}/workbook",
        fill(again, {2: (None, None)}, sheet="Consensus", columns=("K", "L")),
    )
    assert cleared.status_code == 200
    assert await Consensus.count() == 0


async def test_officer_sets_the_deadline_in_local_time(scenario, login):
    officer = await login(scenario.officer)
    base = f"/scoring/evaluations/{scenario.evaluation_id}"
    response = await post_form(officer, f"{base}/scores-due", {"scores_due_at": "2026-12-01T17:00"})
    assert response.status_code == 303
    row = await Evaluation.select(Evaluation.scores_due_at).first()
    assert row["scores_due_at"] == datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    page = (await officer.get(base)).text
    assert 'value="2026-12-01T17:00"' in page
    assert "The deadline for the scores has been saved." in text_of(page)
    refused = await post_form(officer, f"{base}/scores-due", {"scores_due_at": "soon"})
    assert refused.status_code == 303
    assert "soon is not a date and time" in text_of((await officer.get(base)).text)
    api = await officer.put(
        f"/api/v1/scoring/evaluations/{scenario.evaluation_id}/scores-due",
        json={"scores_due_at": None},
    )
    assert api.status_code == 200 and api.json()["scores_due_at"] is None
    evaluator = scenario.evaluators[0]
    await service.set_scores_due(scenario.officer, scenario.evaluation_id, "2026-12-01T17:00")
    await scenario.declare_all(evaluator)
    page = text_of((await (await login(evaluator)).get(f"{base}/sheet")).text)
    assert "Scores are due on 1 Dec 2026, 17:00" in page
