"""Validation of an organisation as entered or imported. Pure Python."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from common.errors import DomainError, ProblemCollector
from common.i18n import N_
from common.registration import normalise_registration_number

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_iban(value: str) -> str:
    """The IBAN in its compact form (NL91ABNA0417164300), or a DomainError saying why not."""
    try:
        return stdnum_iban.validate(value)
    except StdnumError as exc:
        raise DomainError(N_("{value} is not a valid IBAN"), value=value) from exc


def format_iban(value: str | None) -> str:
    return stdnum_iban.format(value) if value else ""


@dataclass(frozen=True)
class OrganisationData:
    name: str
    country: str
    registration_number: str
    iban: str | None = None
    address: str = ""
    contact_name: str = ""
    email: str = ""
    phone: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate_organisation(form: Mapping[str, Any], prefix: str = "") -> OrganisationData:
    """Check an organisation; problems name the field, with ``prefix`` for nested forms.

    The IBAN is optional here; what needs one (a grant, a contract) checks that it is present.
    """
    problems = ProblemCollector()

    def field(name: str) -> str:
        return str(form.get(name) or "").strip()

    name = field("name")
    if not name:
        problems.add(f"{prefix}name", N_("A name is required"))
    elif len(name) > 200:
        problems.add(f"{prefix}name", N_("The name is longer than {limit} characters"),
                     limit=200)
    country = field("country").upper()
    registration = ""
    try:
        registration = normalise_registration_number(country, field("registration_number"))
    except DomainError as exc:
        location = "country" if not country or "country" in exc.problem.message else (
            "registration_number")
        problems.add(f"{prefix}{location}", exc.problem.message, **exc.problem.params)
    iban: str | None = None
    if field("iban"):
        try:
            iban = normalise_iban(field("iban"))
        except DomainError as exc:
            problems.add(f"{prefix}iban", exc.problem.message, **exc.problem.params)
    email = field("email").lower()
    if email and not _EMAIL.match(email):
        problems.add(f"{prefix}email", N_("Enter an email address such as name@example.org"))
    problems.raise_if_any()
    return OrganisationData(name, country, registration, iban, field("address"),
                            field("contact_name"), email, field("phone"))
