"""Registering for the portal end to end, through the app and the real database."""

from __future__ import annotations

from datetime import timedelta

from audit.tables import AuditEvent
from common import clock
from common.clock import FixedClock, use_clock
from config.settings import get_settings
from notifications.tables import OutboxMessage
from organisations.tables import Organisation
from portal.domain import LinkPurpose, sign_link
from portal.tables import PortalAccount, PortalMembership
from tests.portal.support import (
    PORTAL_PASSWORD,
    last_mail,
    link_in,
    portal_sign_in,
    register,
    register_and_verify,
    registration,
)
from tests.support.http import post_form, sign_in, text_of

KVK = "30280353"


async def membership_of(email: str) -> dict:
    account = await PortalAccount.select().where(PortalAccount.email == email).first()
    return await PortalMembership.select().where(PortalMembership.account == account["id"]).first()


async def test_register_verify_and_sign_in(client) -> None:
    response = await register(client, "anna@zorgplus.example", KVK, "Zorg Plus BV")
    assert response.status_code == 200
    assert "anna@zorgplus.example" in text_of(response.text)
    account = await PortalAccount.select().where(PortalAccount.email == "anna@zorgplus.example")
    assert account[0]["verified_at"] is None
    assert account[0]["password_hash"].startswith("$argon2id$")
    # Not yet: the address is not proven, and no organisation was touched.
    assert await Organisation.count() == 0
    refused = await client.post(
        "/portal/login",
        data={
            "email": "anna@zorgplus.example",
            "password": PORTAL_PASSWORD,
            "_csrf_token": client.cookies["tenderdesk_csrf"],
        },
    )
    assert refused.status_code == 400
    assert "Confirm your email address first" in text_of(refused.text)

    mail = await last_mail("anna@zorgplus.example", "portal_verify")
    response = await client.get(link_in(mail["body"]))
    assert response.status_code == 303 and response.headers["location"].startswith("/portal/login")
    [organisation] = await Organisation.select()
    assert (organisation["registration_number"], organisation["name"]) == (KVK, "Zorg Plus BV")
    membership = await membership_of("anna@zorgplus.example")
    assert (membership["status"], membership["organisation"]) == ("pending", organisation["id"])
    # Following the link again changes nothing.
    assert (await client.get(link_in(mail["body"]))).status_code == 303
    assert await PortalMembership.count() == 1

    await portal_sign_in(client, "anna@zorgplus.example")
    home = await client.get("/portal")
    assert home.status_code == 200
    assert "waiting for approval" in text_of(home.text)
    # Pending: nothing of the organisation yet.
    # (the inbox: tests/portal/test_isolation.py)
    assert (await client.get("/portal/organisation")).status_code == 403
    actions = (
        await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.action.like("portal.%"))
        .order_by(AuditEvent.seq)
    )
    assert [a["action"] for a in actions] == [
        "portal.registered",
        "portal.email_verified",
        "portal.membership_requested",
        "portal.login_succeeded",
    ]


async def test_bad_input_is_refused_with_every_problem_and_nothing_stored(client) -> None:
    await client.get("/portal/register")
    data = registration("not-an-address", "12345678-9", password="short")
    response = await post_form(client, "/portal/register", data)
    assert response.status_code == 422
    text = text_of(response.text)
    assert "Enter an email address" in text
    assert "is not a valid KvK number" in text
    assert "at least 12 characters" in text
    assert await PortalAccount.count() == 0
    assert await OutboxMessage.count() == 0


async def test_expired_and_tampered_links_are_refused(client) -> None:
    with use_clock(FixedClock(clock.now())) as fixed:
        await register(client, "late@example.org", KVK)
        link = link_in((await last_mail("late@example.org"))["body"])
        fixed.advance(timedelta(hours=48, seconds=1))
        response = await client.get(link)
    assert response.status_code == 400
    assert "This link has expired" in text_of(response.text)
    payload, _, mac = link.rsplit("/", 1)[1].partition(".")
    tampered = (
        link.rsplit("/", 1)[0] + "/" + payload + "." + ("A" if mac[0] != "A" else "B") + mac[1:]
    )
    response = await client.get(tampered)
    assert response.status_code == 400
    assert "This link is not valid" in text_of(response.text)
    # A link signed for something else (an invitation) does not verify an address.
    account = await PortalAccount.select().where(PortalAccount.email == "late@example.org").first()
    other = sign_link(
        get_settings().secret_key,
        LinkPurpose.INVITE,
        {"a": account["id"], "e": "late@example.org"},
        clock.now(),
        timedelta(hours=1),
    )
    assert (await client.get(f"/portal/verify/{other}")).status_code == 400
    assert (await PortalAccount.select().where(PortalAccount.email == "late@example.org"))[0][
        "verified_at"
    ] is None
    assert await PortalMembership.count() == 0
    # Registering again sends a new link, which works.
    await register(client, "late@example.org", KVK)
    fresh = link_in((await last_mail("late@example.org"))["body"])
    assert fresh != link
    assert (await client.get(fresh)).status_code == 303
    assert await PortalAccount.count() == 1
    assert await PortalMembership.count() == 1


async def test_organisation_is_found_by_registration_number_never_duplicated(
    client_factory,
) -> None:
    async with client_factory() as first, client_factory() as second:
        await register_and_verify(first, "a@one.example", KVK, "Zorg Plus BV")
        # The same number written differently, and another name: the same organisation, its
        # name unchanged by a registrant.
        await register_and_verify(second, "b@one.example", "3028 0353", "Zorg Plus (wrong)")
    [organisation] = await Organisation.select()
    assert organisation["name"] == "Zorg Plus BV"
    rows = await PortalMembership.select(PortalMembership.organisation)
    assert {row["organisation"] for row in rows} == {organisation["id"]}


