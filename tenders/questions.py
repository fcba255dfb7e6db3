"""Clarification questions as received: recorded by an officer (procurement.ask) or asked by a
supplier through the portal (:func:`ask_from_portal`). Both take one path: the same phases, the
same question deadline (received before it, not at it), one numbering and the same audit event,
so a portal question feeds the clarification notice like any other. The organisation that asked
through the portal is kept on the question for the officers; the notice never names it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, ProblemCollector
from common.i18n import N_
from common.identity import Actor
from config import database
from config.database import transaction
from tenders.access import TenderRef, deadlines_of, load
from tenders.domain import require_in_time
from tenders.procedures import Deadline, Phase
from tenders.service import TICKER, apply_due
from tenders.tables import Question, Tender

QUESTION_PHASES = (Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, Phase.TENDERING)
MAX_QUESTION = 4000  # characters
CLOSED = N_("Questions closed at {deadline}; this one came at {received}")


def clean_question(question: str, problems: ProblemCollector) -> str:
    """The question's text, or a problem naming why it cannot be received."""
    question = (question or "").strip()
    if not question:
        problems.add("question", N_("The question is empty"))
    elif len(question) > MAX_QUESTION:
        problems.add(
            "question",
            N_("The question is {length} characters long; at most {limit} are received"),
            length=len(question),
            limit=MAX_QUESTION,
        )
    return question


async def receive(
    actor: Actor,
    tender: TenderRef,
    asker: str,
    question: str,
    moment: datetime,
    organisation_id: int | None = None,
) -> int:
    """Number and store a question the caller has checked is in a phase that takes questions;
    refused at or after the question deadline. Runs in the caller's transaction."""
    require_in_time(moment, deadlines_of(tender.row).get(Deadline.QUESTIONS), CLOSED, tender.zone)
    numbers = await Question.select(Question.number).where(Question.tender == tender.id)
    number = max((r["number"] for r in numbers), default=0) + 1
    row = Question(
        tender=tender.id,
        number=number,
        asked_at=moment,
        asker=asker[:300],
        question=question,
        organisation=organisation_id,
    )
    await row.save()
    after: dict[str, Any] = {"number": number, "asker": asker, "asked_at": moment}
    if organisation_id is not None:
        after |= {"organisation_id": organisation_id, "via": "portal"}
    await audit.record(actor, "question.received", "tender", tender.id, after=after)
    return int(row.id)


async def ask_from_portal(
    actor: Actor, tender_id: int, organisation_id: int, asker: str, question: str
) -> int:
    """A supplier's question on a published tender, received at the server's clock. A tender
    never published (a draft, or a draft that was cancelled) answers NotFound, as on its
    public page; a published one outside the question phases is refused with its reason."""
    problems = ProblemCollector()
    question = clean_question(question, problems)
    problems.raise_if_any()
    async with transaction():
        await database.lock(Tender, tender_id)
        moment = clock.now()
        await apply_due(TICKER, tender_id, moment)
        tender = await load(tender_id)
        if tender.row["published_at"] is None:
            raise NotFound(N_("Tender {id} does not exist"), id=tender_id)
        if tender.phase is Phase.CANCELLED:
            raise DomainError(N_("The tender has been cancelled: it takes no more questions"))
        if tender.phase not in QUESTION_PHASES:
            raise DomainError(N_("Questions are received between publication and the bid deadline"))
        return await receive(actor, tender, asker, question, moment, organisation_id)


async def asked_by(organisation_id: int, tender_id: int) -> list[dict[str, Any]]:
    """The questions an organisation asked on a tender, with their answers once published."""
    return await (
        Question.select(
            Question.number,
            Question.asked_at,
            Question.question,
            Question.answer,
            Question.answered_at,
        )
        .where((Question.tender == tender_id) & (Question.organisation == organisation_id))
        .order_by(Question.number)
    )


async def tenders_asked_about(organisation_id: int) -> list[int]:
    """The tenders an organisation asked a question on (their notices go to its inbox)."""
    rows = await Question.select(Question.tender).where(Question.organisation == organisation_id)
    return sorted({row["tender"] for row in rows})
