"""Registration numbers of organisations per country, checked with python-stdnum.

- NL: Kamer van Koophandel number. python-stdnum has no KvK module (the number carries no check
  digit), so it is cleaned with stdnum's helpers and checked to be eight digits.
- DK: CVR number (stdnum.dk.cvr, with its mod-11 check).
- PL: REGON (9 or 14 digits) or NIP (10 digits), each with its check digit.
- SE: organisationsnummer (stdnum.se.orgnr, with its Luhn check).
"""

from __future__ import annotations

from stdnum import exceptions as stdnum_errors
from stdnum.dk import cvr
from stdnum.pl import nip, regon
from stdnum.se import orgnr
from stdnum.util import clean, isdigits

from common.errors import DomainError
from common.i18n import N_

COUNTRIES: dict[str, str] = {
    "NL": N_("Netherlands"),
    "DK": N_("Denmark"),
    "PL": N_("Poland"),
    "SE": N_("Sweden"),
}

REGISTRATION_LABELS: dict[str, str] = {
    "NL": N_("KvK number"),
    "DK": N_("CVR number"),
    "PL": N_("REGON or NIP"),
    "SE": N_("Organisation number"),
}


def _kvk(number: str) -> str:
    digits = clean(number, " -.").strip()
    if not isdigits(digits) or len(digits) != 8:
        raise stdnum_errors.InvalidFormat()
    return digits


def _polish(number: str) -> str:
    digits = clean(number, " -").strip()
    if len(digits) == 10:
        return nip.validate(digits)
    return regon.validate(digits)


def _swedish(number: str) -> str:
    return orgnr.format(orgnr.validate(number))


_VALIDATORS = {"NL": _kvk, "DK": cvr.validate, "PL": _polish, "SE": _swedish}


def check_country(country: str) -> str:
    code = (country or "").strip().upper()
    if code not in COUNTRIES:
        raise DomainError(
            N_("Unknown country {country}; use one of {allowed}"),
            country=code or "(empty)",
            allowed=", ".join(COUNTRIES),
        )
    return code


def normalise_registration_number(country: str, number: str) -> str:
    """The registration number in its canonical form, or a :class:`DomainError` saying why not."""
    code = check_country(country)
    if not (number or "").strip():
        raise DomainError(N_("A {label} is required"), label=REGISTRATION_LABELS[code])
    try:
        return _VALIDATORS[code](number.strip())
    except stdnum_errors.InvalidChecksum as exc:
        raise DomainError(
            N_("{number} is not a valid {label}: the check digit is wrong"),
            number=number,
            label=REGISTRATION_LABELS[code],
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise DomainError(
            N_("{number} is not a valid {label}"), number=number, label=REGISTRATION_LABELS[code]
        ) from exc
