"""A supplier's request to participate in a tender with preselection: submit, replace,
withdraw, and its receipt and status (portal.service.participation)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from common import clock
from common.errors import DomainError, NotFound, ValidationFailed
from portal.controllers import page
from portal.guards import PORTAL_MEMBER, portal_user
from portal.service import participation as service
from portal.service import tenders as tender_service
from tenders.participation import DOCUMENT, ESPD, FILE_KINDS, NO_REQUESTS, RequestFile
from tenders.procedures import PHASE_LABELS, PROCEDURE_TYPES, Phase
from tenders.procurement import CANDIDATE_STATUS, REQUIREMENT_KINDS, requirements
from web.forms import field_errors
from web.i18n import gettext


async def _files(request: Request) -> tuple[list[RequestFile], list[int], bool]:
    """The uploaded files (documents, the UEA/ESPD), the requirements declared met and
    whether the request replaces the organisation's earlier one."""
    form = await request.form()
    files = [
        RequestFile(kind, item.filename, item.content_type, await item.read())
        for field, kind in (("documents", DOCUMENT), ("espd", ESPD))
        for item in (form.getall(field) if field in form else [])
        if isinstance(item, UploadFile) and item.filename
    ]
    met = []
    for value in form.getall("met") if "met" in form else []:
        if isinstance(value, str) and value.isdigit():
            met.append(int(value))
    return files, met, form.get("replace") == "1"


async def _page(request: Request, tender_id: int, status: int = 200, **form: Any) -> Template:
    tender = await tender_service.public_tender(tender_id)
    if not PROCEDURE_TYPES[tender["procedure"]].selects:
        raise NotFound(NO_REQUESTS)
    deadline = tender["deadline_requests"]
    found = await requirements(tender_id)
    return await page(
        request,
        "portal/participation/request.html",
        status,
        tender=tender,
        phase_labels={phase.value: label for phase, label in PHASE_LABELS.items()},
        requirements=found,
        declaration_options=[
            (r["id"], f"{gettext(REQUIREMENT_KINDS[r['kind']])}: {r['name']}") for r in found
        ],
        kind_labels=REQUIREMENT_KINDS,
        file_labels=FILE_KINDS,
        candidate_status=CANDIDATE_STATUS,
        own=await service.own_request(portal_user(request), tender_id),
        receiving=tender["phase"] == Phase.PUBLISHED.value
        and deadline is not None
        and clock.now() < deadline,
        errors=form.get("errors", {}),
        declared=form.get("declared", []),
    )


class ParticipationController(Controller):
    path = "/portal/tenders/{tender_id:int}/participation"
    guards = [PORTAL_MEMBER]
    include_in_schema = False

    @get("", name="portal_participation")
    async def show(self, request: Request, tender_id: FromPath[int]) -> Template:
        return await _page(request, tender_id)

    @post("", name="portal_participation_submit")
    async def submit(self, request: Request, tender_id: FromPath[int]) -> Template | Redirect:
        files, met, replace = await _files(request)
        try:
            receipt = await service.submit(portal_user(request), tender_id, files, met, replace)
        except NotFound:
            raise
        except ValidationFailed as exc:
            return await _page(request, tender_id, 422, errors=field_errors(exc), declared=met)
        except DomainError as exc:
            return await _page(request, tender_id, 409, errors=field_errors(exc), declared=met)
        flash(
            request,
            gettext("Your request to participate has been received (version %(version)s).")
            % {"version": receipt.version},
            category="success",
        )
        return Redirect(f"/portal/tenders/{tender_id}/participation#receipt", status_code=303)

    @post("/withdraw", name="portal_participation_withdraw")
    async def withdraw(self, request: Request, tender_id: FromPath[int]) -> Template | Redirect:
        try:
            await service.withdraw(portal_user(request), tender_id)
        except NotFound:
            raise
        except DomainError as exc:
            return await _page(request, tender_id, 409, errors=field_errors(exc))
        flash(request, gettext("Your request to participate has been withdrawn."), "success")
        return Redirect(f"/portal/tenders/{tender_id}/participation", status_code=303)


CONTROLLERS = [ParticipationController]
