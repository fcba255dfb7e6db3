"""Clarification questions asked by an approved member of an organisation through the portal.

The question enters the back office's Q&A (tenders.questions) as asked by the organisation,
the person named in the audit event (``portal:<email>``). Only the asking organisation sees
its questions here; the public page shows the answers (the clarification notice) without
who asked.
"""

from __future__ import annotations

from typing import Any

from common.identity import Actor
from portal.domain import PortalUser
from portal.service.inbox import organisation_of
from tenders import questions


async def ask(user: PortalUser, tender_id: int, question: str) -> int:
    """The user's organisation asks ``question`` on a published tender, now."""
    organisation_id = organisation_of(user)
    return await questions.ask_from_portal(
        Actor(None, user.audit_label()[:254]),
        tender_id,
        organisation_id,
        user.organisation_name,
        question,
    )


async def own_questions(user: PortalUser | None, tender_id: int) -> list[dict[str, Any]]:
    """The questions the user's organisation asked on the tender (none when not a member)."""
    if user is None or not user.active_member or user.organisation_id is None:
        return []
    return await questions.asked_by(user.organisation_id, tender_id)
