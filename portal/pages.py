"""The portal's public tender pages (no login) and the organisation's inbox."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from documents import storage
from portal.controllers import page
from portal.guards import PORTAL_MEMBER, portal_user
from portal.service import inbox as inbox_service
from portal.service import tenders as tender_service
from tenders.procedures import PHASE_LABELS
from web.downloads import attachment_stream
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
        return await page(
            request,
            "portal/tender.html",
            tender=await tender_service.public_tender(tender_id),
            phase_labels=_phase_labels(),
        )

    @get("/{tender_id:int}/documents/{document_id:int}", name="portal_tender_document")
    async def document(self, tender_id: FromPath[int], document_id: FromPath[int]) -> Response:
        return await _download(await tender_service.public_document_file(tender_id, document_id))


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
