"""Use cases for users and logins. Each change is one transaction with its audit events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from accounts.domain import (
    ACCOUNT_THROTTLE,
    ADDRESS_THROTTLE,
    UI_LANGUAGES,
    Throttle,
    ThrottlePolicy,
    UserData,
    account_key,
    address_key,
    check_password_strength,
    effective_language,
    generate_password,
    normalise_email,
    validate_language,
    validate_user,
)
from accounts.passwords import hash_password, verify_password
from accounts.tables import LoginThrottle, Membership, User, WebSession
from audit import service as audit
from audit.domain import changes
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.identity import Actor, Principal, Role
from config.database import contains, is_sqlite, lock, lock_name, raw, transaction

USER_COLUMNS = (
    User.id,
    User.email,
    User.name,
    User.role,
    User.language,
    User.active,
    User.last_login_at,
    User.created_at,
)


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
    row = (
        await User.select(User.id, User.email, User.name, User.role, User.language)
        .where((User.id == user_id) & (User.active.eq(True)))
        .first()
    )
    if row is None:
        return None
    authority_ids = (await _authority_ids_of([row["id"]]))[row["id"]]
    authority_languages: list[str] = []
    if row["language"] not in UI_LANGUAGES and authority_ids:
        authority_languages = (
            await Authority.select(Authority.language)
            .where(Authority.id.is_in(sorted(authority_ids)))
            .order_by(Authority.id)
            .output(as_list=True)
        )
    return Principal(
        row["id"],
        row["email"],
        row["name"],
        Role(row["role"]),
        effective_language(row["language"], authority_languages),
        authority_ids,
    )


# -- throttling -------------------------------------------------------------------------------


def _policy(key: str) -> ThrottlePolicy:
    return ADDRESS_THROTTLE if key.startswith("address:") else ACCOUNT_THROTTLE


async def _throttles(keys: list[str]) -> dict[str, Throttle]:
    if not keys:
        return {}
    rows = await LoginThrottle.select().where(LoginThrottle.key.is_in(keys))
    found = {row["key"]: Throttle(row["failures"], row["last_failure_at"]) for row in rows}
    return {key: found.get(key, Throttle()) for key in keys}


def _waits_until(throttles: Mapping[str, Throttle], now: datetime) -> datetime | None:
    waits = [
        until
        for key, throttle in throttles.items()
        if (until := throttle.waits_until(_policy(key), now)) is not None
    ]
    return max(waits) if waits else None


async def _count_failure(keys: list[str], now: datetime, count: bool = True) -> None:
    """Count a failure against each key (inside the transaction), holding the rows' locks so
    that concurrent failures all count. ``count=False`` runs the same statements and leaves the
    counts as they are (an attempt refused while waiting), so both take as long."""
    # Counts nobody needs any more go, so addresses tried once do not pile up.
    forgotten = now - max(ADDRESS_THROTTLE.forget_after, ACCOUNT_THROTTLE.forget_after)
    await LoginThrottle.delete().where(LoginThrottle.last_failure_at < forgotten)
    for key in keys:
        await LoginThrottle.insert(LoginThrottle(key=key, failures=0)).on_conflict(
            target=LoginThrottle.key, action="DO NOTHING"
        )
    lock = "" if is_sqlite() else " FOR UPDATE"
    marks = ", ".join("{}" for _ in keys)
    query = (
        'SELECT "key", failures, last_failure_at FROM accounts_login_throttle '  # noqa: S608
        f'WHERE "key" IN ({marks}){lock}'
    )  # placeholders only
    rows = await raw(query, *keys)
    for row in rows:
        current = Throttle(row["failures"], row["last_failure_at"])
        after = current.after_failure(_policy(row["key"]), now) if count else current
        await LoginThrottle.update(
            {
                LoginThrottle.failures: after.failures,
                LoginThrottle.last_failure_at: after.last_failure_at,
            }
        ).where(LoginThrottle.key == row["key"])


async def _forget_failures(key: str) -> None:
    await LoginThrottle.delete().where(LoginThrottle.key == key)


async def throttle_waits_until(keys: list[str], now: datetime) -> datetime | None:
    """Until when password checks under these throttle keys are refused (another sign-in area,
    the portal, throttles its accounts and the client addresses with the same policies)."""
    return _waits_until(await _throttles(keys), now)


async def count_password_failure(keys: list[str], now: datetime, count: bool = True) -> None:
    """A failed password check counted against each key (in the caller's transaction)."""
    await _count_failure(keys, now, count)


async def forget_password_failures(key: str) -> None:
    await _forget_failures(key)


async def sign_in_waits_until(email: str, now: datetime | None = None) -> datetime | None:
    """Until when sign-in attempts for this account are refused (for the administrator)."""
    key = account_key(email)
    return _waits_until(await _throttles([key]), now or clock.now())


async def authenticate(email: str, password: str, address: str | None) -> Principal | None:
    """Check a sign-in; the principal when it succeeds.

    Failures are throttled per client address and per account (see ``ThrottlePolicy``); nothing
    locks. Unknown, inactive, wrong and throttled attempts all fail the same way, after the same
    work: one Argon2 verification (against a dummy hash when there is no active user), then the
    same writes (an attempt refused while waiting counts nothing).
    """
    account = normalise_email(email)
    keys = [address_key(address), account_key(account)]
    now = clock.now()
    row = (
        await User.select(User.id, User.password_hash, User.active)
        .where(User.email == account)
        .first()
    )
    user = row if row is not None and row["active"] else None
    waits = _waits_until(await _throttles(keys), now)
    password_ok = await verify_password(user["password_hash"] if user else None, password)
    # What was typed goes into the log cut to its columns (an address has at most 254 characters).
    actor = Actor(row["id"] if row else None, (account or "(empty)")[:254])
    if user is not None and password_ok and waits is None:
        async with transaction():
            await User.update({User.last_login_at: now}).where(User.id == user["id"])
            await _forget_failures(keys[1])
            await audit.record(
                actor, "login.succeeded", "user", user["id"], after={"address": address}
            )
        return await load_principal(user["id"])
    reason = (
        "throttled"
        if waits is not None
        else "wrong password"
        if user is not None
        else "unknown or inactive account"
    )
    async with transaction():
        await _count_failure(keys, now, count=waits is None)
        await audit.record(
            actor,
            "login.failed",
            "user",
            row["id"] if row else account[:100],
            after={"reason": reason, "address": address},
        )
    return None


async def _known_authority_ids() -> set[int]:
    return {row["id"] for row in await Authority.select(Authority.id)}


async def _email_taken(email: str, except_id: int | None = None) -> int | None:
    """The id of the user who has ``email`` (other than ``except_id``)."""
    query = User.select(User.id).where(User.email == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    found = await query.first()
    return None if found is None else int(found["id"])


async def _email_in_use(email: str, user_id: int) -> ValidationFailed:
    return await audit.taken(
        Problem(N_("A user with the email {email} already exists"), {"email": email}, "email"),
        "user",
        user_id,
        actions=("user.created", "user.updated"),
        about={"email": email},
    )


async def _set_memberships(user_id: int, authority_ids: frozenset[int]) -> None:
    await Membership.delete().where(Membership.user == user_id)
    if authority_ids:
        await Membership.insert(
            *[
                Membership(user=user_id, authority=authority_id)
                for authority_id in sorted(authority_ids)
            ]
        )


async def create_user(
    actor: Actor, form: Mapping[str, Any], password: str | None = None
) -> tuple[dict[str, Any], str]:
    """Create a user; returns the user and the password (generated when none is given)."""
    data = validate_user(form, await _known_authority_ids())
    if password is None:
        password = generate_password()
    else:
        problems = ProblemCollector()
        check_password_strength(password, problems, user_inputs=(data.email, data.name))
        problems.raise_if_any()
    password_hash = await hash_password(password)
    async with transaction():
        await lock_name(f"user-email:{data.email}")
        if holder := await _email_taken(data.email):
            raise await _email_in_use(data.email, holder)
        user = User(
            email=data.email,
            name=data.name,
            role=data.role.value,
            language=data.language,
            active=data.active,
            password_hash=password_hash,
            created_at=clock.now(),
        )
        await user.save()
        await _set_memberships(user.id, data.authority_ids)
        await audit.record(actor, "user.created", "user", user.id, after=data.audit_view())
    return await get_user(user.id), password


async def get_user(user_id: int) -> dict[str, Any]:
    row = await User.select(*USER_COLUMNS).where(User.id == user_id).first()
    if row is None:
        raise NotFound(N_("User {id} does not exist"), id=user_id)
    row["authority_ids"] = sorted((await _authority_ids_of([user_id]))[user_id])
    row["sign_in_waits_until"] = await sign_in_waits_until(row["email"])
    return row


def _user_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return UserData(
        row["email"],
        row["name"],
        Role(row["role"]),
        row["language"],
        frozenset(row["authority_ids"]),
        row["active"],
    ).audit_view()


async def update_user(actor: Actor, user_id: int, form: Mapping[str, Any]) -> dict[str, Any]:
    data = validate_user(form, await _known_authority_ids())
    async with transaction():
        await lock(User, user_id)
        await lock_name(f"user-email:{data.email}")
        current = await get_user(user_id)
        if actor.id == user_id and (data.role is not Role.ADMIN or not data.active):
            raise DomainError(N_("You cannot take away your own administrator role or account"))
        if holder := await _email_taken(data.email, except_id=user_id):
            raise await _email_in_use(data.email, holder)
        before, after = changes(_user_view(current), data.audit_view())
        if after:
            await User.update(
                {
                    User.email: data.email,
                    User.name: data.name,
                    User.role: data.role.value,
                    User.language: data.language,
                    User.active: data.active,
                }
            ).where(User.id == user_id)
            await _set_memberships(user_id, data.authority_ids)
            await audit.record(actor, "user.updated", "user", user_id, before=before, after=after)
    return await get_user(user_id)


async def end_sessions(user_id: int, keep: str | None = None) -> int:
    """End every session of ``user_id`` but ``keep`` (inside the caller's transaction)."""
    others = WebSession.user_id == user_id
    if keep:
        others = others & (WebSession.key != keep)
    ended = await WebSession.count().where(others)
    await WebSession.delete().where(others)
    return ended


async def reset_password(actor: Actor, user_id: int, keep_session: str | None = None) -> str:
    """Give a user a new generated password (shown once to the administrator); every session
    of theirs ends (but ``keep_session``, the administrator's own when they reset their own)."""
    user = await get_user(user_id)
    password = generate_password()
    password_hash = await hash_password(password)
    async with transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        await _forget_failures(account_key(user["email"]))
        ended = await end_sessions(user_id, keep_session)
        await audit.record(
            actor, "user.password_reset", "user", user_id, after={"sessions_ended": ended}
        )
    return password


async def change_own_password(
    principal: Principal,
    current: str,
    new: str,
    address: str | None = None,
    keep_session: str | None = None,
) -> None:
    """Change one's own password: the current one is checked (throttled like a sign-in, per
    account and address); every other session of the user ends, ``keep_session`` stays."""
    keys = [address_key(address), account_key(principal.email)]
    now = clock.now()
    problems = ProblemCollector()
    waits = _waits_until(await _throttles(keys), now)
    if waits is not None:
        problems.add(
            "current_password",
            N_("Too many wrong passwords: try again in {seconds} seconds"),
            seconds=max(1, int((waits - now).total_seconds()) + 1),
        )
    else:
        row = await User.select(User.password_hash).where(User.id == principal.id).first()
        if row is None or not await verify_password(row["password_hash"], current):
            async with transaction():
                await _count_failure(keys, now)
                await audit.record(
                    principal.as_actor(),
                    "user.password_check_failed",
                    "user",
                    principal.id,
                    after={"address": address},
                )
            problems.add("current_password", N_("The current password is not right"))
    check_password_strength(new, problems, "new_password", (principal.email, principal.name))
    problems.raise_if_any()
    password_hash = await hash_password(new)
    async with transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == principal.id)
        await _forget_failures(keys[1])
        ended = await end_sessions(principal.id, keep_session)
        await audit.record(
            principal.as_actor(),
            "user.password_changed",
            "user",
            principal.id,
            after={"sessions_ended": ended},
        )


async def unlock(actor: Actor, user_id: int) -> None:
    """Let a user sign in again at once: forget the failed attempts counted for the account."""
    async with transaction():
        await lock(User, user_id)
        current = await get_user(user_id)
        await _forget_failures(account_key(current["email"]))
        await audit.record(
            actor,
            "user.unlocked",
            "user",
            user_id,
            before={"sign_in_waits_until": current["sign_in_waits_until"]},
        )


async def set_language(principal: Principal, language: str) -> None:
    """Store the user's own language; empty makes them follow their authority's language."""
    language = validate_language(language)
    async with transaction():
        before = await User.select(User.language).where(User.id == principal.id).first()
        await User.update({User.language: language}).where(User.id == principal.id)
        await audit.record(
            principal.as_actor(),
            "user.language_changed",
            "user",
            principal.id,
            before={"language": before["language"] if before else None},
            after={"language": language},
        )


async def names_by_email(emails: set[str]) -> dict[str, str]:
    """People's names for the emails given (the actors of audit events)."""
    if not emails:
        return {}
    rows = await User.select(User.email, User.name).where(User.email.is_in(sorted(emails)))
    return {row["email"]: row["name"] for row in rows}


async def list_users(role: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
    query = User.select(*USER_COLUMNS).order_by(User.name)
    if role:
        query = query.where(User.role == role)
    if text:
        query = query.where(contains(User.name, text) | contains(User.email, text))
    rows = await query
    memberships = await _authority_ids_of([row["id"] for row in rows])
    throttles = await _throttles([account_key(row["email"]) for row in rows])
    now = clock.now()
    for row in rows:
        row["authority_ids"] = sorted(memberships[row["id"]])
        row["sign_in_waits_until"] = throttles[account_key(row["email"])].waits_until(
            ACCOUNT_THROTTLE, now
        )
    return rows


async def count_by_role() -> dict[str, int]:
    rows = await User.select(User.role).where(User.active.eq(True))
    counts = {role.value: 0 for role in Role}
    for row in rows:
        counts[row["role"]] = counts.get(row["role"], 0) + 1
    return counts
