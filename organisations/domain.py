"""Validation of an organisation as entered or imported. Pure Python."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
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


class FormOfAddress(StrEnum):
    """How the contact person is addressed in a letter; each language words it ("Geachte
    mevrouw Jansen,", "Dear Ms Jansen,"). ``NEUTRAL``: by the name in full, without mevrouw or
    heer ("Geachte Alex de Vries,"). ``UNKNOWN``: the letter greets no one by name."""

    UNKNOWN = ""
    MS = "ms"
    MR = "mr"
    NEUTRAL = "neutral"


# What an officer or an import may write for each form (lower case, without dots).
FORM_OF_ADDRESS_WORDS: dict[str, FormOfAddress] = {
    **{
        word: FormOfAddress.MS
        for word in (
            "ms",
            "mrs",
            "miss",
            "mevrouw",
            "mevr",
            "mw",
            "f",
            "female",
            "v",
            "vrouw",
            "fru",
            "pani",
        )
    },
    **{
        word: FormOfAddress.MR
        for word in ("mr", "heer", "de heer", "dhr", "m", "male", "man", "hr", "herr", "pan")
    },
    **{
        word: FormOfAddress.NEUTRAL
        for word in ("neutral", "neutraal", "x", "none", "geen", "name", "naam")
    },
    "": FormOfAddress.UNKNOWN,
    "unknown": FormOfAddress.UNKNOWN,
    "onbekend": FormOfAddress.UNKNOWN,
}
SURNAME_LIMIT = 200
# Titles before a name, and the particles a surname may begin with ("de Vries", "van der Berg").
_TITLES = frozenset(
    {
        "mw",
        "mevr",
        "mevrouw",
        "dhr",
        "heer",
        "mr",
        "mrs",
        "ms",
        "dr",
        "drs",
        "ir",
        "ing",
        "prof",
        "fru",
        "hr",
        "pani",
        "pan",
    }
)
_PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "ten",
        "ter",
        "te",
        "het",
        "'t",
        "in",
        "op",
        "von",
        "vom",
        "zu",
        "la",
        "le",
        "du",
        "da",
        "di",
        "del",
        "dos",
        "el",
    }
)


def read_form_of_address(value: str) -> FormOfAddress | None:
    """The form of address an officer or a file gives ("mevrouw", "Mw.", "ms", "heer"), or
    None when it is none of them."""
    return FORM_OF_ADDRESS_WORDS.get(" ".join(value.lower().replace(".", " ").split()))


def without_form_of_address(name: str) -> str:
    """The name without a form of address written before it: "mw. A. Jansen" → "A.
    Jansen", "de heer drs. J. de Vries" → "drs. J. de Vries" (other titles stay)."""
    words = name.split()
    for size in (2, 1):
        if len(words) > size and FORM_OF_ADDRESS_WORDS.get(
            " ".join(words[:size]).lower().replace(".", "")
        ) in (FormOfAddress.MS, FormOfAddress.MR):
            return " ".join(words[size:])
    return " ".join(words)


def surname_of(name: str) -> str:
    """The surname in a contact's name as written, for the salutation: "A. Jansen" →
    "Jansen", "mw. drs. J. van der Berg" → "van der Berg", "Anna Kowalska" → "Kowalska"."""
    words = name.replace(",", " ").split()
    if [w.lower() for w in words[:2]] == ["de", "heer"]:
        words = words[2:]
    while words and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    if not words:
        return ""
    for index, word in enumerate(words[1:-1], 1):
        if word.lower() in _PARTICLES and words[index - 1].lower() not in _PARTICLES:
            return " ".join(words[index:])
    if words[0].lower() in _PARTICLES:
        return " ".join(words)
    return words[-1]


def is_personal_number(country: str, registration_number: str) -> bool:
    """Whether a registration number is a person's: only Sweden tells by the number (a sole
    trader, enskild firma, registers under the owner's personnummer, whose month digits are
    01-12; an organisationsnummer has 20 or more there). Elsewhere the numbers of sole traders
    (eenmanszaak, enkeltmandsvirksomhed, jednoosobowa działalność) look like any other: the
    organisation says so itself (``OrganisationData.natural_person``)."""
    digits = "".join(ch for ch in registration_number if ch.isdigit())
    if country.upper() != "SE" or len(digits) not in (10, 12):
        return False
    return 1 <= int(digits[-8:-6]) <= 12


# What a form, an import or the API may write for "yes" in the natural-person field.
_YES = frozenset({"1", "true", "yes", "on", "y", "ja", "j", "tak", "t", "x"})


def read_yes(value: Any) -> bool:
    """A checkbox or a spreadsheet cell as a yes/no ("on", "ja", "tak", "1", True)."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _YES


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
    contact_form_of_address: str = ""  # a FormOfAddress
    contact_surname: str = ""  # the contact's surname as used after mevrouw / heer
    # A sole trader: the organisation's name is a person's (open data leaves it out or
    # pseudonymises it). A Swedish personnummer as registration number always makes it one.
    natural_person: bool = False

    def __post_init__(self) -> None:
        if not self.natural_person and is_personal_number(self.country, self.registration_number):
            object.__setattr__(self, "natural_person", True)

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
        problems.add(f"{prefix}name", N_("The name is longer than {limit} characters"), limit=200)
    country = field("country").upper()
    registration = ""
    try:
        registration = normalise_registration_number(country, field("registration_number"))
    except DomainError as exc:
        location = (
            "country"
            if not country or "country" in exc.problem.message
            else ("registration_number")
        )
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
    form_of_address, surname = _salutation(
        problems,
        prefix,
        field("contact_name"),
        field("contact_form_of_address"),
        " ".join(field("contact_surname").split()),
    )
    problems.raise_if_any()
    return OrganisationData(
        name,
        country,
        registration,
        iban,
        field("address"),
        field("contact_name"),
        email,
        field("phone"),
        form_of_address,
        surname,
        read_yes(form.get("natural_person")),
    )


def _salutation(
    problems: ProblemCollector, prefix: str, contact: str, given: str, surname: str
) -> tuple[str, str]:
    """The contact's form of address and surname: the surname taken from the contact's name
    when only the form is given ("mevrouw" with "A. Jansen": "Jansen")."""
    form = read_form_of_address(given)
    if form is None:
        problems.add(
            f"{prefix}contact_form_of_address",
            N_(
                "{value} is not a form of address: choose ms (mevrouw), mr (heer), "
                "neutral or leave it empty"
            ),
            value=given,
        )
        return "", surname
    if len(surname) > SURNAME_LIMIT:
        problems.add(
            f"{prefix}contact_surname", N_("At most {limit} characters"), limit=SURNAME_LIMIT
        )
    if form in (FormOfAddress.MS, FormOfAddress.MR):
        surname = surname or surname_of(contact)
        if not surname:
            problems.add(
                f"{prefix}contact_surname", N_("Give the contact's surname for the salutation")
            )
    if form is FormOfAddress.NEUTRAL and not contact:
        problems.add(
            f"{prefix}contact_name",
            N_("Give the contact's name: a neutral salutation uses it in full"),
        )
    return form.value, surname
