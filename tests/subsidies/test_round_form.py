"""The round form's service types: labelled checkboxes in a fieldset, on creating and on
editing; the codes are checked on the server (an unknown or inactive one is refused)."""

from authorities import service as authorities
from subsidies.tables import SubsidyRound
from tests.subsidies.conftest import round_form
from tests.support.crawl import read_page
from tests.support.fixtures import SETUP
from tests.support.http import post_form, sign_in, text_of


async def _types() -> None:
    for code, en, nl in (
        ("day_support", "Day support", "Dagondersteuning"),
        ("respite_care", "Respite care", "Respijtzorg"),
        ("housing_support", "Housing support", "Woonbegeleiding"),
    ):
        await authorities.create_service_type(SETUP, {"code": code, "name_en": en, "name_nl": nl})


async def test_service_types_are_chosen_by_name_and_checked(client, make_user, make_authority):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    await _types()
    await sign_in(client, officer.email)

    new = (await client.get("/subsidies/rounds/new")).text
    assert '<legend class="utrecht-form-fieldset__legend' in new
    for code, name in (("day_support", "Day support"), ("respite_care", "Respite care")):
        assert (
            f'type="checkbox" id="f-service_types-{code}"\n             '
            f'name="service_types" value="{code}"'
        ) in new
        assert f'for="f-service_types-{code}">{name}</label>' in new
    assert "day_support" not in read_page(new).texts

    form = round_form(authority["id"])
    refused = await post_form(
        client, "/subsidies/rounds", {**form, "service_types": ["day_support", "flying_care"]}
    )
    assert refused.status_code == 422
    assert "flying_care is not one of the service types" in text_of(refused.text)
    assert 'value="day_support" checked' in refused.text  # the choice is kept
    assert await SubsidyRound.count() == 0

    created = await post_form(
        client, "/subsidies/rounds", {**form, "service_types": ["respite_care", "day_support"]}
    )
    assert created.status_code == 303
    stored = await SubsidyRound.select().first()
    assert stored["service_types"] == "day_support,respite_care"

    edit = (await client.get(f"/subsidies/rounds/{stored['id']}/edit")).text
    assert 'value="day_support" checked' in edit and 'value="respite_care" checked' in edit
    assert 'value="housing_support" checked' not in edit
    saved = await post_form(
        client, f"/subsidies/rounds/{stored['id']}", {**form, "service_types": ["housing_support"]}
    )
    assert saved.status_code == 303
    assert (await SubsidyRound.select(SubsidyRound.service_types).first())[
        "service_types"
    ] == "housing_support"


async def test_whether_applicants_accept_the_grant_is_a_round_setting(
    client, make_user, make_authority
):
    """An officer asks (or stops asking) applicants to accept the grant in the portal; the
    round's page says which, the edit form shows it checked, and each change is stored."""
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    await sign_in(client, officer.email)
    form = round_form(authority["id"])
    created = await post_form(client, "/subsidies/rounds", {**form, "acceptance_required": "on"})
    assert created.status_code == 303
    stored = await SubsidyRound.select().first()
    assert stored["acceptance_required"] is True
    page = text_of((await client.get(f"/subsidies/rounds/{stored['id']}")).text)
    assert "The applicant accepts the grant in the portal" in page
    edit = (await client.get(f"/subsidies/rounds/{stored['id']}/edit")).text
    assert 'name="acceptance_required" value="on" checked' in " ".join(edit.split())
    saved = await post_form(client, f"/subsidies/rounds/{stored['id']}", form)
    assert saved.status_code == 303
    assert (await SubsidyRound.select().first())["acceptance_required"] is False
    assert "Not asked" in text_of((await client.get(f"/subsidies/rounds/{stored['id']}")).text)
