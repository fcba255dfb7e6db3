"""Finding and registering organisations. Callers pass their own transaction and actor."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from audit import service as audit
from audit.domain import changes
from common import clock
from common.errors import NotFound
from common.i18n import N_
from common.identity import Actor
from config.database import contains, lock_name, transaction
from organisations.domain import OrganisationData, is_personal_number
from organisations.tables import Organisation

FIELDS = tuple(OrganisationData.__dataclass_fields__)
# Registrations of one organisation at once (two bids, an import) must find each other rather
# than both create it: each locks the names of its registration numbers' buckets, a few dozen
# at most, however many organisations an import brings (advisory locks share a small table).
REGISTER_BUCKETS = 64


async def _lock_registrations(keys: Iterable[tuple[str, str]]) -> None:
    buckets = {
        zlib.crc32(f"{country}:{number}".encode()) % REGISTER_BUCKETS for country, number in keys
    }
    for bucket in sorted(buckets):
        await lock_name(f"organisation-registration:{bucket}")


async def get_organisation(organisation_id: int) -> dict[str, Any]:
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    if row is None:
        raise NotFound(N_("Organisation {id} does not exist"), id=organisation_id)
    return row


async def find_by_registration(country: str, registration_number: str) -> dict[str, Any] | None:
    return (
        await Organisation.select()
        .where(
            (Organisation.country == country)
            & (Organisation.registration_number == registration_number)
        )
        .first()
    )


async def _create(actor: Actor, data: OrganisationData) -> int:
    now = clock.now()
    row = Organisation(**data.as_dict(), created_at=now, updated_at=now)
    await row.save()
    await audit.record(actor, "organisation.created", "organisation", row.id, after=data.as_dict())
    return row.id


async def find_or_create(actor: Actor, data: OrganisationData) -> int:
    """The id of the organisation with this registration number, left as it is (a portal
    registrant neither renames one nor marks it a sole trader), or of a new one made of
    ``data``; one transaction, so that a registration meanwhile is found, not changed."""
    async with transaction():
        await _lock_registrations([(data.country, data.registration_number)])
        existing = await find_by_registration(data.country, data.registration_number)
        if existing is not None:
            return int(existing["id"])
        return await _create(actor, data)


async def register(actor: Actor, data: OrganisationData) -> int:
    """The id of the organisation with this registration number, created or brought up to date.

    Details given now (name, IBAN, contact) replace the stored ones; empty ones keep them.
    So does ``natural_person``: a form that says "sole trader" marks it, one that does not
    leaves the mark as it is (:func:`set_natural_person` takes it off).
    """
    async with transaction():
        await _lock_registrations([(data.country, data.registration_number)])
        existing = await find_by_registration(data.country, data.registration_number)
        now = clock.now()
        if existing is None:
            return await _create(actor, data)
        current = {name: existing[name] for name in FIELDS}
        wanted = {name: value for name, value in data.as_dict().items() if value}
        if wanted.get("contact_name", current["contact_name"]) != current["contact_name"]:
            # Another contact person: the stored salutation was the previous one's.
            wanted = {"contact_form_of_address": "", "contact_surname": "", **wanted}
        before, after = changes(current, {**current, **wanted})
        if after:
            await Organisation.update({**after, "updated_at": now}).where(
                Organisation.id == existing["id"]
            )
            await audit.record(
                actor,
                "organisation.updated",
                "organisation",
                existing["id"],
                before=before,
                after=after,
            )
        return existing["id"]


async def set_natural_person(actor: Actor, organisation_id: int, value: bool) -> bool:
    """Mark the organisation as a natural person (a sole trader) or not, audited; whether it
    changed. A Swedish personnummer stays a natural person whatever is asked."""
    async with transaction():
        row = await get_organisation(organisation_id)
        value = value or is_personal_number(row["country"], row["registration_number"])
        if bool(row["natural_person"]) == value:
            return False
        await Organisation.update(
            {Organisation.natural_person: value, Organisation.updated_at: clock.now()}
        ).where(Organisation.id == organisation_id)
        await audit.record(
            actor,
            "organisation.updated",
            "organisation",
            organisation_id,
            before={"natural_person": bool(row["natural_person"])},
            after={"natural_person": value},
        )
        return True


async def register_many(actor: Actor, organisations: list[OrganisationData]) -> list[int]:
    """Ids in the same order as given, for a bulk import: one lookup, new ones inserted in batches.

    Existing organisations keep their stored details here; use :func:`register` to update one.
    """
    keys = [(data.country, data.registration_number) for data in organisations]
    async with transaction():
        await _lock_registrations(keys)
        known: dict[tuple[str, str], int] = {}
        numbers = sorted({number for _, number in keys})
        for start in range(0, len(numbers), 500):
            rows = await Organisation.select(
                Organisation.id, Organisation.country, Organisation.registration_number
            ).where(Organisation.registration_number.is_in(numbers[start : start + 500]))
            known.update({(r["country"], r["registration_number"]): r["id"] for r in rows})
        now = clock.now()
        new: dict[tuple[str, str], OrganisationData] = {}
        for key, data in zip(keys, organisations, strict=True):
            if key not in known:
                new.setdefault(key, data)
        pending = list(new.items())
        for start in range(0, len(pending), 500):
            batch = pending[start : start + 500]
            inserted = await Organisation.insert(
                *[
                    Organisation(**data.as_dict(), created_at=now, updated_at=now)
                    for _, data in batch
                ]
            ).returning(Organisation.id)
            for (key, _), row in zip(batch, inserted, strict=True):
                known[key] = row["id"]
        await audit.record_many(
            actor,
            [
                audit.NewEvent(
                    "organisation.created", "organisation", known[key], after=data.as_dict()
                )
                for key, data in pending
            ],
        )
        return [known[key] for key in keys]


async def search(text: str = "", limit: int = 50) -> list[dict[str, Any]]:
    query = Organisation.select().order_by(Organisation.name).limit(limit)
    if text:
        query = query.where(
            contains(Organisation.name, text)
            | (Organisation.registration_number == text.replace(" ", ""))
        )
    return await query