async def test_known_address_gets_a_mail_not_a_second_account(client, make_user) -> None:
    officer = await make_user("officer", email="officer@gemeente.example")
    await register(client, officer.email, KVK)
    await register_and_verify(client, "twice@example.org", KVK)
    await register(client, "twice@example.org", KVK)
    assert await PortalAccount.count() == 1  # only twice@ (the officer's address is refused)
    assert (await last_mail(officer.email))["kind"] == "portal_taken"
    assert (await last_mail("twice@example.org"))["kind"] == "portal_taken"


async def test_first_member_approved_by_officer_then_member_approves_next(
    client_factory, make_user
) -> None:
    officer = await make_user("officer")
    async with client_factory() as anna, client_factory() as bert, client_factory() as back:
        await register_and_verify(anna, "anna@org.example", KVK, "Zorg Plus BV")
        await register_and_verify(bert, "bert@org.example", KVK, "Zorg Plus BV")
        [organisation] = await Organisation.select(Organisation.id)
        anna_request = await membership_of("anna@org.example")
        bert_request = await membership_of("bert@org.example")

        # Bert, pending himself, cannot approve Anna.
        await portal_sign_in(bert, "bert@org.example")
        refused = await post_form(
            bert, f"/portal/organisation/members/{anna_request['id']}/approve", {"role": "member"}
        )
        assert refused.status_code == 403

        await sign_in(back, officer.email)
        page = await back.get(f"/organisations/{organisation['id']}")
        assert page.status_code == 200 and "anna@org.example" in page.text
        done = await post_form(
            back,
            f"/organisations/{organisation['id']}/members/{anna_request['id']}/approve",
            {"role": "signatory"},
        )
        assert done.status_code == 303
        anna_row = await membership_of("anna@org.example")
        assert (anna_row["status"], anna_row["role"]) == ("active", "signatory")

        await portal_sign_in(anna, "anna@org.example")
        page = await anna.get("/portal/organisation")
        assert page.status_code == 200 and "bert@org.example" in page.text
        done = await post_form(
            anna,
            f"/portal/organisation/members/{bert_request['id']}/approve",
            {"role": "member"},
        )
        assert done.status_code == 303
        assert (await membership_of("bert@org.example"))["status"] == "active"
        # Someone new asks: the approved members are told by mail.
        async with client_factory() as cleo:
            await register_and_verify(cleo, "cleo@org.example", KVK, "Zorg Plus BV")
        told = await last_mail("anna@org.example", "portal_request")
        assert "cleo@org.example" in told["body"] and "/portal/organisation" in told["body"]
        # Decided once: a second decision is refused.
        again = await post_form(
            anna, f"/portal/organisation/members/{bert_request['id']}/refuse", {}
        )
        assert again.status_code in (303, 409)
        assert (await membership_of("bert@org.example"))["status"] == "active"
    approved = await AuditEvent.select(AuditEvent.actor, AuditEvent.after).where(
        AuditEvent.action == "portal.membership_approved"
    )
    assert [a["actor"] for a in approved] == [officer.email, "portal:anna@org.example"]


async def test_member_cannot_approve_for_another_organisation(client_factory, make_user) -> None:
    officer = await make_user("officer")
    async with client_factory() as anna, client_factory() as carl, client_factory() as back:
        await register_and_verify(anna, "anna@one.example", KVK, "One")
        await register_and_verify(carl, "carl@two.example", "41216593", "Two")
        await sign_in(back, officer.email)
        one = await Organisation.select().where(Organisation.registration_number == KVK).first()
        anna_request = await membership_of("anna@one.example")
        await post_form(
            back, f"/organisations/{one['id']}/members/{anna_request['id']}/approve", {}
        )
        carl_request = await membership_of("carl@two.example")
        await portal_sign_in(anna, "anna@one.example")
        response = await post_form(
            anna, f"/portal/organisation/members/{carl_request['id']}/approve", {}
        )
        assert response.status_code in (303, 404)
        assert (await membership_of("carl@two.example"))["status"] == "pending"


async def test_officer_invites_and_the_link_makes_an_active_member(
    client_factory, make_user
) -> None:
    officer = await make_user("officer")
    organisation = Organisation(
        name="Thuishulp West",
        country="NL",
        registration_number="41216593",
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    await organisation.save()
    async with client_factory() as back, client_factory() as invited:
        await sign_in(back, officer.email)
        refused = await post_form(
            back, f"/organisations/{organisation.id}/invite", {"email": officer.email}
        )
        assert refused.status_code == 422
        assert "belongs to a back-office user" in text_of(refused.text)
        sent = await post_form(
            back,
            f"/organisations/{organisation.id}/invite",
            {"email": "new@west.example", "role": "signatory"},
        )
        assert sent.status_code == 303
        link = link_in((await last_mail("new@west.example", "portal_invite"))["body"])
        page = await invited.get(link)
        assert page.status_code == 200 and "Thuishulp West" in page.text
        weak = await post_form(invited, link, {"name": "Nina", "password": "password"})
        assert weak.status_code == 422
        assert await PortalAccount.count() == 0
        done = await post_form(invited, link, {"name": "Nina", "password": PORTAL_PASSWORD})
        assert done.status_code == 303
        row = await membership_of("new@west.example")
        assert (row["status"], row["role"], row["invited"]) == ("active", "signatory", True)
        # The link serves once.
        again = await post_form(invited, link, {"name": "Nina", "password": PORTAL_PASSWORD})
        assert again.status_code == 400
        await portal_sign_in(invited, "new@west.example")
        assert (await invited.get("/portal/organisation")).status_code == 200
