"""A subsidy round open to applicants in the portal, applicants acting for two organisations,
a complete form, and an application taken to a grant through the officer's services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from common import clock
from common.identity import Actor, Principal
from organisations import service as organisations
from organisations.domain import OrganisationData
from subsidies import service
from subsidies.service.applicant import Applicant
from tests.subsidies.conftest import round_form

SEPTEMBER = datetime(2020, 9, 20, 12, 0, tzinfo=UTC)
# The demo round closes 2020-10-01 12:00 in Amsterdam (summer time): 10:00 UTC.
CLOSES = datetime(2020, 10, 1, 10, 0, tzinfo=UTC)
CRITERIA = ("Registered in the Netherlands", "Activities in Utrecht")


def complete_form(**extra: Any) -> dict[str, Any]:
    """A form the round accepts: the costs (12,000 + 30,000) are the requested amount and
    the own contribution together."""
    return {
        "title": "Ontmoeting in de wijk",
        "contact_name": "Anna de Vries",
        "contact_email": "anna@zorgplus.example",
        "requested": "40000",
        "own_contribution": "2000",
        "activity_plan": "Wekelijkse ontmoetingen voor mantelzorgers",
        "target_group": "Mantelzorgers",
        "districts": "Overvecht",
        "expected_participants": "40",
        "budget_description": ["Begeleiding", "Huur ruimte"],
        "budget_amount": ["30000", "12000"],
        "declarations": list(CRITERIA),
        **extra,
    }


def applicant(organisation_id: int, email: str) -> Applicant:
    return Applicant(organisation_id, Actor(None, f"portal:{email}"), "Anna de Vries", email)


@dataclass
class Round:
    officer: Principal
    authority_id: int
    round_id: int
    a: Applicant
    b: Applicant


@pytest.fixture(name="september")
def september_fixture():
    moment = clock.FixedClock(SEPTEMBER)
    with clock.use_clock(moment):
        yield moment


async def open_round(officer: Principal, authority_id: int, **settings: Any) -> int:
    created = await service.create_round(officer, round_form(authority_id, **settings))
    await service.open_round(officer, created.id)
    return created.id


async def organisation(name: str, number: str) -> int:
    return await organisations.register(Actor(None, "test"), OrganisationData(name, "NL", number))


@pytest.fixture(name="subsidy_round")
async def subsidy_round_fixture(make_user, make_authority, september) -> Round:
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    round_id = await open_round(
        officer, authority["id"], method="pro_rata", acceptance_required="on"
    )
    a = applicant(await organisation("Zorg Plus BV", "30123451"), "anna@zorgplus.example")
    b = applicant(await organisation("Thuishulp West", "30123452"), "carl@thuishulp.example")
    return Round(officer, authority["id"], round_id, a, b)


async def granted(officer: Principal, round_id: int, application_id: int, moment: Any) -> None:
    """The officer's side: complete, eligible, the allocation proposed after the close and
    decided (pro rata grants what was asked when the budget allows)."""
    await service.act(officer, application_id, "complete")
    await service.mark_eligibility(officer, application_id, list(CRITERIA), "")
    moment.set(datetime(2020, 11, 2, 12, 0, tzinfo=UTC))
    await service.propose_allocation(officer, round_id)
    await service.decide(officer, round_id)
