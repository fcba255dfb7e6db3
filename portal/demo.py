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
    now = clock.now()
    async with transaction():
        account = PortalAccount(
            email=DEMO_SUPPLIER,
            name="Sam Leverancier",
            password_hash=await hash_password(password),
            language="nl",
            verified_at=now,
            created_at=now,
        )
        await account.save()
        await PortalMembership(
            account=account.id,
            organisation=organisation_id,
            role=OrgRole.SIGNATORY.value,
            status=MembershipStatus.ACTIVE.value,
            invited=True,
            requested_at=now,
            decided_at=now,
            decided_by=actor.label,
        ).save()
    return {DEMO_SUPPLIER: password}
