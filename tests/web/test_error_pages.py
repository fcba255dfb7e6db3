"""404, 403 and 405 pages speak the user's language: their text and their lang attribute."""

import re

from common.identity import Role
from tests.support.http import sign_in


def lang_of(page: str) -> str:
    return re.search(r'<html lang="(\w+)"', page).group(1)


async def test_error_pages_are_in_the_users_language(client, make_user):
    await make_user(Role.OFFICER, email="olga@example.org", language="nl")
    await sign_in(client, "olga@example.org")
    missing = await client.get("/no-such-page")
    assert missing.status_code == 404
    assert lang_of(missing.text) == "nl" and "Pagina niet gevonden" in missing.text
    forbidden = await client.get("/admin/users")
    assert forbidden.status_code == 403
    assert lang_of(forbidden.text) == "nl" and "Geen toegang" in forbidden.text
    not_allowed = await client.request(
        "DELETE", "/tenders", headers={"x-csrftoken": client.cookies["tenderdesk_csrf"]}
    )
    assert not_allowed.status_code == 405
    assert lang_of(not_allowed.text) == "nl" and "Hier niet toegestaan" in not_allowed.text


async def test_error_pages_for_visitors_follow_their_browser(client):
    missing = await client.get("/no-such-page", headers={"accept-language": "nl-NL,nl;q=0.9"})
    assert missing.status_code == 404
    assert lang_of(missing.text) == "nl" and "Pagina niet gevonden" in missing.text
