"""The public 360Giving endpoint over a round driven through the services: decided rounds'
grants only, without sign-in, never a round kept out of the open data; keeping one out is an
officer's act with a reason, audited."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from audit.tables import AuditEvent
from common import clock
from common.errors import NotFound, ValidationFailed
from organisations import service as organisations
from subsidies import service
from subsidies.tables import Application, SubsidyRound
from tests.opendata.giving_schema import problems
from tests.subsidies.conftest import NOVEMBER, SEPTEMBER, imported, round_form, row, xlsx
from tests.support.http import csrf_token, post_form, sign_in

URL = "/open-data/360giving/grants.json"
APPLICANTS = [
    ("Stichting Mantelzorg Utrecht", "30123451", "", "30000"),
    ("Buurtteam Overvecht", "30123452", "", "20000"),
    ("Vrijwilligers Centrale Zuid", "30123453", "", "50000.01"),
    ("Stichting Elders", "30123454", "", "1000"),
]


@pytest.fixture
async def decided(make_user, make_authority):
    """A pro-rata round of Utrecht: three granted, one ineligible; and an open round."""
    moment = clock.FixedClock(SEPTEMBER)
    with clock.use_clock(moment):
        authority = await make_authority("Gemeente Utrecht", registration_number="30280353")
        officer = await make_user("officer", authorities=[authority["id"]])
        created = await service.create_round(
            officer, round_form(authority["id"], method="pro_rata", ceiling="10000")
        )
        await service.open_round(officer, created.id)
        found = await service.import_applications(
            officer, created.id, "portal.xlsx", xlsx([row(*a) for a in APPLICANTS])
        )
        await service.complete_many(officer, created.id, found)
        await service.mark_eligible_many(officer, created.id, found[:3])
        await service.mark_eligibility(officer, found[3], [], "Not in Utrecht")
        other = await service.create_round(officer, round_form(authority["id"], title="Open"))
        await service.open_round(officer, other.id)
        await imported(type("S", (), {"officer": officer, "round_id": other.id}), APPLICANTS[3:])
        await service.propose_allocation(officer, created.id)
        moment.current = NOVEMBER
        await service.decide(officer, created.id)
    ids = dict(zip([a[0] for a in APPLICANTS[:3]], found[:3], strict=True))
    return officer, created.id, ids, found[3]


async def _grants(client) -> list[dict]:
    response = await client.get(URL)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    package = response.json()
    # The schema wants at least one grant: a package with none is valid but for that.
    assert problems(package) == ([] if package["grants"] else ["grants: [] should be non-empty"])
    return package["grants"]


async def test_anyone_reads_the_decided_grants(decided, client):
    _, round_id, ids, elders = decided
    granted = {
        r["id"]: r["granted"]
        for r in await Application.select(Application.id, Application.granted).where(
            Application.round == round_id
        )
        if r["granted"]
    }
    assert sorted(granted) == sorted(ids.values()) and elders not in granted
    found = await _grants(client)  # not signed in
    assert {g["id"]: D(str(g["amountAwarded"])) for g in found} == {
        f"360G-tenderdesk-{i}": amount for i, amount in granted.items()
    }
    first = next(g for g in found if g["id"] == f"360G-tenderdesk-{ids['Buurtteam Overvecht']}")
    assert first["recipientOrganization"][0]["id"] == "NL-KVK-30123452"
    assert first["fundingOrganization"] == [{"id": "NL-KVK-30280353", "name": "Gemeente Utrecht"}]
    assert first["currency"] == "EUR"
    assert first["awardDate"] == "2020-11-02T12:00:00+00:00"
    assert first["plannedDates"] == [{"startDate": "2021-01-01", "endDate": "2021-12-31"}]
    assert first["grantProgramme"] == [
        {"code": f"round-{round_id}", "title": "Sociale Prestatie en Dagondersteuning 2021"}
    ]


async def test_pages_follow_the_link_header(decided, client):
    whole = [g["id"] for g in await _grants(client)]
    seen, url = [], f"{URL}?limit=2"
    while url:
        response = await client.get(url)
        assert response.status_code == 200
        assert problems(response.json()) == []
        seen += [g["id"] for g in response.json()["grants"]]
        link = response.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
    assert seen == whole and len(whole) == 3


async def test_an_officer_keeps_a_round_out_with_a_reason(decided, client, client_factory):
    officer, round_id, _, _ = decided
    async with client_factory() as staff:
        await sign_in(staff, officer.email)
        page = await staff.get(f"/subsidies/rounds/{round_id}")
        assert "Keep the grants out of the open data" in page.text
        # No reason: refused, nothing stored, nothing audited.
        refused = await post_form(
            staff, f"/subsidies/rounds/{round_id}/open-data", {"withheld": "on", "reason": " "}
        )
        assert refused.status_code == 303
        assert (await SubsidyRound.select(SubsidyRound.open_data_withheld).first())[
            "open_data_withheld"
        ] is False
        assert "Give the reason" in (await staff.get(f"/subsidies/rounds/{round_id}")).text
        assert len(await _grants(client)) == 3
        answer = await post_form(
            staff,
            f"/subsidies/rounds/{round_id}/open-data",
            {"withheld": "on", "reason": "Names of a women's shelter"},
        )
        assert answer.status_code == 303
        assert await _grants(client) == []
        page = await staff.get(f"/subsidies/rounds/{round_id}")
        assert "Names of a women&#39;s shelter" in page.text
        await post_form(staff, f"/subsidies/rounds/{round_id}/open-data", {"withheld": ""})
    assert len(await _grants(client)) == 3
    events = await AuditEvent.select(
        AuditEvent.action, AuditEvent.actor_id, AuditEvent.after
    ).where(AuditEvent.action.like("round.%open_data"))
    assert [e["action"] for e in events] == [
        "round.withheld_from_open_data",
        "round.published_as_open_data",
    ]
    assert events[0]["actor_id"] == officer.id
    assert json.loads(events[0]["after"])["open_data_reason"] == "Names of a women's shelter"


async def test_only_the_rounds_officers_keep_it_out(decided, make_user, make_authority):
    _, round_id, _, _ = decided
    stranger = await make_user("officer", authorities=[(await make_authority("Zeist"))["id"]])
    with pytest.raises(NotFound):
        await service.set_open_data(stranger, round_id, withheld=True, reason="No")
    with pytest.raises(ValidationFailed) as refused:
        await service.set_open_data(decided[0], round_id, withheld=True, reason="")
    assert refused.value.problems[0].location == "reason"
    assert await AuditEvent.count().where(AuditEvent.action.like("round.%open_data")) == 0


async def test_the_api_keeps_a_round_out_too(decided, client, client_factory):
    officer, round_id, _, _ = decided
    url = f"/api/v1/subsidies/rounds/{round_id}/open-data"
    async with client_factory() as staff:
        await sign_in(staff, officer.email)
        headers = {"x-csrftoken": await csrf_token(staff)}
        refused = await staff.post(url, json={"withheld": True}, headers=headers)
        assert refused.status_code == 422
        assert refused.json()["problems"][0]["location"] == "reason"
        done = await staff.post(url, json={"withheld": True, "reason": "Shelter"}, headers=headers)
        assert done.status_code == 201, done.text
        assert done.json()["open_data_withheld"] is True
        assert done.json()["open_data_reason"] == "Shelter"
    assert await _grants(client) == []
    anonymous = await client.post(url, json={"withheld": False})
    assert anonymous.status_code == 401
    assert await _grants(client) == []


async def test_a_dutch_sole_trader_is_left_out_by_default(decided, client):
    officer, _, ids, _ = decided
    row = (
        await Application.select(Application.organisation)
        .where(Application.id == ids["Buurtteam Overvecht"])
        .first()
    )
    await organisations.set_natural_person(officer.as_actor(), row["organisation"], True)
    found = await _grants(client)
    assert {g["id"] for g in found} == {
        f"360G-tenderdesk-{i}" for name, i in ids.items() if name != "Buurtteam Overvecht"
    }
    assert "30123452" not in json.dumps(found)
