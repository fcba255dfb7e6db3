"""Health, errors, language and formatting of the shell."""

from datetime import UTC, datetime
from decimal import Decimal

from tests.support.http import post_form, sign_in, text_of
from web import formatting
from web.i18n import language, negotiate


async def test_health_answers_without_login(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"]["ok"] is True


async def test_unknown_pages_and_api_paths(client, make_user):
    user = await make_user()
    await sign_in(client, user.email)
    page = await client.get("/no/such/page")
    assert page.status_code == 404 and "Page not found" in text_of(page.text)
    api = await client.get("/api/v1/authorities/424242")
    assert api.status_code == 404 and api.json()["detail"] == "Authority 424242 does not exist"


async def test_switching_language_as_a_user_is_remembered(client, make_user):
    user = await make_user(language="en")
    await sign_in(client, user.email)
    switched = await post_form(client, "/language", {"language": "nl", "next": "/"})
    assert switched.status_code == 303
    dashboard = await client.get("/")
    assert "Welkom" in text_of(dashboard.text) and '<html lang="nl"' in dashboard.text


async def test_anonymous_visitors_get_their_browsers_language(client, db):
    dutch = await client.get("/login", headers={"accept-language": "nl-NL,nl;q=0.9,en;q=0.5"})
    assert "Inloggen" in text_of(dutch.text)
    await post_form(client, "/language", {"language": "en"})
    english = await client.get("/login", headers={"accept-language": "nl-NL"})
    assert "Sign in" in text_of(english.text)


def test_negotiation_falls_back_to_the_default():
    assert negotiate("da-DK,da;q=0.9", "en") == "da"
    assert negotiate("sv-SE,pl;q=0.5", "en") == "sv"
    assert negotiate("de-DE", "en") == "en"
    assert negotiate("nl-BE", "en") == "nl"
    assert negotiate(None, "nl") == "nl"


def test_money_and_dates_in_the_readers_language():
    amount = Decimal("1400000.5")
    assert formatting.money(amount, "DKK", "nl") == "DKK\u00a01.400.000,50"
    assert formatting.money(amount, "EUR", "en") == "€1,400,000.50"
    moment = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
    with language("nl"):
        assert formatting.moment(moment, "Europe/Amsterdam") == "29 mrt 2026, 12:00"
    assert formatting.moment(moment, "Europe/London", "en") == "29 Mar 2026, 11:00"


async def test_the_switcher_offers_danish_polish_and_swedish(client):
    page = await client.get("/login")
    for code, label in (("da", "Dansk"), ("pl", "Polski"), ("sv", "Svenska")):
        assert f'value="{code}"' in page.text and label in page.text
    for code, words in (("da", "Log ind"), ("pl", "Zaloguj się"), ("sv", "Logga in")):
        await post_form(client, "/language", {"language": code})
        assert words in text_of((await client.get("/login")).text)
