"""The scoring pages through the app: officers, evaluators, what each may see and do."""

from decimal import Decimal

from audit.tables import AuditEvent
from scoring import service, sheets
from scoring.tables import CriterionRow, Declaration, Score
from tests.scoring.conftest import make_scenario
from tests.support.http import post_form, text_of

# A criterion as the API takes it: numbers as JSON numbers.
REACH = {
    "name": "Reach",
    "kind": "quality",
    "weight": 60,
    "scale_type": "range",
    "scale_min": 0,
    "scale_max": 10,
    "scale_step": 1,
}


async def test_officer_pages_show_the_evaluation(login, make_user, make_authority):
    s = await make_scenario(make_user, make_authority, spread_limit="30")
    officer = await login(s.officer)
    base = f"/scoring/evaluations/{s.evaluation_id}"
    overview = text_of((await officer.get(base)).text)
    assert "Household help, lot 1" in overview and "Zorg Plus BV" in overview
    assert "Make quality final" in overview and "2 of 2 sheets are not submitted" in overview
    criteria = text_of((await officer.get(f"{base}/criteria")).text)
    assert "The weights add up to 100 of 100 points." in criteria
    assert (
        "0 = insufficient, 2 = poor" in criteria
        and "A number from 0 to 10 in steps of 0.5" in criteria
    )
    assignments = text_of((await officer.get(f"{base}/assignments")).text)
    assert "0 declared, 3 to declare" in assignments
    consensus = text_of((await officer.get(f"{base}/consensus")).text)
    assert "9 scores are missing." in consensus
    ranking = text_of((await officer.get(f"{base}/ranking")).text)
    assert "The ranking is shown once quality is final" in ranking
    listing = text_of((await officer.get("/scoring")).text)
    # the title names the lot; the internal reference is not shown
    assert "Household help, lot 1" in listing and "tender:12/lot:1" not in listing
    dashboard = text_of((await officer.get("/")).text)
    assert "Evaluations" in dashboard and "Household help, lot 1" in dashboard


async def test_a_bad_criterion_is_refused_field_by_field(login, make_user, make_authority):
    s = await make_scenario(make_user, make_authority, freeze=False)
    officer = await login(s.officer)
    base = f"/scoring/evaluations/{s.evaluation_id}"
    before = await CriterionRow.count()
    refused = await post_form(
        officer,
        f"{base}/criteria",
        {"name": "Price", "kind": "price", "weight": "ten", "formula": ""},
    )
    assert refused.status_code == 422
    text = text_of(refused.text)
    assert "ten is not a number" in text and "A price criterion needs one of the formulas" in text
    assert await CriterionRow.count() == before
    added = await post_form(
        officer,
        f"{base}/criteria",
        {
            "name": "Sustainability",
            "kind": "quality",
            "weight": "5",
            "scale_type": "range",
            "scale_min": "0",
            "scale_max": "5",
            "scale_step": "1",
        },
    )
    assert added.status_code == 303
    frozen = await post_form(officer, f"{base}/freeze")
    assert frozen.status_code == 303
    shown = text_of((await officer.get(frozen.headers["location"])).text)
    assert "The weights add up to 105 points, not to the stated total of 100" in shown


