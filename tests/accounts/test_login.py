"""Login, lockout, sessions and CSRF through the real app and database."""

from datetime import timedelta

from accounts.domain import Role
from accounts.tables import User, WebSession
from audit.tables import AuditEvent
from common import clock
from common.clock import FixedClock, use_clock
from tests.support.fixtures import TEST_PASSWORD
from tests.support.http import csrf_token, post_form, sign_in, text_of


async def test_signing_in_lands_on_the_dashboard(client, make_user):
    officer = await make_user(Role.OFFICER, name="Olga de Vries")
    response = await post_form(client, "/login", {"email": officer.email.upper(),
                                                  "password": TEST_PASSWORD, "next": "/"})
    assert response.status_code == 303 and response.headers["location"] == "/"
    dashboard = await client.get("/")
    assert dashboard.status_code == 200
    assert "Welcome, Olga de Vries." in text_of(dashboard.text)
    assert await AuditEvent.exists().where(AuditEvent.action == "login.succeeded")


async def test_next_may_only_point_inside_the_site(client, make_user):
    officer = await make_user()
    response = await post_form(client, "/login", {"email": officer.email,
                                                  "password": TEST_PASSWORD,
                                                  "next": "//evil.example/phish"})
    assert response.headers["location"] == "/"


async def test_a_wrong_password_is_refused_with_a_message(client, make_user):
    officer = await make_user()
    response = await post_form(client, "/login", {"email": officer.email, "password": "wrong"})
    assert response.status_code == 400
    assert "The email address or password is not right." in text_of(response.text)
    assert (await client.get("/")).status_code == 303


async def test_an_unknown_email_gets_the_same_answer(client, db):
    response = await post_form(client, "/login", {"email": "nobody@example.org",
                                                  "password": "whatever"})
    assert response.status_code == 400
    assert "The email address or password is not right." in text_of(response.text)


async def test_five_failures_lock_the_account_for_fifteen_minutes(client, make_user):
    officer = await make_user()
    with use_clock(FixedClock(clock.now())) as travel:
        for _ in range(4):
            response = await post_form(client, "/login", {"email": officer.email,
                                                          "password": "wrong"})
            assert response.status_code == 400
        fifth = await post_form(client, "/login", {"email": officer.email, "password": "wrong"})
        assert fifth.status_code == 429
        assert "locked for 15 minutes" in text_of(fifth.text)

        travel.advance(timedelta(minutes=14, seconds=59))
        still_locked = await post_form(client, "/login", {"email": officer.email,
                                                          "password": TEST_PASSWORD})
        assert still_locked.status_code == 429, "the right password must wait out the lock"

        travel.advance(timedelta(seconds=1))
        after = await post_form(client, "/login", {"email": officer.email,
                                                   "password": TEST_PASSWORD})
        assert after.status_code == 303
    row = await User.select(User.failed_logins, User.locked_until).where(
        User.id == officer.id).first()
    assert row == {"failed_logins": 0, "locked_until": None}
    assert await AuditEvent.exists().where(AuditEvent.action == "account.locked")


async def test_a_post_without_csrf_token_is_refused(client, make_user):
    officer = await make_user()
    await csrf_token(client)
    response = await client.post("/login", data={"email": officer.email,
                                                 "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/")).status_code == 303  # not signed in

    await sign_in(client, officer.email)
    del client.headers["x-csrftoken"]
    refused = await client.post("/account/password", data={"current_password": TEST_PASSWORD,
                                                           "new_password": "x" * 20})
    assert refused.status_code == 403
    forged = await client.post("/account/password", headers={"x-csrftoken": "forged"},
                               data={"current_password": TEST_PASSWORD,
                                     "new_password": "x" * 20})
    assert forged.status_code == 403


async def test_session_cookie_is_httponly_samesite_and_renewed_at_login(client, make_user):
    officer = await make_user()
    await csrf_token(client)
    client.cookies.set("tenderdesk_session", "planted-by-an-attacker")
    response = await post_form(client, "/login", {"email": officer.email,
                                                  "password": TEST_PASSWORD})
    cookie = next(value for name, value in response.headers.multi_items()
                  if name == "set-cookie" and value.startswith("tenderdesk_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # served over http here; https turns it on
    session_id = cookie.split(";")[0].split("=", 1)[1]
    assert session_id != "planted-by-an-attacker"
    assert await WebSession.exists().where(WebSession.key == session_id)
    assert not await WebSession.exists().where(WebSession.key == "planted-by-an-attacker")


async def test_anonymous_pages_store_no_session(client, db):
    await client.get("/login")
    await client.get("/login")
    assert await WebSession.count() == 0


async def test_logout_ends_the_session(client, make_user):
    officer = await make_user()
    await sign_in(client, officer.email)
    response = await post_form(client, "/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert await WebSession.count() == 0
    assert (await client.get("/")).status_code == 303


async def test_a_deactivated_user_loses_access_at_once(client, make_user):
    officer = await make_user()
    await sign_in(client, officer.email)
    await User.update({User.active: False}).where(User.id == officer.id)
    assert (await client.get("/")).status_code == 303
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_changing_ones_own_password(client, client_factory, make_user):
    officer = await make_user()
    await sign_in(client, officer.email)
    short = await post_form(client, "/account/password", {"current_password": "wrong",
                                                          "new_password": "short"})
    assert short.status_code == 422
    text = text_of(short.text)
    assert "The current password is not right" in text
    assert "A password needs at least 12 characters" in text
    done = await post_form(client, "/account/password", {"current_password": TEST_PASSWORD,
                                                         "new_password": "a much longer one"})
    assert done.status_code == 303
    async with client_factory() as other:
        await sign_in(other, officer.email, "a much longer one")
