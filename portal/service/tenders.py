"""Published tenders as anyone may read them: no login, nothing but what was made public.

Public is: a tender once published (a draft, also a draft that was cancelled, never is), its
lots, deadlines, its tender documents (every version, as issued) and the answered
clarification questions (the Nota van Inlichtingen, without the askers). Bids, candidates,
letters and everything else about the procedure stay in the back office.
"""

from __future__ import annotations

from typing import Any

from common.errors import NotFound
from common.i18n import N_
from tenders.tables import Lot, Question, Tender, TenderDocument

_COLUMNS = (
    Tender.id,
    Tender.title,
    Tender.reference,
    Tender.description,
    Tender.procedure,
    Tender.phase,
    Tender.cpv_codes,
    Tender.published_at,
    Tender.deadline_requests,
    Tender.deadline_questions,
    Tender.deadline_bids,
    Tender.lead_authority.name.as_alias("authority"),
    Tender.lead_authority.timezone.as_alias("zone"),
)


def _published() -> Any:
    return Tender.published_at.is_not_null()


async def published_tenders(offset: int = 0, limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """The published tenders, newest first, and how many there are."""
    rows = await (
        Tender.select(*_COLUMNS)
        .where(_published())
        .order_by(Tender.published_at, ascending=False)
        .order_by(Tender.id, ascending=False)
        .offset(offset)
        .limit(limit)
    )
    return rows, await Tender.count().where(_published())


async def public_tender(tender_id: int) -> dict[str, Any]:
    """A published tender with its lots, documents and clarification notices."""
    row = await Tender.select(*_COLUMNS).where((Tender.id == tender_id) & _published()).first()
    if row is None:
        raise NotFound(N_("Tender {id} does not exist"), id=tender_id)
    row["lots"] = await (
        Lot.select(Lot.id, Lot.number, Lot.title, Lot.description)
        .where(Lot.tender == tender_id)
        .order_by(Lot.number)
    )
    row["documents"] = await (
        TenderDocument.select(
            TenderDocument.id,
            TenderDocument.name,
            TenderDocument.version,
            TenderDocument.uploaded_at,
            TenderDocument.file.filename.as_alias("filename"),
            TenderDocument.file.size.as_alias("size"),
        )
        .where(TenderDocument.tender == tender_id)
        .order_by(TenderDocument.name)
        .order_by(TenderDocument.version, ascending=False)
    )
    row["notices"] = await (
        Question.select(Question.number, Question.question, Question.answer, Question.answered_at)
        .where((Question.tender == tender_id) & Question.answered_at.is_not_null())
        .order_by(Question.number)
    )
    return row


async def public_document_file(tender_id: int, document_id: int) -> int:
    """The stored file of a published tender's document; NotFound for anything else."""
    row = await (
        TenderDocument.select(TenderDocument.file)
        .where(
            (TenderDocument.id == document_id)
            & (TenderDocument.tender == tender_id)
            & TenderDocument.tender.published_at.is_not_null()
        )
        .first()
    )
    if row is None:
        raise NotFound(N_("There is no such document"))
    return int(row["file"])
