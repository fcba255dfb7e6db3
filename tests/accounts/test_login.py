"""Login, throttling, sessions and CSRF through the real app and database."""

import json
from datetime import timedelta

import pytest

from accounts import service
from accounts.domain import ACCOUNT_THROTTLE, ADDRESS_THROTTLE
from accounts.tables import LoginThrottle, User, WebSession
from audit.tables import AuditEvent
from common import clock
from common.clock import FixedClock, use_clock
from common.identity import Role
from tests.support.fixtures import TEST_PASSWORD
from tests.support.http import csrf_token, post_form, sign_in, text_of


async def test_signing_in_lands_on_the_dashboard(client, make_user):
    officer = await make_user(Role.OFFICER, name="Olga de Vries")
    response = await post_form(
        client, "/login", {"email": officer.email.upper(), "password": TEST_PASSWORD, "next": "/"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    dashboard = await client.get("/")
    assert dashboard.status_code == 200
    assert "Welcome, Olga de Vries." in text_of(dashboard.text)
    assert await AuditEvent.exists().where(AuditEvent.action == "login.succeeded")


async def test_next_may_only_point_inside_the_site(client, make_user):
    officer = await make_user()
    response = await post_form(
        client,
        "/login",
        {"email": officer.email, "password": TEST_PASSWORD, "next": "//evil.example/phish"},
    )
    assert response.headers["location"] == "/"


WRONG = "The email address or password is not right."


async def test_a_wrong_password_is_refused_with_a_message(client, make_user):
    officer = await make_user()
    response = await post_form(client, "/login", {"email": officer.email, "password": "wrong"})
    assert response.status_code == 400
    assert WRONG in text_of(response.text)
    assert (await client.get("/")).status_code == 303


@pytest.fixture
def argon2_checks(monkeypatch):
    """Every Argon2 verification the app runs, as (hash is the dummy's, outcome)."""
    from accounts import passwords

    seen: list[tuple[bool, bool]] = []
    original = passwords._verify

    def spy(password_hash: str, password: str) -> bool:
        outcome = original(password_hash, password)
        seen.append((password_hash == passwords._DUMMY_HASH, outcome))
        return outcome

    monkeypatch.setattr(passwords, "_verify", spy)
    return seen


async def test_unknown_wrong_inactive_and_throttled_answer_alike(client, make_user, argon2_checks):
    """Same status, same page (but for the address typed back), and one Argon2 verification in
    every branch (timing itself is not asserted: see bench/ for figures)."""
    officer = await make_user(email="olga@example.org")
    gone = await make_user(email="gone@example.org")
    await User.update({User.active: False}).where(User.id == gone.id)
    waiting = await make_user(email="wait@example.org")

    async def attempt(email: str, password: str):
        response = await post_form(client, "/login", {"email": email, "password": password})
        return response.status_code, response.text.replace(email, "EMAIL")

    with use_clock(FixedClock(clock.now())):
        for _ in range(ACCOUNT_THROTTLE.free_failures):
            await service.authenticate("wait@example.org", "wrong", "198.51.100.9")
        argon2_checks.clear()
        answers = {
            "unknown": await attempt("nobody@example.org", "whatever"),
            "wrong": await attempt(officer.email, "wrong"),
            "inactive": await attempt(gone.email, TEST_PASSWORD),
            "throttled": await attempt(waiting.email, TEST_PASSWORD),  # the right password
        }
    assert {status for status, _ in answers.values()} == {400}
    assert len({body for _, body in answers.values()}) == 1
    assert WRONG in text_of(answers["throttled"][1])
    # One verification per attempt; against the dummy hash where there is no active user.
    assert argon2_checks == [(True, False), (False, False), (True, False), (False, True)]


async def test_failures_slow_an_account_down_but_never_lock_it(client, make_user):
    officer = await make_user()
    with use_clock(FixedClock(clock.now())) as travel:
        for _ in range(ACCOUNT_THROTTLE.free_failures):
            wrong = await post_form(client, "/login", {"email": officer.email, "password": "wrong"})
            assert wrong.status_code == 400
        waits = await service.sign_in_waits_until(officer.email)
        assert waits == clock.now() + ACCOUNT_THROTTLE.base_delay
        refused = await post_form(
            client, "/login", {"email": officer.email, "password": TEST_PASSWORD}
        )
        assert refused.status_code == 400, "the right password waits its turn too"
        # ... and an attempt made while waiting does not make the wait longer.
        assert await service.sign_in_waits_until(officer.email) == waits
        travel.advance(ACCOUNT_THROTTLE.base_delay)
        after = await post_form(
            client, "/login", {"email": officer.email, "password": TEST_PASSWORD}
        )
        assert after.status_code == 303
    assert await LoginThrottle.count().where(LoginThrottle.key == f"account:{officer.email}") == 0
    failed = (
        await AuditEvent.select(AuditEvent.after)
        .where(AuditEvent.action == "login.failed")
        .order_by(AuditEvent.seq)
    )
    reasons = [json.loads(row["after"])["reason"] for row in failed]
    assert reasons == ["wrong password"] * ACCOUNT_THROTTLE.free_failures + ["throttled"]


async def test_an_attacker_cannot_keep_an_account_shut(make_user, db):
    """Hammering from one address slows that address; the account's own wait stays short."""
    officer = await make_user()
    now = clock.now()
    with use_clock(FixedClock(now)) as travel:
        for _ in range(20):  # ten minutes of hammering
            await service.authenticate(officer.email, "guess", "203.0.113.66")
            travel.advance(timedelta(seconds=30))
        waits = await service.sign_in_waits_until(officer.email)
        assert waits is None or waits - clock.now() <= ACCOUNT_THROTTLE.max_delay
        travel.advance(ACCOUNT_THROTTLE.max_delay)
        principal = await service.authenticate(officer.email, TEST_PASSWORD, "192.0.2.10")
    assert principal is not None and principal.id == officer.id


async def test_one_address_trying_many_accounts_is_slowed(make_user, db):
    officer = await make_user()
    with use_clock(FixedClock(clock.now())):
        for number in range(ADDRESS_THROTTLE.free_failures):
            await service.authenticate(f"guess{number}@example.org", "x", "203.0.113.5")
        assert await service.authenticate(officer.email, TEST_PASSWORD, "203.0.113.5") is None
        other = await service.authenticate(officer.email, TEST_PASSWORD, "192.0.2.44")
    assert other is not None


async def test_a_post_without_csrf_token_is_refused(client, make_user):
    officer = await make_user()
    await csrf_token(client)
    response = await client.post("/login", data={"email": officer.email, "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert (await client.get("/")).status_code == 303  # not signed in

    await sign_in(client, officer.email)
    del client.headers["x-csrftoken"]
    refused = await client.post(
        "/account/password", data={"current_password": TEST_PASSWORD, "new_password": "x" * 20}
    )
    assert refused.status_code == 403
    forged = await client.post(
        "/account/password",
        headers={"x-csrftoken": "forged"},
        data={"current_password": TEST_PASSWORD, "new_password": "x" * 20},
    )
    assert forged.status_code == 403


async def test_session_cookie_is_httponly_samesite_and_renewed_at_login(client, make_user):
    officer = await make_user()
    client.cookies.set("tenderdesk_session", "planted-by-an-attacker")
    await csrf_token(client)
    response = await post_form(
        client, "/login", {"email": officer.email, "password": TEST_PASSWORD}
    )
    cookie = next(
        value
        for name, value in response.headers.multi_items()
        if name == "set-cookie" and value.startswith("tenderdesk_session=")
    )
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
    short = await post_form(
        client, "/account/password", {"current_password": "wrong", "new_password": "short"}
    )
    assert short.status_code == 422
    text = text_of(short.text)
    assert "The current password is not right" in text
    assert "A password needs at least 12 characters" in text
    done = await post_form(
        client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": "a much longer one"},
    )
    assert done.status_code == 303
    async with client_factory() as other:
        await sign_in(other, officer.email, "a much longer one")


async def test_changing_ones_password_ends_every_other_session(client, client_factory, make_user):
    officer = await make_user()
    other_user = await make_user()
    await sign_in(client, officer.email)
    async with client_factory() as laptop, client_factory() as colleague:
        await sign_in(laptop, officer.email)
        await sign_in(colleague, other_user.email)
        assert await WebSession.count().where(WebSession.user_id == officer.id) == 2
        done = await post_form(
            client,
            "/account/password",
            {"current_password": TEST_PASSWORD, "new_password": "a much longer one"},
        )
        assert done.status_code == 303
        assert (await client.get("/account")).status_code == 200, "this session stays"
        assert (await laptop.get("/account")).status_code == 303, "the other one ended"
        assert (await colleague.get("/account")).status_code == 200
    event = (
        await AuditEvent.select(AuditEvent.after)
        .where(AuditEvent.action == "user.password_changed")
        .first()
    )
    assert json.loads(event["after"]) == {"sessions_ended": 1}


async def test_a_password_reset_ends_every_session_of_the_user(client, client_factory, make_user):
    admin = await make_user(Role.ADMIN)
    officer = await make_user()
    await sign_in(client, admin.email)
    async with client_factory() as phone, client_factory() as laptop:
        await sign_in(phone, officer.email)
        await sign_in(laptop, officer.email)
        reset = await post_form(client, f"/admin/users/{officer.id}/password")
        assert reset.status_code == 200
        assert (await phone.get("/")).status_code == 303
        assert (await laptop.get("/api/v1/me")).status_code == 401
    assert (await client.get("/admin/users")).status_code == 200, "the administrator stays"
    own = await post_form(client, f"/admin/users/{admin.id}/password")
    assert own.status_code == 200
    assert (await client.get("/admin/users")).status_code == 200, "resetting one's own, too"


async def test_the_current_password_check_is_throttled(client, make_user, argon2_checks):
    officer = await make_user()
    await sign_in(client, officer.email)
    with use_clock(FixedClock(clock.now())) as travel:
        for _ in range(ACCOUNT_THROTTLE.free_failures):
            wrong = await post_form(
                client,
                "/account/password",
                {"current_password": "guess", "new_password": "a much longer one"},
            )
            assert "The current password is not right" in text_of(wrong.text)
        argon2_checks.clear()
        waiting = await post_form(
            client,
            "/account/password",
            {"current_password": TEST_PASSWORD, "new_password": "a much longer one"},
        )
        assert waiting.status_code == 422
        assert "Too many wrong passwords: try again in 2 seconds" in text_of(waiting.text)
        assert argon2_checks == [], "no guess is checked while waiting"
        # The same count slows sign-in for the account (they guess the same password).
        assert await service.sign_in_waits_until(officer.email) is not None
        travel.advance(ACCOUNT_THROTTLE.base_delay)
        done = await post_form(
            client,
            "/account/password",
            {"current_password": TEST_PASSWORD, "new_password": "a much longer one"},
        )
        assert done.status_code == 303
    assert await service.sign_in_waits_until(officer.email) is None


async def test_guessable_new_passwords_are_refused(client, client_factory, make_user):
    officer = await make_user()
    await sign_in(client, officer.email)
    for guessable in ("aaaaaaaaaaaa", "password1234"):
        refused = await post_form(
            client,
            "/account/password",
            {"current_password": TEST_PASSWORD, "new_password": guessable},
        )
        assert refused.status_code == 422
        assert "This password is too easy to guess" in text_of(refused.text)
    admin = await make_user(Role.ADMIN)
    async with client_factory() as admins:
        await sign_in(admins, admin.email)
        api = await admins.post(
            "/api/v1/users",
            json={
                "email": "new@example.org",
                "name": "New",
                "role": "officer",
                "password": "password1234",
            },
        )
    assert api.status_code == 422
    assert "too easy to guess" in api.json()["problems"][0]["message"]
    assert not await User.exists().where(User.email == "new@example.org")


async def test_an_overlong_address_gets_the_usual_answer(client, db):
    response = await post_form(
        client, "/login", {"email": "x" * 5000 + "@example.org", "password": "whatever"}
    )
    assert response.status_code == 400 and WRONG in text_of(response.text)


async def test_forgotten_counts_are_cleared_away(make_user, db):
    officer = await make_user()
    with use_clock(FixedClock(clock.now())) as travel:
        await service.authenticate("typo@example.org", "x", "192.0.2.50")
        travel.advance(ACCOUNT_THROTTLE.forget_after + timedelta(minutes=1))
        await service.authenticate(officer.email, "wrong", "192.0.2.51")
    keys = {row["key"] for row in await LoginThrottle.select(LoginThrottle.key)}
    assert keys == {f"account:{officer.email}", "address:192.0.2.51"}
