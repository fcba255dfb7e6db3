"""Each user's interface language: their own choice, else their authority's, else the browser's."""

import pytest

from accounts.domain import effective_language
from accounts.tables import User
from audit.tables import AuditEvent
from tests.support.http import post_form, sign_in, text_of


def test_the_own_choice_wins_then_the_first_authority_language():
    assert effective_language("sv", ["da"]) == "sv"
    assert effective_language("", ["da", "pl"]) == "da"
    assert effective_language("", ["xx", "pl"]) == "pl"
    assert effective_language("", []) == ""
    assert effective_language("xx", []) == ""


@pytest.mark.parametrize(
    ("country", "language", "words"),
    [("DK", "da", "Din konto"), ("PL", "pl", "Twoje konto"), ("SE", "sv", "Ditt konto")],
)
async def test_a_user_without_a_choice_sees_the_authority_language(
    client, make_user, make_authority, country, language, words
):
    authority = await make_authority(country=country, language=language)
    user = await make_user("officer", authorities=[authority["id"]], language="")
    await sign_in(client, user.email)
    page = await client.get("/account", headers={"accept-language": "en"})
    assert words in text_of(page.text)


async def test_a_user_chooses_their_own_language_and_can_go_back(client, make_user, make_authority):
    authority = await make_authority(country="DK", language="da")
    user = await make_user("officer", authorities=[authority["id"]], language="")
    await sign_in(client, user.email)

    saved = await post_form(client, "/account/language", {"language": "sv"})
    assert saved.status_code == 303
    assert "Ditt konto" in text_of((await client.get("/account")).text)
    stored = await User.select(User.language).where(User.id == user.id).first()
    assert stored["language"] == "sv"
    event = await AuditEvent.select().where(AuditEvent.action == "user.language_changed").first()
    assert event is not None

    # The switcher still works, and is remembered as the user's choice.
    await post_form(client, "/language", {"language": "pl", "next": "/account"})
    assert "Twoje konto" in text_of((await client.get("/account")).text)

    await post_form(client, "/account/language", {"language": ""})
    assert "Din konto" in text_of((await client.get("/account")).text)
    stored = await User.select(User.language).where(User.id == user.id).first()
    assert stored["language"] == ""


async def test_an_unknown_language_is_refused_and_nothing_changes(client, make_user):
    user = await make_user("officer", language="nl")
    await sign_in(client, user.email)
    refused = await post_form(client, "/account/language", {"language": "de"})
    assert refused.status_code == 422
    assert "Kies een van de talen" in text_of(refused.text)
    stored = await User.select(User.language).where(User.id == user.id).first()
    assert stored["language"] == "nl"
