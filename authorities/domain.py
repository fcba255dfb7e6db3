"""Rules for contracting authorities: country defaults and validation of what an admin enters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from stdnum import iban as iban_number

from common.errors import DomainError, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.jurisdictions import eu, jurisdiction_for
from common.localtime import is_valid_zone
from common.money import CURRENCIES
from common.registration import COUNTRIES, normalise_registration_number

LETTER_LANGUAGES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "English",
    "da": "Dansk",
    "pl": "Polski",
    "sv": "Svenska",
}


@dataclass(frozen=True)
class CountryDefaults:
    currency: str
    timezone: str
    language: str
    standstill_days: int


def _defaults(country: str) -> CountryDefaults:
    """What a new authority of ``country`` starts with: its jurisdiction's defaults."""
    law = jurisdiction_for(country)
    return CountryDefaults(law.currency, law.timezone, law.language, law.standstill.shortest.amount)


COUNTRY_DEFAULTS: dict[str, CountryDefaults] = {
    country: _defaults(country) for country in ("NL", "DK", "PL", "SE")
}
# The EU minimum (Directive 2007/66/EC) for a country without defaults.
STANDSTILL_DAYS_EU = eu.STANDSTILL.period.amount


@dataclass(frozen=True)
class AuthorityData:
    name: str
    country: str
    currency: str
    timezone: str
    language: str
    registration_number: str
    standstill_days: int
    active: bool = True
    # What the authority's letters carry: letterhead, signature and where to complain or pay.
    postal_address: str = ""
    visiting_address: str = ""
    website: str = ""
    complaint_desk: str = ""  # an e-mail address or a web page
    decision_body: str = ""  # the bestuursorgaan that decides ("het college van B&W")
    signatory_name: str = ""  # who signs by mandate
    signatory_function: str = ""
    iban: str = ""  # for repayments

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s]+\.[^\s]+$")
LETTER_TEXT_FIELDS = ("decision_body", "signatory_name", "signatory_function")
ADDRESS_FIELDS = ("postal_address", "visiting_address")


def _letter_settings(form: Mapping[str, Any], problems: ProblemCollector) -> dict[str, str]:
    """The letterhead, signature, complaint desk and IBAN as entered (all optional)."""
    found: dict[str, str] = {}
    for name in (*LETTER_TEXT_FIELDS, "website", "complaint_desk"):
        value = " ".join(str(form.get(name) or "").split())
        if len(value) > 200:
            problems.add(name, N_("The text is longer than {limit} characters"), limit=200)
        found[name] = value
    for name in ADDRESS_FIELDS:
        lines = [line.strip() for line in str(form.get(name) or "").splitlines()]
        found[name] = "\n".join(line for line in lines if line)
        if len(found[name]) > 400:
            problems.add(name, N_("The text is longer than {limit} characters"), limit=400)
    if found["website"] and not _URL.match(found["website"]):
        problems.add("website", N_("Enter a web address starting with https://"))
    desk = found["complaint_desk"]
    if desk and not (_EMAIL.match(desk) or _URL.match(desk)):
        problems.add("complaint_desk", N_("Enter an e-mail address or a web address"))
    iban = "".join(str(form.get("iban") or "").split()).upper()
    if iban and not iban_number.is_valid(iban):
        problems.add("iban", N_("{iban} is not a valid IBAN"), iban=iban)
    found["iban"] = iban_number.format(iban) if iban and iban_number.is_valid(iban) else iban
    return found


