"""Security headers on pages, API, error pages and files; CSRF tokens bound to the session;
what /health tells whom."""

import re
from pathlib import Path

from litestar.testing import AsyncTestClient

from config.app import create_app
from config.settings import load_settings
from tests.support.fixtures import no_redirects
from tests.support.http import CSRF_COOKIE, csrf_token, post_form, sign_in, text_of
from web.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
EVERYWHERE = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def assert_secured(response, cached: bool = False) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, f"{response.url}: {name}"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if not cached:
        assert response.headers.get("cache-control") == "no-store", str(response.url)
    assert "strict-transport-security" not in response.headers  # http here


async def test_every_kind_of_answer_carries_the_headers(client, make_user):
    admin = await make_user("admin")
    officer = await make_user("officer")
    assert_secured(await client.get("/login"))
    assert_secured(await client.get("/health"))
    assert_secured(await client.get("/api/v1/me"))  # 401
    assert_secured(await client.get("/no/such/page"))  # no route
    assert_secured(await client.get("/schema/openapi.json"))
    static = await client.get("/static/css/app.css")
    assert_secured(static, cached=True)
    assert "no-store" not in static.headers["cache-control"]
    await sign_in(client, admin.email)
    assert_secured(await client.get("/"))
    assert_secured(await client.get("/api/v1/users"))
    assert_secured(await client.get("/api/v1/tenders/424242"))  # 404 from the API
    once = await post_form(client, f"/admin/users/{officer.id}/password")
    assert once.status_code == 200 and "It is shown only now" in text_of(once.text)
    assert_secured(once)


async def test_hsts_when_the_public_url_is_https(db):
    settings = load_settings(
        {**__import__("os").environ, "TENDERDESK_PUBLIC_URL": "https://tenderdesk.utrecht.nl"}
    )
    async with no_redirects(AsyncTestClient(app=create_app(settings))) as client:
        response = await client.get("/login")
        error = await client.get("/no/such/page")
    for answer in (response, error):
        assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "secure" in response.headers["set-cookie"].lower()


def test_templates_have_no_inline_script_handler_or_style():
    """What the Content-Security-Policy would block: scripts without src, on…= handlers,
    style attributes and <style> elements, javascript: URLs."""
    problems = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", path.read_text(), flags=re.S)
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\son[a-z]+\s*=",
            r"\sstyle\s*=",
            r"<style",
            r"javascript:",
            r"hx-on",
        ):
            for match in re.finditer(pattern, text, flags=re.I):
                problems.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert problems == []
    base = (ROOT / "web/templates/web/base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base


async def test_a_token_of_another_session_is_refused_as_an_expired_form(client_factory, make_user):
    olga = await make_user("officer", language="nl")
    mallory = await make_user("officer")
    async with client_factory() as victim, client_factory() as attacker:
        await sign_in(victim, olga.email)
        await sign_in(attacker, mallory.email)
        # The attacker's own, validly signed token, planted in the victim's browser.
        planted = attacker.cookies[CSRF_COOKIE]
        domain = next(c.domain for c in victim.cookies.jar if c.name == CSRF_COOKIE)
        victim.cookies.set(CSRF_COOKIE, planted, domain=domain)
        del victim.headers["x-csrftoken"]
        refused = await victim.post(
            "/account/password",
            data={"_csrf_token": planted, "current_password": "x", "new_password": "y" * 20},
        )
        assert refused.status_code == 403
        text = text_of(refused.text)
        assert "Dit formulier is verlopen" in text
        assert "rol" not in text.lower()  # not "your role does not give access"
        api = await victim.post("/api/v1/tenders", headers={"x-csrftoken": planted}, json={})
        assert api.status_code == 403 and "x-csrftoken" in api.json()["detail"]
        # A page hands the victim a token of their own session again.
        await victim.get("/account")
        assert victim.cookies[CSRF_COOKIE] != planted
        ok = await post_form(victim, "/language", {"language": "en", "next": "/"})
        assert ok.status_code == 303


async def test_the_token_from_before_sign_in_ends_with_it(client, make_user):
    officer = await make_user()
    before = await csrf_token(client)
    await sign_in(client, officer.email)
    after = client.cookies[CSRF_COOKIE]
    assert after != before
    stale = await client.post(
        "/logout", headers={"x-csrftoken": before}, data={"_csrf_token": before}
    )
    assert stale.status_code == 403 and "This form has expired" in text_of(stale.text)
    assert (await client.post("/logout", headers={"x-csrftoken": after})).status_code == 303


async def test_health_names_the_engine_to_the_administrator_only(client, make_user):
    anonymous = (await client.get("/health")).json()
    assert anonymous["status"] == "ok" and anonymous["database"] == {"ok": True}
    assert "sqlite" not in str(anonymous) and "postgres" not in str(anonymous)
    officer = await make_user("officer")
    await sign_in(client, officer.email)
    assert (await client.get("/health")).json()["database"] == {"ok": True}
    admin = await make_user("admin")
    await post_form(client, "/logout")
    await sign_in(client, admin.email)
    assert (await client.get("/health")).json()["database"]["engine"] in ("sqlite", "postgresql")
