"""Journeys of issue 14 through the tender pages and API: what a state refuses is not offered,
unknown actions are refused, lots without (valid) bids are closed on their own."""

from collections.abc import Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain import Principal
from common.clock import FixedClock, use_clock
from tenders.tables import Tender
from tests.support.http import sign_in


@pytest.fixture
def fixed_clock() -> Iterator[FixedClock]:
    past = datetime.now(UTC).replace(microsecond=0) - timedelta(days=60)
    with use_clock(FixedClock(past)) as clock:
        yield clock  # type: ignore[misc]


@pytest.fixture
async def login(client_factory):
    async with AsyncExitStack() as stack:
        async def sign(principal: Principal):
            client = await stack.enter_async_context(client_factory())
            await sign_in(client, principal.email)
            return client

        yield sign


async def test_an_unknown_action_is_refused_naming_the_allowed_ones(world, login):
    tender_id = await world.tender()
    client = await login(world.officer)
    refused = await client.post(f"/api/v1/tenders/{tender_id}/actions/publsh")
    assert refused.status_code == 422
    problem = refused.json()["problems"][0]
    assert problem["location"] == "action" and "publish" in problem["message"]
    assert "declare_unsuccessful" in problem["message"]
    row = await Tender.select(Tender.phase).where(Tender.id == tender_id).first()
    assert row["phase"] == "draft"
