"""The supplier and applicant portal's rules: registration, signed links, roles. Pure Python.

A portal account belongs to a person outside the authorities (a supplier, an applicant) and
is never a back-office user: it lives in its own table, signs in at ``/portal/login`` and its
session names a portal account, which no back-office guard accepts (and the other way round).

A person registers with an email address, a password and the registration number of their
organisation. The address is proven by a signed, expiring link; only then is the organisation
looked up in (or added to) the registry and a membership requested. The membership is pending
until an active member of the organisation, or an officer, approves it: knowing a public
registration number gives no access to an organisation's letters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from accounts.domain import check_password_strength, entered_email, entered_person
from common.errors import DomainError, ProblemCollector
from common.i18n import N_
from common.registration import check_country, normalise_registration_number
from organisations.domain import read_yes

VERIFY_LINK_LIFETIME = timedelta(hours=48)
INVITE_LINK_LIFETIME = timedelta(days=7)


class OrgRole(StrEnum):
    MEMBER = "member"
    SIGNATORY = "signatory"  # may sign for the organisation, and grant that role to others


ORG_ROLE_LABELS: dict[OrgRole, str] = {
    OrgRole.MEMBER: N_("Member"),
    OrgRole.SIGNATORY: N_("Signatory"),
}


class MembershipStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REFUSED = "refused"


STATUS_LABELS: dict[MembershipStatus, str] = {
    MembershipStatus.PENDING: N_("waiting for approval"),
    MembershipStatus.ACTIVE: N_("active"),
    MembershipStatus.REFUSED: N_("refused"),
}


def may_grant(approver: OrgRole, granted: OrgRole) -> bool:
    """A member admits members; only a signatory makes someone a signatory."""
    return approver is OrgRole.SIGNATORY or granted is OrgRole.MEMBER


def parse_role(value: Any) -> OrgRole:
    try:
        return OrgRole(str(value or OrgRole.MEMBER.value))
    except ValueError:
        raise DomainError(
            N_("Choose one of the roles {allowed}"), allowed=", ".join(OrgRole)
        ) from None


@dataclass(frozen=True)
class Registration:
    """What a person enters at /portal/register, checked."""

    email: str
    name: str
    country: str
    registration_number: str
    organisation_name: str
    natural_person: bool = False  # a sole trader: marks the organisation only if it is new


def validate_registration(form: Mapping[str, Any], password: str) -> Registration:
    """Every problem with its field; the password by the back office's rules."""
    problems = ProblemCollector()
    email, name = entered_person(form, problems)
    organisation_name = " ".join(str(form.get("organisation_name") or "").split())
    if not organisation_name:
        problems.add("organisation_name", N_("The organisation's name is required"))
    elif len(organisation_name) > 200:
        problems.add(
            "organisation_name", N_("The name is longer than {limit} characters"), limit=200
        )
    country, number = "", ""
    try:
        country = check_country(str(form.get("country") or ""))
        number = normalise_registration_number(country, str(form.get("registration_number") or ""))
    except DomainError as exc:
        field = "country" if not country else "registration_number"
        problems.add(field, exc.problem.message, **exc.problem.params)
    check_password_strength(password, problems, user_inputs=(email, name))
    problems.raise_if_any()
    return Registration(
        email, name, country, number, organisation_name, read_yes(form.get("natural_person"))
    )


def validate_invitation(form: Mapping[str, Any]) -> tuple[str, OrgRole]:
    problems = ProblemCollector()
    email = entered_email(form, problems)
    role = OrgRole.MEMBER
    try:
        role = parse_role(form.get("role"))
    except DomainError as exc:
        problems.add("role", exc.problem.message, **exc.problem.params)
    problems.raise_if_any()
    return email, role


# -- signed links -----------------------------------------------------------------------------


class LinkPurpose(StrEnum):
    VERIFY = "verify"  # proves an email address: {"a": account id, "e": email}
    INVITE = "invite"  # an officer's invitation: {"o": organisation, "e": email, "r": role}


class LinkRefused(DomainError):
    """A link that was tampered with, made for something else, or has expired."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str) -> str:
    message = f"tenderdesk portal link v1\x1f{payload}".encode()
    return _b64(hmac.new(secret.encode(), message, hashlib.sha256).digest())


def sign_link(
    secret: str, purpose: LinkPurpose, data: Mapping[str, Any], now: datetime, lifetime: timedelta
) -> str:
    """A token for a link: the data, its purpose and expiry, signed with the secret key."""
    # A random nonce makes every link new, even two signed in the same second for the same data.
    body = {
        **data,
        "p": purpose.value,
        "x": int((now + lifetime).timestamp()),
        "n": secrets.token_urlsafe(6),
    }
    payload = _b64(json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, payload)}"


def read_link(secret: str, purpose: LinkPurpose, token: str, now: datetime) -> dict[str, Any]:
    """The data of a token this site signed for ``purpose``; :class:`LinkRefused` otherwise."""
    payload, _, mac = (token or "").partition(".")
    if not payload or not mac or not hmac.compare_digest(mac, _mac(secret, payload)):
        raise LinkRefused(N_("This link is not valid. Copy the whole link from the message."))
    try:
        body = json.loads(_unb64(payload))
    except ValueError:
        raise LinkRefused(
            N_("This link is not valid. Copy the whole link from the message.")
        ) from None
    if not isinstance(body, dict) or body.get("p") != purpose.value:
        raise LinkRefused(N_("This link is not valid. Copy the whole link from the message."))
    if now.timestamp() >= float(body.get("x", 0)):
        raise LinkRefused(N_("This link has expired. Ask for a new one."))
    return body


@dataclass(frozen=True)
class PortalUser:
    """The signed-in portal account and the organisation it acts for (if approved)."""

    id: int
    email: str
    name: str
    language: str
    organisation_id: int | None = None
    organisation_name: str = ""
    role: OrgRole | None = None
    status: MembershipStatus | None = None
    membership_id: int | None = None

    @property
    def active_member(self) -> bool:
        return self.status is MembershipStatus.ACTIVE and self.organisation_id is not None

    def audit_label(self) -> str:
        """How audit events name the portal account (never mistaken for a user's email)."""
        return f"portal:{self.email}"
