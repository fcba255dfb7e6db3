"""A refusal because another officer changed an application, a payment or the round first
names them, and when (local time: NOVEMBER is 13:00 in Amsterdam, SEPTEMBER 14:00).

Sequential on every database: the second request comes after the first (PostgreSQL's races
are in ``tests/test_races.py``)."""

from __future__ import annotations

import pytest

from common.errors import DomainError
from subsidies import service
from tests.subsidies.conftest import imported
from tests.subsidies.test_letters import decided_round
from tests.support.http import sign_in

IN_NOVEMBER = "on 2 Nov 2020, 13:00)"


async def _twice(client_factory, first, second, method: str, url: str, body: dict):
    """``first`` changes, then ``second`` asks the same: the refusal's JSON body."""
    async with client_factory() as one, client_factory() as two:
        await sign_in(one, first.email)
        await sign_in(two, second.email)
        done = await one.request(method, url, json=body)
        assert done.status_code < 300, done.text
        refused = await two.request(method, url, json=body)
    assert refused.status_code == 409, refused.text
    return refused.json()


async def test_an_applications_state_names_who_put_it_there(
    setup, make_user, client_factory
) -> None:
    s = setup
    other = await make_user("officer", authorities=[s.authority_id], name="Bea Tweede")
    [application_id, *_] = (await imported(s)).values()
    url = f"/api/v1/subsidies/applications/{application_id}/steps"
    body = await _twice(
        client_factory,
        other,
        s.officer,
        "POST",
        url,
        {"action": "withdraw", "reason": "Applied twice"},
    )
    assert body["detail"].startswith("Withdraw needs an application that is"), body
    assert body["detail"].endswith(
        f"(Bea Tweede withdrew application {application_id} on 20 Sept 2020, 14:00)"
    ), body


async def test_a_payments_status_names_who_set_it(
    setup, fixed_clock, make_user, client_factory
) -> None:
    s = setup
    names = await decided_round(s, fixed_clock)
    first = names["{{ 7*7 }} Stichting Buurt"]
    [advance, _] = await service.payments(s.officer, s.round_id, application_id=first)
    other = await make_user("officer", authorities=[s.authority_id], name="Bea Tweede")
    body = await _twice(
        client_factory,
        other,
        s.officer,
        "PUT",
        f"/api/v1/subsidies/payments/{advance.id}",
        {"status": "approved"},
    )
    assert body["detail"].startswith("A payment that is Approved cannot become Approved")
    assert body["detail"].endswith(
        f"(Bea Tweede approved a payment on application {first} {IN_NOVEMBER}"
    )


async def test_a_settlement_names_who_settled(
    setup, fixed_clock, make_user, client_factory
) -> None:
    s = setup
    names = await decided_round(s, fixed_clock)
    first = names["{{ 7*7 }} Stichting Buurt"]
    other = await make_user("officer", authorities=[s.authority_id], name="Bea Tweede")
    body = await _twice(
        client_factory,
        other,
        s.officer,
        "POST",
        f"/api/v1/subsidies/applications/{first}/settlement",
        {"final_amount": "30000.00", "reasons": "Fewer meetings than planned"},
    )
    assert body["detail"].endswith(f"(Bea Tweede settled application {first} {IN_NOVEMBER}")
    assert body["problems"][1]["message"].startswith("Settle needs an application that is")


async def test_a_decided_round_names_who_decided_it(setup, fixed_clock, make_user) -> None:
    s = setup
    await decided_round(s, fixed_clock)
    other = await make_user("officer", authorities=[s.authority_id])
    with pytest.raises(DomainError) as refused:
        await service.decide(other, s.round_id)
    assert str(refused.value) == (
        f"The round has already been decided ({s.officer.name} decided subsidy round "
        f"{s.round_id} {IN_NOVEMBER}"
    )
