"""Service types are named in the reader's language: admins give the Danish, Polish and
Swedish names on the service type's form, pages and exports show them, and a language without
a name shows the English one."""

import json

import pytest

from audit.tables import AuditEvent
from authorities import service as authorities
from authorities.domain import localized_name, validate_service_type
from common.errors import ValidationFailed
from tenders.tables import Tender
from tests.support.http import post_form, sign_in, text_of
from tests.tenders.conftest import SETUP

NAMES = {
    "code": "household_help",
    "name_en": "Household help",
    "name_nl": "Hulp bij het huishouden",
    "name_da": "Praktisk hjælp i hjemmet",
    "name_pl": "",
    "name_sv": "Hemtjänst",
}


def test_the_other_languages_are_optional_and_fall_back_to_english():
    data = validate_service_type(NAMES)
    assert [data.name(language) for language in ("en", "nl", "da", "pl", "sv", "de")] == [
        "Household help",
        "Hulp bij het huishouden",
        "Praktisk hjælp i hjemmet",
        "Household help",
        "Hemtjänst",
        "Household help",
    ]
    with pytest.raises(ValidationFailed) as refused:
        validate_service_type({**NAMES, "name_nl": "", "name_sv": "x" * 121})
    assert {p.location for p in refused.value.problems} == {"name_nl", "name_sv"}
    row = {"service_type.name_en": "Day support", "service_type.name_da": ""}
    assert localized_name(row, "da", "service_type.") == "Day support"


async def test_an_admin_names_a_service_type_in_danish_on_its_form(world, client_factory):
    async with client_factory() as client:
        await sign_in(client, world.admin.email)
        saved = await post_form(
            client, f"/admin/service-types/{world.service_type_id}", {**NAMES, "active": "on"}
        )
        assert saved.status_code == 303
        listing = text_of((await client.get("/admin/service-types")).text)
        assert "Praktisk hjælp i hjemmet" in listing and "Hemtjänst" in listing
        api = await client.get("/api/v1/service-types")
        assert api.json()[0]["name_da"] == "Praktisk hjælp i hjemmet"
    event = await AuditEvent.select().where(AuditEvent.action == "service_type.updated").first()
    assert json.loads(event["after"])["name_da"] == "Praktisk hjælp i hjemmet"


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("da", "Praktisk hjælp i hjemmet"),
        ("sv", "Hemtjänst"),
        ("nl", "Hulp bij het huishouden"),
        ("pl", "Household help"),
    ],
)
async def test_tender_pages_show_the_readers_name(world, client_factory, language, shown):
    await authorities.update_service_type(SETUP, world.service_type_id, NAMES)
    tender_id = await world.tender()
    assert await Tender.exists().where(Tender.id == tender_id)
    async with client_factory() as client:
        await sign_in(client, world.officer.email)
        await post_form(client, "/language", {"language": language, "next": "/tenders"})
        listing = text_of((await client.get("/tenders")).text)
        page = text_of((await client.get(f"/tenders/{tender_id}")).text)
        form = text_of((await client.get("/tenders/new")).text)
    assert shown in listing and shown in page and shown in form