async def test_evaluator_declares_scores_and_submits_through_the_pages(
    login, make_user, make_authority
):
    s = await make_scenario(make_user, make_authority, evaluators=1)
    evaluator = s.evaluators[0]
    client = await login(evaluator)
    base = f"/scoring/evaluations/{s.evaluation_id}"
    ids = await s.subject_ids()
    page = text_of((await client.get(f"{base}/declarations")).text)
    assert page.index("Samen Sterk") < page.index("Thuishulp West") < page.index("Zorg Plus")
    refused = await post_form(
        client, f"{base}/declarations", {f"answer-{ids['bid:1']}": "conflict"}
    )
    assert refused.status_code == 422
    assert "Describe the conflict of interest" in text_of(refused.text)
    assert await Declaration.count() == 0
    done = await post_form(
        client,
        f"{base}/declarations",
        {
            f"answer-{ids['bid:1']}": "conflict",
            f"note-{ids['bid:1']}": "Former employer",
            "all_none": "1",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == f"{base}/sheet"
    sheet = text_of((await client.get(f"{base}/sheet")).text)
    assert "Thuishulp West" in sheet and "Zorg Plus BV" not in sheet

    codes = await s.codes()
    criteria = await s.criteria()
    code = codes["bid:2"]
    form = text_of((await client.get(f"{base}/sheet/{code}")).text)
    assert "Method" in form and "A number from 0 to 10 in steps of 0.5" in form
    typed = await post_form(
        client,
        f"{base}/sheet/{code}/{criteria['Team']}",
        {f"value-{criteria['Team']}": "11"},
        headers={"hx-request": "true"},
    )
    assert typed.status_code == 422
    assert text_of(typed.text) == "Not saved: 11 is above the maximum 10"
    typed = await post_form(
        client,
        f"{base}/sheet/{code}/{criteria['Team']}",
        {f"value-{criteria['Team']}": "7,5", f"justification-{criteria['Team']}": "Experienced"},
        headers={"hx-request": "true"},
    )
    assert typed.status_code == 200 and text_of(typed.text) == "Draft saved."
    saved = await Score.select(Score.value, Score.justification).first()
    assert saved == {"value": Decimal("7.50"), "justification": "Experienced"}

    early = await post_form(client, f"{base}/submit", {"confirm": "yes"})
    assert early.status_code == 422
    assert "Thuishulp West · Method: No score yet" in text_of(early.text)
    for ref in ("bid:2", "bid:3"):
        response = await post_form(
            client,
            f"{base}/sheet/{codes[ref]}",
            {
                f"value-{criteria['Method']}": "6",
                f"justification-{criteria['Method']}": "Clear",
                f"value-{criteria['Team']}": "8",
                f"justification-{criteria['Team']}": "Strong",
                f"value-{criteria['Certified']}": "1",
            },
        )
        assert response.status_code == 303
    submitted = await post_form(client, f"{base}/submit", {"confirm": "yes"})
    assert submitted.status_code == 303
    assert "You submitted your scores" in text_of((await client.get(f"{base}/sheet")).text)
    late = await post_form(client, f"{base}/sheet/{code}", {f"value-{criteria['Method']}": "10"})
    assert late.status_code == 303  # refused; the message is shown where the form was
    follow = text_of((await client.get(late.headers["location"])).text)
    assert "Your sheet has been submitted; ask the lead officer to reopen it" in follow
    assert (await Score.select(Score.value).where(Score.criterion == criteria["Method"]).first())[
        "value"
    ] == Decimal("6")


async def test_a_declared_conflict_closes_the_subject_on_pages_and_api(
    login, make_user, make_authority
):
    s = await make_scenario(make_user, make_authority, evaluators=1)
    evaluator = s.evaluators[0]
    await s.declare_all(evaluator, conflicts={"bid:1": "My brother runs it"})
    client = await login(evaluator)
    code = (await s.codes())["bid:1"]
    criteria = await s.criteria()
    base = f"/scoring/evaluations/{s.evaluation_id}"
    api = f"/api/v1/scoring/evaluations/{s.evaluation_id}"
    assert (await client.get(f"{base}/sheet/{code}")).status_code == 404
    save = await post_form(
        client,
        f"{base}/sheet/{code}/{criteria['Method']}",
        {f"value-{criteria['Method']}": "8"},
        headers={"hx-request": "true"},
    )
    assert save.status_code == 404
    assert (await client.get(f"{api}/sheet/{code}")).status_code == 404
    put = await client.put(
        f"{api}/sheet/{code}",
        json=[{"criterion_id": criteria["Method"], "value": "8", "justification": "x"}],
    )
    assert put.status_code == 404
    assert await Score.count() == 0
    sheet = (await client.get(f"{api}/sheet")).json()
    assert code not in [subject["code"] for subject in sheet["subjects"]]
    officer = await login(s.officer)
    overview = text_of((await officer.get(base)).text)
    assert (
        f"{evaluator.name} declared a conflict of interest with Zorg Plus BV: My brother "
        "runs it" in overview
    )
    notices = (await officer.get("/api/v1/scoring/notices")).json()
    assert [n["note"] for n in notices] == ["My brother runs it"]


async def test_an_evaluator_never_sees_another_evaluators_drafts(login, make_user, make_authority):
    s = await make_scenario(make_user, make_authority)
    first, second = s.evaluators
    await s.declare_all(first)
    await s.declare_all(second)
    await s.score(first, "bid:2", {"Method": "8"}, justification="Secret draft remark")
    code = (await s.codes())["bid:2"]
    theirs = await login(second)
    page = (await theirs.get(f"/scoring/evaluations/{s.evaluation_id}/sheet/{code}")).text
    assert "Secret draft remark" not in page
    api = (await theirs.get(f"/api/v1/scoring/evaluations/{s.evaluation_id}/sheet/{code}")).json()
    assert all(e["value"] is None and e["justification"] == "" for e in api["entries"])
    officer = await login(s.officer)
    ids = await s.subject_ids()
    for url in (
        f"/scoring/evaluations/{s.evaluation_id}/consensus/{ids['bid:2']}",
        f"/api/v1/scoring/evaluations/{s.evaluation_id}/consensus/{ids['bid:2']}",
        f"/api/v1/scoring/evaluations/{s.evaluation_id}/consensus",
    ):
        assert "Secret draft remark" not in (await officer.get(url)).text
    # Evaluators have no access to the officers' views at all.
    assert (
        await theirs.get(f"/scoring/evaluations/{s.evaluation_id}/consensus")
    ).status_code == 403
    stranger = await login(await make_user("evaluator"))
    assert (await stranger.get(f"/scoring/evaluations/{s.evaluation_id}/sheet")).status_code == 404


async def test_nobody_sees_sealed_prices_before_quality_is_final(login, make_user, make_authority):
    s = await make_scenario(make_user, make_authority, evaluators=1, two_envelope=True)
    await service.set_prices(s.officer, s.evaluation_id, {"bid:1": "87654.32"}, by_owner=True)
    admin = await make_user("admin")
    finance = await make_user("finance", authorities=[s.authority_id])
    evaluator = s.evaluators[0]
    await s.declare_all(evaluator)
    base = f"/scoring/evaluations/{s.evaluation_id}"
    api = f"/api/v1/scoring/evaluations/{s.evaluation_id}"
    needles = ("87654", "87.654", "87,654")
    for who, urls in (
        (s.officer, [base, f"{api}/subjects", f"{base}/ranking", f"{api}/status"]),
        (admin, [base, f"{api}/subjects", "/admin/audit", "/api/v1/audit/events"]),
        (finance, [base, f"{api}/subjects"]),
        (evaluator, [f"{base}/sheet", f"{api}/sheet", f"{base}/declarations"]),
    ):
        client = await login(who)
        for url in urls:
            response = await client.get(url)
            assert response.status_code == 200, (who.role, url)
            assert not any(n in response.text for n in needles), (who.role, url)
        if who is s.officer:
            ranking = await client.get(f"{api}/ranking")
            assert ranking.status_code == 409
            assert ranking.json()["detail"] == ("The ranking can be computed once quality is final")
    for ref in ("bid:1", "bid:2", "bid:3"):
        await s.score(evaluator, ref, {"Method": "8", "Team": "7", "Certified": "1"})
    await sheets.submit_sheet(evaluator, s.evaluation_id)
    await service.finalise_quality(s.officer, s.evaluation_id)
    officer = await login(s.officer)
    # Quality final opens nothing: two different officers open the prices on the overview.
    page = text_of((await officer.get(base)).text)
    assert "87,654" not in page and "sealed until two officers open them" in page
    assert (await officer.get(f"{api}/ranking")).status_code == 409
    await post_form(officer, f"{base}/price-opening", {})
    page = text_of((await officer.get(base)).text)
    assert "87,654" not in page and "a second officer confirms" in page
    refused = await officer.post(f"{api}/quality/price-opening")
    assert refused.status_code == 409 and "second, different officer" in refused.json()["detail"]
    second = await login(await make_user("officer", authorities=[s.authority_id]))
    answer = await second.post(f"{api}/quality/price-opening")
    assert answer.status_code == 200 and answer.json()["prices_sealed"] is False
    page = text_of((await officer.get(base)).text)
    assert "87,654.32" in page and "opened at" in page


async def test_blind_evaluation_shows_codes_once_everything_is_declared(
    login, make_user, make_authority
):
    s = await make_scenario(make_user, make_authority, evaluators=1, blind=True)
    evaluator = s.evaluators[0]
    client = await login(evaluator)
    base = f"/scoring/evaluations/{s.evaluation_id}"
    ids = await s.subject_ids()
    await sheets.declare(evaluator, s.evaluation_id, {ids["bid:1"]: ("none", "")})
    waiting = text_of((await client.get(f"{base}/sheet")).text)
    assert "listed by code once you have declared for all of them" in waiting
    codes = await s.codes()
    assert (await client.get(f"{base}/sheet/{codes['bid:1']}")).status_code == 409
    await s.declare_all(evaluator)
    sheet = (await client.get(f"{base}/sheet")).text
    assert all(code in sheet for code in codes.values())
    assert not any(name in sheet for name in ("Zorg Plus", "Thuishulp", "Samen Sterk"))
    subject = (await client.get(f"{base}/sheet/{codes['bid:2']}")).text
    assert "Thuishulp" not in subject and codes["bid:2"] in subject
    matrix = text_of((await (await login(s.officer)).get(f"{base}/consensus")).text)
    assert codes["bid:2"] in matrix and "Thuishulp" not in matrix


async def test_the_whole_use_case_through_the_api(login, make_user, make_authority):
    authority = await make_authority("Gemeente Utrecht")
    officer_user = await make_user("officer", authorities=[authority["id"]])
    evaluator_user = await make_user("evaluator")
    officer = await login(officer_user)
    created = await officer.post(
        "/api/v1/scoring/evaluations",
        json={
            "title": "Day support 2027",
            "authority_id": authority["id"],
            "currency": "EUR",
            "owner_ref": "round:4",
            "owner_url": "/subsidies/4",
            "winners": 2,
        },
    )
    assert created.status_code == 201
    evaluation = created.json()
    api = f"/api/v1/scoring/evaluations/{evaluation['id']}"
    assert evaluation["links"]["ranking"] == f"/scoring/evaluations/{evaluation['id']}/ranking"
    bad = await officer.put(
        f"{api}/criteria",
        json=[REACH],
    )
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        {
            "location": "criteria",
            "message": ("The weights add up to 60 points, not to the stated total of 100"),
        }
    ]
    good = await officer.put(
        f"{api}/criteria",
        json=[
            REACH,
            {
                "name": "Quality of plan",
                "kind": "quality",
                "weight": 40,
                "scale_type": "levels",
                "levels": [
                    {"value": 0, "label": "poor"},
                    {"value": 5, "label": "fair"},
                    {"value": 10, "label": "good"},
                ],
                "minimum": 20,
            },
        ],
    )
    assert good.status_code == 200 and len(good.json()) == 2
    subjects = await officer.put(
        f"{api}/subjects",
        json=[{"ref": f"application:{n}", "name": f"Buurtcentrum {n}"} for n in range(1, 5)],
    )
    assert subjects.status_code == 200 and len(subjects.json()) == 4
    assert (
        await officer.put(f"{api}/assignments", json={"evaluator_id": evaluator_user.id})
    ).status_code == 200
    assert (await officer.post(f"{api}/criteria/freeze")).status_code == 201

    evaluator = await login(evaluator_user)
    rows = (await evaluator.get(f"{api}/declarations")).json()
    declared = await evaluator.put(
        f"{api}/declarations",
        json=[{"subject_id": r["subject_id"], "answer": "none"} for r in rows],
    )
    assert declared.status_code == 200
    sheet = (await evaluator.get(f"{api}/sheet")).json()
    criteria = {c["name"]: c["id"] for c in sheet["criteria"]}
    marks = {
        "Buurtcentrum 1": (9, 10),
        "Buurtcentrum 2": (7, 5),
        "Buurtcentrum 3": (9, 10),
        "Buurtcentrum 4": (10, 0),
    }
    for subject in sheet["subjects"]:
        reach, plan = marks[subject["label"]]
        saved = await evaluator.put(
            f"{api}/sheet/{subject['code']}",
            json=[
                {"criterion_id": criteria["Reach"], "value": str(reach), "justification": "ok"},
                {
                    "criterion_id": criteria["Quality of plan"],
                    "value": str(plan),
                    "justification": "ok",
                },
            ],
        )
        assert saved.status_code == 200
    assert (await evaluator.post(f"{api}/submit")).status_code == 204
    assert (await officer.post(f"{api}/quality/finalise")).status_code == 201
    ranking = (await officer.get(f"{api}/ranking", params={"explain": "application:4"})).json()
    # 1 and 3 tie on 94 total and quality: the lottery decides and is on record.
    order = [(s["ref"], s["rank"], s["total"]) for s in ranking["subjects"]]
    assert {order[0][0], order[1][0]} == {"application:1", "application:3"}
    assert order[2] == ("application:2", 3, "62.00")
    assert ranking["lottery"][0]["refs"] == [order[0][0], order[1][0]]
    assert ranking["winners"] == [order[0][0], order[1][0]]
    out = ranking["subjects"][3]
    assert out["ref"] == "application:4" and out["knocked_out"]
    assert out["reasons"][0]["message"] == ("Quality of plan: 0.00 points, below the minimum of 20")
    plan = next(c for c in out["criteria"] if c["name"] == "Quality of plan")
    assert plan["individual"][0]["justification"] == "ok"
    assert plan["explanation"]["message"] == "Mean score 0 of 10: 40 × 0 / 10 = 0.00"
    brief = (await officer.get(f"{api}/ranking", params={"breakdown": "false"})).json()
    assert [s["ref"] for s in brief["subjects"]] == [s[0] for s in order]
    assert all(s["criteria"] == [] for s in brief["subjects"])
    confirmed = await officer.post(f"{api}/ranking/confirm")
    assert confirmed.status_code == 201 and confirmed.json()["confirmed_at"]
    status = (await officer.get(f"{api}/status")).json()
    assert status["complete"] and status["phase"] == "complete"
    event = await AuditEvent.select().where(AuditEvent.action == "ranking.confirmed").first()
    assert '"lottery":[[' in event["after"]


async def test_officer_records_consensus_and_confirms_the_ranking_on_the_pages(
    login, make_user, make_authority
):
    s = await make_scenario(make_user, make_authority, spread_limit="30")
    first, second = s.evaluators
    for evaluator, method in ((first, "10"), (second, "4")):
        await s.declare_all(evaluator)
        for ref in ("bid:1", "bid:2", "bid:3"):
            await s.score(
                evaluator,
                ref,
                {"Method": method if ref == "bid:1" else "6", "Team": "7", "Certified": "1"},
                justification=f"Reasoned by {evaluator.name}",
            )
        await sheets.submit_sheet(evaluator, s.evaluation_id)
    await service.set_prices(
        s.officer, s.evaluation_id, {"bid:1": "100", "bid:2": "120", "bid:3": "150"}, by_owner=True
    )
    officer = await login(s.officer)
    base = f"/scoring/evaluations/{s.evaluation_id}"
    ids = await s.subject_ids()
    criteria = await s.criteria()
    matrix = text_of((await officer.get(f"{base}/consensus?flagged=1")).text)
    assert "1 flagged score still needs a consensus." in matrix
    assert "flagged: needs a consensus" in matrix and "Zorg Plus BV" in matrix
    assert "Thuishulp West" not in matrix  # filtered: nothing flagged there
    refused = await post_form(officer, f"{base}/finalise", {"confirm": "yes"})
    follow = text_of((await officer.get(refused.headers["location"])).text)
    assert "quality: 1 flagged scores need a consensus" in follow
    detail = text_of((await officer.get(f"{base}/consensus/{ids['bid:1']}")).text)
    assert f"Reasoned by {first.name}" in detail and "spread 6" in detail
    url = f"{base}/consensus/{ids['bid:1']}/{criteria['Method']}"
    missing = await post_form(officer, url, {f"value-{criteria['Method']}": "8"})
    assert missing.status_code == 422
    assert "A justification is required" in text_of(missing.text)
    recorded = await post_form(
        officer,
        url,
        {
            f"value-{criteria['Method']}": "8",
            f"justification-{criteria['Method']}": "Agreed after discussion",
        },
    )
    assert recorded.status_code == 303
    assert (await post_form(officer, f"{base}/finalise", {"confirm": "yes"})).status_code == 303
    ranking = text_of((await officer.get(f"{base}/ranking")).text)
    # bid:1: 25 × 8/10 + 15 × 7/10 = 30.5 + 60 = 90.50; bid:2: 25.5 + 50 = 75.50;
    # bid:3: 25.5 + 40 = 65.50
    assert (
        ranking.index("Zorg Plus BV")
        < ranking.index("Thuishulp West")
        < ranking.index("Samen Sterk")
    )
    assert "90.50" in ranking and "winner" in ranking
    assert "Leaving out any one subject would not change the order among the winners." in ranking
    explained = text_of((await officer.get(f"{base}/ranking/{ids['bid:1']}")).text)
    assert "Consensus score 8 of 10: 25 × 8 / 10 = 20.00" in explained
    assert "Agreed after discussion" in explained and f"Reasoned by {second.name}" in explained
    assert "60 × lowest price 100.00 / price 100.00 = 60.00" in explained
    unconfirmed = await post_form(officer, f"{base}/ranking/confirm")
    assert unconfirmed.status_code == 303
    assert (await service.status(s.officer, s.evaluation_id)).complete is False
    assert (
        await post_form(officer, f"{base}/ranking/confirm", {"confirm": "yes"})
    ).status_code == 303
    assert "Confirmed" in text_of((await officer.get(f"{base}/ranking")).text)
    finance = await login(await make_user("finance", authorities=[s.authority_id]))
    assert "90.50" in text_of((await finance.get(f"{base}/ranking")).text)
    assert (await post_form(finance, f"{base}/ranking/confirm")).status_code == 403
    outsider = await login(await make_user("officer"))
    assert (await outsider.get(f"{base}/ranking")).status_code == 404
