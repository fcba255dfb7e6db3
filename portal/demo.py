"""A demo supplier: a portal account acting for an organisation that received letters."""

from __future__ import annotations

import json

from accounts.domain import generate_password
from accounts.passwords import hash_password
from audit.tables import AuditEvent
from common import clock
from common.identity import Actor
from common.refs import SubjectRef
from config.database import transaction
from portal.domain import MembershipStatus, OrgRole
from portal.tables import PortalAccount, PortalMembership
from tenders.tables import Bid

DEMO_SUPPLIER = "supplier@tenderdesk.example"


async def _organisation_with_letters() -> int | None:
    """The organisation of the first bid a demo letter was sent to."""
    rows = await (
        AuditEvent.select(AuditEvent.after)
        .where(AuditEvent.action == "letter.sent")
        .order_by(AuditEvent.seq)
    )
    for row in rows:
        ref = str(json.loads(row["after"] or "{}").get("ref", ""))
        if ref.startswith("bid:"):
            bid = (
                await Bid.select(Bid.organisation).where(Bid.id == SubjectRef.parse(ref).id).first()
            )
            if bid is not None:
                return int(bid["organisation"])
    return None


async def load(actor: Actor, known: dict[str, str]) -> dict[str, str]:
    """The demo supplier (once); returns its password by email, as the demo users'."""
    if await PortalAccount.exists().where(PortalAccount.email == DEMO_SUPPLIER):
        return {DEMO_SUPPLIER: known[DEMO_SUPPLIER]} if DEMO_SUPPLIER in known else {}
    organisation_id = await _organisation_with_letters()
    if organisation_id is None:
        return {}
    password = known.get(DEMO_SUPPLIER) or generate_password()
    async with transaction():
        await add_member(
            DEMO_SUPPLIER,
            "Sam Leverancier",
            await hash_password(password),
            organisation_id,
            actor,
            role=OrgRole.SIGNATORY,
            language="nl",
        )
    return {DEMO_SUPPLIER: password}


async def add_member(
    email: str,
    name: str,
    password_hash: str,
    organisation_id: int,
    actor: Actor,
    role: OrgRole = OrgRole.MEMBER,
    language: str = "",
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> int:
    """A verified portal account, invited into ``organisation_id`` (approved unless
    ``status`` says otherwise), for the demo, tests and benchmarks: its id."""
    now = clock.now()
    account = PortalAccount(
        email=email,
        name=name,
        password_hash=password_hash,
        language=language,
        verified_at=now,
        created_at=now,
    )
    await account.save()
    await PortalMembership(
        account=account.id,
        organisation=organisation_id,
        role=role.value,
        status=status.value,
        invited=True,
        requested_at=now,
        decided_at=now,
        decided_by=actor.label,
    ).save()
    return int(account.id)
