"""Portal accounts: registering, proving the email address, signing in, joining an organisation.

Each change is one transaction with its audit events; mails go through the outbox in the same
transaction. Audit events name a portal account as ``portal:<email>`` with no user id, so that
nothing of the back office ever takes it for one of its users.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts import service as accounts
from accounts.domain import (
    account_key,
    address_key,
    check_password_strength,
    normalise_email,
)
from accounts.passwords import hash_password, verify_password
from accounts.tables import User
from audit import service as audit
from common import clock
from common.errors import DomainError, Forbidden, NotFound, ProblemCollector
from common.i18n import N_
from common.identity import Actor, Principal
from config.database import lock, lock_name, transaction
from config.settings import get_settings
from notifications import service as outbox
from notifications.compose import compose
from notifications.domain import OutgoingMessage
from organisations import service as organisations
from organisations.domain import OrganisationData
from organisations.tables import Organisation
from portal.domain import (
    INVITE_LINK_LIFETIME,
    VERIFY_LINK_LIFETIME,
    LinkPurpose,
    MembershipStatus,
    OrgRole,
    PortalUser,
    Registration,
    may_grant,
    parse_role,
    read_link,
    sign_link,
    validate_invitation,
    validate_registration,
)
from portal.tables import PortalAccount, PortalMembership

ANONYMOUS = Actor(None, "portal:anonymous")


def _actor(email: str) -> Actor:
    return Actor(None, f"portal:{email}"[:254])


def _throttle_keys(email: str, address: str | None) -> list[str]:
    # The client address is throttled together with the back office's sign-in; the account
    # under its own key (an address may have an account in neither, one, or both areas).
    return [address_key(address), account_key(f"portal:{normalise_email(email)}")]


def _link(path: str, token: str) -> str:
    return f"{get_settings().public_url.rstrip('/')}{path}/{token}"


async def _mail(kind: str, email: str, name: str, language: str, template: str, **extra: Any):
    subject, body = compose(template, language or "en", name=name, **extra)
    message = OutgoingMessage(
        kind=kind,
        recipient=email,
        language=language or "en",
        subject=subject,
        body=body,
        recipient_name=name,
        object_type="portal_account",
        object_id=email[:60],
    )
    _, events = await outbox.queue_many([message])
    return events


async def _back_office_user(email: str) -> bool:
    return await User.exists().where(User.email == email)


async def _portal_account(email: str) -> dict[str, Any] | None:
    return await PortalAccount.select().where(PortalAccount.email == email).first()


# -- registering ------------------------------------------------------------------------------


async def register(form: Mapping[str, Any], password: str, language: str = "") -> None:
    """Register a person; the answer is the same whether or not the address is known.

    A new address gets an account (not yet usable) and a mail with a signed link that proves
    the address; registering again before the address is proven (the link expired, the mail
    was lost) replaces what was entered and sends a new link. An address with a proven portal
    account, or a back-office user's (an officer account is never a supplier account), gets a
    mail that says so instead, and nothing is changed.
    """
    data = validate_registration(form, password)
    password_hash = await hash_password(password)
    now = clock.now()
    async with transaction():
        await lock_name(f"portal-email:{data.email}")
        events: list[audit.NewEvent] = []
        existing = await _portal_account(data.email)
        if await _back_office_user(data.email) or (existing and existing["verified_at"]):
            events += await _mail(
                "portal_taken",
                data.email,
                data.name,
                language,
                "portal/mail/taken.txt",
                login=f"{get_settings().public_url.rstrip('/')}/portal/login",
            )
            events.append(
                audit.NewEvent("portal.registration_refused", "portal_account", data.email)
            )
            await audit.record_many(_actor(data.email), events)
            return
        entered = {
            "name": data.name,
            "password_hash": password_hash,
            "language": language,
            "requested_country": data.country,
            "requested_registration_number": data.registration_number,
            "requested_organisation_name": data.organisation_name,
            "requested_natural_person": data.natural_person,
        }
        if existing is None:
            account = PortalAccount(email=data.email, created_at=now, **entered)
            await account.save()
            account_id = account.id
        else:
            account_id = existing["id"]
            await PortalAccount.update(entered).where(PortalAccount.id == account_id)
        token = sign_link(
            get_settings().secret_key,
            LinkPurpose.VERIFY,
            {"a": account_id, "e": data.email},
            now,
            VERIFY_LINK_LIFETIME,
        )
        events.append(
            audit.NewEvent("portal.registered", "portal_account", account_id, after=_view(data))
        )
        events += await _mail(
            "portal_verify",
            data.email,
            data.name,
            language,
            "portal/mail/verify.txt",
            link=_link("/portal/verify", token),
            hours=int(VERIFY_LINK_LIFETIME.total_seconds() // 3600),
        )
        await audit.record_many(_actor(data.email), events)


def _view(data: Registration) -> dict[str, Any]:
    return {
        "email": data.email,
        "name": data.name,
        "country": data.country,
        "registration_number": data.registration_number,
        "organisation_name": data.organisation_name,
        "natural_person": data.natural_person,
    }


async def _organisation_for(actor: Actor, account: Mapping[str, Any]) -> int:
    """The registry's organisation with the number asked for (never renamed, never marked a
    sole trader by a registrant: an officer does that), or a new one, a sole trader if the
    registrant said so."""
    return await organisations.find_or_create(
        actor,
        OrganisationData(
            account["requested_organisation_name"],
            account["requested_country"],
            account["requested_registration_number"],
            natural_person=bool(account["requested_natural_person"]),
        ),
    )


async def verify_email(token: str) -> int:
    """Follow the signed link: the address is proven, the organisation found in (or added to)
    the registry and a membership requested. Returns the account id. Following it again does
    nothing more."""
    data = read_link(get_settings().secret_key, LinkPurpose.VERIFY, token, clock.now())
    account_id = int(data.get("a", 0))
    async with transaction():
        await lock(PortalAccount, account_id)
        row = await PortalAccount.select().where(PortalAccount.id == account_id).first()
        if row is None or row["email"] != data.get("e"):
            raise DomainError(N_("This link is not valid. Copy the whole link from the message."))
        if row["verified_at"] is not None:
            return account_id
        actor = _actor(row["email"])
        now = clock.now()
        await PortalAccount.update({PortalAccount.verified_at: now}).where(
            PortalAccount.id == account_id
        )
        organisation_id = await _organisation_for(actor, row)
        membership = PortalMembership(
            account=account_id, organisation=organisation_id, requested_at=now
        )
        await membership.save()
        mails = await _tell_members(organisation_id, row)
        await audit.record_many(
            actor,
            [
                *mails,
                audit.NewEvent("portal.email_verified", "portal_account", account_id),
                audit.NewEvent(
                    "portal.membership_requested",
                    "organisation",
                    organisation_id,
                    after={"account": account_id, "membership": membership.id},
                ),
            ],
        )
    return account_id


async def _tell_members(organisation_id: int, asking: Mapping[str, Any]) -> list[Any]:
    """A mail to each active member of the organisation: someone asks to join."""
    members = await PortalMembership.select(
        PortalMembership.account.email.as_alias("email"),
        PortalMembership.account.name.as_alias("name"),
        PortalMembership.account.language.as_alias("language"),
        PortalMembership.organisation.name.as_alias("organisation"),
    ).where(
        (PortalMembership.organisation == organisation_id)
        & (PortalMembership.status == MembershipStatus.ACTIVE.value)
    )
    events: list[Any] = []
    for member in members:
        events += await _mail(
            "portal_request",
            member["email"],
            member["name"],
            member["language"],
            "portal/mail/request.txt",
            person=asking["name"],
            address=asking["email"],
            organisation=member["organisation"],
            link=f"{get_settings().public_url.rstrip('/')}/portal/organisation",
        )
    return events


# -- signing in -------------------------------------------------------------------------------


async def authenticate(email: str, password: str, address: str | None) -> PortalUser | None:
    """Check a sign-in as the back office does (Argon2, the same throttling, one answer for
    unknown, wrong and throttled). A right password for an address not yet proven is refused
    with a message that says so."""
    account = normalise_email(email)
    keys = _throttle_keys(account, address)
    now = clock.now()
    row = (
        await PortalAccount.select(
            PortalAccount.id,
            PortalAccount.password_hash,
            PortalAccount.active,
            PortalAccount.verified_at,
        )
        .where(PortalAccount.email == account)
        .first()
    )
    user = row if row is not None and row["active"] else None
    waits = await accounts.throttle_waits_until(keys, now)
    password_ok = await verify_password(user["password_hash"] if user else None, password)
    actor = _actor(account or "(empty)")
    if user is not None and password_ok and waits is None:
        if user["verified_at"] is None:
            raise DomainError(
                N_("Confirm your email address first: follow the link in the message we sent.")
            )
        async with transaction():
            await PortalAccount.update({PortalAccount.last_login_at: now}).where(
                PortalAccount.id == user["id"]
            )
            await accounts.forget_password_failures(keys[1])
            await audit.record(
                actor,
                "portal.login_succeeded",
                "portal_account",
                user["id"],
                after={"address": address},
            )
        return await load_portal_user(user["id"])
    async with transaction():
        await accounts.count_password_failure(keys, now, count=waits is None)
        await audit.record(
            actor,
            "portal.login_failed",
            "portal_account",
            row["id"] if row else account[:100],
            after={"address": address, "throttled": waits is not None},
        )
    return None


async def load_portal_user(account_id: int) -> PortalUser | None:
    """The active, verified account behind a portal session (None once deactivated)."""
    row = (
        await PortalAccount.select(
            PortalAccount.id, PortalAccount.email, PortalAccount.name, PortalAccount.language
        )
        .where(
            (PortalAccount.id == account_id)
            & (PortalAccount.active.eq(True))
            & PortalAccount.verified_at.is_not_null()
        )
        .first()
    )
    if row is None:
        return None
    membership = (
        await PortalMembership.select(
            PortalMembership.id,
            PortalMembership.organisation,
            PortalMembership.organisation.name,
            PortalMembership.role,
            PortalMembership.status,
        )
        .where(PortalMembership.account == account_id)
        .first()
    )
    if membership is None:
        return PortalUser(row["id"], row["email"], row["name"], row["language"])
    return PortalUser(
        row["id"],
        row["email"],
        row["name"],
        row["language"],
        membership["organisation"],
        membership["organisation.name"],
        OrgRole(membership["role"]),
        MembershipStatus(membership["status"]),
        membership["id"],
    )


# -- members ----------------------------------------------------------------------------------


async def members(organisation_id: int) -> list[dict[str, Any]]:
    """The portal accounts of an organisation, pending requests first."""
    rows = await PortalMembership.select(
        PortalMembership.id,
        PortalMembership.role,
        PortalMembership.status,
        PortalMembership.invited,
        PortalMembership.requested_at,
        PortalMembership.decided_at,
        PortalMembership.decided_by,
        PortalMembership.account.name.as_alias("name"),
        PortalMembership.account.email.as_alias("email"),
    ).where(PortalMembership.organisation == organisation_id)
    order = {MembershipStatus.PENDING.value: 0, MembershipStatus.ACTIVE.value: 1}
    return sorted(rows, key=lambda r: (order.get(r["status"], 2), r["name"].lower()))


async def _decide(
    actor: Actor,
    organisation_id: int,
    membership_id: int,
    approve: bool,
    role: OrgRole,
) -> None:
    """Approve (with a role) or refuse a pending request, in the caller's transaction."""
    await lock(PortalMembership, membership_id)
    row = (
        await PortalMembership.select()
        .where(
            (PortalMembership.id == membership_id)
            & (PortalMembership.organisation == organisation_id)
        )
        .first()
    )
    if row is None:
        raise NotFound(N_("There is no such request"))
    if row["status"] != MembershipStatus.PENDING.value:
        raise DomainError(N_("This request has been decided already"))
    status = MembershipStatus.ACTIVE if approve else MembershipStatus.REFUSED
    await PortalMembership.update(
        {
            PortalMembership.status: status.value,
            PortalMembership.role: role.value,
            PortalMembership.decided_at: clock.now(),
            PortalMembership.decided_by: actor.label,
        }
    ).where(PortalMembership.id == membership_id)
    await audit.record(
        actor,
        "portal.membership_approved" if approve else "portal.membership_refused",
        "organisation",
        organisation_id,
        before={"membership": membership_id, "status": row["status"]},
        after={"membership": membership_id, "status": status.value, "role": role.value},
    )


