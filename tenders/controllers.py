"""Tender pages: the list, the tender with its phase stepper, and a page per part of the
procedure (lots, candidates, selection, dialogue, questions, bids, opening, evaluation, award,
contracts).

Officers of the tender's authorities change things; administrators and finance staff read.
Every form works without JavaScript; a refused action comes back as a message at the top of
the page it was sent from.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from authorities import service as authorities
from authorities.domain import localized_name
from common.errors import DomainError, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from common.localtime import utc_to_local
from common.money import input_amount
from documents.letters import bundle
from documents.letters.render import DOCX_CONTENT_TYPE
from documents.storage import FileInfo
from jobs.controllers import job_path
from scoring.access import links as scoring_links
from scoring.domain import PHASE_LABELS as SCORING_PHASES
from tenders import actions, bids, letters, openings, service
from tenders.domain import PeriodWarning
from tenders.machine import ACTION_LABELS, Action
from tenders.procedures import DEADLINE_LABELS, PHASE_LABELS, PROCEDURE_TYPES, Deadline, Phase
from web.downloads import attachment, attachment_stream
from web.forms import done, field_errors, read_form, require_confirmation
from web.guards import OFFICER, me, requires_role
from web.i18n import current_language, gettext, ngettext, translate_message
from web.pagination import page_number, paginate

READERS = requires_role(Role.OFFICER, Role.ADMIN, Role.FINANCE)
PER_PAGE = 25
BASE = "/tenders/{tender_id:int}"
TABS = (
    ("overview", N_("Overview"), ""),
    ("lots", N_("Lots"), "/lots"),
    ("candidates", N_("Candidates"), "/candidates"),
    ("selection", N_("Selection"), "/selection"),
    ("dialogue", N_("Dialogue"), "/dialogue"),
    ("questions", N_("Questions"), "/questions"),
    ("bids", N_("Bids"), "/bids"),
    ("opening", N_("Opening"), "/opening"),
    ("evaluation", N_("Evaluation"), "/evaluation"),
    ("award", N_("Award"), "/award"),
    ("contracts", N_("Contracts"), "/contracts"),
)
# Tabs a procedure type without preselection or dialogue does not show.
SELECTION_TABS = frozenset({"candidates", "selection"})
ACTION_MESSAGES = {
    Action.PUBLISH: N_("The tender has been published."),
    Action.COMPLETE_SELECTION: N_("The selection is complete."),
    Action.CLOSE_DIALOGUE: N_(
        "The dialogue is closed; the remaining candidates are invited to submit final bids."
    ),
    Action.OPEN_BIDS: N_("The bids are open."),
    Action.SEND_AWARD_DECISIONS: N_(
        "The award decisions have been sent to every bidder; the standstill period runs."
    ),
    Action.AWARD: N_("The tender is awarded definitively."),
    Action.CONCLUDE_CONTRACTS: N_("Contracting is concluded."),
    Action.CANCEL: N_("The tender has been cancelled."),
    Action.DECLARE_UNSUCCESSFUL: N_("The tender has been declared unsuccessful."),
}


def with_flags(values: dict[str, Any]) -> dict[str, Any]:
    """An unticked checkbox is not sent: say so, so that it does not take its default."""
    for name in ("two_envelope", "electronic_submission"):
        values.setdefault(name, "0")
    return values


def warning_texts(warnings: Sequence[PeriodWarning]) -> list[str]:
    """Each warning with its rule, all in the reader's language."""
    texts = []
    for warning in warnings:
        problem = warning.problem()
        texts.append(
            gettext(problem.message).format(**{**problem.params, "rule": gettext(warning.rule)})
        )
    return texts


def local_value(moment: Any, zone: str) -> str:
    """A UTC moment as the value of a datetime-local input in the authority's zone."""
    return utc_to_local(moment, zone).strftime("%Y-%m-%dT%H:%M") if moment else ""


def tabs_for(procedure: str) -> list[tuple[str, str, str]]:
    kind = PROCEDURE_TYPES[procedure]
    return [
        (key, label, suffix)
        for key, label, suffix in TABS
        if (kind.selects or key not in SELECTION_TABS)
        and (kind.has(Phase.DIALOGUE) or key != "dialogue")
    ]


