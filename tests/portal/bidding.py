"""Portal members of the demo bidders, made through the services, for the bid tests."""

from __future__ import annotations

from common.identity import Actor
from organisations import service as organisations
from organisations.domain import validate_organisation
from portal.domain import MembershipStatus, PortalUser
from portal.service.accounts import add_member, load_portal_user
from tests.tenders.conftest import bidder

SETUP = Actor.system("test")
QUALITY = b"%PDF-1.4 QUALITYMARKER our plan for the districts"
PRICE_SHEET = b"PK PRICEMARKER price sheet"


async def member(index: int, status: str = "active") -> PortalUser:
    """An approved (``status``) portal member of the demo bidder ``index``."""
    organisation_id = await organisations.register(SETUP, validate_organisation(bidder(index)))
    account_id, _ = await add_member(
        f"person{index}@bidder{index}.example",
        f"Person {index}",
        "-",
        organisation_id,
        SETUP.label,
        status=MembershipStatus(status),
    )
    user = await load_portal_user(account_id)
    assert user is not None
    return user


def plan(index: int = 0) -> tuple[str, str, bytes]:
    return (f"plan-geheim-{index}.pdf", "application/pdf", QUALITY + bytes([48 + index]))


def price_sheet(index: int = 0) -> tuple[str, str, bytes]:
    return (f"prijzen-geheim-{index}.xlsx", "application/vnd.ms-excel", PRICE_SHEET)
