import asyncio
import json

import pytest

from audit.tables import AuditEvent
from common.errors import ValidationFailed
from common.identity import Actor
from organisations import service
from organisations.domain import format_iban, validate_organisation
from organisations.tables import Organisation
from tests.support.http import post_form, sign_in

ACTOR = Actor(None, "test")


def test_validation_names_each_bad_field_with_a_prefix():
    with pytest.raises(ValidationFailed) as caught:
        validate_organisation(
            {
                "name": "",
                "country": "NL",
                "registration_number": "123",
                "iban": "NL91ABNA0417164301",
                "email": "x",
            },
            prefix="applicant_",
        )
    assert {p.location for p in caught.value.problems} == {
        "applicant_name",
        "applicant_registration_number",
        "applicant_iban",
        "applicant_email",
    }


def test_valid_organisation_is_normalised():
    data = validate_organisation(
        {
            "name": "Stichting Al Amal",
            "country": "nl",
            "registration_number": "4123 4567",
            "iban": "nl91 abna 0417 1643 00",
            "email": "Info@AlAmal.NL",
        }
    )
    assert (data.country, data.registration_number, data.iban, data.email) == (
        "NL",
        "41234567",
        "NL91ABNA0417164300",
        "info@alamal.nl",
    )
    assert format_iban(data.iban) == "NL91 ABNA 0417 1643 00"


async def test_register_finds_the_same_organisation_again_and_updates_it(db):
    first = validate_organisation(
        {"name": "Abrona", "country": "NL", "registration_number": "41179217"}
    )
    organisation_id = await service.register(ACTOR, first)
    again = validate_organisation(
        {
            "name": "Abrona",
            "country": "NL",
            "registration_number": "41179217",
            "iban": "NL91ABNA0417164300",
        }
    )
    assert await service.register(ACTOR, again) == organisation_id
    assert (await service.get_organisation(organisation_id))["iban"] == "NL91ABNA0417164300"
    assert await AuditEvent.count().where(AuditEvent.object_type == "organisation") == 2


async def test_register_many_inserts_each_new_organisation_once(db):
    rows = [
        validate_organisation(
            {"name": f"Org {n % 3}", "country": "NL", "registration_number": f"{41000000 + n % 3}"}
        )
        for n in range(7)
    ]
    ids = await service.register_many(ACTOR, rows)
    assert len(ids) == 7 and len(set(ids)) == 3
    assert ids[0] == ids[3] == ids[6]
    assert await Organisation.count() == 3
    assert await service.register_many(ACTOR, rows[:2]) == ids[:2]


async def test_one_organisation_registered_twice_at_once_is_one_row(db):
    """Two bids (or an import and a bid) of a new organisation at the same moment: on
    PostgreSQL both used to find it missing and create it twice."""
    data = validate_organisation(
        {"name": "Zorg Plus BV", "country": "NL", "registration_number": "30280353"}
    )
    ids = await asyncio.gather(
        service.register(ACTOR, data),
        service.register_many(ACTOR, [data]),
        service.register(ACTOR, data),
    )
    assert await Organisation.count() == 1
    assert {ids[0], ids[1][0], ids[2]} == {(await Organisation.select().first())["id"]}


@pytest.mark.parametrize(
    ("given", "contact", "surname", "expected"),
    [
        ("Mevrouw", "A. Jansen", "", ("ms", "Jansen")),
        ("mw.", "mw. drs. J. van der Berg", "", ("ms", "van der Berg")),
        ("de heer", "Jan de Vries", "", ("mr", "de Vries")),
        ("mr", "J. de Vries", "De Vries", ("mr", "De Vries")),
        ("neutraal", "Alex de Vries", "", ("neutral", "")),
        ("", "A. Jansen", "", ("", "")),
    ],
)
def test_the_salutation_as_an_officer_enters_it(given, contact, surname, expected):
    data = validate_organisation(
        {
            "name": "Stichting Anna",
            "country": "NL",
            "registration_number": "41234567",
            "contact_name": contact,
            "contact_form_of_address": given,
            "contact_surname": surname,
        }
    )
    assert (data.contact_form_of_address, data.contact_surname) == expected


@pytest.mark.parametrize(
    ("form", "location"),
    [
        (
            {"contact_form_of_address": "juffrouw", "contact_name": "A. Jansen"},
            "contact_form_of_address",
        ),
        ({"contact_form_of_address": "mevrouw"}, "contact_surname"),  # no name to take it from
        ({"contact_form_of_address": "neutral"}, "contact_name"),
        ({"contact_form_of_address": "ms", "contact_surname": "J" * 201}, "contact_surname"),
    ],
)
def test_a_salutation_that_cannot_be_written_is_refused(form, location):
    with pytest.raises(ValidationFailed) as caught:
        validate_organisation(
            {"name": "Stichting Anna", "country": "NL", "registration_number": "41234567", **form}
        )
    assert [p.location for p in caught.value.problems] == [location]


