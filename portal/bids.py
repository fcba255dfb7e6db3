"""The supplier's bids on a published tender: the form per lot, the receipts, withdrawing."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from common import clock
from common.errors import Problem, ValidationFailed
from common.i18n import N_
from documents.storage import DEFAULT_MAX_BYTES
from portal.controllers import page
from portal.guards import PORTAL_MEMBER, portal_user
from portal.service import bids as bid_service
from tenders.submissions import BID_FILE_TYPES, Document
from web.forms import field_errors
from web.i18n import gettext

# A request carries at most this much (the bid's files and its fields); a larger one is
# refused before it is read (413).
MAX_BID_REQUEST = 4 * DEFAULT_MAX_BYTES + 256 * 1024
FILE_FIELDS = ("files", "price_files")


async def _bids_page(request: Request, tender_id: int, status: int = 200, **form: Any) -> Template:
    user = portal_user(request)
    bidding = await bid_service.bidding(tender_id, clock.now())
    return await page(
        request,
        "portal/bids/tender.html",
        status,
        bidding=bidding,
        lot_choices=[(lot["id"], f"{lot['number']}. {lot['title']}") for lot in bidding.lots],
        own_bids=await bid_service.own_bids(user, tender_id),
        file_types=", ".join(BID_FILE_TYPES),
        values=form.get("values", {}),
        errors=form.get("errors", {}),
    )


async def _read(request: Request) -> tuple[dict[str, str], dict[str, list[Document]]]:
    """The form's fields and its files (each field's files as name, type, content)."""
    form = await request.form()
    values: dict[str, str] = {}
    files: dict[str, list[Document]] = {name: [] for name in FILE_FIELDS}
    for key, item in form.multi_items():
        if isinstance(item, UploadFile):
            if key in files and item.filename:
                files[key].append((item.filename, item.content_type, await item.read()))
        elif key not in FILE_FIELDS:
            values[key] = str(item)
    return values, files


class PortalBidController(Controller):
    path = "/portal/tenders/{tender_id:int}/bids"
    guards = [PORTAL_MEMBER]
    include_in_schema = False

    @get("", name="portal_bids")
    async def bids(self, request: Request, tender_id: int) -> Template:
        return await _bids_page(request, tender_id)

    @post("", name="portal_bid_submit", request_max_body_size=MAX_BID_REQUEST)
    async def submit(self, request: Request, tender_id: int) -> Template | Redirect:
        values, files = await _read(request)
        received_at = clock.now()  # the whole request is in: the moment of receipt
        try:
            try:
                lot_id = int(values.get("lot_id") or "")
            except ValueError:
                raise ValidationFailed([Problem(N_("Choose a lot"), {}, "lot_id")]) from None
            bid_id = await bid_service.submit(
                portal_user(request),
                tender_id,
                lot_id,
                values,
                files["files"],
                files["price_files"],
                received_at,
            )
        except ValidationFailed as exc:
            return await _bids_page(
                request, tender_id, 422, values=values, errors=field_errors(exc)
            )
        flash(request, gettext("Your bid has been received and sealed."), category="success")
        return Redirect(f"/portal/tenders/{tender_id}/bids/{bid_id}", status_code=303)

    @get("/{bid_id:int}", name="portal_bid_receipt")
    async def receipt(self, request: Request, tender_id: int, bid_id: int) -> Template:
        return await page(
            request,
            "portal/bids/receipt.html",
            bidding=await bid_service.bidding(tender_id, clock.now()),
            receipt=await bid_service.receipt(portal_user(request), tender_id, bid_id),
        )

    @post("/{bid_id:int}/withdraw", name="portal_bid_withdraw")
    async def withdraw(self, request: Request, tender_id: int, bid_id: int) -> Redirect:
        await bid_service.withdraw(portal_user(request), tender_id, bid_id)
        flash(request, gettext("Your bid has been withdrawn."), category="success")
        return Redirect(f"/portal/tenders/{tender_id}/bids", status_code=303)


CONTROLLERS = [PortalBidController]
