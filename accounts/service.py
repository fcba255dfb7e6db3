"""Use cases for users and logins. Each change is one transaction with its audit events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.domain import (
    LoginState,
    Principal,
    Role,
    UserData,
    after_failed_login,
    check_password_strength,
    generate_password,
    normalise_email,
    validate_user,
)
from accounts.passwords import hash_password, verify_password
from accounts.tables import Membership, User
from audit import service as audit
from audit.domain import Actor, changes
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from config.database import contains, transaction

USER_COLUMNS = (User.id, User.email, User.name, User.role, User.language, User.active,
                User.failed_logins, User.locked_until, User.last_login_at, User.created_at)


async def _authority_ids_of(user_ids: list[int]) -> dict[int, frozenset[int]]:
    if not user_ids:
        return {}
    rows = await Membership.select(Membership.user, Membership.authority).where(
        Membership.user.is_in(user_ids)
    )
    found: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    for row in rows:
        found[row["user"]].add(row["authority"])
    return {user_id: frozenset(ids) for user_id, ids in found.items()}


async def load_principal(user_id: int) -> Principal | None:
    """The active user behind a session, or None when they were removed or deactivated."""
    row = await User.select(User.id, User.email, User.name, User.role, User.language).where(
        (User.id == user_id) & (User.active.eq(True))
    ).first()
    if row is None:
        return None
    authority_ids = (await _authority_ids_of([row["id"]]))[row["id"]]
    return Principal(row["id"], row["email"], row["name"], Role(row["role"]), row["language"],
                     authority_ids)


@dataclass(frozen=True)
class LoginOutcome:
    principal: Principal | None = None
    locked_until: datetime | None = None


async def authenticate(email: str, password: str) -> LoginOutcome:
    """Check a login. Five failures in a row lock the account for fifteen minutes.

    While locked, even the right password is refused and the lock is not extended.
    """
    address = normalise_email(email)
    row = await User.select(User.id, User.password_hash, User.active, User.failed_logins,
                            User.locked_until).where(User.email == address).first()
    now = clock.now()
    if row is not None and row["active"]:
        state = LoginState(row["failed_logins"], row["locked_until"])
        if state.is_locked(now):
            return LoginOutcome(locked_until=state.locked_until)
    password_ok = await verify_password(row["password_hash"] if row else None, password)
    actor = Actor(row["id"] if row else None, address or "(empty)")
    if row is None or not row["active"]:
        async with transaction():
            await audit.record(actor, "login.failed", "user", row["id"] if row else address,
                               after={"reason": "unknown or inactive account"})
        return LoginOutcome()
    async with transaction():
        if password_ok:
            await User.update({User.failed_logins: 0, User.locked_until: None,
                               User.last_login_at: now}).where(User.id == row["id"])
            await audit.record(actor, "login.succeeded", "user", row["id"])
        else:
            current = await User.select(User.failed_logins, User.locked_until).where(
                User.id == row["id"]).first()
            state = after_failed_login(LoginState(current["failed_logins"],
                                                  current["locked_until"]), now)
            await User.update({User.failed_logins: state.failed_attempts,
                               User.locked_until: state.locked_until}).where(User.id == row["id"])
            await audit.record(actor, "login.failed", "user", row["id"],
                               after={"failed_attempts": state.failed_attempts})
            if state.locked_until is not None:
                await audit.record(actor, "account.locked", "user", row["id"],
                                   after={"locked_until": state.locked_until})
                return LoginOutcome(locked_until=state.locked_until)
    if not password_ok:
        return LoginOutcome()
    return LoginOutcome(principal=await load_principal(row["id"]))


async def _known_authority_ids() -> set[int]:
    return {row["id"] for row in await Authority.select(Authority.id)}


async def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = User.exists().where(User.email == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    return await query


def _email_in_use(email: str) -> ValidationFailed:
    return ValidationFailed([Problem(N_("A user with the email {email} already exists"),
                                     {"email": email}, "email")])


async def _set_memberships(user_id: int, authority_ids: frozenset[int]) -> None:
    await Membership.delete().where(Membership.user == user_id)
    if authority_ids:
        await Membership.insert(*[Membership(user=user_id, authority=authority_id)
                                  for authority_id in sorted(authority_ids)])


async def create_user(actor: Actor, form: Mapping[str, Any],
                      password: str | None = None) -> tuple[dict[str, Any], str]:
    """Create a user; returns the user and the password (generated when none is given)."""
    data = validate_user(form, await _known_authority_ids())
    if password is None:
        password = generate_password()
    else:
        problems = ProblemCollector()
        check_password_strength(password, problems)
        problems.raise_if_any()
    password_hash = await hash_password(password)
    async with transaction():
        if await _email_taken(data.email):
            raise _email_in_use(data.email)
        user = User(email=data.email, name=data.name, role=data.role.value,
                    language=data.language, active=data.active, password_hash=password_hash,
                    created_at=clock.now())
        await user.save()
        await _set_memberships(user.id, data.authority_ids)
        await audit.record(actor, "user.created", "user", user.id, after=data.audit_view())
    return await get_user(user.id), password


async def get_user(user_id: int) -> dict[str, Any]:
    row = await User.select(*USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound(N_("User {id} does not exist"), id=user_id)
    row["authority_ids"] = sorted((await _authority_ids_of([user_id]))[user_id])
    return row


def _user_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return UserData(row["email"], row["name"], Role(row["role"]), row["language"],
                    frozenset(row["authority_ids"]), row["active"]).audit_view()


async def update_user(actor: Actor, user_id: int, form: Mapping[str, Any]) -> dict[str, Any]:
    data = validate_user(form, await _known_authority_ids())
    async with transaction():
        current = await get_user(user_id)
        if actor.id == user_id and (data.role is not Role.ADMIN or not data.active):
            raise DomainError(N_("You cannot take away your own administrator role or account"))
        if await _email_taken(data.email, except_id=user_id):
            raise _email_in_use(data.email)
        before, after = changes(_user_view(current), data.audit_view())
        if after:
            await User.update({User.email: data.email, User.name: data.name,
                               User.role: data.role.value, User.language: data.language,
                               User.active: data.active}).where(User.id == user_id)
            await _set_memberships(user_id, data.authority_ids)
            await audit.record(actor, "user.updated", "user", user_id, before=before, after=after)
    return await get_user(user_id)


async def reset_password(actor: Actor, user_id: int) -> str:
    """Give a user a new generated password (shown once to the administrator)."""
    await get_user(user_id)
    password = generate_password()
    password_hash = await hash_password(password)
    async with transaction():
        await User.update({User.password_hash: password_hash, User.failed_logins: 0,
                           User.locked_until: None}).where(User.id == user_id)
        await audit.record(actor, "user.password_reset", "user", user_id)
    return password


async def change_own_password(principal: Principal, current: str, new: str) -> None:
    row = await User.select(User.password_hash).where(User.id == principal.id).first()
    problems = ProblemCollector()
    if row is None or not await verify_password(row["password_hash"], current):
        problems.add("current_password", N_("The current password is not right"))
    check_password_strength(new, problems, "new_password")
    problems.raise_if_any()
    password_hash = await hash_password(new)
    async with transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == principal.id)
        await audit.record(principal.as_actor(), "user.password_changed", "user", principal.id)


async def unlock(actor: Actor, user_id: int) -> None:
    async with transaction():
        current = await get_user(user_id)
        await User.update({User.failed_logins: 0, User.locked_until: None}).where(
            User.id == user_id)
        await audit.record(actor, "user.unlocked", "user", user_id,
                           before={"locked_until": current["locked_until"]})


async def set_language(principal: Principal, language: str) -> None:
    async with transaction():
        await User.update({User.language: language}).where(User.id == principal.id)
        await audit.record(principal.as_actor(), "user.language_changed", "user", principal.id,
                           before={"language": principal.language}, after={"language": language})


async def list_users(role: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
    query = User.select(*USER_COLUMNS).order_by(User.name)
    if role:
        query = query.where(User.role == role)
    if text:
        query = query.where(contains(User.name, text) | contains(User.email, text))
    rows = await query
    memberships = await _authority_ids_of([row["id"] for row in rows])
    for row in rows:
        row["authority_ids"] = sorted(memberships[row["id"]])
    return rows


async def count_by_role() -> dict[str, int]:
    rows = await User.select(User.role).where(User.active.eq(True))
    counts = {role.value: 0 for role in Role}
    for row in rows:
        counts[row["role"]] = counts.get(row["role"], 0) + 1
    return counts