async def decide_as_member(
    user: PortalUser, membership_id: int, approve: bool, role_value: Any = None
) -> None:
    """An active member of the organisation decides on someone's request to join it."""
    role = parse_role(role_value)
    async with transaction():
        if user.membership_id is not None:
            await lock(PortalMembership, user.membership_id, share=True)
        current = await load_portal_user(user.id)
        if current is None or not current.active_member or current.role is None:
            raise Forbidden(N_("Only an approved member of the organisation can do this"))
        if approve and not may_grant(current.role, role):
            raise Forbidden(N_("Only a signatory can make someone a signatory"))
        assert current.organisation_id is not None
        await _decide(_actor(user.email), current.organisation_id, membership_id, approve, role)


async def decide_as_officer(
    principal: Principal, organisation_id: int, membership_id: int, approve: bool, role_value: Any
) -> None:
    role = parse_role(role_value)
    async with transaction():
        await _decide(principal.as_actor(), organisation_id, membership_id, approve, role)


# -- invitations ------------------------------------------------------------------------------


async def invite(principal: Principal, organisation_id: int, form: Mapping[str, Any]) -> None:
    """An officer invites a person to act for an organisation: a signed link by mail."""
    email, role = validate_invitation(form)
    organisation = await organisations.get_organisation(organisation_id)
    problems = ProblemCollector()
    if await _back_office_user(email):
        problems.add(
            "email", N_("This address belongs to a back-office user; a supplier needs another one")
        )
    elif await _portal_account(email):
        problems.add("email", N_("This address already has a portal account"))
    problems.raise_if_any()
    token = sign_link(
        get_settings().secret_key,
        LinkPurpose.INVITE,
        {"o": organisation_id, "e": email, "r": role.value},
        clock.now(),
        INVITE_LINK_LIFETIME,
    )
    async with transaction():
        events = await _mail(
            "portal_invite",
            email,
            "",
            principal.language,
            "portal/mail/invite.txt",
            organisation=organisation["name"],
            link=_link("/portal/invitations", token),
            days=INVITE_LINK_LIFETIME.days,
        )
        events.append(
            audit.NewEvent(
                "portal.invited",
                "organisation",
                organisation_id,
                after={"email": email, "role": role.value},
            )
        )
        await audit.record_many(principal.as_actor(), events)