def labels() -> dict[str, Any]:
    return {
        "phase_labels": PHASE_LABELS,
        "procedure_types": PROCEDURE_TYPES,
        "deadline_labels": DEADLINE_LABELS,
        "action_labels": ACTION_LABELS,
        "Phase": Phase,
        "Deadline": Deadline,
        "scoring_phases": SCORING_PHASES,
    }


async def tender_page(
    request: Request,
    tender_id: int,
    template: str,
    tab: str,
    status: int = 200,
    view: service.Overview | None = None,
    **context: Any,
) -> Template:
    """A page of one tender: its header (title, phase stepper, tabs) and ``context``."""
    principal = me(request)
    view = view or await service.overview(principal, tender_id)
    return Template(
        template,
        status_code=status,
        context={
            "view": view,
            "tender": view.tender,
            "tab": tab,
            "base": f"/tenders/{tender_id}",
            "tabs": tabs_for(view.tender["procedure"]),
            "leads": view.can_change,
            "language": current_language(),
            "errors": {},
            "values": {},
            **labels(),
            **context,
        },
    )


async def upload(request: Request, name: str) -> list[tuple[str, str, bytes]]:
    """The files sent in the multipart field ``name``."""
    form = await request.form()
    found = []
    for item in form.getall(name) if name in form else []:
        if isinstance(item, UploadFile) and item.filename:
            found.append((item.filename, item.content_type, await item.read()))
    return found


def download(info: FileInfo, data: bytes | AsyncIterator[bytes]) -> Response:
    """A stored file: sent as it is read (an upload can be large), or bytes at hand."""
    if isinstance(data, bytes):
        return attachment(data, info.filename, info.content_type)
    return attachment_stream(data, info.filename, info.content_type)


def docx_download(filename: str, data: bytes) -> Response:
    return attachment(data, filename, DOCX_CONTENT_TYPE)


async def zip_download(
    principal: Principal, tender_id: int, lot: int | None, kind: str | None, pdf: bool
) -> Response:
    """The letters of the tender (one lot, one kind) as one zip, built as it is sent; as PDF
    a job builds it, and its page offers the file."""
    if pdf:
        job_id = await letters.queue_pdf_zip(principal, tender_id, lot, letters.kind_from(kind))
        return Redirect(job_path(job_id), status_code=303)
    filename, chunks = await letters.zip_of(principal, tender_id, lot, letters.kind_from(kind), pdf)
    return attachment_stream(chunks, filename, "application/zip")


async def _authority_choices(principal: Principal) -> list[tuple[int, str]]:
    rows = await authorities.list_authorities(
        only_active=True, ids=None if principal.is_admin else principal.authority_ids
    )
    return [(r["id"], r["name"]) for r in rows]


async def _service_type_choices() -> list[tuple[int, str]]:
    language = current_language()
    return [
        (r["id"], localized_name(r, language))
        for r in await authorities.list_service_types(only_active=True)
    ]


