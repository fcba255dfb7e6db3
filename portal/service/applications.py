"""An organisation's subsidy applications in the portal: the portal account as the applicant
(its organisation, its audit name) for :mod:`subsidies.service.applicant`, which owns the
rules and the transactions, and the decision letters of an application from the inbox."""

from __future__ import annotations

from common.identity import Actor
from common.refs import SubjectRef
from portal.domain import PortalUser
from portal.service.inbox import InboxItem, letters_about, organisation_of
from subsidies.service.applicant import Applicant


def applicant_of(user: PortalUser) -> Applicant:
    """The organisation the approved member acts for (Forbidden for anyone else)."""
    return Applicant(
        organisation_of(user), Actor(None, user.audit_label()[:254]), user.name, user.email
    )


async def letters_of(user: PortalUser, application_id: int) -> list[InboxItem]:
    """The letters sent about one of the organisation's applications (the decision, the
    settlement), as the inbox lists and serves them."""
    return await letters_about(
        organisation_of(user), str(SubjectRef("application", application_id))
    )
