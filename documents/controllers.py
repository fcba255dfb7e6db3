"""Letter templates for administrators: per authority, replace, download, preview, reset.

Pages under /admin/letter-templates and the JSON API under /api/v1/letter-templates. An upload
is checked by rendering it with sample data (:mod:`documents.letters.service`); a refused
template is shown with every problem and where it is, and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, MultipartBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_204_NO_CONTENT

from authorities import service as authorities
from authorities.controllers import authority_form
from common.errors import Problem, ValidationFailed
from common.i18n import N_
from documents import office
from documents.letters import logo, service
from documents.letters.bundle import require_pdf
from documents.letters.kinds import KIND_LABELS, LetterKind
from documents.letters.render import DOCX_CONTENT_TYPE
from documents.letters.templates import LETTER_LANGUAGES
from web.downloads import attachment
from web.forms import field_errors
from web.guards import ADMIN, current_principal
from web.i18n import gettext, translate_message, translate_problem

LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "da": "Dansk",
    "pl": "Polski",
    "sv": "Svenska",
}
BASE = "/admin/letter-templates"


def _attachment(data: bytes, filename: str, media_type: str) -> Response[bytes]:
    return attachment(data, filename, media_type, no_store=True)


def _actor(request: Request) -> Any:
    principal = current_principal(request)
    assert principal is not None
    return principal.as_actor()


def _problem_text(problem: Problem) -> str:
    """A place in the document is shown (``document ¶3: ...``); a form field is not."""
    if problem.location in (None, "file", "kind"):
        return translate_message(problem)
    return translate_problem(problem)


class AuthorityLogoPages(Controller):
    """The authority's letterhead logo, uploaded on the authority's page."""

    path = "/admin/authorities"
    guards = [ADMIN]
    include_in_schema = False

    @post("/{authority_id:int}/logo", name="authority_logo")
    async def upload_logo(
        self, request: Request, authority_id: FromPath[int]
    ) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        authority = await authorities.get_authority(authority_id)
        upload = (await request.form()).get("logo")
        data, filename = b"", ""
        if isinstance(upload, UploadFile):
            data, filename = await upload.read(), upload.filename or ""
        try:
            await logo.set_logo(principal.as_actor(), authority_id, filename, data)
        except ValidationFailed as exc:
            return authority_form(authority, authority, field_errors(exc), status=422)
        flash(
            request,
            gettext("The logo has been saved; letters carry it from now on."),
            category="success",
        )
        return Redirect(f"/admin/authorities/{authority_id}", status_code=303)


class LetterTemplatePages(Controller):
    path = BASE
    guards = [ADMIN]
    include_in_schema = False

    @get("", name="letter_templates")
    async def index(self) -> Template:
        return Template(
            "documents/letter_templates.html",
            context={"authorities": await authorities.list_authorities()},
        )

    async def _page(
        self,
        authority_id: int,
        problems: list[str] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        authority = await authorities.get_authority(authority_id)
        return Template(
            "documents/letter_templates_authority.html",
            status_code=status,
            context={
                "authority": authority,
                "slots": await service.list_templates(authority_id),
                "kinds": [(k.value, gettext(KIND_LABELS[k])) for k in LetterKind],
                "kind_labels": {k.value: KIND_LABELS[k] for k in LetterKind},
                "languages": [(code, LANGUAGE_NAMES[code]) for code in LETTER_LANGUAGES],
                "language_names": LANGUAGE_NAMES,
                "pdf_available": office.available(),
                "problems": problems or [],
                "values": values or {"language": authority["language"]},
            },
        )

    @get("/{authority_id:int}", name="letter_templates_authority")
    async def authority(self, authority_id: FromPath[int]) -> Template:
        return await self._page(authority_id)

    @post("/{authority_id:int}", name="letter_template_upload")
    async def upload(self, request: Request, authority_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        kind, language = str(form.get("kind") or ""), str(form.get("language") or "")
        upload = form.get("file")
        values = {"kind": kind, "language": language}
        data, filename = b"", ""
        if isinstance(upload, UploadFile):
            data, filename = await upload.read(), upload.filename or ""
        try:
            if kind not in {k.value for k in LetterKind} or language not in LETTER_LANGUAGES:
                raise ValidationFailed(
                    [Problem(N_("Choose the kind of letter and the language"), {}, "kind")]
                )
            await service.upload_template(
                _actor(request), authority_id, LetterKind(kind), language, filename, data
            )
        except ValidationFailed as exc:
            return await self._page(
                authority_id, [_problem_text(p) for p in exc.problems], values, status=422
            )
        flash(
            request,
            gettext("The template has been checked and is now used for this authority's letters."),
            category="success",
        )
        return Redirect(f"{BASE}/{authority_id}", status_code=303)

    @get("/{authority_id:int}/{kind:str}/{language:str}", name="letter_template_download")
    async def download(
        self, authority_id: FromPath[int], kind: FromPath[str], language: FromPath[str]
    ) -> Response[bytes]:
        letter_kind, code = service.parse_slot(kind, language)
        await authorities.get_authority(authority_id)
        active = await service.template_for(authority_id, letter_kind, code)
        return _attachment(
            active.data, f"{letter_kind.value}-{active.written_in}.docx", DOCX_CONTENT_TYPE
        )

    @get("/{authority_id:int}/{kind:str}/{language:str}/preview", name="letter_template_preview")
    async def preview(
        self,
        authority_id: FromPath[int],
        kind: FromPath[str],
        language: FromPath[str],
        format: FromQuery[str] = "docx",
    ) -> Response[bytes]:
        data = await service.preview(authority_id, *service.parse_slot(kind, language))
        name = f"preview-{kind}-{language}"
        if format == "pdf":
            require_pdf()
            return _attachment(
                await office.convert(data, ".docx", "pdf"), f"{name}.pdf", "application/pdf"
            )
        return _attachment(data, f"{name}.docx", DOCX_CONTENT_TYPE)

    @post("/{authority_id:int}/{kind:str}/{language:str}/reset", name="letter_template_reset")
    async def reset(
        self,
        request: Request,
        authority_id: FromPath[int],
        kind: FromPath[str],
        language: FromPath[str],
    ) -> Redirect:
        letter_kind, code = service.parse_slot(kind, language)
        if await service.reset_template(_actor(request), authority_id, letter_kind, code):
            flash(request, gettext("The default template is used again."), category="success")
        return Redirect(f"{BASE}/{authority_id}", status_code=303)


@dataclass
class TemplateSlotOut:
    kind: str
    language: str
    custom: bool
    written_in: str
    filename: str
    uploaded_at: datetime | None
    uploaded_by: str

    @classmethod
    def of(cls, slot: service.TemplateSlot) -> TemplateSlotOut:
        return cls(
            slot.kind.value,
            slot.language,
            slot.custom,
            slot.written_in,
            slot.filename,
            slot.uploaded_at,
            slot.uploaded_by,
        )


@dataclass
class TemplateUpload:
    """The multipart form of an upload: the .docx in the field ``data``. (A dataclass, so that
    a form without the file is refused with 400 rather than failing inside the framework.)"""

    data: UploadFile


class LetterTemplateApi(Controller):
    path = "/api/v1/letter-templates"
    tags = ["letters"]
    guards = [ADMIN]

    @get("/{authority_id:int}", name="api_letter_templates")
    async def list_templates(self, authority_id: FromPath[int]) -> list[TemplateSlotOut]:
        """Every kind × language of the authority: its own template or the default."""
        return [TemplateSlotOut.of(s) for s in await service.list_templates(authority_id)]

    @put("/{authority_id:int}/{kind:str}/{language:str}", name="api_letter_template_upload")
    async def upload(
        self,
        request: Request,
        authority_id: FromPath[int],
        kind: FromPath[str],
        language: FromPath[str],
        data: MultipartBody[TemplateUpload],
    ) -> TemplateSlotOut:
        """Replace the template (multipart field ``data``, a .docx). Refused with 422 and
        every problem with its location when it does not render with sample data."""
        letter_kind, code = service.parse_slot(kind, language)
        upload = data.data
        slot = await service.upload_template(
            _actor(request),
            authority_id,
            letter_kind,
            code,
            upload.filename or "",
            await upload.read(),
        )
        return TemplateSlotOut.of(slot)

    @delete(
        "/{authority_id:int}/{kind:str}/{language:str}",
        status_code=HTTP_204_NO_CONTENT,
        name="api_letter_template_reset",
    )
    async def reset(
        self,
        request: Request,
        authority_id: FromPath[int],
        kind: FromPath[str],
        language: FromPath[str],
    ) -> None:
        """Go back to the default template."""
        letter_kind, code = service.parse_slot(kind, language)
        await service.reset_template(_actor(request), authority_id, letter_kind, code)


CONTROLLERS = [LetterTemplatePages, LetterTemplateApi, AuthorityLogoPages]