async def test_the_salutation_is_stored_audited_and_dropped_with_another_contact(db):
    first = validate_organisation(
        {
            "name": "Abrona",
            "country": "NL",
            "registration_number": "41179217",
            "contact_name": "A. Jansen",
            "contact_form_of_address": "mevrouw",
        }
    )
    organisation_id = await service.register(ACTOR, first)
    stored = await service.get_organisation(organisation_id)
    assert (stored["contact_form_of_address"], stored["contact_surname"]) == ("ms", "Jansen")
    # Registered again without a salutation but with the same contact: it stays.
    same = validate_organisation(
        {
            "name": "Abrona",
            "country": "NL",
            "registration_number": "41179217",
            "contact_name": "A. Jansen",
        }
    )
    await service.register(ACTOR, same)
    assert (await service.get_organisation(organisation_id))["contact_surname"] == "Jansen"
    # Another contact person: the salutation was the previous one's, so it goes.
    other = validate_organisation(
        {
            "name": "Abrona",
            "country": "NL",
            "registration_number": "41179217",
            "contact_name": "P. de Boer",
        }
    )
    await service.register(ACTOR, other)
    stored = await service.get_organisation(organisation_id)
    assert (stored["contact_form_of_address"], stored["contact_surname"]) == ("", "")
    events = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.object_type == "organisation")
        .order_by(AuditEvent.seq)
    )
    assert [e["action"] for e in events] == ["organisation.created", "organisation.updated"]
    assert json.loads(events[0]["after"])["contact_form_of_address"] == "ms"
    assert json.loads(events[1]["before"]) == {
        "contact_name": "A. Jansen",
        "contact_form_of_address": "ms",
        "contact_surname": "Jansen",
    }
    assert json.loads(events[1]["after"]) == {
        "contact_name": "P. de Boer",
        "contact_form_of_address": "",
        "contact_surname": "",
    }


def test_a_sole_trader_is_a_natural_person_by_its_mark_or_a_swedish_personnummer():
    dutch = validate_organisation(
        {
            "name": "Jan de Vries Schilderwerken",
            "country": "NL",
            "registration_number": "41179217",
            "natural_person": "on",
        }
    )
    assert dutch.natural_person
    plain = {"name": "Abrona", "country": "NL", "registration_number": "41179217"}
    assert not validate_organisation(plain).natural_person
    swedish = validate_organisation(
        {"name": "Anna Svensson", "country": "SE", "registration_number": "811218-9876"}
    )
    assert swedish.natural_person  # enskild firma under a personnummer, whatever is ticked


async def test_the_natural_person_mark_is_stored_and_audited_when_changed(db):
    data = validate_organisation(
        {"name": "Jan de Vries", "country": "NL", "registration_number": "41179217"}
    )
    organisation_id = await service.register(ACTOR, data)
    assert not (await service.get_organisation(organisation_id))["natural_person"]
    marked = validate_organisation(
        {
            "name": "Jan de Vries",
            "country": "NL",
            "registration_number": "41179217",
            "natural_person": "ja",
        }
    )
    await service.register(ACTOR, marked)  # a form that says "sole trader" marks it
    assert (await service.get_organisation(organisation_id))["natural_person"]
    await service.register(ACTOR, data)  # one that does not say so leaves the mark
    assert (await service.get_organisation(organisation_id))["natural_person"]
    assert await service.set_natural_person(ACTOR, organisation_id, False)
    assert not await service.set_natural_person(ACTOR, organisation_id, False)  # unchanged
    assert not (await service.get_organisation(organisation_id))["natural_person"]
    events = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.object_type == "organisation")
        .order_by(AuditEvent.seq)
    )
    assert [e["action"] for e in events] == ["organisation.created"] + ["organisation.updated"] * 2
    assert json.loads(events[0]["after"])["natural_person"] is False
    assert json.loads(events[1]["after"]) == {"natural_person": True}
    assert json.loads(events[2]["before"]) == {"natural_person": True}
    assert json.loads(events[2]["after"]) == {"natural_person": False}


async def test_a_swedish_personnummer_stays_a_natural_person(db):
    data = validate_organisation(
        {"name": "Anna Svensson", "country": "SE", "registration_number": "811218-9876"}
    )
    organisation_id = await service.register(ACTOR, data)
    assert (await service.get_organisation(organisation_id))["natural_person"]
    assert not await service.set_natural_person(ACTOR, organisation_id, False)


async def test_an_officer_marks_a_sole_trader_on_the_organisation_page(client, make_user):
    officer = await make_user("officer")
    data = validate_organisation(
        {"name": "Jan de Vries", "country": "NL", "registration_number": "41179217"}
    )
    organisation_id = await service.register(ACTOR, data)
    await sign_in(client, officer.email)
    page = await client.get(f"/organisations/{organisation_id}")
    box = 'name="natural_person" value="on" checked'
    assert 'name="natural_person"' in page.text and box not in page.text
    url = f"/organisations/{organisation_id}/natural-person"
    marked = await post_form(client, url, {"natural_person": "on"})
    assert marked.status_code == 303
    assert (await service.get_organisation(organisation_id))["natural_person"]
    assert box in (await client.get(f"/organisations/{organisation_id}")).text
    unmarked = await post_form(client, url, {})
    assert unmarked.status_code == 303
    assert not (await service.get_organisation(organisation_id))["natural_person"]
