"""Administrators manage users through pages and the API; every change is audited."""

from accounts.tables import Membership, User
from audit.tables import AuditEvent
from common import clock
from common.clock import FixedClock, use_clock
from tests.support.http import post_form, sign_in, text_of


async def test_admin_creates_a_user_and_sees_the_password_once(client, make_user, make_authority):
    admin = await make_user("admin")
    utrecht = await make_authority("Gemeente Utrecht")
    await sign_in(client, admin.email)
    refused = await post_form(
        client, "/admin/users", {"email": "nope", "name": "", "role": "officer"}
    )
    assert refused.status_code == 422
    text = text_of(refused.text)
    assert "There are 2 problems" in text
    assert "Enter an email address" in text and "A name is required" in text
    assert await User.count() == 1

    response = await client.post(
        "/admin/users",
        data={
            "email": "Evert@Utrecht.nl",
            "name": "Evert Jansen",
            "role": "evaluator",
            "language": "nl",
            "authority_ids": [str(utrecht["id"])],
        },
    )
    assert response.status_code == 200
    assert "It is shown only now" in text_of(response.text)
    user = await User.select().where(User.email == "evert@utrecht.nl").first()
    assert user["role"] == "evaluator" and user["language"] == "nl"
    assert await Membership.count().where(Membership.user == user["id"]) == 1
    event = await AuditEvent.select().where(AuditEvent.action == "user.created").first()
    assert event["actor"] == admin.email and '"role":"evaluator"' in event["after"]


async def test_admin_cannot_demote_themselves(client, make_user):
    admin = await make_user("admin", email="ada@example.org")
    await sign_in(client, admin.email)
    response = await post_form(
        client,
        f"/admin/users/{admin.id}",
        {
            "email": admin.email,
            "name": admin.name,
            "role": "officer",
            "language": "en",
            "active": "on",
        },
    )
    assert response.status_code == 303
    follow = await client.get(response.headers["location"])
    assert "You cannot take away your own administrator role" in text_of(follow.text)
    assert (await User.select(User.role).where(User.id == admin.id).first())["role"] == "admin"


async def test_users_api_creates_and_lists(client, make_user, make_authority):
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    created = await client.post(
        "/api/v1/users", json={"email": "femke@utrecht.nl", "name": "Femke", "role": "finance"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["user"]["role"] == "finance" and len(body["password"]) >= 16
    duplicate = await client.post(
        "/api/v1/users", json={"email": "FEMKE@utrecht.nl", "name": "Femke", "role": "finance"}
    )
    assert duplicate.status_code == 422
    [problem] = duplicate.json()["problems"]
    assert problem["location"] == "email"
    # who gave the address to the user who has it, and when (the admin signed in here)
    assert problem["message"].startswith(
        "A user with the email femke@utrecht.nl already exists (Admin 1 created user "
        f"{body['user']['id']} on "
    )
    listed = await client.get("/api/v1/users", params={"role": "finance"})
    assert [u["email"] for u in listed.json()] == ["femke@utrecht.nl"]


async def test_an_administrator_lets_a_throttled_user_sign_in_at_once(client, make_user):
    from accounts import service
    from accounts.domain import ACCOUNT_THROTTLE

    admin = await make_user("admin")
    waiting = await make_user("officer")
    with use_clock(FixedClock(clock.now())):
        for _ in range(ACCOUNT_THROTTLE.free_failures):
            await service.authenticate(waiting.email, "wrong", "192.0.2.7")
        assert await service.sign_in_waits_until(waiting.email) is not None
        await sign_in(client, admin.email)
        listed = text_of((await client.get("/admin/users")).text)
        assert "sign-in waits" in listed
        page = text_of((await client.get(f"/admin/users/{waiting.id}")).text)
        assert "attempts for this account wait until" in page
        response = await post_form(client, f"/admin/users/{waiting.id}/unlock")
        assert response.status_code == 303
        assert await service.sign_in_waits_until(waiting.email) is None
    assert await AuditEvent.exists().where(AuditEvent.action == "user.unlocked")
    api = await client.get(f"/api/v1/users/{waiting.id}")
    assert api.json()["sign_in_waits_until"] is None
