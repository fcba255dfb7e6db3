"""A demo supplier (a portal account acting for an organisation that received letters) and a
demo applicant (acting for an organisation with a grant, that applies again in an open
round: its draft is there)."""

from __future__ import annotations

import json

from accounts.domain import generate_password
from accounts.passwords import hash_password
from audit.tables import AuditEvent
from common import clock
from common.identity import Actor
from common.refs import SubjectRef
from config.database import transaction
from portal.domain import OrgRole
from portal.service.accounts import add_member
from portal.tables import PortalAccount
from subsidies.domain import RoundPhase
from subsidies.lifecycle import HOLDING_A_GRANT
from subsidies.service import applicant as applying
from subsidies.service.applicant import Applicant
from subsidies.tables import Application, SubsidyRound
from tenders.tables import Bid

DEMO_SUPPLIER = "supplier@tenderdesk.example"
DEMO_APPLICANT = "applicant@tenderdesk.example"


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


async def _organisation_with_a_grant() -> tuple[int, int] | None:
    """An organisation holding a grant (the first by id) that has not applied in an open
    round yet, and that open round."""
    open_rounds = await (
        SubsidyRound.select(SubsidyRound.id)
        .where(
            (SubsidyRound.phase == RoundPhase.OPEN.value)
            & (SubsidyRound.opens_at <= clock.now())
            & (SubsidyRound.closes_at > clock.now())
        )
        .order_by(SubsidyRound.id)
    )
    if not open_rounds:
        return None
    round_id = open_rounds[0]["id"]
    applying = {
        r["organisation"]
        for r in await Application.select(Application.organisation).where(
            Application.round == round_id
        )
    }
    granted = await (
        Application.select(Application.organisation)
        .where(Application.state.is_in([s.value for s in HOLDING_A_GRANT]))
        .order_by(Application.id)
    )
    for row in granted:
        if row["organisation"] not in applying:
            return int(row["organisation"]), int(round_id)
    return None


async def _account(
    actor: Actor, email: str, name: str, organisation_id: int, password: str
) -> None:
    async with transaction():
        await add_member(
            email,
            name,
            await hash_password(password),
            organisation_id,
            actor.label,
            role=OrgRole.SIGNATORY,
            language="nl",
        )


async def _supplier(actor: Actor, known: dict[str, str]) -> dict[str, str]:
    if await PortalAccount.exists().where(PortalAccount.email == DEMO_SUPPLIER):
        return {DEMO_SUPPLIER: known[DEMO_SUPPLIER]} if DEMO_SUPPLIER in known else {}
    organisation_id = await _organisation_with_letters()
    if organisation_id is None:
        return {}
    password = known.get(DEMO_SUPPLIER) or generate_password()
    await _account(actor, DEMO_SUPPLIER, "Sam Leverancier", organisation_id, password)
    return {DEMO_SUPPLIER: password}


async def _applicant(actor: Actor, known: dict[str, str]) -> dict[str, str]:
    """The demo applicant, and its organisation's draft in the open round."""
    if await PortalAccount.exists().where(PortalAccount.email == DEMO_APPLICANT):
        return {DEMO_APPLICANT: known[DEMO_APPLICANT]} if DEMO_APPLICANT in known else {}
    found = await _organisation_with_a_grant()
    if found is None:
        return {}
    organisation_id, round_id = found
    password = known.get(DEMO_APPLICANT) or generate_password()
    await _account(actor, DEMO_APPLICANT, "Ada Aanvrager", organisation_id, password)
    applicant = Applicant(
        organisation_id, Actor(None, f"portal:{DEMO_APPLICANT}"), "Ada Aanvrager", DEMO_APPLICANT
    )
    draft = await applying.start(applicant, round_id)
    await applying.save_draft(
        applicant,
        draft,
        {
            "title": "Logeerweekenden voor mantelzorgers",
            "contact_name": "Ada Aanvrager",
            "contact_email": DEMO_APPLICANT,
            "requested": "12000",
            "own_contribution": "1500",
            "activity_plan": "Zes logeerweekenden per jaar, zodat mantelzorgers even rust nemen.",
            "target_group": "Mantelzorgers van ouderen met dementie",
            "districts": "Zuidwest, Kanaleneiland",
            "expected_participants": "30",
            "budget_description": ["Logeeradres en verzorging", "Vrijwilligers en vervoer"],
            "budget_amount": ["10500", "3000"],
        },
    )
    return {DEMO_APPLICANT: password}


async def load(actor: Actor, known: dict[str, str]) -> dict[str, str]:
    """The demo supplier and applicant (once); their passwords by email, as the demo users'."""
    return {**await _supplier(actor, known), **await _applicant(actor, known)}
