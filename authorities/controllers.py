"""Contracting authorities: administration pages and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_201_CREATED

from accounts.guards import ADMIN, ANY_ROLE, current_principal
from authorities import service
from authorities.domain import COUNTRY_DEFAULTS, LETTER_LANGUAGES
from common.errors import ValidationFailed
from common.money import CURRENCIES
from common.registration import COUNTRIES, REGISTRATION_LABELS
from web.forms import field_errors, read_form
from web.i18n import gettext


def _choices() -> dict[str, Any]:
    return {
        "countries": [(code, gettext(name)) for code, name in COUNTRIES.items()],
        "currencies": [(code, code) for code in CURRENCIES],
        "languages": list(LETTER_LANGUAGES.items()),
        "registration_labels": {code: gettext(label)
                                for code, label in REGISTRATION_LABELS.items()},
        "country_defaults": COUNTRY_DEFAULTS,
    }


class AuthorityAdminController(Controller):
    path = "/admin/authorities"
    guards = [ADMIN]
    include_in_schema = False

    def _form(self, authority: dict[str, Any] | None, values: dict[str, Any],
              errors: dict[str, list[str]], status: int = 200) -> Template:
        return Template("authorities/form.html", status_code=status,
                        context={"authority": authority, "values": values, "errors": errors,
                                 **_choices()})

    @get("", name="authorities")
    async def authorities(self) -> Template:
        return Template("authorities/list.html",
                        context={"authorities": await service.list_authorities(), **_choices()})

    @get("/new", name="authority_new")
    async def new_authority(self) -> Template:
        return self._form(None, {"country": "NL", "active": True}, {})

    @post("", name="authority_create")
    async def create_authority(self, request: Request) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        values = await read_form(request)
        try:
            created = await service.create_authority(principal.as_actor(), values)
        except ValidationFailed as exc:
            return self._form(None, values, field_errors(exc), status=422)
        flash(request, gettext("{name} has been added.").format(name=created["name"]),
              category="success")
        return Redirect("/admin/authorities", status_code=303)

    @get("/{authority_id:int}", name="authority")
    async def authority(self, authority_id: FromPath[int]) -> Template:
        authority = await service.get_authority(authority_id)
        return self._form(authority, authority, {})

    @post("/{authority_id:int}", name="authority_update")
    async def update_authority(self, request: Request,
                               authority_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        authority = await service.get_authority(authority_id)
        values = await read_form(request)
        values.setdefault("active", "")
        try:
            await service.update_authority(principal.as_actor(), authority_id, values)
        except ValidationFailed as exc:
            return self._form(authority, values, field_errors(exc), status=422)
        flash(request, gettext("{name} has been saved.").format(name=values.get("name")),
              category="success")
        return Redirect("/admin/authorities", status_code=303)

    @post("/{authority_id:int}/logo", name="authority_logo")
    async def upload_logo(self, request: Request,
                          authority_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        authority = await service.get_authority(authority_id)
        upload = (await request.form()).get("logo")
        data, filename = b"", ""
        if isinstance(upload, UploadFile):
            data, filename = await upload.read(), upload.filename or ""
        try:
            await service.set_logo(principal.as_actor(), authority_id, filename, data)
        except ValidationFailed as exc:
            return self._form(authority, authority, field_errors(exc), status=422)
        flash(request, gettext("The logo has been saved; letters carry it from now on."),
              category="success")
        return Redirect(f"/admin/authorities/{authority_id}", status_code=303)


@dataclass
class AuthorityOut:
    id: int
    name: str
    country: str
    currency: str
    timezone: str
    language: str
    registration_number: str
    standstill_days: int
    active: bool
    created_at: datetime
    postal_address: str = ""
    visiting_address: str = ""
    website: str = ""
    complaint_desk: str = ""
    decision_body: str = ""
    signatory_name: str = ""
    signatory_function: str = ""
    iban: str = ""

    @classmethod
    def of(cls, row: dict[str, Any]) -> AuthorityOut:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass
class AuthorityIn:
    name: str
    country: str
    registration_number: str
    currency: str | None = None
    timezone: str | None = None
    language: str | None = None
    standstill_days: int | None = None
    active: bool = True
    postal_address: str = ""
    visiting_address: str = ""
    website: str = ""
    complaint_desk: str = ""
    decision_body: str = ""
    signatory_name: str = ""
    signatory_function: str = ""
    iban: str = ""


class AuthorityApiController(Controller):
    path = "/api/v1/authorities"
    tags = ["authorities"]

    @get("", guards=[ANY_ROLE], name="api_authorities")
    async def list_authorities(self) -> list[AuthorityOut]:
        return [AuthorityOut.of(row) for row in await service.list_authorities()]

    @get("/{authority_id:int}", guards=[ANY_ROLE], name="api_authority")
    async def get_authority(self, authority_id: FromPath[int]) -> AuthorityOut:
        return AuthorityOut.of(await service.get_authority(authority_id))

    @post("", guards=[ADMIN], status_code=HTTP_201_CREATED, name="api_authority_create")
    async def create_authority(self, request: Request, data: JSONBody[AuthorityIn]) -> AuthorityOut:
        principal = current_principal(request)
        assert principal is not None
        return AuthorityOut.of(await service.create_authority(principal.as_actor(),
                                                              data.__dict__))

    @put("/{authority_id:int}", guards=[ADMIN], name="api_authority_update")
    async def update_authority(self, request: Request, authority_id: FromPath[int],
                               data: JSONBody[AuthorityIn]) -> AuthorityOut:
        principal = current_principal(request)
        assert principal is not None
        return AuthorityOut.of(await service.update_authority(principal.as_actor(),
                                                              authority_id, data.__dict__))


class ServiceTypeAdminController(Controller):
    path = "/admin/service-types"
    guards = [ADMIN]
    include_in_schema = False

    def _form(self, service_type: dict[str, Any] | None, values: dict[str, Any],
              errors: dict[str, list[str]], status: int = 200) -> Template:
        return Template("authorities/service_type_form.html", status_code=status,
                        context={"service_type": service_type, "values": values,
                                 "errors": errors})

    @get("", name="service_types")
    async def service_types(self) -> Template:
        return Template("authorities/service_types.html",
                        context={"service_types": await service.list_service_types()})

    @get("/new", name="service_type_new")
    async def new_service_type(self) -> Template:
        return self._form(None, {"active": True}, {})

    @post("", name="service_type_create")
    async def create_service_type(self, request: Request) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        values = await read_form(request)
        try:
            await service.create_service_type(principal.as_actor(), values)
        except ValidationFailed as exc:
            return self._form(None, values, field_errors(exc), status=422)
        flash(request, gettext("{name} has been added.").format(name=values.get("name_en")),
              category="success")
        return Redirect("/admin/service-types", status_code=303)

    @get("/{service_type_id:int}", name="service_type")
    async def service_type(self, service_type_id: FromPath[int]) -> Template:
        found = await service.get_service_type(service_type_id)
        return self._form(found, found, {})

    @post("/{service_type_id:int}", name="service_type_update")
    async def update_service_type(self, request: Request,
                                  service_type_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        found = await service.get_service_type(service_type_id)
        values = await read_form(request)
        values.setdefault("active", "")
        try:
            await service.update_service_type(principal.as_actor(), service_type_id, values)
        except ValidationFailed as exc:
            return self._form(found, values, field_errors(exc), status=422)
        flash(request, gettext("{name} has been saved.").format(name=values.get("name_en")),
              category="success")
        return Redirect("/admin/service-types", status_code=303)


@dataclass
class ServiceTypeOut:
    id: int
    code: str
    name_en: str
    name_nl: str
    active: bool
    name_da: str
    name_pl: str
    name_sv: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> ServiceTypeOut:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass
class ServiceTypeIn:
    code: str
    name_en: str
    name_nl: str
    active: bool = True
    name_da: str = ""
    name_pl: str = ""
    name_sv: str = ""


class ServiceTypeApiController(Controller):
    path = "/api/v1/service-types"
    tags = ["authorities"]

    @get("", guards=[ANY_ROLE], name="api_service_types")
    async def list_service_types(self) -> list[ServiceTypeOut]:
        return [ServiceTypeOut.of(row) for row in await service.list_service_types()]

    @post("", guards=[ADMIN], status_code=HTTP_201_CREATED, name="api_service_type_create")
    async def create_service_type(self, request: Request,
                                  data: JSONBody[ServiceTypeIn]) -> ServiceTypeOut:
        principal = current_principal(request)
        assert principal is not None
        return ServiceTypeOut.of(await service.create_service_type(principal.as_actor(),
                                                                   data.__dict__))

    @put("/{service_type_id:int}", guards=[ADMIN], name="api_service_type_update")
    async def update_service_type(self, request: Request, service_type_id: FromPath[int],
                                  data: JSONBody[ServiceTypeIn]) -> ServiceTypeOut:
        principal = current_principal(request)
        assert principal is not None
        return ServiceTypeOut.of(await service.update_service_type(
            principal.as_actor(), service_type_id, data.__dict__))


CONTROLLERS = [AuthorityAdminController, AuthorityApiController, ServiceTypeAdminController,
               ServiceTypeApiController]
