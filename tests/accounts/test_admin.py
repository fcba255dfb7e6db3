"""Administrators manage users through pages and the API; every change is audited."""

from datetime import timedelta

from accounts.tables import Membership, User
from audit.tables import AuditEvent
from common import clock
from tests.support.http import post_form, sign_in, text_of


async def test_admin_creates_a_user_and_sees_the_password_once(client, make_user,
                                                               make_authority):
    admin = await make_user("admin")
    utrecht = await make_authority("Gemeente Utrecht")
    await sign_in(client, admin.email)
    refused = await post_form(client, "/admin/users", {"email": "nope", "name": "",
                                                       "role": "officer"})
    assert refused.status_code == 422
    text = text_of(refused.text)
    assert "There are 2 problems" in text
    assert "Enter an email address" in text and "A name is required" in text
    assert await User.count() == 1

    response = await client.post("/admin/users", data={
        "email": "Evert@Utrecht.nl", "name": "Evert Jansen", "role": "evaluator",
        "language": "nl", "authority_ids": [str(utrecht["id"])]})
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
    response = await post_form(client, f"/admin/users/{admin.id}", {
        "email": admin.email, "name": admin.name, "role": "officer", "language": "en",
        "active": "on"})
    assert response.status_code == 303
    follow = await client.get(response.headers["location"])
    assert "You cannot take away your own administrator role" in text_of(follow.text)
    assert (await User.select(User.role).where(User.id == admin.id).first())["role"] == "admin"


async def test_users_api_creates_and_lists(client, make_user, make_authority):
    admin = await make_user("admin")
    await sign_in(client, admin.email)
    created = await client.post("/api/v1/users", json={
        "email": "femke@utrecht.nl", "name": "Femke", "role": "finance"})
    assert created.status_code == 201
    body = created.json()
    assert body["user"]["role"] == "finance" and len(body["password"]) >= 16
    duplicate = await client.post("/api/v1/users", json={
        "email": "FEMKE@utrecht.nl", "name": "Femke", "role": "finance"})
    assert duplicate.status_code == 422
    assert duplicate.json()["problems"][0] == {
        "location": "email", "message": "A user with the email femke@utrecht.nl already exists"}
    listed = await client.get("/api/v1/users", params={"role": "finance"})
    assert [u["email"] for u in listed.json()] == ["femke@utrecht.nl"]


async def test_unlock_clears_a_lock(client, make_user):
    admin = await make_user("admin")
    locked = await make_user("officer")
    await User.update({User.failed_logins: 5,
                       User.locked_until: clock.now() + timedelta(minutes=10)}).where(
        User.id == locked.id)
    await sign_in(client, admin.email)
    response = await post_form(client, f"/admin/users/{locked.id}/unlock")
    assert response.status_code == 303
    row = await User.select(User.locked_until).where(User.id == locked.id).first()
    assert row["locked_until"] is None
    assert await AuditEvent.exists().where(AuditEvent.action == "user.unlocked")
