"""A registrant says the organisation is a sole trader (a natural person): a new organisation
is marked (open data then pseudonymises it); an existing one keeps its mark either way."""

from __future__ import annotations

import json

from audit.tables import AuditEvent
from organisations.tables import Organisation
from tests.portal.support import last_mail, link_in, registration
from tests.support.http import post_form

KVK = ["30280353", "41216593"]


async def register_and_verify(client, email: str, number: str, name: str, **extra: str) -> None:
    await client.get("/portal/register")
    response = await post_form(
        client, "/portal/register", registration(email, number, name, **extra)
    )
    assert response.status_code == 200, response.text
    response = await client.get(link_in((await last_mail(email, "portal_verify"))["body"]))
    assert response.status_code == 303, response.text


async def natural_person(number: str) -> bool:
    [row] = await Organisation.select(Organisation.natural_person).where(
        Organisation.registration_number == number
    )
    return row["natural_person"]


async def test_the_register_form_offers_the_sole_trader_box(client) -> None:
    page = (await client.get("/portal/register")).text
    assert 'name="natural_person"' in page


async def test_a_new_sole_trader_is_marked_a_natural_person(client_factory) -> None:
    async with client_factory() as client:
        await register_and_verify(
            client, "jan@kluswerk.example", KVK[0], "J. Jansen Klussen", natural_person="on"
        )
    assert await natural_person(KVK[0]) is True
    [created] = await AuditEvent.select(AuditEvent.after).where(
        AuditEvent.action == "organisation.created"
    )
    assert json.loads(created["after"])["natural_person"] is True
    async with client_factory() as client:
        await register_and_verify(client, "org@zorg.example", KVK[1], "Zorg BV")
    assert await natural_person(KVK[1]) is False


async def test_a_registrant_never_changes_an_existing_organisations_mark(client_factory) -> None:
    async with client_factory() as first, client_factory() as second, client_factory() as third:
        await register_and_verify(first, "a@zorg.example", KVK[0], "Zorg BV")
        # Someone registering for it later says "sole trader": the mark stays off.
        await register_and_verify(second, "b@zorg.example", KVK[0], "Zorg BV", natural_person="on")
        assert await natural_person(KVK[0]) is False
        await register_and_verify(third, "c@klus.example", KVK[1], "P. Klus", natural_person="on")
    async with client_factory() as fourth:
        # ... and a registrant who does not tick it does not take the mark off.
        await register_and_verify(fourth, "d@klus.example", KVK[1], "P. Klus")
    assert await natural_person(KVK[1]) is True
    assert await AuditEvent.count().where(AuditEvent.action == "organisation.updated") == 0
