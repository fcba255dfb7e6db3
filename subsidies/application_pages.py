"""The applications of a subsidy round: the list, the import from a file, one application and
its steps (information asked, complete, eligibility, withdrawn, closed).

Officers of the round's authority change things; finance staff and administrators read. Every
form works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from audit.controllers import with_sentences
from common.errors import DomainError, Problem, ValidationFailed
from common.i18n import N_
from documents.letters.kinds import KIND_LABELS
from jobs.controllers import job_path
from subsidies import jobs as subsidy_jobs
from subsidies import letters, service
from subsidies.applicant import FILE_PURPOSE_LABELS
from subsidies.applications import MAX_UPLOAD_BYTES
from subsidies.controllers import (
    BASE,
    PER_PAGE,
    READERS,
    STEP_ACTIONS,
    _plain,
    _round_page,
    application_path,
    round_path,
)
from subsidies.lifecycle import ACTION_LABELS, STATE_LABELS, Action, State, allowed
from web.forms import done, field_errors, read_form
from web.guards import OFFICER, me
from web.i18n import gettext
from web.pagination import page_number, paginate


class ApplicationPages(Controller):
    path = BASE
    include_in_schema = False

    @get("/rounds/{round_id:int}/applications", guards=[READERS], name="subsidies_applications")
    async def index(self, request: Request, round_id: FromPath[int]) -> Template:
        principal = me(request)
        view = await service.get_round(principal, round_id)
        query = {k: request.query_params.get(k, "") for k in ("state", "q", "page")}
        state = query["state"] if query["state"] in {s.value for s in State} else ""
        listing = await service.list_applications(
            principal,
            round_id,
            state=state,
            text=query["q"],
            page=page_number(query["page"]),
            limit=PER_PAGE,
        )
        pages = paginate(f"{round_path(round_id)}/applications", query, listing.total, PER_PAGE)
        return _round_page(
            "subsidies/applications.html",
            principal,
            view,
            "applications",
            listing=listing,
            pages=pages,
            state=state,
            q=query["q"],
            states=[(s.value, gettext(label)) for s, label in STATE_LABELS.items()],
        )

    @post(
        "/rounds/{round_id:int}/applications/bulk",
        guards=[OFFICER],
        name="subsidies_applications_bulk",
    )
    async def bulk(self, request: Request, round_id: FromPath[int]) -> Redirect:
        form = await read_form(request, lists=("ids",))
        ids = [int(i) for i in form["ids"] if str(i).isdigit()]
        if form.get("action") == "eligible":
            count = await service.mark_eligible_many(me(request), round_id, ids)
            message = N_("{count} applications marked eligible.")
        else:
            count = await service.complete_many(me(request), round_id, ids)
            message = N_("{count} applications marked complete.")
        return done(request, message, f"{round_path(round_id)}/applications", count=count)

    async def _form(
        self,
        request: Request,
        round_id: int,
        values: dict[str, Any],
        errors: dict[str, list[str]] | None = None,
        status: int = 200,
    ) -> Template:
        principal = me(request)
        view = await service.get_round(principal, round_id)
        return _round_page(
            "subsidies/application_form.html",
            principal,
            view,
            "applications",
            status,
            values=values,
            errors=errors or {},
            countries=[("NL", "NL"), ("DK", "DK"), ("PL", "PL"), ("SE", "SE")],
        )

    @get(
        "/rounds/{round_id:int}/applications/new",
        guards=[OFFICER],
        name="subsidies_application_new",
    )
    async def new(self, request: Request, round_id: FromPath[int]) -> Template:
        return await self._form(request, round_id, {"country": "NL"})

    @post(
        "/rounds/{round_id:int}/applications", guards=[OFFICER], name="subsidies_application_create"
    )
    async def create(self, request: Request, round_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request)
        try:
            application_id = await service.register_application(me(request), round_id, values)
        except ValidationFailed as exc:
            return await self._form(request, round_id, values, field_errors(exc), 422)
        return done(
            request, N_("The application has been registered."), application_path(application_id)
        )

    async def _import_page(
        self, request: Request, round_id: int, status: int = 200, **context: Any
    ) -> Template:
        principal = me(request)
        view = await service.get_round(principal, round_id)
        return _round_page(
            "subsidies/import.html",
            principal,
            view,
            "applications",
            status,
            **{"preview": None, "file_id": None, "errors": {}, **context},
        )

    @get("/rounds/{round_id:int}/import", guards=[OFFICER], name="subsidies_import")
    async def import_form(self, request: Request, round_id: FromPath[int]) -> Template:
        return await self._import_page(request, round_id)

    @post(
        "/rounds/{round_id:int}/import",
        guards=[OFFICER],
        name="subsidies_import_preview",
        request_max_body_size=MAX_UPLOAD_BYTES + 64 * 1024,
    )
    async def import_preview(self, request: Request, round_id: FromPath[int]) -> Template:
        """The uploaded file checked row by row and kept (content-addressed) for the import."""
        principal = me(request)
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._import_page(
                request,
                round_id,
                422,
                errors={"file": [gettext("Choose a spreadsheet or CSV file")]},
            )
        data = await upload.read()
        try:
            preview, file_id = await service.upload_import(
                principal, round_id, upload.filename, data
            )
        except DomainError as exc:
            return await self._import_page(
                request,
                round_id,
                422,
                errors={"file": [m for messages in field_errors(exc).values() for m in messages]},
            )
        return await self._import_page(
            request,
            round_id,
            422 if preview.problems else 200,
            preview=preview,
            file_id=file_id,
            filename=upload.filename,
        )

    @post(
        "/rounds/{round_id:int}/import/{file_id:int}",
        guards=[OFFICER],
        name="subsidies_import_confirm",
    )
    async def import_confirm(
        self, request: Request, round_id: FromPath[int], file_id: FromPath[int]
    ) -> Redirect:
        """The import runs as a job; its page shows how it went."""
        return Redirect(
            job_path(await subsidy_jobs.queue_import(me(request), round_id, file_id)),
            status_code=303,
        )

    @get("/applications/{application_id:int}", guards=[READERS], name="subsidies_application")
    async def show(self, request: Request, application_id: FromPath[int]) -> Template:
        principal = me(request)
        application = await service.get_application(principal, application_id)
        view = await service.get_round(principal, application.round_id)
        return _round_page(
            "subsidies/application.html",
            principal,
            view,
            "applications",
            application=application,
            history=await with_sentences(await service.history(principal, application_id)),
            payments=await service.payments(principal, view.id, application_id=application_id),
            reports=await service.reports(principal, application_id),
            files=await service.files(principal, application_id),
            letters=await letters.application_letters(principal, application_id),
            kind_labels=KIND_LABELS,
            purpose_labels=FILE_PURPOSE_LABELS,
            steps=[a for a in allowed(application.state) if a in STEP_ACTIONS],
            can_judge=application.state in (State.COMPLETE, State.ELIGIBLE, State.INELIGIBLE),
            can_settle=Action.SETTLE in allowed(application.state),
        )

    @post(
        "/applications/{application_id:int}/step",
        guards=[OFFICER],
        name="subsidies_application_step",
    )
    async def step(self, request: Request, application_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        try:
            action = Action(str(form.get("action") or ""))
        except ValueError:
            raise ValidationFailed([Problem(N_("Choose a step"), {}, "action")]) from None
        await service.act(me(request), application_id, action, str(form.get("reason") or ""))
        return done(
            request,
            N_("{step}: done."),
            application_path(application_id),
            step=gettext(ACTION_LABELS[action]),
        )

    @post(
        "/applications/{application_id:int}/eligibility",
        guards=[OFFICER],
        name="subsidies_application_eligibility",
    )
    async def eligibility(self, request: Request, application_id: FromPath[int]) -> Redirect:
        form = await read_form(request, lists=("passed",))
        state = await service.mark_eligibility(
            me(request), application_id, form["passed"], str(form.get("note") or "")
        )
        return done(
            request,
            N_("The application is {state}."),
            application_path(application_id),
            state=gettext(STATE_LABELS[state]).lower(),
        )

    @post(
        "/applications/{application_id:int}/settlement",
        guards=[OFFICER],
        name="subsidies_application_settle",
    )
    async def settle(self, request: Request, application_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        result = await service.settle_application(
            me(request),
            application_id,
            str(form.get("final_amount") or ""),
            str(form.get("reasons") or ""),
        )
        return done(
            request,
            N_("Settled: {reclaim} to reclaim, {to_pay} still to pay."),
            application_path(application_id),
            reclaim=_plain(result["reclaim"]),
            to_pay=_plain(result["to_pay"]),
        )


CONTROLLERS = [ApplicationPages]
