"""Authorities through the API (every signed-in role reads; admins write) and the pages."""

from audit.tables import AuditEvent
from authorities.tables import Authority
from tests.support.http import post_form, sign_in, text_of


async def test_every_role_reads_the_authorities(client_factory, make_user, make_authority):
    await make_authority("Gemeente Utrecht")
    for role in ("admin", "officer", "evaluator", "finance"):
        user = await make_user(role)
        async with client_factory() as client:
            await sign_in(client, user.email)
            response = await client.get("/api/v1/authorities")
            assert response.status_code == 200
            assert [a["name"] for a in response.json()] == ["Gemeente Utrecht"]


async def test_admin_creates_and_updates_through_the_api(client, make_user):
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    created = await client.post(
        "/api/v1/authorities",
        json={"name": "Botkyrka kommun", "country": "SE", "registration_number": "2120000043"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["registration_number"] == "212000-0043" and body["currency"] == "SEK"
    updated = await client.put(
        f"/api/v1/authorities/{body['id']}",
        json={
            "name": "Botkyrka kommun",
            "country": "SE",
            "registration_number": "212000-0043",
            "standstill_days": 15,
        },
    )
    assert updated.json()["standstill_days"] == 15
    event = await AuditEvent.select().where(AuditEvent.action == "authority.updated").first()
    assert event["before"] == '{"standstill_days":10}'
    assert event["after"] == '{"standstill_days":15}'


async def test_bad_input_is_refused_naming_each_field_and_nothing_is_stored(client, make_user):
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    refused = await client.post(
        "/api/v1/authorities",
        json={"name": "Gmina X", "country": "PL", "registration_number": "123", "currency": "USD"},
    )
    assert refused.status_code == 422
    locations = {p["location"] for p in refused.json()["problems"]}
    assert locations == {"registration_number", "currency"}
    assert await Authority.count() == 0


async def test_admin_pages_add_an_authority(client, make_user):
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    refused = await post_form(
        client,
        "/admin/authorities",
        {"name": "Vesthimmerlands Kommune", "country": "DK", "registration_number": "29189588"},
    )
    assert refused.status_code == 422
    assert "the check digit is wrong" in text_of(refused.text)
    added = await post_form(
        client,
        "/admin/authorities",
        {"name": "Vesthimmerlands Kommune", "country": "DK", "registration_number": "29189587"},
    )
    assert added.status_code == 303
    listing = await client.get("/admin/authorities")
    assert "Vesthimmerlands Kommune" in text_of(listing.text)
    assert "Vesthimmerlands Kommune has been added." in text_of(listing.text)
    [row] = await Authority.select().where(Authority.name == "Vesthimmerlands Kommune")
    desk = await post_form(
        client,
        f"/admin/authorities/{row['id']}",
        {
            "name": "Vesthimmerlands Kommune",
            "country": "DK",
            "registration_number": "29189587",
            "active": "on",
            "postal_address": "Himmerlandsgade 27\n9600 Aars",
            "complaint_desk": "https://vesthimmerland.dk/klage",
            "iban": "DK50 0040 0440 1162 43",
        },
    )
    assert desk.status_code == 303
    saved = await Authority.select().where(Authority.id == row["id"]).first()
    assert (saved["postal_address"], saved["complaint_desk"], saved["iban"]) == (
        "Himmerlandsgade 27\n9600 Aars",
        "https://vesthimmerland.dk/klage",
        "DK50 0040 0440 1162 43",
    )


async def test_service_types_are_managed_by_admins_and_read_by_all(client_factory, make_user):
    admin, officer = await make_user("admin"), await make_user("officer")
    async with client_factory() as client:
        await sign_in(client, admin.email)
        refused = await client.post(
            "/api/v1/service-types",
            json={"code": "Household Help", "name_en": "", "name_nl": "Hulp bij het huishouden"},
        )
        assert refused.status_code == 422
        assert {p["location"] for p in refused.json()["problems"]} == {"code", "name_en"}
        created = await client.post(
            "/api/v1/service-types",
            json={
                "code": "household_help",
                "name_en": "Household help",
                "name_nl": "Hulp bij het huishouden",
            },
        )
        assert created.status_code == 201
        duplicate = await post_form(
            client,
            "/admin/service-types",
            {"code": "household_help", "name_en": "Cleaning", "name_nl": "Schoonmaak"},
        )
        assert duplicate.status_code == 422
        assert "already exists" in text_of(duplicate.text)
    async with client_factory() as client:
        await sign_in(client, officer.email)
        listed = await client.get("/api/v1/service-types")
        assert [t["code"] for t in listed.json()] == ["household_help"]
        assert (await post_form(client, "/admin/service-types", {})).status_code == 403


async def test_a_name_taken_meanwhile_names_who_gave_it(client_factory, make_user):
    """Two admins adding the same authority: the second is told who added it, and when."""
    first = await make_user("admin", name="Ada Eerste")
    second = await make_user("admin", language="nl")
    body = {"name": "Gemeente Tweemaal", "country": "NL", "registration_number": "12345678"}
    async with client_factory() as one, client_factory() as two:
        await sign_in(one, first.email)
        await sign_in(two, second.email)
        created = await one.post("/api/v1/authorities", json=body)
        assert created.status_code == 201, created.text
        refused = await two.post("/api/v1/authorities", json=body)
    assert refused.status_code == 422
    [problem] = refused.json()["problems"]
    assert problem["location"] == "name"
    assert problem["message"].startswith(
        "Er bestaat al een dienst met de naam Gemeente "
        "Tweemaal (Ada Eerste heeft aanbestedende dienst "
        f"{created.json()['id']} toegevoegd op "
    )
    assert await Authority.count().where(Authority.name == "Gemeente Tweemaal") == 1
