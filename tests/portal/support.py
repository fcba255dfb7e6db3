"""Registering and signing in portal accounts through the app, as a browser would."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from documents.letters.kinds import LetterKind
from documents.letters.service import GeneratedLetter
from notifications.tables import OutboxMessage
from tests.support.http import CSRF_COOKIE, post_form

PORTAL_PASSWORD = "Tulpen-Fietsbel-Grachtenkaas-93"
_LINK = re.compile(r"https?://\S+(/portal/(?:verify|invitations)/\S+)")


async def last_mail(recipient: str, kind: str | None = None) -> dict[str, Any]:
    query = OutboxMessage.select().where(OutboxMessage.recipient == recipient)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    rows = await query.order_by(OutboxMessage.id, ascending=False).limit(1)
    assert rows, f"no mail to {recipient}"
    return rows[0]


def link_in(body: str) -> str:
    """The path of the portal link in a mail's body."""
    found = _LINK.search(body)
    assert found, body
    return found.group(1)


def registration(email: str, number: str, name: str = "Org", **extra: str) -> dict[str, str]:
    return {
        "name": f"Person {email.split('@')[0]}",
        "email": email,
        "password": PORTAL_PASSWORD,
        "organisation_name": name,
        "country": "NL",
        "registration_number": number,
        **extra,
    }


async def register(client: AsyncTestClient, email: str, number: str, name: str = "Org"):
    await client.get("/portal/register")
    return await post_form(client, "/portal/register", registration(email, number, name))


async def register_and_verify(client: AsyncTestClient, email: str, number: str, name: str = "Org"):
    response = await register(client, email, number, name)
    assert response.status_code == 200, response.text
    link = link_in((await last_mail(email, "portal_verify"))["body"])
    response = await client.get(link)
    assert response.status_code == 303, response.text
    return response


async def portal_sign_in(client: AsyncTestClient, email: str, password: str = PORTAL_PASSWORD):
    client.headers.pop("x-csrftoken", None)
    await client.get("/portal/login")
    response = await client.post(
        "/portal/login",
        data={"email": email, "password": password, "_csrf_token": client.cookies[CSRF_COOKIE]},
    )
    assert response.status_code == 303, f"portal sign-in as {email}: {response.status_code}"
    client.headers["x-csrftoken"] = client.cookies[CSRF_COOKIE]
    return response


def rejection_to_zorg_plus(bid_id: int, content: bytes) -> GeneratedLetter:
    """A Dutch rejection letter to the bidder Zorg Plus BV (bid ``bid_id``)."""
    return GeneratedLetter(
        "afwijzing-zorg-plus.docx",
        LetterKind.REJECTION,
        "nl",
        "Zorg Plus BV",
        f"bid:{bid_id}",
        content,
    )
