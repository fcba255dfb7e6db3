"""Every URL taken from input goes through common.paths: hostile ones never leave the site.

Where: ``next`` after signing in and after switching the language, the referrer a refused form
goes back to, and an evaluation's ``owner_url`` (refused when given; a link never rendered from
one stored before the check was strict).
"""

import pytest

from common.errors import ValidationFailed
from scoring import service as scoring
from scoring.tables import Evaluation
from tests.common.test_paths import HOSTILE
from tests.support.fixtures import TEST_PASSWORD
from tests.support.http import post_form, sign_in, text_of

# Those an HTTP form field can carry (a NUL byte or a lone surrogate cannot be posted).
POSTABLE = [h for h in HOSTILE if h and "\x00" not in h]


async def test_next_after_signing_in_stays_on_the_site(client_factory, make_user):
    officer = await make_user()
    for target in POSTABLE:
        async with client_factory() as client:
            response = await post_form(
                client,
                "/login",
                {"email": officer.email, "password": TEST_PASSWORD, "next": target},
            )
            assert response.status_code == 303, target
            assert response.headers["location"] == "/", target
    async with client_factory() as client:
        response = await post_form(
            client,
            "/login",
            {"email": officer.email, "password": TEST_PASSWORD, "next": "/tenders?q=a%20b"},
        )
        assert response.headers["location"] == "/tenders?q=a%20b"


async def test_the_language_switch_goes_back_only_inside_the_site(client, db):
    for target in POSTABLE:
        response = await post_form(client, "/language", {"language": "nl", "next": target})
        assert response.headers["location"] == "/", target
    # Without "next" it goes back to the referrer, when that is a path of this site.
    for path in ("/\\evil.example/login", "/%5Cevil.example", "//evil.example"):
        response = await post_form(
            client,
            "/language",
            {"language": "en"},
            headers={"referer": f"http://testserver.local{path}"},
        )
        assert response.headers["location"] == "/", path
    response = await post_form(
        client,
        "/language",
        {"language": "en"},
        headers={"referer": "http://testserver.local/tenders?page=2"},
    )
    assert response.headers["location"] == "/tenders?page=2"


@pytest.mark.parametrize("owner_url", [h for h in HOSTILE if h.strip()])
async def test_an_evaluations_owner_url_is_a_path_of_this_site(
    owner_url, make_user, make_authority
):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    with pytest.raises(ValidationFailed) as refused:
        await scoring.create_evaluation(
            officer,
            {
                "title": "Lot 1",
                "authority_id": authority["id"],
                "currency": "EUR",
                "owner_url": owner_url,
            },
        )
    assert [p.location for p in refused.value.problems] == ["owner_url"]
    assert await Evaluation.count() == 0


async def test_the_api_refuses_a_hostile_owner_url_and_pages_never_link_one(
    client, make_user, make_authority
):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    await sign_in(client, officer.email)
    body = {
        "title": "Lot 1",
        "authority_id": authority["id"],
        "currency": "EUR",
        "owner_ref": "tender:1",
        "owner_url": "/\\evil.example/login",
    }
    refused = await client.post("/api/v1/scoring/evaluations", json=body)
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["location"] == "owner_url"
    created = await client.post(
        "/api/v1/scoring/evaluations", json={**body, "owner_url": "/tenders/1/lots/1"}
    )
    assert created.status_code == 201, created.text
    evaluation_id = created.json()["id"]
    page = await client.get(f"/scoring/evaluations/{evaluation_id}")
    assert 'href="/tenders/1/lots/1"' in page.text
    # A link stored before the check was strict is not rendered (nor handed out by the API).
    await Evaluation.update({Evaluation.owner_url: "/\\evil.example/login"}).where(
        Evaluation.id == evaluation_id
    )
    page = await client.get(f"/scoring/evaluations/{evaluation_id}")
    assert page.status_code == 200 and "evil.example" not in page.text
    assert "Back to" not in text_of(page.text)
    api = await client.get(f"/api/v1/scoring/evaluations/{evaluation_id}")
    assert api.json()["owner_url"] == ""