async def read_invitation(token: str) -> dict[str, Any]:
    """The invitation behind a link: email, role and the organisation's name."""
    data = read_link(get_settings().secret_key, LinkPurpose.INVITE, token, clock.now())
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == int(data.get("o", 0)))
        .first()
    )
    if organisation is None:
        raise NotFound(N_("There is no such organisation"))
    return {
        "email": str(data["e"]),
        "role": parse_role(data.get("r")),
        "organisation_id": int(data["o"]),
        "organisation": organisation["name"],
    }


async def accept_invitation(token: str, name: str, password: str, language: str = "") -> int:
    """Create the invited person's account, its address proven by the link, as an active
    member with the role the officer chose. A link serves once."""
    invitation = await read_invitation(token)
    email = invitation["email"]
    name = " ".join((name or "").split())
    problems = ProblemCollector()
    if not name:
        problems.add("name", N_("A name is required"))
    elif len(name) > 200:
        problems.add("name", N_("The name is longer than {limit} characters"), limit=200)
    check_password_strength(password, problems, user_inputs=(email, name))
    problems.raise_if_any()
    password_hash = await hash_password(password)
    async with transaction():
        await lock_name(f"portal-email:{email}")
        if await _back_office_user(email) or await _portal_account(email):
            raise DomainError(N_("This invitation has been used already; sign in instead."))
        account_id, membership_id = await add_member(
            email,
            name,
            password_hash,
            invitation["organisation_id"],
            "invitation",
            role=invitation["role"],
            language=language,
        )
        await audit.record_many(
            _actor(email),
            [
                audit.NewEvent("portal.invitation_accepted", "portal_account", account_id),
                audit.NewEvent(
                    "portal.membership_approved",
                    "organisation",
                    invitation["organisation_id"],
                    after={
                        "membership": membership_id,
                        "status": "active",
                        "role": invitation["role"].value,
                        "invited": True,
                    },
                ),
            ],
        )
    return account_id


async def add_member(
    email: str,
    name: str,
    password_hash: str,
    organisation_id: int,
    decided_by: str,
    role: OrgRole = OrgRole.MEMBER,
    language: str = "",
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> tuple[int, int]:
    """A verified portal account, invited into ``organisation_id`` (approved unless ``status``
    says otherwise): its id and its membership's. Within the caller's transaction, unaudited
    (the caller records what happened: an invitation accepted; the demo; a test's scene)."""
    now = clock.now()
    account = PortalAccount(
        email=email,
        name=name,
        password_hash=password_hash,
        language=language,
        verified_at=now,
        created_at=now,
    )
    await account.save()
    membership = PortalMembership(
        account=account.id,
        organisation=organisation_id,
        role=role.value,
        status=status.value,
        invited=True,
        requested_at=now,
        decided_at=now,
        decided_by=decided_by,
    )
    await membership.save()
    return int(account.id), int(membership.id)
