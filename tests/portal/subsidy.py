"""A subsidy round open to applicants in the portal, applicants acting for two organisations,
a complete form, and an application taken to a grant through the officer's services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from common import clock
from common.identity import Actor, Principal
from organisations import service as organisations
from organisations.domain import OrganisationData
from subsidies import service
from subsidies.service import applicant as applying
from subsidies.service.applicant import Applicant
from tests.subsidies.conftest import round_form
from tests.tenders.conftest import local

SEPTEMBER = datetime(2020, 9, 20, 12, 0, tzinfo=UTC)
# The demo round closes 2020-10-01 12:00 in Amsterdam (summer time): 10:00 UTC.
CLOSES = datetime(2020, 10, 1, 10, 0, tzinfo=UTC)
CRITERIA = ("Registered in the Netherlands", "Activities in Utrecht")
PDF = b"%PDF-1.4 a file"


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


# -- in the portal scene (tests.portal.conftest): two organisations with portal accounts ----

SECRET_TITLE = "Geheim plan van Thuishulp West"


def window(now: datetime, closes_in: timedelta, **settings: Any) -> dict[str, Any]:
    """A round's settings with its window around ``now`` and its grant period ahead."""
    start = (now + timedelta(days=90)).date()
    return {
        "opens_at": local(now - timedelta(days=1)),
        "closes_at": local(now + closes_in),
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=364)).isoformat(),
        "method": "pro_rata",
        "acceptance_required": "on",
        **settings,
    }


@dataclass
class PortalRounds:
    open_round: int  # open for days yet; organisation B has a draft in it
    decided_round: int  # closed and decided; B's application granted, its report due
    b_draft: int
    b_granted: int
    b_report: int
    b_file: int  # the attachment of B's granted application


@pytest.fixture(name="portal_rounds")
async def portal_rounds_fixture(scene) -> PortalRounds:
    """Organisation B's draft in an open round and its granted application in a decided
    one; the clock stays before the open round's close, so A can still apply there."""
    world = scene.world
    officer = world.officer
    now = world.clock.now()
    b = applicant(scene.organisations["b"], scene.emails["b"])
    decided = await open_round(
        officer,
        world.authority["id"],
        **window(now, timedelta(hours=1), title="Ontmoeting 2026"),
    )
    b_granted = await applying.start(b, decided)
    b_file = await applying.attach(b, b_granted, "statuten-b.pdf", "application/pdf", PDF)
    await applying.submit(
        b, b_granted, complete_form(title=SECRET_TITLE, contact_email=scene.emails["b"])
    )
    await service.act(officer, b_granted, "complete")
    await service.mark_eligibility(officer, b_granted, list(CRITERIA), "")
    world.clock.set(now + timedelta(hours=2))
    await service.propose_allocation(officer, decided)
    await service.decide(officer, decided)
    [report] = await service.reports(officer, b_granted)
    opened = await open_round(
        officer,
        world.authority["id"],
        **window(world.clock.now(), timedelta(days=20), title="Mantelzorg 2027"),
    )
    b_draft = await applying.start(b, opened)
    await applying.save_draft(b, b_draft, {"title": SECRET_TITLE})
    return PortalRounds(opened, decided, b_draft, b_granted, report.id, b_file)