def validate_authority(form: Mapping[str, Any]) -> AuthorityData:
    """Check an authority as entered; every problem is reported with its field.

    Currency, time zone, language and standstill period default to the country's when empty.
    """
    problems = ProblemCollector()
    name = str(form.get("name") or "").strip()
    if not name:
        problems.add("name", N_("A name is required"))
    elif len(name) > 200:
        problems.add("name", N_("The name is longer than {limit} characters"), limit=200)

    country = str(form.get("country") or "").strip().upper()
    defaults = COUNTRY_DEFAULTS.get(country)
    if defaults is None:
        problems.add(
            "country", N_("Choose one of the countries {allowed}"), allowed=", ".join(COUNTRIES)
        )

    currency = str(form.get("currency") or (defaults.currency if defaults else "")).upper()
    if currency not in CURRENCIES:
        problems.add(
            "currency", N_("Choose one of the currencies {allowed}"), allowed=", ".join(CURRENCIES)
        )

    timezone = str(form.get("timezone") or (defaults.timezone if defaults else "")).strip()
    if not is_valid_zone(timezone):
        problems.add("timezone", N_("{zone} is not a known time zone"), zone=timezone or "-")

    language = str(form.get("language") or (defaults.language if defaults else "")).strip()
    if language not in LETTER_LANGUAGES:
        problems.add(
            "language",
            N_("Choose one of the languages {allowed}"),
            allowed=", ".join(LETTER_LANGUAGES),
        )

    registration = ""
    if defaults is not None:
        try:
            registration = normalise_registration_number(
                country, str(form.get("registration_number") or "")
            )
        except DomainError as exc:
            problems.add("registration_number", exc.problem.message, **exc.problem.params)

    standstill_raw = form.get("standstill_days")
    standstill = defaults.standstill_days if defaults else STANDSTILL_DAYS_EU
    if standstill_raw not in (None, ""):
        try:
            standstill = int(str(standstill_raw))
        except ValueError:
            problems.add("standstill_days", N_("Enter a whole number of days"))
        else:
            if not 0 <= standstill <= 90:
                problems.add(
                    "standstill_days", N_("Enter between {low} and {high} days"), low=0, high=90
                )

    active = form.get("active", True) not in (False, "false", "0", "off", "")
    letters = _letter_settings(form, problems)
    problems.raise_if_any()
    return AuthorityData(
        name, country, currency, timezone, language, registration, standstill, active, **letters
    )


_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


# The languages a service type is named in, each in its column ``name_<language>``: English and
# Dutch are required; in the others an empty name falls back to the English one.
SERVICE_TYPE_LANGUAGES = ("en", "nl", "da", "pl", "sv")
REQUIRED_NAME_LANGUAGES = ("en", "nl")


def name_column(language: str) -> str:
    """The column holding a service type's name in ``language`` (English for any other)."""
    return f"name_{language}" if language in SERVICE_TYPE_LANGUAGES else "name_en"


def localized_name(row: Mapping[str, Any], language: str, prefix: str = "") -> str:
    """A service type's name in ``language`` from a row with its name columns (under
    ``prefix``, such as ``"service_type."``), the English name where it has none."""
    return row.get(f"{prefix}{name_column(language)}") or row.get(f"{prefix}name_en") or ""


@dataclass(frozen=True)
class ServiceTypeData:
    code: str
    name_en: str
    name_nl: str
    active: bool = True
    name_da: str = ""
    name_pl: str = ""
    name_sv: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def name(self, language: str) -> str:
        return localized_name(self.as_dict(), language)


def validate_service_type(form: Mapping[str, Any]) -> ServiceTypeData:
    problems = ProblemCollector()
    code = str(form.get("code") or "").strip().lower()
    if not _CODE.match(code):
        problems.add(
            "code", N_("A code is lower-case letters, digits and _, such as household_help")
        )
    names = {}
    for language in SERVICE_TYPE_LANGUAGES:
        field = name_column(language)
        names[field] = str(form.get(field) or "").strip()
        if not names[field] and language in REQUIRED_NAME_LANGUAGES:
            problems.add(field, N_("A name is required"))
        elif len(names[field]) > 120:
            problems.add(field, N_("The name is longer than {limit} characters"), limit=120)
    active = form.get("active", True) not in (False, "false", "0", "off", "")
    problems.raise_if_any()
    return ServiceTypeData(code, active=active, **names)


MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": ("image/png", "png"), b"\xff\xd8\xff": ("image/jpeg", "jpg")}


def check_logo(data: bytes) -> tuple[str, str]:
    """The content type and extension of a letterhead logo, read from its first bytes (not
    from the name or the browser's word); refused unless PNG or JPEG of at most 512 KB."""
    if not data:
        raise ValidationFailed([Problem(N_("Choose a PNG or JPEG image"), {}, "logo")])
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationFailed(
            [
                Problem(
                    N_("The logo is larger than {limit} KB"),
                    {"limit": MAX_LOGO_BYTES // 1024},
                    "logo",
                )
            ]
        )
    for magic, kind in LOGO_TYPES.items():
        if data.startswith(magic):
            return kind
    raise ValidationFailed([Problem(N_("The logo must be a PNG or JPEG image"), {}, "logo")])
