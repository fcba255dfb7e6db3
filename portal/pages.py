"""The portal's public tender pages (no login) and the organisation's inbox."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from common import clock
from common.errors import DomainError, NotFound
from documents import storage
from portal.controllers import page
from portal.guards import PORTAL, PORTAL_MEMBER, portal_user, signed_in_portal_user
from portal.service import bids as bid_service
from portal.service import inbox as inbox_service
from portal.service import participation as participation_service
from portal.service import questions as question_service
from portal.service import tenders as tender_service
from tenders.procedures import PHASE_LABELS, PROCEDURE_TYPES
from tenders.procurement import CANDIDATE_STATUS
from tenders.questions import MAX_QUESTION, QUESTION_PHASES
from web.downloads import attachment_stream
from web.forms import field_errors
from web.i18n import gettext
from web.pagination import page_number, paginate

PER_PAGE = 25


def _phase_labels() -> dict[str, str]:
    return {phase.value: label for phase, label in PHASE_LABELS.items()}


async def _download(file_id: int) -> Response:
    info, chunks = await storage.stream(file_id)
    return attachment_stream(chunks, info.filename, info.content_type)


class PublicTenderController(Controller):
    """Published tenders, their lots, deadlines, documents and clarification notices."""

    path = "/portal/tenders"
    include_in_schema = False

    @get("", name="portal_tenders")
    async def tenders(self, request: Request) -> Template:
        query = dict(request.query_params)
        offset = (page_number(query.get("page")) - 1) * PER_PAGE
        items, total = await tender_service.published_tenders(offset, PER_PAGE)
        pages = paginate("/portal/tenders", query, total, PER_PAGE)
        if pages.offset != offset:
            items, total = await tender_service.published_tenders(pages.offset, PER_PAGE)
        return await page(
            request,
            "portal/tenders.html",
            items=items,
            pages=pages,
            phase_labels=_phase_labels(),
        )

    @get("/{tender_id:int}", name="portal_tender")
    async def tender(self, request: Request, tender_id: FromPath[int]) -> Template:
        return await _tender_page(request, tender_id)

    @post("/{tender_id:int}/questions", guards=[PORTAL], name="portal_tender_ask")
    async def ask(
        self, request: Request, tender_id: FromPath[int], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        question = data.get("question", "")
        try:
            await question_service.ask(portal_user(request), tender_id, question)
        except NotFound:
            raise
        except DomainError as exc:
            status = 403 if not portal_user(request).active_member else 422
            return await _tender_page(
                request, tender_id, status, errors=field_errors(exc), question=question
            )
        flash(request, gettext("Your question has been received."), category="success")
        return Redirect(f"/portal/tenders/{tender_id}#questions", status_code=303)

    @get("/{tender_id:int}/documents/{document_id:int}", name="portal_tender_document")
    async def document(self, tender_id: FromPath[int], document_id: FromPath[int]) -> Response:
        return await _download(await tender_service.public_document_file(tender_id, document_id))


async def _tender_page(
    request: Request, tender_id: int, status: int = 200, **form: Any
) -> Template:
    """A published tender's public page; a member of an organisation also finds its own
    questions there and, while questions are received, the form to ask one."""
    tender = await tender_service.public_tender(tender_id)
    user = await signed_in_portal_user(request)
    deadline = tender["deadline_questions"]
    return await page(
        request,
        "portal/tender.html",
        status,
        tender=tender,
        phase_labels=_phase_labels(),
        own_questions=await question_service.own_questions(user, tender_id),
        own_bids=await bid_service.own_bids(user, tender_id),
        asking_open=tender["phase"] in QUESTION_PHASES
        and deadline is not None
        and clock.now() < deadline,
        max_question=MAX_QUESTION,
        selects=PROCEDURE_TYPES[tender["procedure"]].selects,
        participation=await participation_service.own_request(user, tender_id),
        candidate_status=CANDIDATE_STATUS,
        errors=form.get("errors", {}),
        question=form.get("question", ""),
    )


class InboxController(Controller):
    path = "/portal/inbox"
    guards = [PORTAL_MEMBER]
    include_in_schema = False

    @get("", name="portal_inbox")
    async def inbox(self, request: Request) -> Template:
        items = await inbox_service.inbox(portal_user(request))
        return await page(request, "portal/inbox.html", items=items)

    @get("/letters/{file_id:int}", name="portal_inbox_letter")
    async def letter(self, request: Request, file_id: FromPath[int]) -> Response:
        letter = await inbox_service.letter_for_download(portal_user(request), file_id)
        return await _download(letter["file_id"])


CONTROLLERS = [PublicTenderController, InboxController]
