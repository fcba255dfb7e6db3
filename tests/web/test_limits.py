"""Numbers beyond what the database holds, or negative where that means nothing: 400 or 404,
never 500, whichever route they come to."""

import pytest

from tests.support.http import sign_in, text_of

HUGE = "99999999999999999999999"


@pytest.fixture
async def admin_client(client, make_user):
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    return client


@pytest.mark.parametrize(
    "query",
    [
        {"offset": HUGE},
        {"offset": "-1"},
        {"limit": "-5"},
        {"limit": str(2**63)},
        {"authority": HUGE},
        {"service_type": str(2**31)},
    ],
)
async def test_query_numbers_out_of_range_are_refused_by_name(admin_client, query):
    response = await admin_client.get("/api/v1/tenders", params=query)
    assert response.status_code == 400
    name = next(iter(query))
    assert f"The parameter {name} must be a whole number from" in response.json()["detail"]


async def test_numbers_in_range_still_work(admin_client):
    response = await admin_client.get(
        "/api/v1/tenders", params={"offset": "0", "limit": "5", "authority": "-3"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/tenders/{HUGE}",
        f"/tenders/{HUGE}",
        f"/api/v1/authorities/{2**31}",
        f"/admin/users/{2**63}",
        "/api/v1/tenders/-1",
        f"/subsidies/rounds/{HUGE}",
    ],
)
async def test_ids_out_of_range_are_not_found(admin_client, path):
    assert (await admin_client.get(path)).status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/finance/awards", "/api/v1/finance/payments", "/api/v1/audit/events"]
)
async def test_every_api_with_a_limit_refuses_a_negative_one(admin_client, path):
    response = await admin_client.get(path, params={"limit": "-1"})
    assert response.status_code == 400


async def test_a_number_parsed_by_hand_that_reaches_the_database_is_a_400(admin_client):
    """The safety net: the audit page reads ``before`` itself and passes it to a query."""
    page = await admin_client.get("/admin/audit", params={"before": HUGE})
    assert page.status_code == 400
    assert "A number in this request is out of range." in text_of(page.text)
    api = await admin_client.get("/api/v1/deadlines", params={"days": HUGE})
    assert api.status_code == 400
