"""Roles, the signed-in principal, the lockout rule and user validation. Pure Python."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from audit.domain import Actor
from common.errors import ProblemCollector
from common.i18n import N_

UI_LANGUAGES: dict[str, str] = {"en": "English", "nl": "Nederlands"}
LOCKOUT_AFTER_FAILURES = 5
LOCKOUT_PERIOD = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Role(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    EVALUATOR = "evaluator"
    FINANCE = "finance"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.OFFICER: N_("Procurement officer"),
    Role.EVALUATOR: N_("Evaluator"),
    Role.FINANCE: N_("Finance"),
}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as every guard and service sees them."""

    id: int
    email: str
    name: str
    role: Role
    language: str
    authority_ids: frozenset[int]

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can_see_authority(self, authority_id: int) -> bool:
        """Officers and finance work for their authorities; administrators see all of them."""
        return self.is_admin or authority_id in self.authority_ids

    def can_see_any(self, authority_ids: Collection[int]) -> bool:
        return self.is_admin or bool(self.authority_ids.intersection(authority_ids))

    def as_actor(self) -> Actor:
        return Actor(self.id, self.email)


@dataclass(frozen=True)
class LoginState:
    failed_attempts: int
    locked_until: datetime | None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def after_failed_login(state: LoginState, now: datetime) -> LoginState:
    """Count a failed attempt; the fifth in a row locks the account for 15 minutes.

    A lock that has run out starts the count afresh.
    """
    lock_over = state.locked_until is not None and now >= state.locked_until
    attempts = (0 if lock_over else state.failed_attempts) + 1
    if attempts >= LOCKOUT_AFTER_FAILURES:
        return LoginState(attempts, now + LOCKOUT_PERIOD)
    return replace(state, failed_attempts=attempts, locked_until=None)


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def check_password_strength(password: str, problems: ProblemCollector,
                            location: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.add(location, N_("A password needs at least {count} characters"),
                     count=MIN_PASSWORD_LENGTH)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True)
class UserData:
    email: str
    name: str
    role: Role
    language: str
    authority_ids: frozenset[int]
    active: bool = True

    def audit_view(self) -> dict[str, Any]:
        return {"email": self.email, "name": self.name, "role": self.role.value,
                "language": self.language, "authority_ids": sorted(self.authority_ids),
                "active": self.active}


def validate_user(form: Mapping[str, Any], known_authorities: Collection[int]) -> UserData:
    """Check a user as an administrator enters them; every problem with its field."""
    problems = ProblemCollector()
    email = normalise_email(str(form.get("email") or ""))
    if not _EMAIL.match(email):
        problems.add("email", N_("Enter an email address such as name@example.org"))
    name = str(form.get("name") or "").strip()
    if not name:
        problems.add("name", N_("A name is required"))
    elif len(name) > 200:
        problems.add("name", N_("The name is longer than {limit} characters"), limit=200)
    role_value = str(form.get("role") or "")
    role = Role(role_value) if role_value in Role.__members__.values() else None
    if role is None:
        problems.add("role", N_("Choose one of the roles {allowed}"),
                     allowed=", ".join(r.value for r in Role))
    language = str(form.get("language") or "en")
    if language not in UI_LANGUAGES:
        problems.add("language", N_("Choose one of the languages {allowed}"),
                     allowed=", ".join(UI_LANGUAGES))
    authority_ids: set[int] = set()
    for raw in form.get("authority_ids") or []:
        try:
            authority_id = int(raw)
        except (TypeError, ValueError):
            problems.add("authority_ids", N_("{value} is not an authority"), value=raw)
            continue
        if authority_id not in known_authorities:
            problems.add("authority_ids", N_("Authority {id} does not exist"), id=authority_id)
        authority_ids.add(authority_id)
    active = form.get("active", True) not in (False, "false", "0", "off", "")
    problems.raise_if_any()
    assert role is not None
    return UserData(email, name, role, language, frozenset(authority_ids), active)
