"""Decided subsidy rounds' grants as 360Giving data (standard 1.4, JSON). Pure Python.

One grant per granted (or partly granted) application of a decided round that is not withheld
from open data. What goes in:

- ``id``: ``<prefix>-<application id>``, the prefix a 360Giving publisher prefix
  (:data:`DEFAULT_PREFIX` until a publisher registers its own with 360Giving).
- ``recipientOrganization``: the organisation with its org-id (org-id.guide) built from the
  registration number the project keeps (:func:`org_id`):

  ======= ========================================== ==========================
  country what ``common.registration`` stores         org-id.guide list
  ======= ========================================== ==========================
  NL      KvK number (8 digits)                      ``NL-KVK-<number>``
  DK      CVR number (8 digits)                      ``DK-CVR-<number>``
  PL      NIP (10 digits)                            ``PL-NIP-<number>``
  PL      REGON (9 or 14 digits)                     ``PL-REGON-<number>``
  SE      organisationsnummer (``NNNNNN-NNNN``)      ``SE-BLV-<10 digits>``
  ======= ========================================== ==========================

  ``PL-KRS`` (the National Court Register) is the list org-id.guide prefers for Polish
  associations and companies, but the project keeps NIP or REGON, never the KRS number, so
  the lists for those are used. A number that fits none of these (or is empty) falls back to
  the publisher's own identifier: ``<prefix>-ORG-<country>-<number or internal id>``, as the
  360Giving identifier guidance allows for organisations without a registered number.
- Natural persons: organisations marked as sole traders (``Organisation.natural_person``:
  eenmanszaak, enkeltmandsvirksomhed, jednoosobowa działalność, enskild firma), and always a
  Swedish one registered under the owner's personnummer, whose month digits tell it apart
  (:func:`organisations.domain.is_personal_number`; other countries' numbers do not).
  Per the setting ``open_data_natural_persons``: ``omit`` leaves such grants out,
  ``pseudonymise`` publishes them to a ``recipientIndividual`` named "Individual recipient"
  whose id is a keyed hash of the registration number (stable, not reversible without the key).
- ``fundingOrganization``: the authority, with its org-id by the same rule (its registration
  number), or ``<prefix>-FUNDER-<authority id>`` when it has none.
- ``grantProgramme``: the round (code ``round-<id>``, its title).
- ``amountAwarded``: the granted amount (the final amount once settled), a JSON number, with the
  round's ``currency``; ``amountAppliedFor`` the requested amount.
- ``awardDate``: the moment the application was decided, UTC ISO 8601 with offset;
  ``plannedDates``: the round's grant period (start and end dates); ``dateModified``: the
  application's last change.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from organisations.domain import is_personal_number

SCHEMA_VERSION = "1.4"
DEFAULT_PREFIX = "360G-tenderdesk"
INDIVIDUAL_NAME = "Individual recipient"


class NaturalPersons(StrEnum):
    """What the open data does with a grant to a natural person (a sole trader)."""

    OMIT = "omit"
    PSEUDONYMISE = "pseudonymise"


_DIGITS = re.compile(r"\D")


def _digits(number: str) -> str:
    return _DIGITS.sub("", number or "")


def _registered(country: str, number: str) -> str | None:
    """The org-id from an org-id.guide list, or None when the number fits none."""
    digits = _digits(number)
    match country.upper():
        case "NL" if len(digits) == 8:
            return f"NL-KVK-{digits}"
        case "DK" if len(digits) == 8:
            return f"DK-CVR-{digits}"
        case "PL" if len(digits) == 10:
            return f"PL-NIP-{digits}"
        case "PL" if len(digits) in (9, 14):
            return f"PL-REGON-{digits}"
        case "SE" if len(digits) == 10:
            return f"SE-BLV-{digits}"
    return None


def org_id(country: str, number: str, *, prefix: str = DEFAULT_PREFIX, fallback: str = "") -> str:
    """The organisation's org-id (see the module's table), or the publisher's own identifier
    ``<prefix>-ORG-<country>-<number or fallback>``."""
    found = _registered(country, number)
    if found:
        return found
    own = _digits(number) or fallback
    return f"{prefix}-ORG-{country.upper() or 'XX'}-{own}"


def is_natural_person(row: GrantRow) -> bool:
    """Whether the recipient is a person: marked a sole trader, or registered under a Swedish
    personnummer (which always is one)."""
    return row.organisation_natural_person or is_personal_number(
        row.organisation_country, row.organisation_registration
    )


def utc_iso(moment: datetime) -> str:
    """A moment in UTC, ISO 8601 with its offset (``2022-10-03T09:00:00+00:00``)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def amount(value: Decimal) -> int | float:
    """A JSON number for a money amount: whole amounts as integers, cents as a float (a
    two-decimal Decimal converts exactly enough for JSON: 1234.5 is written 1234.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True, slots=True)
class GrantRow:
    """A granted application, with its round, authority and organisation, as read."""

    application_id: int
    reference: str
    title: str
    activity_plan: str
    requested: Decimal
    awarded: Decimal
    currency: str
    decided_at: datetime
    round_id: int
    round_title: str
    period_start: date
    period_end: date
    authority_id: int
    authority_name: str
    authority_country: str
    authority_registration: str
    organisation_id: int
    organisation_name: str
    organisation_country: str
    organisation_registration: str
    modified: datetime | None = None  # the application's last change (dateModified)
    organisation_natural_person: bool = False  # a sole trader (``Organisation.natural_person``)


@dataclass(frozen=True)
class Options:
    """How grants are written: the publisher prefix, natural persons, the pseudonym key."""

    prefix: str = DEFAULT_PREFIX
    natural_persons: NaturalPersons = NaturalPersons.OMIT
    pseudonym_key: bytes = b""


def pseudonym(row: GrantRow, options: Options) -> str:
    digest = hmac.new(
        options.pseudonym_key,
        f"{row.organisation_country}:{_digits(row.organisation_registration)}".encode(),
        hashlib.sha256,
    ).hexdigest()[:16]
    return f"{options.prefix}-IND-{digest}"


def _recipient(row: GrantRow, options: Options) -> dict[str, Any] | None:
    """The recipient fields of the grant; None: the grant is left out (a natural person under
    ``omit``)."""
    if is_natural_person(row):
        if options.natural_persons is NaturalPersons.OMIT:
            return None
        return {"recipientIndividual": {"id": pseudonym(row, options), "name": INDIVIDUAL_NAME}}
    organisation = {
        "id": org_id(
            row.organisation_country,
            row.organisation_registration,
            prefix=options.prefix,
            fallback=str(row.organisation_id),
        ),
        "name": row.organisation_name,
        "addressCountry": row.organisation_country,
    }
    return {"recipientOrganization": [organisation]}


def _programme(row: GrantRow, options: Options) -> dict[str, Any]:
    """What every grant of the round shares: currency, planned dates, funder, programme."""
    funder = {
        "id": _registered(row.authority_country, row.authority_registration)
        or f"{options.prefix}-FUNDER-{row.authority_id}",
        "name": row.authority_name,
    }
    return {
        "currency": row.currency,
        "plannedDates": [
            {"startDate": row.period_start.isoformat(), "endDate": row.period_end.isoformat()}
        ],
        "fundingOrganization": [funder],
        "grantProgramme": [{"code": f"round-{row.round_id}", "title": row.round_title}],
    }


class GrantBuilder:
    """Builds grants, working out what a round's grants share, and each recipient, once (an
    export of 25,000 grants has a few dozen rounds and a few thousand organisations)."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._rounds: dict[int, dict[str, Any]] = {}
        self._recipients: dict[int, dict[str, Any] | None] = {}

    def grant(self, row: GrantRow) -> dict[str, Any] | None:
        """The 360Giving grant of one granted application (None: left out, see
        :func:`_recipient`)."""
        if row.organisation_id not in self._recipients:
            self._recipients[row.organisation_id] = _recipient(row, self.options)
        recipient = self._recipients[row.organisation_id]
        if recipient is None:
            return None
        shared = self._rounds.get(row.round_id)
        if shared is None:
            shared = self._rounds[row.round_id] = _programme(row, self.options)
        title = row.title or row.reference
        found: dict[str, Any] = {
            "id": f"{self.options.prefix}-{row.application_id}",
            "title": title[:140],
            "description": row.activity_plan or title,
            "amountAppliedFor": amount(row.requested),
            "amountAwarded": amount(row.awarded),
            "awardDate": utc_iso(row.decided_at),
            **recipient,
            **shared,
            "fromOpenCall": "Yes",
        }
        if row.modified is not None:
            found["dateModified"] = utc_iso(row.modified)
        return found

    def grants(self, rows: Iterable[GrantRow]) -> Iterator[dict[str, Any]]:
        for row in rows:
            found = self.grant(row)
            if found is not None:
                yield found


def grant(row: GrantRow, options: Options) -> dict[str, Any] | None:
    return GrantBuilder(options).grant(row)


def grants(rows: Iterable[GrantRow], options: Options) -> Iterator[dict[str, Any]]:
    return GrantBuilder(options).grants(rows)


def package_header(
    *, issued: datetime, publisher: str, license_url: str, access_url: str
) -> dict[str, Any]:
    """The package's fields other than ``grants``."""
    header: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "title": f"Grants of {publisher}",
        "description": "Grants decided in subsidy rounds, one per granted application.",
        "issued": utc_iso(issued),
        "modified": utc_iso(issued),
        "publisher": {"name": publisher},
    }
    if license_url:
        header["license"] = license_url
    if access_url:
        header["accessURL"] = access_url
    return header
