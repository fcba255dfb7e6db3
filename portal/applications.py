"""The applicant's subsidy pages in the portal: the open rounds, the application form (saved
as a draft, submitted before the close), the decision, accepting the grant, the reports, the
settlement request and the payments. Only an approved member acts, for its own organisation;
another organisation's application answers 404. Every form works without JavaScript (a budget
row is added or removed by a button that saves the draft)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from common import clock
from common.errors import Problem, ValidationFailed
from common.i18n import N_
from common.localtime import utc_to_local
from common.money import input_amount
from portal.controllers import page
from portal.guards import PORTAL_MEMBER, portal_user
from portal.service.applications import applicant_of, letters_of
from subsidies.allocation import METHOD_LABELS
from subsidies.applicant import FILE_EXTENSIONS, FILE_PURPOSE_LABELS, MAX_FILE_BYTES
from subsidies.domain import PAYMENT_KIND_LABELS, PAYMENT_STATUS_LABELS, REPORT_LABELS
from subsidies.lifecycle import STATE_LABELS
from subsidies.service import applicant as service
from subsidies.service.applicant import Applicant
from web.downloads import attachment_stream
from web.forms import done, field_errors, read_form

LISTS = ("budget_description", "budget_amount", "declarations")
UPLOAD_LIMIT = MAX_FILE_BYTES + 64 * 1024


def application_path(application_id: int) -> str:
    return f"/portal/applications/{application_id}"


def _exact(moment: datetime | None, zone: str) -> str:
    """The moment to the microsecond, wall-clock time in ``zone`` (first come, first served)."""
    if moment is None:
        return ""
    return utc_to_local(moment, zone).strftime("%Y-%m-%d %H:%M:%S.%f")


def _values(found: service.OwnApplication) -> dict[str, Any]:
    row = found.row
    return {
        "title": row["title"],
        "contact_name": row["contact_name"],
        "contact_email": row["contact_email"],
        "requested": input_amount(row["requested"]) if row["requested"] else "",
        "own_contribution": input_amount(row["own_contribution"]),
        "activity_plan": row["activity_plan"],
        "target_group": row["target_group"],
        "districts": row["districts"],
        "expected_participants": str(row["expected_participants"] or ""),
        "budget_rows": [(text, input_amount(amount)) for text, amount in found.budget_lines],
        "declarations": list(found.declared),
    }


def _entered(form: dict[str, Any]) -> dict[str, Any]:
    """What was entered, to show again with the problems."""
    texts, amounts = form.get("budget_description", []), form.get("budget_amount", [])
    rows = [
        (texts[i] if i < len(texts) else "", amounts[i] if i < len(amounts) else "")
        for i in range(max(len(texts), len(amounts)))
    ]
    return {**form, "budget_rows": rows, "declarations": form.get("declarations", [])}


async def _application_page(
    request: Request,
    application_id: int,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
    extra_rows: int = 0,
) -> Template:
    user = portal_user(request)
    found = await service.own_application(applicant_of(user), application_id)
    shown = values if values is not None else _values(found)
    rows = list(shown.get("budget_rows", []))
    rows += [("", "")] * (extra_rows + (0 if rows else 1))
    zone = found.round.zone
    return await page(
        request,
        "portal/applications/application.html",
        status,
        application=found,
        row=found.row,
        round=found.round,
        values=shown,
        budget_rows=rows,
        errors=errors or {},
        letters=await letters_of(user, application_id),
        state_labels=STATE_LABELS,
        report_labels=REPORT_LABELS,
        payment_kind_labels=PAYMENT_KIND_LABELS,
        payment_status_labels=PAYMENT_STATUS_LABELS,
        purpose_labels=FILE_PURPOSE_LABELS,
        submitted_exact=_exact(found.row["submitted_at"], zone),
        file_kinds=", ".join(FILE_EXTENSIONS),
        file_limit=MAX_FILE_BYTES // (1024 * 1024),
        window_open=found.round.phase in ("open", "closed")
        and found.round.opens_at <= clock.now() <= found.round.closes_at,
    )


async def _upload(request: Request) -> tuple[dict[str, Any], str, str, bytes]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed([Problem(N_("Choose a file"), {}, "file")])
    fields = {k: form.get(k) for k in form if k not in ("file", "_csrf_token")}
    return fields, upload.filename, upload.content_type or "", await upload.read()


Send = Callable[[Applicant, dict[str, Any], str, str, bytes], Awaitable[None]]


async def _receive(
    request: Request, application_id: int, message: str, send: Send
) -> Template | Redirect:
    """An uploaded file (and the form's other fields) handed to ``send``; the page again
    with the problems (422), or the message and back to the application."""
    try:
        fields, filename, content_type, data = await _upload(request)
        await send(applicant_of(portal_user(request)), fields, filename, content_type, data)
    except ValidationFailed as exc:
        return await _application_page(request, application_id, 422, errors=field_errors(exc))
    return done(request, message, application_path(application_id), name=filename)


class ApplicantPages(Controller):
    path = "/portal"
    guards = [PORTAL_MEMBER]
    include_in_schema = False

    @get("/rounds", name="portal_rounds")
    async def rounds(self, request: Request) -> Template:
        applicant = applicant_of(portal_user(request))
        own = {r["round"]: r for r in await service.own_applications(applicant)}
        return await page(
            request,
            "portal/applications/rounds.html",
            rounds=await service.open_rounds(),
            own=own,
            method_labels=METHOD_LABELS,
        )

    @get("/rounds/{round_id:int}", name="portal_round")
    async def round(self, request: Request, round_id: FromPath[int]) -> Template:
        applicant = applicant_of(portal_user(request))
        found = await service.round_for_applicant(round_id)
        own = next(
            (r for r in await service.own_applications(applicant) if r["round"] == round_id),
            None,
        )
        return await page(
            request,
            "portal/applications/round.html",
            round=found,
            own=own,
            method_labels=METHOD_LABELS,
            window_open=found.phase in ("open", "closed")
            and found.opens_at <= clock.now() <= found.closes_at,
        )

    @post("/rounds/{round_id:int}/apply", name="portal_round_apply")
    async def apply(self, request: Request, round_id: FromPath[int]) -> Redirect:
        application_id = await service.start(applicant_of(portal_user(request)), round_id)
        return Redirect(application_path(application_id), status_code=303)

    @get("/applications", name="portal_applications")
    async def applications(self, request: Request) -> Template:
        applicant = applicant_of(portal_user(request))
        return await page(
            request,
            "portal/applications/index.html",
            items=await service.own_applications(applicant),
            state_labels=STATE_LABELS,
        )

    @get("/applications/{application_id:int}", name="portal_application")
    async def show(self, request: Request, application_id: FromPath[int]) -> Template:
        return await _application_page(request, application_id)

    @post("/applications/{application_id:int}", name="portal_application_save")
    async def save(self, request: Request, application_id: FromPath[int]) -> Template | Redirect:
        """Save the draft (also when a budget row is added or removed), or submit it."""
        form = await read_form(request, lists=LISTS)
        action = str(form.pop("action", "save") or "save")
        applicant = applicant_of(portal_user(request))
        if action.startswith("remove:"):
            index = action.partition(":")[2]
            if index.isdigit():
                for name in ("budget_description", "budget_amount"):
                    if int(index) < len(form[name]):
                        del form[name][int(index)]
        try:
            if action == "submit":
                await service.submit(applicant, application_id, form)
            else:
                await service.save_draft(applicant, application_id, form)
        except ValidationFailed as exc:
            return await _application_page(
                request, application_id, 422, _entered(form), field_errors(exc)
            )
        if action == "submit":
            return done(
                request,
                N_("Your application has been submitted."),
                application_path(application_id),
            )
        if action == "add":
            return await _application_page(request, application_id, extra_rows=1)
        return done(request, N_("The draft has been saved."), application_path(application_id))

    @post(
        "/applications/{application_id:int}/files",
        name="portal_application_attach",
        request_max_body_size=UPLOAD_LIMIT,
    )
    async def attach(self, request: Request, application_id: FromPath[int]) -> Template | Redirect:
        async def send(applicant: Applicant, _: dict, name: str, kind: str, data: bytes) -> None:
            await service.attach(applicant, application_id, name, kind, data)

        return await _receive(request, application_id, N_("{name} has been added."), send)

    @get("/applications/{application_id:int}/files/{file_id:int}", name="portal_application_file")
    async def file(
        self, request: Request, application_id: FromPath[int], file_id: FromPath[int]
    ) -> Response:
        info, chunks = await service.own_file(
            applicant_of(portal_user(request)), application_id, file_id
        )
        return attachment_stream(chunks, info.filename, info.content_type)

    @post("/applications/{application_id:int}/accept", name="portal_application_accept")
    async def accept(self, request: Request, application_id: FromPath[int]) -> Redirect:
        await service.accept_grant(applicant_of(portal_user(request)), application_id)
        return done(request, N_("You have accepted the grant."), application_path(application_id))

    @post(
        "/applications/{application_id:int}/reports/{report_id:int}",
        name="portal_application_report",
        request_max_body_size=UPLOAD_LIMIT,
    )
    async def report(
        self, request: Request, application_id: FromPath[int], report_id: FromPath[int]
    ) -> Template | Redirect:
        async def send(applicant: Applicant, _: dict, name: str, kind: str, data: bytes) -> None:
            await service.send_report(applicant, application_id, report_id, name, kind, data)

        return await _receive(request, application_id, N_("The report has been received."), send)

    @post(
        "/applications/{application_id:int}/settlement",
        name="portal_application_settlement",
        request_max_body_size=UPLOAD_LIMIT,
    )
    async def settlement(
        self, request: Request, application_id: FromPath[int]
    ) -> Template | Redirect:
        async def send(
            applicant: Applicant, fields: dict, name: str, kind: str, data: bytes
        ) -> None:
            amount = str(fields.get("amount") or "")
            await service.request_settlement(applicant, application_id, amount, name, kind, data)

        message = N_("Your settlement request has been received.")
        return await _receive(request, application_id, message, send)


CONTROLLERS = [ApplicantPages]
