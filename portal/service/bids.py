"""Bids a supplier submits itself: per lot of a published tender, for the organisation its
approved membership names, by the rules of every bid (:mod:`tenders.submissions`): before the
deadline, sealed until the four-eyes opening, replaced or withdrawn until the deadline, with a
receipt. Another organisation's bid answers NotFound, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.errors import NotFound
from common.i18n import N_
from common.identity import Actor
from portal.domain import PortalUser
from portal.service.inbox import organisation_of
from tenders import submissions
from tenders.procedures import Phase
from tenders.submissions import Document, Receipt
from tenders.tables import Lot, Tender


def _actor(user: PortalUser) -> Actor:
    return Actor(None, user.audit_label()[:254])


def account_label(user: PortalUser) -> str:
    """How the officers see who submitted a bid: the person's name and email address."""
    return f"{user.name} <{user.email}>"[:255]


async def submit(
    user: PortalUser,
    tender_id: int,
    lot_id: int,
    form: Mapping[str, Any],
    files: Sequence[Document],
    price_files: Sequence[Document] = (),
    received_at: datetime | None = None,
) -> int:
    """The user's organisation bids on ``lot_id`` (replacing its live bid there)."""
    organisation_id = organisation_of(user)
    actor = _actor(user)
    bidder = submissions.Bidder(
        organisation_id,
        user.organisation_name,
        actor.label,
        account_id=user.id,
        account=account_label(user),
    )
    return await submissions.submit(
        actor, tender_id, lot_id, bidder, form, files, price_files, received_at
    )


async def withdraw(user: PortalUser, tender_id: int, bid_id: int) -> None:
    await submissions.withdraw(_actor(user), tender_id, bid_id, organisation_of(user))


async def receipt(user: PortalUser, tender_id: int, bid_id: int) -> Receipt:
    return await submissions.receipt(tender_id, bid_id, organisation_of(user))


async def own_bids(user: PortalUser | None, tender_id: int) -> list[Receipt]:
    """The bids of the user's organisation on the tender (none when not a member)."""
    if user is None or not user.active_member or user.organisation_id is None:
        return []
    return await submissions.receipts(tender_id, user.organisation_id)


@dataclass(frozen=True)
class Bidding:
    """What the bid form needs of a published tender."""

    id: int
    title: str
    reference: str
    zone: str
    currency: str
    deadline: datetime | None
    two_envelope: bool
    open: bool  # bids are received now
    lots: list[dict[str, Any]]


async def bidding(tender_id: int, now: datetime) -> Bidding:
    row = (
        await Tender.select(
            Tender.id,
            Tender.title,
            Tender.reference,
            Tender.phase,
            Tender.currency,
            Tender.deadline_bids,
            Tender.two_envelope,
            Tender.lead_authority.timezone.as_alias("zone"),
        )
        .where((Tender.id == tender_id) & Tender.published_at.is_not_null())
        .first()
    )
    if row is None:
        raise NotFound(N_("Tender {id} does not exist"), id=tender_id)
    deadline = row["deadline_bids"]
    return Bidding(
        row["id"],
        row["title"],
        row["reference"],
        row["zone"],
        row["currency"],
        deadline,
        bool(row["two_envelope"]),
        row["phase"] == Phase.TENDERING.value and deadline is not None and now < deadline,
        await Lot.select(Lot.id, Lot.number, Lot.title)
        .where(Lot.tender == tender_id)
        .order_by(Lot.number),
    )
