"""Requests to participate submitted by an approved member for its organisation.

The request enters the back office as the organisation's candidacy (tenders.participation: the
same rules as one an officer registers), named in the audit by the portal account
(``portal:<email>``). What a member sees is its own organisation's request only: its status and
receipt (moment and SHA-256 of every file), never another organisation's, never the sealed
content.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from common.identity import Actor
from portal.domain import PortalUser
from portal.service.inbox import organisation_of
from tenders import participation
from tenders.participation import Receipt, RequestFile


def _actor(user: PortalUser) -> Actor:
    return Actor(None, user.audit_label()[:254])


async def submit(
    user: PortalUser,
    tender_id: int,
    files: Sequence[RequestFile],
    declared: Collection[int],
    replace: bool = False,
) -> Receipt:
    """The user's organisation requests to participate (or replaces its request), now."""
    organisation_id = organisation_of(user)
    return await participation.submit(
        _actor(user),
        user.id,
        tender_id,
        organisation_id,
        user.organisation_name,
        f"{user.name}, {user.email}",
        files,
        declared,
        replace,
    )


async def withdraw(user: PortalUser, tender_id: int) -> None:
    await participation.withdraw(
        _actor(user), tender_id, organisation_of(user), user.organisation_name
    )


async def own_request(user: PortalUser | None, tender_id: int) -> dict[str, Any] | None:
    """The user's organisation's request on the tender (None when not a member or none)."""
    if user is None or not user.active_member or user.organisation_id is None:
        return None
    return await participation.own_request(tender_id, user.organisation_id)
