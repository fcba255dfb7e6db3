"""Portal members of the demo bidders, made through the services, for the bid tests."""

from __future__ import annotations

from common import clock
from common.identity import Actor
from organisations import service as organisations
from organisations.domain import validate_organisation
from portal.domain import PortalUser
from portal.service.accounts import load_portal_user
from portal.tables import PortalAccount, PortalMembership
from tests.tenders.conftest import bidder

SETUP = Actor.system("test")
QUALITY = b"%PDF-1.4 QUALITYMARKER our plan for the districts"
PRICE_SHEET = b"PK PRICEMARKER price sheet"


async def member(index: int, status: str = "active") -> PortalUser:
    """An approved (``status``) portal member of the demo bidder ``index``."""
    organisation_id = await organisations.register(SETUP, validate_organisation(bidder(index)))
    now = clock.now()
    account = PortalAccount(
        email=f"person{index}@bidder{index}.example",
        name=f"Person {index}",
        password_hash="-",
        verified_at=now,
        created_at=now,
    )
    await account.save()
    await PortalMembership(
        account=account.id,
        organisation=organisation_id,
        role="member",
        status=status,
        requested_at=now,
        decided_at=now,
    ).save()
    user = await load_portal_user(account.id)
    assert user is not None
    return user


def plan(index: int = 0) -> tuple[str, str, bytes]:
    return (f"plan-geheim-{index}.pdf", "application/pdf", QUALITY + bytes([48 + index]))


def price_sheet(index: int = 0) -> tuple[str, str, bytes]:
    return (f"prijzen-geheim-{index}.xlsx", "application/vnd.ms-excel", PRICE_SHEET)
