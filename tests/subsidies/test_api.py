"""/api/v1/subsidies: the same use cases as JSON, with messages per field."""

from contextlib import AsyncExitStack
from decimal import Decimal

from subsidies.tables import Application
from tests.subsidies.conftest import APPLICANTS
from tests.support.http import sign_in

ROUND = {
    "title": "Pulje til forsøg med selvvisitering",
    "opens_at": "2020-06-01T07:00:00Z",
    "closes_at": "2020-08-15T10:00:00Z",
    "ceiling": "10000",
    "currency": "DKK",
    "method": "pro_rata",
    "period_start": "2022-11-01",
    "period_end": "2025-12-31",
    "instalments": "yearly",
    "yearly_reports": True,
    "eligibility_criteria": ["Kommunal ansøger"],
    "tiers": [{"up_to": None, "kind": "financial", "months": 4}],
}


def application(name: str, number: str, requested: str) -> dict:
    return {
        "name": name,
        "country": "NL",
        "registration_number": number,
        "requested": requested,
        "activity_plan": "Ontmoeting",
        "target_group": "Ouderen",
        "submitted_at": "2020-08-01T08:00:00Z",
    }


async def test_a_round_through_the_api(client_factory, make_user, make_authority, fixed_clock):
    authority = await make_authority("Socialstyrelsen", country="DK")
    officer = await make_user("officer", authorities=[authority["id"]])
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(client_factory())
        await sign_in(client, officer.email)
        refused = await client.post(
            "/api/v1/subsidies/rounds",
            json={**ROUND, "authority_id": authority["id"], "currency": "XYZ", "method": "dice"},
        )
        assert refused.status_code == 422
        assert {p["location"] for p in refused.json()["problems"]} == {"currency", "method"}
        created = await client.post(
            "/api/v1/subsidies/rounds", json={**ROUND, "authority_id": authority["id"]}
        )
        assert created.status_code == 201, created.text
        round_id = created.json()["id"]
        base = f"/api/v1/subsidies/rounds/{round_id}"
        assert (await client.post(f"{base}/open")).status_code == 201
        lined = await client.put(
            base, json={**ROUND, "authority_id": authority["id"], "budget_line": "§ 15.75.23"}
        )
        assert lined.status_code == 200, lined.text
        assert lined.json()["budget_line"] == "§ 15.75.23"
        changed = await client.put(
            base, json={**ROUND, "authority_id": authority["id"], "ceiling": "20000"}
        )
        assert changed.status_code == 422
        assert changed.json()["problems"][0]["location"] == "ceiling"
        bad = await client.post(f"{base}/applications", json=application("A", "123", "-1"))
        assert bad.status_code == 422
        assert {p["location"] for p in bad.json()["problems"]} == {
            "registration_number",
            "requested",
        }
        ids = []
        for name, number, _, requested in APPLICANTS[:3]:
            answer = await client.post(
                f"{base}/applications", json=application(name, number, requested)
            )
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
        for application_id in ids:
            path = f"/api/v1/subsidies/applications/{application_id}"
            answer = await client.post(f"{path}/steps", json={"action": "complete"})
            assert answer.json()["state"] == "complete"
            answer = await client.post(f"{path}/eligibility", json={"passed": ["Kommunal ansøger"]})
            assert answer.json()["state"] == "eligible"
        listing = (await client.get(f"{base}/applications?state=eligible")).json()
        assert listing["total"] == 3 and listing["counts"] == {"eligible": 3}
        proposal = (await client.post(f"{base}/allocation")).json()
        # 40,000 + 35,000 + 30,000 asked; 10,000 shared pro rata.
        assert [Decimal(line["proposed"]) for line in proposal["lines"]] == [
            Decimal("3809.52"),
            Decimal("3333.33"),
            Decimal("2857.14"),
        ]
        assert proposal["lines"][0]["reasons"][0]["message"].startswith("pro rata: 9.5238%")
        adjusted = await client.put(
            f"{base}/allocation/{ids[0]}", json={"amount": "3810.00", "reason": ""}
        )
        assert adjusted.status_code == 422
        decision = await client.post(f"{base}/decision")
        assert decision.json() == {"granted": 0, "partly_granted": 3, "refused": 0}
        payments = (await client.get(f"{base}/payments")).json()
        first = [p for p in payments if p["application_id"] == ids[0]]
        assert len(payments) == 12 and [p["due_on"] for p in first] == [
            "2022-11-01",
            "2023-01-01",
            "2024-01-01",
            "2025-01-01",
        ]
        paid = await client.put(
            f"/api/v1/subsidies/payments/{payments[0]['id']}", json={"status": "paid"}
        )
        assert paid.status_code == 409
        history = (await client.get(f"/api/v1/subsidies/applications/{ids[0]}/history")).json()
        assert [e["action"] for e in history][-1] == "application.decide"
        summary = (await client.get(base)).json()
        assert Decimal(summary["budget"]["allocated"]) == Decimal("9999.99")
    assert await Application.count() == 3


async def test_an_unknown_step_is_refused_not_taken_as_submit(
    client_factory, make_user, make_authority, fixed_clock
):
    """Issue 14: ``{"action": "typo"}`` used to become ``submit``; it is a 422 naming the steps
    this endpoint takes, and the application stays as it was."""
    authority = await make_authority("Socialstyrelsen", country="DK")
    officer = await make_user("officer", authorities=[authority["id"]])
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(client_factory())
        await sign_in(client, officer.email)
        created = await client.post(
            "/api/v1/subsidies/rounds", json={**ROUND, "authority_id": authority["id"]}
        )
        base = f"/api/v1/subsidies/rounds/{created.json()['id']}"
        assert (await client.post(f"{base}/open")).status_code == 201
        name, number, _, requested = APPLICANTS[0]
        answer = await client.post(
            f"{base}/applications", json=application(name, number, requested)
        )
        path = f"/api/v1/subsidies/applications/{answer.json()['id']}"
        before = answer.json()["state"]
        for action in ("complet", "submit", "decide", ""):
            refused = await client.post(f"{path}/steps", json={"action": action})
            assert refused.status_code == 422, (action, refused.text)
            problem = refused.json()["problems"][0]
            assert problem["location"] == "action"
            assert "ask_information, complete, withdraw, close" in problem["message"]
        assert (await client.get(path)).json()["state"] == before
