"""Subsidy round pages: rounds, review, allocation, decision, payments, files, letters (the
applications of a round: :mod:`subsidies.application_pages`).

Officers of the round's authority change things; finance staff and administrators read. Every
form works without JavaScript.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Stream, Template

from authorities.service import list_service_types, service_type_names
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from common.localtime import utc_to_local
from common.money import CURRENCIES, input_amount
from common.numbers import input_text
from documents.letters import bundle
from documents.letters.kinds import KIND_LABELS
from documents.letters.render import DOCX_CONTENT_TYPE
from jobs.controllers import job_path
from scoring import service as scoring
from subsidies import access, letters, service
from subsidies import jobs as subsidy_jobs
from subsidies.allocation import METHOD_LABELS, OUTCOME_LABELS, REMAINDER_LABELS
from subsidies.domain import (
    INSTALMENT_LABELS,
    PAYMENT_KIND_LABELS,
    PAYMENT_STATUS_LABELS,
    PHASE_LABELS,
    REPORT_LABELS,
    tiers_text,
)
from subsidies.lifecycle import ACTION_LABELS, STATE_LABELS, Action
from web.downloads import attachment, attachment_stream
from web.forms import done, field_errors, read_form, require_confirmation
from web.guards import OFFICER, me, requires_role
from web.i18n import current_language, gettext

READERS = requires_role(Role.OFFICER, Role.ADMIN, Role.FINANCE)
PER_PAGE = 50
BASE = "/subsidies"
STEP_ACTIONS = (Action.ASK_INFORMATION, Action.COMPLETE, Action.WITHDRAW, Action.CLOSE)


def round_path(round_id: int) -> str:
    return f"{BASE}/rounds/{round_id}"


def application_path(application_id: int) -> str:
    return f"{BASE}/applications/{application_id}"


def _labels() -> dict[str, Any]:
    return {
        "phase_labels": PHASE_LABELS,
        "method_labels": METHOD_LABELS,
        "remainder_labels": REMAINDER_LABELS,
        "state_labels": STATE_LABELS,
        "action_labels": ACTION_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "payment_kind_labels": {**PAYMENT_KIND_LABELS, "settlement": N_("Settlement")},
        "payment_status_labels": PAYMENT_STATUS_LABELS,
        "report_labels": REPORT_LABELS,
        "instalment_labels": INSTALMENT_LABELS,
    }


def _round_page(
    template: str,
    principal: Principal,
    view: service.RoundView,
    tab: str,
    status: int = 200,
    **context: Any,
) -> Template:
    return Template(
        template,
        status_code=status,
        context={
            "round": view,
            "tab": tab,
            "runs": access.may_run(principal, view.authority_id),
            "links": scoring.links(view.evaluation_id) if view.evaluation_id else None,
            **_labels(),
            **context,
        },
    )


def _local_input(moment: Any, zone: str) -> str:
    return utc_to_local(moment, zone).strftime("%Y-%m-%dT%H:%M") if moment else ""


def round_values(view: service.RoundView) -> dict[str, Any]:
    return {
        "title": view.title,
        "authority_id": view.authority_id,
        "regulation_name": view.regulation_name,
        "regulation_reference": view.regulation_reference,
        "service_types": list(view.service_types),
        "opens_at": _local_input(view.opens_at, view.zone),
        "closes_at": _local_input(view.closes_at, view.zone),
        "ceiling": input_amount(view.ceiling),
        "currency": view.currency,
        "method": view.method.value,
        "remainder": view.remainder.value,
        "lottery_seed": view.lottery_seed,
        "eligibility_criteria": "\n".join(view.eligibility_criteria),
        "minimum_score": input_text(view.minimum_score),
        "maximum_per_applicant": input_amount(view.maximum_per_applicant),
        "period_start": view.period_start.isoformat(),
        "period_end": view.period_end.isoformat(),
        "advance_share": input_text(view.advance_share),
        "instalments": view.instalments.value,
        "instalment_dates": ", ".join(d.isoformat() for d in view.instalment_dates),
        "yearly_reports": view.yearly_reports,
        "acceptance_required": view.acceptance_required,
        "tiers": tiers_text(view.tiers),
        "budget_line": view.budget_line,
        "basis_regulation": view.basis_regulation,
        "basis_articles": view.basis_articles,
    }


def _choices() -> dict[str, Any]:
    return {
        "currencies": [(c, c) for c in CURRENCIES],
        "methods": [(m.value, gettext(label)) for m, label in METHOD_LABELS.items()],
        "remainders": [(r.value, gettext(label)) for r, label in REMAINDER_LABELS.items()],
        "instalment_choices": [(i.value, gettext(label)) for i, label in INSTALMENT_LABELS.items()],
    }


async def _service_type_options(view: service.RoundView | None) -> list[tuple[str, str]]:
    """The active service types, and those the round already names, by name."""
    names = await service_type_names(current_language())
    active = {t["code"] for t in await list_service_types(only_active=True)}
    kept = set(view.service_types) if view else set()
    return sorted(
        ((code, name) for code, name in names.items() if code in active | kept),
        key=lambda option: option[1].casefold(),
    )


class RoundPages(Controller):
    path = BASE
    include_in_schema = False

    @get("", guards=[READERS], name="subsidies")
    async def index(self, request: Request) -> Template:
        principal = me(request)
        return Template(
            "subsidies/index.html",
            context={
                "rounds": await service.list_rounds(principal),
                "can_create": principal.role is Role.OFFICER,
                **_labels(),
            },
        )

    async def _form(
        self,
        request: Request,
        values: dict[str, Any],
        errors: dict[str, list[str]] | None = None,
        status: int = 200,
        view: service.RoundView | None = None,
    ) -> Template:
        principal = me(request)
        return Template(
            "subsidies/round_form.html",
            status_code=status,
            context={
                "values": values,
                "errors": errors or {},
                "round": view,
                "authorities": await service.authority_choices(principal),
                "service_types": await _service_type_options(view),
                **_choices(),
            },
        )

    @get("/rounds/new", guards=[OFFICER], name="subsidies_round_new")
    async def new(self, request: Request) -> Template:
        choices = await service.authority_choices(me(request))
        return await self._form(
            request,
            {
                "authority_id": choices[0][0] if choices else "",
                "currency": "EUR",
                "method": "ranking",
                "remainder": "grant_remainder",
                "advance_share": "80",
                "service_types": [],
                "instalments": "yearly",
                "tiers": "5000;none;0\n50000;activity;3\n-;financial;6",
            },
        )

    @post("/rounds", guards=[OFFICER], name="subsidies_round_create")
    async def create(self, request: Request) -> Template | Redirect:
        values = await read_form(request, lists=("service_types",))
        try:
            view = await service.create_round(me(request), values)
        except ValidationFailed as exc:
            return await self._form(request, values, field_errors(exc), 422)
        return done(
            request,
            N_("The round {title} has been created."),
            round_path(view.id),
            title=view.title,
        )

    @get("/rounds/{round_id:int}", guards=[READERS], name="subsidies_round")
    async def show(self, request: Request, round_id: FromPath[int]) -> Template:
        principal = me(request)
        view = await service.get_round(principal, round_id)
        listing = await service.list_applications(principal, round_id, limit=0, counts=True)
        return _round_page(
            "subsidies/round.html",
            principal,
            view,
            "overview",
            budget=await service.budget(round_id, view.ceiling),
            counts=listing.counts,
            total=listing.total,
            service_type_names=await service_type_names(current_language()),
        )

    @get("/rounds/{round_id:int}/edit", guards=[OFFICER], name="subsidies_round_edit")
    async def edit(self, request: Request, round_id: FromPath[int]) -> Template:
        view = await service.get_round(me(request), round_id)
        if not access.may_run(me(request), view.authority_id):
            raise NotFound(N_("Subsidy round {id} does not exist"), id=round_id)
        return await self._form(request, round_values(view), view=view)

    @post("/rounds/{round_id:int}", guards=[OFFICER], name="subsidies_round_update")
    async def update(self, request: Request, round_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request, lists=("service_types",))
        try:
            await service.update_round(me(request), round_id, values)
        except ValidationFailed as exc:
            view = await service.get_round(me(request), round_id)
            return await self._form(
                request, {**values, "authority_id": view.authority_id}, field_errors(exc), 422, view
            )
        return done(request, N_("The settings have been saved."), round_path(round_id))

    @post("/rounds/{round_id:int}/open", guards=[OFFICER], name="subsidies_round_open")
    async def open(self, request: Request, round_id: FromPath[int]) -> Redirect:
        require_confirmation(await read_form(request))
        await service.open_round(me(request), round_id)
        return done(
            request,
            N_("The round is open; its method and ceiling are now fixed."),
            round_path(round_id),
        )

    @post("/rounds/{round_id:int}/review", guards=[OFFICER], name="subsidies_round_review")
    async def review(self, request: Request, round_id: FromPath[int]) -> Redirect:
        evaluation_id = await service.start_review(me(request), round_id)
        return done(
            request,
            N_("The eligible applications are under review."),
            scoring.links(evaluation_id).overview,
        )

    @post("/rounds/{round_id:int}/allocation", guards=[OFFICER], name="subsidies_round_allocate")
    async def allocate(self, request: Request, round_id: FromPath[int]) -> Redirect:
        await service.propose_allocation(me(request), round_id)
        return done(
            request, N_("The allocation has been proposed."), f"{round_path(round_id)}/allocation"
        )

    @get("/rounds/{round_id:int}/allocation", guards=[READERS], name="subsidies_round_allocation")
    async def allocation(self, request: Request, round_id: FromPath[int]) -> Template:
        principal = me(request)
        proposal = await service.allocation(principal, round_id)
        return _round_page(
            "subsidies/allocation.html",
            principal,
            proposal.round,
            "allocation",
            proposal=proposal,
            budget=await service.budget(round_id, proposal.round.ceiling),
        )

    @post(
        "/rounds/{round_id:int}/allocation/{application_id:int}",
        guards=[OFFICER],
        name="subsidies_round_adjust",
    )
    async def adjust(
        self, request: Request, round_id: FromPath[int], application_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await service.adjust_line(
            me(request),
            round_id,
            application_id,
            str(form.get("amount") or ""),
            str(form.get("reason") or ""),
        )
        return done(
            request,
            N_("The proposed amount has been changed."),
            f"{round_path(round_id)}/allocation",
        )

    @post("/rounds/{round_id:int}/decision", guards=[OFFICER], name="subsidies_round_decide")
    async def decide(self, request: Request, round_id: FromPath[int]) -> Redirect:
        require_confirmation(await read_form(request))
        result = await service.decide(me(request), round_id)
        return done(
            request,
            N_(
                "Decided: {granted} granted, {partly} partly granted, "
                "{refused} refused. Send the decision letters next."
            ),
            round_path(round_id),
            granted=result["granted"],
            partly=result["partly_granted"],
            refused=result["refused"],
        )

    @get("/rounds/{round_id:int}/payments", guards=[READERS], name="subsidies_round_payments")
    async def payments(self, request: Request, round_id: FromPath[int]) -> Template:
        principal = me(request)
        view = await service.get_round(principal, round_id)
        status = request.query_params.get("status", "")
        status = status if status in PAYMENT_STATUS_LABELS else ""
        return _round_page(
            "subsidies/payments.html",
            principal,
            view,
            "payments",
            payments=await service.payments(principal, round_id, status=status),
            status_filter=status,
            budget=await service.budget(round_id, view.ceiling),
        )

    @post("/payments/{payment_id:int}", guards=[OFFICER], name="subsidies_payment")
    async def payment(self, request: Request, payment_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        await service.set_payment_status(me(request), payment_id, str(form.get("status") or ""))
        target = str(form.get("back") or "")
        return done(
            request,
            N_("The payment has been updated."),
            target if target.startswith(f"{BASE}/") else BASE,
        )


async def _upload(request: Request) -> tuple[str, str, bytes]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed([Problem(N_("Choose a file"), {}, "file")])
    return upload.filename, upload.content_type or "", await upload.read()


def _attachment(info: Any, chunks: AsyncIterator[bytes]) -> Stream:
    """A stored file, sent as it is read."""
    return attachment_stream(chunks, info.filename, info.content_type)


class FilePages(Controller):
    """Files of applications and regulation documents, served after the access check."""

    path = BASE
    include_in_schema = False

    @post(
        "/applications/{application_id:int}/files",
        guards=[OFFICER],
        name="subsidies_application_file_add",
        request_max_body_size=26 * 1024 * 1024,
    )
    async def add(self, request: Request, application_id: FromPath[int]) -> Redirect:
        filename, content_type, data = await _upload(request)
        await service.attach_file(me(request), application_id, filename, content_type, data)
        return done(
            request, N_("{name} has been added."), application_path(application_id), name=filename
        )

    @get(
        "/applications/{application_id:int}/files/{file_id:int}",
        guards=[READERS],
        name="subsidies_application_file",
    )
    async def file(
        self, request: Request, application_id: FromPath[int], file_id: FromPath[int]
    ) -> Response[bytes]:
        return _attachment(*await service.read_file(me(request), application_id, file_id))

    @post(
        "/rounds/{round_id:int}/regulation",
        guards=[OFFICER],
        name="subsidies_round_regulation_add",
        request_max_body_size=26 * 1024 * 1024,
    )
    async def add_regulation(self, request: Request, round_id: FromPath[int]) -> Redirect:
        filename, content_type, data = await _upload(request)
        await service.set_regulation_document(me(request), round_id, filename, content_type, data)
        return done(request, N_("{name} has been added."), round_path(round_id), name=filename)

    @get("/rounds/{round_id:int}/regulation", guards=[READERS], name="subsidies_round_regulation")
    async def regulation(self, request: Request, round_id: FromPath[int]) -> Response[bytes]:
        return _attachment(*await service.regulation_document(me(request), round_id))


def _plain(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def download(
    filename: str,
    data: bytes,
    media_type: str = DOCX_CONTENT_TYPE,
) -> Response[bytes]:
    return attachment(data, filename, media_type)


async def letters_zip(principal: Principal, round_id: int, pdf: bool) -> Stream:
    """All letters of the round (decisions and settlements) as one zip, streamed (as PDF:
    see :func:`subsidy_jobs.queue_pdf_zip`)."""
    listed = await letters.round_letters(principal, round_id)
    if not listed:
        raise DomainError(N_("No letters have been sent in this round yet"))
    name = await letters.round_zip_name(principal, round_id, pdf)
    return attachment_stream(letters.zip_of(listed, pdf), name, "application/zip")


class LetterPages(Controller):
    """Decision and settlement letters of a round, and its evaluation report. Readers
    download; officers send."""

    path = BASE
    include_in_schema = False

    @get("/rounds/{round_id:int}/letters", guards=[READERS], name="subsidies_round_letters")
    async def index(self, request: Request, round_id: FromPath[int]) -> Template:
        principal = me(request)
        view = await service.get_round(principal, round_id)
        listed = await letters.round_letters(principal, round_id)
        return _round_page(
            "subsidies/letters.html",
            principal,
            view,
            "letters",
            letters=listed,
            kind_labels=KIND_LABELS,
            decision_sent=any(x.kind in letters.DECISION_KINDS for x in listed),
            sending=await subsidy_jobs.sending(round_id),
            pdf=bundle.pdf_available(),
        )

    @post("/rounds/{round_id:int}/letters", guards=[OFFICER], name="subsidies_round_letters_send")
    async def send(self, request: Request, round_id: FromPath[int]) -> Redirect:
        """Sending runs as a job; its page shows the progress and links back here."""
        require_confirmation(await read_form(request))
        job_id = await subsidy_jobs.queue_decision_letters(me(request), round_id)
        return Redirect(job_path(job_id), status_code=303)

    @get("/rounds/{round_id:int}/letters.zip", guards=[READERS], name="subsidies_round_letters_zip")
    async def zip(
        self, request: Request, round_id: FromPath[int], pdf: FromQuery[bool] = False
    ) -> Response:
        """The zip, streamed; as PDF it is built by a job (the same one while it runs),
        whose page offers the file when it is done."""
        if pdf:
            job_id = await subsidy_jobs.queue_pdf_zip(me(request), round_id)
            return Redirect(job_path(job_id), status_code=303)
        return await letters_zip(me(request), round_id, pdf)

    @get(
        "/rounds/{round_id:int}/letters/{file_id:int}",
        guards=[READERS],
        name="subsidies_round_letter",
    )
    async def letter(
        self, request: Request, round_id: FromPath[int], file_id: FromPath[int]
    ) -> Response[bytes]:
        info, data = await letters.read_round_letter(me(request), round_id, file_id)
        return download(info.filename, data)

    @get(
        "/applications/{application_id:int}/letters/{file_id:int}",
        guards=[READERS],
        name="subsidies_application_letter",
    )
    async def application_letter(
        self, request: Request, application_id: FromPath[int], file_id: FromPath[int]
    ) -> Response[bytes]:
        info, data = await letters.read_application_letter(me(request), application_id, file_id)
        return download(info.filename, data)

    @get(
        "/rounds/{round_id:int}/evaluation-report.docx",
        guards=[READERS],
        name="subsidies_round_report",
    )
    async def report(self, request: Request, round_id: FromPath[int]) -> Response[bytes]:
        return download(*await letters.evaluation_report(me(request), round_id))


CONTROLLERS = [RoundPages, FilePages, LetterPages]
