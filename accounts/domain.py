"""Sign-in throttling, password strength and user validation.
Pure Python."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from common.errors import ProblemCollector
from common.i18n import N_, UI_LANGUAGES
from common.identity import Role

# A user's stored language: one of UI_LANGUAGES, or this to follow their authority's language.
AUTHORITY_LANGUAGE = ""


def effective_language(own: str, authority_languages: Sequence[str]) -> str:
    """The interface language of a user: their own choice, else their (first) authority's.

    Empty when neither is a language of the interface; the request's browser wish or the
    site default then decides.
    """
    if own in UI_LANGUAGES:
        return own
    return next((code for code in authority_languages if code in UI_LANGUAGES), "")


MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
# zxcvbn's score (0-4): 3 means "safely unguessable" (about 10^8 guesses and more).
MIN_PASSWORD_SCORE = 3
_STRENGTH_CHECKED_CHARACTERS = 72  # zxcvbn's own limit; longer passwords are checked by prefix
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failed password checks slow further attempts down; nothing ever locks.

    After ``free_failures`` failures in a row, each attempt waits ``base_delay`` doubled per
    further failure, at most ``max_delay``, counted from the last failure. Failures older than
    ``forget_after`` are forgotten. An attempt made while waiting is refused unchecked and does
    not count, so nobody can make another user's wait grow by hammering.
    """

    free_failures: int
    base_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta


# Per client address: offices behind one address get some slack; one address trying many
# accounts (or one) is slowed to one attempt per quarter of an hour.
ADDRESS_THROTTLE = ThrottlePolicy(
    10, timedelta(seconds=1), timedelta(minutes=15), timedelta(hours=1)
)
# Per account (or unknown email address alike, so the wait tells nothing about existence):
# guessing from many addresses is slowed to one attempt per five minutes.
ACCOUNT_THROTTLE = ThrottlePolicy(5, timedelta(seconds=1), timedelta(minutes=5), timedelta(hours=1))


@dataclass(frozen=True)
class Throttle:
    """Failures counted for one client address or one account."""

    failures: int = 0
    last_failure_at: datetime | None = None

    def waits_until(self, policy: ThrottlePolicy, now: datetime) -> datetime | None:
        """Until when attempts are refused (None: an attempt may be checked now)."""
        if self.last_failure_at is None or self.failures < policy.free_failures:
            return None
        if now - self.last_failure_at >= policy.forget_after:
            return None
        exponent = min(self.failures - policy.free_failures, 30)
        delay = min(policy.base_delay * (2**exponent), policy.max_delay)
        until = self.last_failure_at + delay
        return until if now < until else None

    def after_failure(self, policy: ThrottlePolicy, now: datetime) -> Throttle:
        forgotten = (
            self.last_failure_at is None or now - self.last_failure_at >= policy.forget_after
        )
        return Throttle(1 if forgotten else self.failures + 1, now)


def address_key(address: str | None) -> str:
    return f"address:{(address or 'unknown').strip().lower()[:200]}"


def account_key(email: str) -> str:
    """The throttle's key for an email address as typed (cut to what an address can be)."""
    return f"account:{normalise_email(email)[:254]}"


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def check_password_strength(
    password: str,
    problems: ProblemCollector,
    location: str = "password",
    user_inputs: Collection[str] = (),
) -> None:
    """At least 12 characters, and not guessable: no common password, word, name or pattern
    (zxcvbn, with ``user_inputs`` such as the user's email and name as known words)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.add(
            location, N_("A password needs at least {count} characters"), count=MIN_PASSWORD_LENGTH
        )
        return
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.add(
            location, N_("A password has at most {count} characters"), count=MAX_PASSWORD_LENGTH
        )
        return
    if password_score(password, user_inputs) < MIN_PASSWORD_SCORE:
        problems.add(
            location,
            N_(
                "This password is too easy to guess: it is a common password, or made of words, "
                "names, dates, repeats or sequences such as aaaa or 1234. Choose a longer phrase "
                "of unrelated words, or let a password manager make one"
            ),
        )


def password_score(password: str, user_inputs: Collection[str] = ()) -> int:
    """zxcvbn's estimate, 0 (guessed at once) to 4 (very hard to guess)."""
    from zxcvbn import zxcvbn

    words = ["tenderdesk"]
    for value in user_inputs:
        value = value.lower().strip()
        local = value.split("@")[0]
        parts = [part for part in re.split(r"[^\w]+", value) if len(part) > 2]
        words.extend([value, local, "".join(re.split(r"[^\w]+", local)), *parts])
    return int(zxcvbn(password[:_STRENGTH_CHECKED_CHARACTERS], user_inputs=words)["score"])


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def is_email(email: str) -> bool:
    """Looks like an email address (and fits its column)."""
    return len(email) <= 254 and bool(_EMAIL.match(email))


@dataclass(frozen=True)
class UserData:
    email: str
    name: str
    role: Role
    language: str
    authority_ids: frozenset[int]
    active: bool = True

    def audit_view(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role.value,
            "language": self.language,
            "authority_ids": sorted(self.authority_ids),
            "active": self.active,
        }


def _check_language(language: str, problems: ProblemCollector) -> None:
    if language != AUTHORITY_LANGUAGE and language not in UI_LANGUAGES:
        problems.add(
            "language", N_("Choose one of the languages {allowed}"), allowed=", ".join(UI_LANGUAGES)
        )


def validate_language(value: Any) -> str:
    """A user's own choice of language; empty follows their authority's language."""
    problems = ProblemCollector()
    language = str(value or AUTHORITY_LANGUAGE)
    _check_language(language, problems)
    problems.raise_if_any()
    return language


def entered_email(form: Mapping[str, Any], problems: ProblemCollector) -> str:
    """The email address as entered, normalised; a problem on ``email`` if it is none."""
    email = normalise_email(str(form.get("email") or ""))
    if not is_email(email):
        problems.add("email", N_("Enter an email address such as name@example.org"))
    return email


def entered_person(form: Mapping[str, Any], problems: ProblemCollector) -> tuple[str, str]:
    """A person's email address and name as entered (a user, a portal registrant); each
    problem with its field."""
    email = entered_email(form, problems)
    name = str(form.get("name") or "").strip()
    if not name:
        problems.add("name", N_("A name is required"))
    elif len(name) > 200:
        problems.add("name", N_("The name is longer than {limit} characters"), limit=200)
    return email, name


def validate_user(form: Mapping[str, Any], known_authorities: Collection[int]) -> UserData:
    """Check a user as an administrator enters them; every problem with its field."""
    problems = ProblemCollector()
    email, name = entered_person(form, problems)
    role_value = str(form.get("role") or "")
    role = Role(role_value) if role_value in Role.__members__.values() else None
    if role is None:
        problems.add(
            "role",
            N_("Choose one of the roles {allowed}"),
            allowed=", ".join(r.value for r in Role),
        )
    language = str(form.get("language") or AUTHORITY_LANGUAGE)
    _check_language(language, problems)
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
