"""Use cases for contracting authorities. Each change is one transaction with its audit event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from piccolo.columns import Column
from piccolo.table import Table

from audit import service as audit
from audit.domain import changes
from authorities.domain import (
    AuthorityData,
    ServiceTypeData,
    localized_name,
    validate_authority,
    validate_service_type,
)
from authorities.tables import Authority, ServiceType
from common import clock
from common.errors import NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Actor
from config.database import lock, lock_name, transaction

FIELDS = tuple(AuthorityData.__dataclass_fields__)


async def list_authorities(
    only_active: bool = False, ids: frozenset[int] | None = None
) -> list[dict[str, Any]]:
    query = Authority.select().order_by(Authority.country).order_by(Authority.name)
    if only_active:
        query = query.where(Authority.active.eq(True))
    if ids is not None:
        if not ids:
            return []
        query = query.where(Authority.id.is_in(list(ids)))
    return await query


async def get_authority(authority_id: int) -> dict[str, Any]:
    row = await Authority.select().where(Authority.id == authority_id).first()
    if row is None:
        raise NotFound(N_("Authority {id} does not exist"), id=authority_id)
    return row


async def _holder(
    table: type[Table], column: Column, value: str, except_id: int | None
) -> int | None:
    """The id of the row (other than ``except_id``) whose ``column`` holds ``value``."""
    query = table.select(table.id).where(column == value)
    if except_id is not None:
        query = query.where(table.id != except_id)
    found = await query.first()
    return None if found is None else int(found["id"])


async def _name_taken(name: str, except_id: int | None = None) -> int | None:
    return await _holder(Authority, Authority.name, name, except_id)


async def _duplicate_name(name: str, holder: int) -> ValidationFailed:
    return await audit.taken(
        Problem(N_("An authority named {name} already exists"), {"name": name}, "name"),
        "authority",
        holder,
        actions=("authority.created", "authority.updated"),
        about={"name": name},
    )


async def create_authority(actor: Actor, form: Mapping[str, Any]) -> dict[str, Any]:
    data = validate_authority(form)
    async with transaction():
        await lock_name(f"authority-name:{data.name}")
        if holder := await _name_taken(data.name):
            raise await _duplicate_name(data.name, holder)
        row = Authority(**data.as_dict(), created_at=clock.now())
        await row.save()
        await audit.record(actor, "authority.created", "authority", row.id, after=data.as_dict())
    return await get_authority(row.id)


async def update_authority(
    actor: Actor, authority_id: int, form: Mapping[str, Any]
) -> dict[str, Any]:
    data = validate_authority(form)
    async with transaction():
        await lock(Authority, authority_id)
        await lock_name(f"authority-name:{data.name}")
        current = await get_authority(authority_id)
        if holder := await _name_taken(data.name, except_id=authority_id):
            raise await _duplicate_name(data.name, holder)
        before, after = changes({f: current[f] for f in FIELDS}, data.as_dict())
        if after:
            await Authority.update(data.as_dict()).where(Authority.id == authority_id)
            await audit.record(
                actor, "authority.updated", "authority", authority_id, before=before, after=after
            )
    return await get_authority(authority_id)


async def list_service_types(only_active: bool = False) -> list[dict[str, Any]]:
    query = ServiceType.select().order_by(ServiceType.name_en)
    if only_active:
        query = query.where(ServiceType.active.eq(True))
    return await query


async def get_service_type(service_type_id: int) -> dict[str, Any]:
    row = await ServiceType.select().where(ServiceType.id == service_type_id).first()
    if row is None:
        raise NotFound(N_("Service type {id} does not exist"), id=service_type_id)
    return row


async def _code_taken(code: str, except_id: int | None = None) -> int | None:
    return await _holder(ServiceType, ServiceType.code, code, except_id)


async def _duplicate_code(code: str, holder: int) -> ValidationFailed:
    return await audit.taken(
        Problem(N_("A service type with the code {code} already exists"), {"code": code}, "code"),
        "service_type",
        holder,
        actions=("service_type.created", "service_type.updated"),
        about={"code": code},
    )


async def create_service_type(actor: Actor, form: Mapping[str, Any]) -> dict[str, Any]:
    data = validate_service_type(form)
    async with transaction():
        await lock_name(f"service-type-code:{data.code}")
        if holder := await _code_taken(data.code):
            raise await _duplicate_code(data.code, holder)
        row = ServiceType(**data.as_dict())
        await row.save()
        await audit.record(
            actor, "service_type.created", "service_type", row.id, after=data.as_dict()
        )
    return await get_service_type(row.id)


async def update_service_type(
    actor: Actor, service_type_id: int, form: Mapping[str, Any]
) -> dict[str, Any]:
    data = validate_service_type(form)
    async with transaction():
        await lock(ServiceType, service_type_id)
        await lock_name(f"service-type-code:{data.code}")
        current = await get_service_type(service_type_id)
        if holder := await _code_taken(data.code, except_id=service_type_id):
            raise await _duplicate_code(data.code, holder)
        before, after = changes(
            {f: current[f] for f in ServiceTypeData.__dataclass_fields__}, data.as_dict()
        )
        if after:
            await ServiceType.update(data.as_dict()).where(ServiceType.id == service_type_id)
            await audit.record(
                actor,
                "service_type.updated",
                "service_type",
                service_type_id,
                before=before,
                after=after,
            )
    return await get_service_type(service_type_id)


async def service_type_names(language: str) -> dict[str, str]:
    """Each service type's name in ``language`` (the English one where it has none), by
    code."""
    rows = await ServiceType.select()
    return {r["code"]: localized_name(r, language) for r in rows}
