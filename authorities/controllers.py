"""Contracting authorities: administration pages and the JSON API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_201_CREATED

from authorities import service
from authorities.domain import COUNTRY_DEFAULTS, LETTER_LANGUAGES
from common.errors import ValidationFailed
from common.i18n import N_
from common.identity import Actor
from common.money import CURRENCIES
from common.registration import COUNTRIES, REGISTRATION_LABELS
from web.forms import field_errors, read_form
from web.guards import ADMIN, ANY_ROLE, current_principal
from web.i18n import gettext


def _choices() -> dict[str, Any]:
    return {
        "countries": [(code, gettext(name)) for code, name in COUNTRIES.items()],
        "currencies": [(code, code) for code in CURRENCIES],
        "languages": list(LETTER_LANGUAGES.items()),
        "registration_labels": {
            code: gettext(label) for code, label in REGISTRATION_LABELS.items()
        },
        "country_defaults": COUNTRY_DEFAULTS,
    }


def authority_form(
    authority: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    status: int = 200,
) -> Template:
    """The authority's form page (its logo's upload too: ``documents.controllers``)."""
    return Template(
        "authorities/form.html",
        status_code=status,
        context={"authority": authority, "values": values, "errors": errors, **_choices()},
    )


Save = Callable[[Actor, dict[str, Any]], Awaitable[Any]]
FormAgain = Callable[[dict[str, Any], dict[str, list[str]]], Template]


async def _save(
    request: Request,
    save: Save,
    again: FormAgain,
    done: str,
    name: str,
    back: str,
    updating: bool = False,
) -> Template | Redirect:
    """An administrator's form posted: saved, then back to ``back`` with ``done`` (naming the
    field ``name``); refused, the form ``again`` with its problems. An update's unticked
    ``active`` box is sent as no value at all: it means inactive."""
    principal = current_principal(request)
    assert principal is not None
    values = await read_form(request)
    if updating:
        values.setdefault("active", "")
    try:
        await save(principal.as_actor(), values)
    except ValidationFailed as exc:
        return again(values, field_errors(exc))
    flash(request, gettext(done).format(name=values.get(name)), category="success")
    return Redirect(back, status_code=303)


class AuthorityAdminController(Controller):
    path = "/admin/authorities"
    guards = [ADMIN]
    include_in_schema = False

    @get("", name="authorities")
    async def authorities(self) -> Template:
        return Template(
            "authorities/list.html",
            context={"authorities": await service.list_authorities(), **_choices()},
        )

    @get("/new", name="authority_new")
    async def new_authority(self) -> Template:
        return authority_form(None, {"country": "NL", "active": True}, {})

    @post("", name="authority_create")
    async def create_authority(self, request: Request) -> Template | Redirect:
        return await _save(
            request,
            service.create_authority,
            lambda values, errors: authority_form(None, values, errors, 422),
            N_("{name} has been added."),
            "name",
            "/admin/authorities",
        )

    @get("/{authority_id:int}", name="authority")
    async def authority(self, authority_id: FromPath[int]) -> Template:
        authority = await service.get_authority(authority_id)
        return authority_form(authority, authority, {})

    @post("/{authority_id:int}", name="authority_update")
    async def update_authority(
        self, request: Request, authority_id: FromPath[int]
    ) -> Template | Redirect:
        authority = await service.get_authority(authority_id)
        return await _save(
            request,
            lambda actor, values: service.update_authority(actor, authority_id, values),
            lambda values, errors: authority_form(authority, values, errors, 422),
            N_("{name} has been saved."),
            "name",
            "/admin/authorities",
            updating=True,
        )


@dataclass(kw_only=True)
class LetterSettings:
    """What the letters need of an authority: letterhead, signature by mandate, where to
    complain, where to repay."""

    postal_address: str = ""
    visiting_address: str = ""
    website: str = ""
    complaint_desk: str = ""
    decision_body: str = ""
    signatory_name: str = ""
    signatory_function: str = ""
    iban: str = ""


@dataclass
class AuthorityOut(LetterSettings):
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

    @classmethod
    def of(cls, row: dict[str, Any]) -> AuthorityOut:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass
class AuthorityIn(LetterSettings):
    name: str
    country: str
    registration_number: str
    currency: str | None = None
    timezone: str | None = None
    language: str | None = None
    standstill_days: int | None = None
    active: bool = True


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
        return AuthorityOut.of(await service.create_authority(principal.as_actor(), data.__dict__))

    @put("/{authority_id:int}", guards=[ADMIN], name="api_authority_update")
    async def update_authority(
        self, request: Request, authority_id: FromPath[int], data: JSONBody[AuthorityIn]
    ) -> AuthorityOut:
        principal = current_principal(request)
        assert principal is not None
        return AuthorityOut.of(
            await service.update_authority(principal.as_actor(), authority_id, data.__dict__)
        )


class ServiceTypeAdminController(Controller):
    path = "/admin/service-types"
    guards = [ADMIN]
    include_in_schema = False

    def _form(
        self,
        service_type: dict[str, Any] | None,
        values: dict[str, Any],
        errors: dict[str, list[str]],
        status: int = 200,
    ) -> Template:
        return Template(
            "authorities/service_type_form.html",
            status_code=status,
            context={"service_type": service_type, "values": values, "errors": errors},
        )

    @get("", name="service_types")
    async def service_types(self) -> Template:
        return Template(
            "authorities/service_types.html",
            context={"service_types": await service.list_service_types()},
        )

    @get("/new", name="service_type_new")
    async def new_service_type(self) -> Template:
        return self._form(None, {"active": True}, {})

    @post("", name="service_type_create")
    async def create_service_type(self, request: Request) -> Template | Redirect:
        return await _save(
            request,
            service.create_service_type,
            lambda values, errors: self._form(None, values, errors, 422),
            N_("{name} has been added."),
            "name_en",
            "/admin/service-types",
        )

    @get("/{service_type_id:int}", name="service_type")
    async def service_type(self, service_type_id: FromPath[int]) -> Template:
        found = await service.get_service_type(service_type_id)
        return self._form(found, found, {})

    @post("/{service_type_id:int}", name="service_type_update")
    async def update_service_type(
        self, request: Request, service_type_id: FromPath[int]
    ) -> Template | Redirect:
        found = await service.get_service_type(service_type_id)
        return await _save(
            request,
            lambda actor, values: service.update_service_type(actor, service_type_id, values),
            lambda values, errors: self._form(found, values, errors, 422),
            N_("{name} has been saved."),
            "name_en",
            "/admin/service-types",
            updating=True,
        )


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
    async def create_service_type(
        self, request: Request, data: JSONBody[ServiceTypeIn]
    ) -> ServiceTypeOut:
        principal = current_principal(request)
        assert principal is not None
        return ServiceTypeOut.of(
            await service.create_service_type(principal.as_actor(), data.__dict__)
        )

    @put("/{service_type_id:int}", guards=[ADMIN], name="api_service_type_update")
    async def update_service_type(
        self, request: Request, service_type_id: FromPath[int], data: JSONBody[ServiceTypeIn]
    ) -> ServiceTypeOut:
        principal = current_principal(request)
        assert principal is not None
        return ServiceTypeOut.of(
            await service.update_service_type(principal.as_actor(), service_type_id, data.__dict__)
        )


CONTROLLERS = [
    AuthorityAdminController,
    AuthorityApiController,
    ServiceTypeAdminController,
    ServiceTypeApiController,
]