class TenderPages(Controller):
    path = "/tenders"
    include_in_schema = False

    @get("", guards=[READERS], name="tenders")
    async def index(self, request: Request) -> Template:
        principal = me(request)
        query = dict(request.query_params)
        filters = service.Filters(
            phase=query.get("phase") if query.get("phase") in Phase.__members__.values() else None,
            authority_id=int(query["authority"]) if query.get("authority", "").isdigit() else None,
            service_type_id=int(query["service_type"])
            if query.get("service_type", "").isdigit()
            else None,
            text=(query.get("q") or "").strip() or None,
        )
        offset = (page_number(query.get("page")) - 1) * PER_PAGE
        items, total = await service.list_tenders(principal, filters, offset, PER_PAGE)
        pages = paginate("/tenders", query, total, PER_PAGE)
        if pages.offset != offset:  # asked beyond the last page: show the last one
            items, total = await service.list_tenders(principal, filters, pages.offset, PER_PAGE)
        return Template(
            "tenders/list.html",
            context={
                "items": items,
                "pages": pages,
                "query": query,
                "language": current_language(),
                "authorities": await _authority_choices(principal),
                "service_types": await _service_type_choices(),
                **labels(),
            },
        )

    async def _form(
        self,
        request: Request,
        values: dict[str, Any],
        errors: dict[str, list[str]] | None = None,
        status: int = 200,
        tender_id: int | None = None,
    ) -> Template:
        principal = me(request)
        return Template(
            "tenders/form.html",
            status_code=status,
            context={
                "values": values,
                "errors": errors or {},
                "tender_id": tender_id,
                "authorities": await _authority_choices(principal),
                "service_types": await _service_type_choices(),
                "procedures": [
                    (code, gettext(kind.label)) for code, kind in PROCEDURE_TYPES.items()
                ],
                **labels(),
            },
        )

    @get("/new", guards=[OFFICER], name="tender_new")
    async def new(self, request: Request) -> Template:
        principal = me(request)
        first = sorted(principal.authority_ids)[:1]
        return await self._form(
            request,
            {
                "currency": "EUR",
                "procedure": "open",
                "electronic_submission": True,
                "authority_id": first[0] if first else "",
            },
        )

    @post("", guards=[OFFICER], name="tender_create")
    async def create(self, request: Request) -> Template | Redirect:
        values = with_flags(await read_form(request))
        try:
            tender_id = await service.create_tender(me(request), values)
        except ValidationFailed as exc:
            return await self._form(request, values, field_errors(exc), 422)
        except DomainError as exc:
            return await self._form(request, values, field_errors(exc), 409)
        return done(request, N_("The draft tender has been created."), f"/tenders/{tender_id}")

    async def _overview(
        self,
        request: Request,
        tender_id: int,
        status: int = 200,
        errors: dict[str, list[str]] | None = None,
        deadline_values: dict[str, str] | None = None,
    ) -> Template:
        view = await service.overview(me(request), tender_id)
        drafting = view.can_change and view.phase is Phase.DRAFT
        return await tender_page(
            request,
            tender_id,
            "tenders/tender.html",
            "overview",
            status,
            view=view,
            documents=await service.documents_of(tender_id),
            warnings=warning_texts(view.warnings),
            errors=errors or {},
            deadline_values=deadline_values
            or {d.value: local_value(view.deadlines.get(d), view.zone) for d in Deadline},
            all_authorities=await authorities.list_authorities(only_active=True)
            if drafting
            else [],
        )

    @get("/{tender_id:int}", guards=[READERS], name="tender")
    async def overview(self, request: Request, tender_id: FromPath[int]) -> Template:
        return await self._overview(request, tender_id)

    @get("/{tender_id:int}/edit", guards=[OFFICER], name="tender_edit")
    async def edit(self, request: Request, tender_id: FromPath[int]) -> Template:
        view = await service.overview(me(request), tender_id)
        row = view.tender
        values = {
            **row,
            "service_type_id": row["service_type"],
            "authority_id": row["lead_authority"],
            "estimated_value": input_amount(row["estimated_value"]),
        }
        return await self._form(request, values, tender_id=tender_id)

    @post("/{tender_id:int}/edit", guards=[OFFICER], name="tender_update")
    async def update(self, request: Request, tender_id: FromPath[int]) -> Template | Redirect:
        values = with_flags(await read_form(request))
        try:
            await service.update_tender(me(request), tender_id, values)
        except ValidationFailed as exc:
            return await self._form(request, values, field_errors(exc), 422, tender_id)
        return done(request, N_("The tender has been saved."), f"/tenders/{tender_id}")

    @post("/{tender_id:int}/deadlines", guards=[OFFICER], name="tender_deadlines")
    async def deadlines(self, request: Request, tender_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request)
        try:
            saved = await service.set_deadlines(me(request), tender_id, values)
        except ValidationFailed as exc:
            return await self._overview(
                request,
                tender_id,
                422,
                field_errors(exc),
                {
                    **{d.value: values.get(f"deadline_{d.value}", "") for d in Deadline},
                    "reason": str(values.get("reason") or ""),
                },
            )
        for text in warning_texts(saved.warnings):
            flash(request, text, category="info")
        if saved.told:
            flash(
                request,
                ngettext(
                    "{count} candidate has been told by mail.",
                    "{count} candidates have been told by mail.",
                    len(saved.told),
                ).format(count=len(saved.told)),
                category="info",
            )
        if saved.without_address:
            flash(
                request,
                gettext(N_("No email address to tell: {names}.")).format(
                    names=", ".join(saved.without_address)
                ),
                category="info",
            )
        return done(request, N_("The deadlines have been saved."), f"/tenders/{tender_id}")

    @post("/{tender_id:int}/authorities", guards=[OFFICER], name="tender_authorities")
    async def set_authorities(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        values = await read_form(request)
        shares = {
            int(key.removeprefix("share_")): value
            for key, value in values.items()
            if key.startswith("share_") and key[6:].isdigit() and str(value).strip()
        }
        await service.set_authorities(me(request), tender_id, shares)
        return done(
            request,
            N_("The authorities and their shares have been saved."),
            f"/tenders/{tender_id}",
        )

    @post("/{tender_id:int}/documents", guards=[OFFICER], name="tender_document_upload")
    async def upload_document(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        form = await request.form()
        files = await upload(request, "file")
        if not files:
            raise ValidationFailed([field_problem(N_("Choose a file"), "file")])
        filename, content_type, data = files[0]
        await service.upload_document(
            me(request), tender_id, str(form.get("name") or ""), filename, content_type, data
        )
        return done(request, N_("The document has been uploaded."), f"/tenders/{tender_id}")

    @get("/{tender_id:int}/documents/{document_id:int}", guards=[READERS], name="tender_document")
    async def document(
        self, request: Request, tender_id: FromPath[int], document_id: FromPath[int]
    ) -> Response:
        return download(*await service.document_file(me(request), tender_id, document_id))

    @post("/{tender_id:int}/actions/{action:str}", guards=[OFFICER], name="tender_action")
    async def act(
        self, request: Request, tender_id: FromPath[int], action: FromPath[str]
    ) -> Redirect:
        principal = me(request)
        form = await read_form(request)
        try:
            chosen = Action(action)
        except ValueError:
            raise DomainError(N_("Unknown action {action}"), action=action) from None
        require_confirmation(form)
        target = f"/tenders/{tender_id}"
        if chosen not in actions.STEPS:
            raise DomainError(
                N_("{action} happens by itself at its deadline"),
                action=gettext(ACTION_LABELS[chosen]),
            )
        result = await actions.perform(principal, tender_id, chosen, form.get("reason"))
        if chosen is Action.PUBLISH:
            for text in warning_texts(result):
                flash(request, text, category="info")
        if chosen is Action.OPEN_BIDS and not result:
            return done(
                request,
                N_("Your approval is recorded; a second officer must confirm the opening."),
                f"{target}/opening",
            )
        return done(request, ACTION_MESSAGES[chosen], target)

    @post("/{tender_id:int}/open-data", guards=[OFFICER], name="tender_open_data")
    async def open_data(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        """Mark the tender "not published" in open data (with a reason), or lift the mark."""
        form = await read_form(request)
        if form.get("published"):
            await service.publish_in_open_data(me(request), tender_id)
            message = N_("The tender is published in open data again.")
        else:
            # Not "reason": the deadline form on the same page has a field of that name.
            reason = form.get("withhold_reason")
            await service.withhold_from_open_data(me(request), tender_id, reason)
            message = N_("The tender is marked as not published in open data.")
        return done(request, message, f"/tenders/{tender_id}")

    # --- lots -----------------------------------------------------------------------------------

    @get("/{tender_id:int}/lots", guards=[READERS], name="tender_lots")
    async def lots(self, request: Request, tender_id: FromPath[int]) -> Template:
        return await tender_page(
            request,
            tender_id,
            "tenders/lots.html",
            "lots",
            values={"number": await _next_lot_number(request, tender_id), "winners": 1},
        )

    @post("/{tender_id:int}/lots", guards=[OFFICER], name="tender_lot_add")
    async def add_lot(self, request: Request, tender_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request)
        try:
            await service.add_lot(me(request), tender_id, values)
        except ValidationFailed as exc:
            return await tender_page(
                request,
                tender_id,
                "tenders/lots.html",
                "lots",
                422,
                values=values,
                errors=field_errors(exc),
            )
        return done(request, N_("The lot has been added."), f"/tenders/{tender_id}/lots")

    @get("/{tender_id:int}/lots/{lot_id:int}", guards=[READERS], name="tender_lot")
    async def lot(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> Template:
        principal = me(request)
        result = await bids.lot_result(principal, tender_id, lot_id)
        lot_bids = await bids.bids(principal, tender_id, lot_id)
        return await tender_page(
            request,
            tender_id,
            "tenders/lot.html",
            "lots",
            result=result,
            lot=result.lot,
            bids=lot_bids,
            bid_names={b.ref: b.organisation for b in lot_bids},
            winner_refs={b.ref for b in lot_bids if b.winner},
            scoring=scoring_links(result.lot["evaluation_id"])
            if result.lot["evaluation_id"]
            else None,
            blocking=[translate_message(p) for p in result.blocking],
            sent=await letters.sent_letters(principal, tender_id, lot_id),
            pdf=bundle.pdf_available(),
            values={
                **{k: result.lot[k] for k in ("number", "title", "description", "winners")},
                "estimated_value": input_amount(result.lot["estimated_value"]),
            },
        )

    @post("/{tender_id:int}/lots/{lot_id:int}", guards=[OFFICER], name="tender_lot_update")
    async def update_lot(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> Redirect:
        await service.update_lot(me(request), tender_id, lot_id, await read_form(request))
        return done(request, N_("The lot has been saved."), f"/tenders/{tender_id}/lots/{lot_id}")

    @post(
        "/{tender_id:int}/lots/{lot_id:int}/price-opening",
        guards=[OFFICER],
        name="tender_lot_price_opening",
    )
    async def price_opening(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> Redirect:
        opened = await openings.approve_price_opening(me(request), tender_id, lot_id)
        return done(
            request,
            N_("The prices are open.")
            if opened
            else N_("Your approval is recorded; a second, different officer opens the prices."),
            f"/tenders/{tender_id}/lots/{lot_id}",
        )

    @post("/{tender_id:int}/lots/{lot_id:int}/award", guards=[OFFICER], name="tender_lot_award")
    async def choose_award(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request, lists=("winners",))
        chosen = [int(w) for w in form["winners"] if str(w).isdigit()]
        await bids.choose_award(
            me(request),
            tender_id,
            lot_id,
            chosen,
            str(form.get("reason") or ""),
            str(form.get("advantages") or ""),
        )
        return done(
            request,
            N_("The award intent for this lot has been recorded."),
            f"/tenders/{tender_id}/lots/{lot_id}",
        )

    @post(
        "/{tender_id:int}/lots/{lot_id:int}/unsuccessful",
        guards=[OFFICER],
        name="tender_lot_unsuccessful",
    )
    async def declare_lot_unsuccessful(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        require_confirmation(form)
        closed = await letters.declare_lot_unsuccessful(
            me(request), tender_id, lot_id, form.get("reason")
        )
        if closed.tender_unsuccessful:
            return done(
                request,
                N_(
                    "The lot has been declared unsuccessful; every lot now is, "
                    "so the tender is unsuccessful."
                ),
                f"/tenders/{tender_id}",
            )
        count = len(closed.letters)
        flash(
            request,
            ngettext(
                "The lot has been declared unsuccessful; {count} bidder has been told.",
                "The lot has been declared unsuccessful; {count} bidders have been told.",
                count,
            ).format(count=count),
            category="success",
        )
        return Redirect(f"/tenders/{tender_id}/lots/{lot_id}", status_code=303)


def field_problem(message: str, location: str) -> Problem:
    return Problem(message, {}, location)


async def _next_lot_number(request: Request, tender_id: int) -> int:
    rows = await service.lots(me(request), tender_id)
    return max((r["number"] for r in rows), default=0) + 1


CONTROLLERS = [TenderPages]
