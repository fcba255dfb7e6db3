"""Signing in and sending forms with their CSRF token, as a browser would."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient

from tests.support.fixtures import TEST_PASSWORD

CSRF_COOKIE = "tenderdesk_csrf"


async def csrf_token(client: AsyncTestClient) -> str:
    """The CSRF token for this client (fetching a page first sets the cookie)."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return client.cookies[CSRF_COOKIE]


async def sign_in(client: AsyncTestClient, email: str, password: str = TEST_PASSWORD) -> None:
    # As a browser does: the login page first (its token is bound to the session, if any).
    client.headers.pop("x-csrftoken", None)
    await client.get("/login")
    token = client.cookies[CSRF_COOKIE]
    response = await client.post(
        "/login", data={"email": email, "password": password, "_csrf_token": token}
    )
    assert response.status_code == 303, f"sign-in as {email} failed: {response.status_code}"
    # The sign-in hands out a token bound to the new session.
    client.headers["x-csrftoken"] = client.cookies[CSRF_COOKIE]


async def post_form(
    client: AsyncTestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any
):
    """POST a form as the browser does: the CSRF token in the form fields."""
    token = await csrf_token(client)
    return await client.post(url, data={**(data or {}), "_csrf_token": token}, **kwargs)


def text_of(page: str) -> str:
    """The visible text of a page, whitespace collapsed, for assertions on messages."""
    without_scripts = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    without_tags = re.sub(r"<[^>]+>", " ", without_scripts)
    return " ".join(html.unescape(without_tags).split())
