"""The grants of decided subsidy rounds, read for 360Giving (see :mod:`opendata.giving.domain`).

One query shape for every read: the granted applications joined to their round, authority and
organisation, as plain tuples, in application id order, a batch at a time by id (keyset: each
batch starts after the last id of the one before, so a 25,000-grant export costs a handful of
index range scans and never holds more than a batch of rows). Rounds an officer kept out of the
open data (``open_data_withheld``) and rounds not yet decided are left out in SQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from common import clock
from config.database import raw_rows
from config.settings import Settings, get_settings
from opendata.giving.domain import (
    DEFAULT_PREFIX,
    GrantBuilder,
    GrantRow,
    NaturalPersons,
    Options,
    grants,
    package_header,
)
from subsidies.domain import RoundPhase
from subsidies.lifecycle import HOLDING_A_GRANT

BATCH = 5000
GRANTED = sorted(state.value for state in HOLDING_A_GRANT)
PATH = "/open-data/360giving/grants.json"

_SELECT = """
SELECT ap.id, ap.reference, ap.title, ap.activity_plan, CAST(ap.requested AS TEXT),
       CAST(ap.granted AS TEXT), r.currency, COALESCE(ap.decided_at, r.decided_at),
       r.id, r.title, CAST(r.period_start AS TEXT), CAST(r.period_end AS TEXT),
       a.id, a.name, a.country, a.registration_number,
       o.id, o.name, o.country, o.registration_number, ap.updated_at, o.natural_person
FROM subsidies_application ap
JOIN subsidies_round r ON r.id = ap.round
JOIN authorities_authority a ON a.id = r.authority
JOIN organisations_organisation o ON o.id = ap.organisation
WHERE r.phase = {} AND r.open_data_withheld = {} AND ap.granted IS NOT NULL
  AND ap.state IN ({states}) AND ap.id > {}
ORDER BY ap.id
LIMIT {}
""".replace("{states}", ", ".join("{}" for _ in GRANTED))


def _moment(value: Any) -> datetime:
    """SQLite's driver may give the stored text; PostgreSQL a datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _row(values: Sequence[Any]) -> GrantRow:
    (
        application_id,
        reference,
        title,
        plan,
        requested,
        granted,
        currency,
        decided_at,
        round_id,
        round_title,
        start,
        end,
        authority_id,
        authority,
        authority_country,
        authority_number,
        organisation_id,
        organisation,
        country,
        number,
        modified,
        natural_person,
    ) = values
    return GrantRow(
        application_id=application_id,
        reference=reference,
        title=title,
        activity_plan=plan,
        requested=Decimal(requested),
        awarded=Decimal(granted),
        currency=currency,
        decided_at=_moment(decided_at),
        round_id=round_id,
        round_title=round_title,
        period_start=date.fromisoformat(start[:10]),
        period_end=date.fromisoformat(end[:10]),
        authority_id=authority_id,
        authority_name=authority,
        authority_country=authority_country,
        authority_registration=authority_number or "",
        organisation_id=organisation_id,
        organisation_name=organisation,
        organisation_country=country,
        organisation_registration=number or "",
        modified=_moment(modified) if modified is not None else None,
        organisation_natural_person=bool(natural_person),
    )


async def grant_rows(after: int = 0, limit: int = BATCH) -> list[GrantRow]:
    """Up to ``limit`` published grants with an application id above ``after``, by id."""
    rows = await raw_rows(_SELECT, RoundPhase.DECIDED.value, False, *GRANTED, after, limit)
    return [_row(values) for values in rows]


async def all_grant_rows(batch: int = BATCH) -> AsyncIterator[list[GrantRow]]:
    """Every published grant, a batch at a time."""
    after = 0
    while True:
        rows = await grant_rows(after, batch)
        if not rows:
            return
        yield rows
        after = rows[-1].application_id
        if len(rows) < batch:
            return


def options(settings: Settings | None = None) -> Options:
    settings = settings or get_settings()
    return Options(
        prefix=DEFAULT_PREFIX,
        natural_persons=NaturalPersons(settings.open_data_natural_persons),
        # A key of its own for pseudonyms, derived from the secret key (never the key itself).
        pseudonym_key=hashlib.sha256(
            b"360giving-pseudonyms:" + settings.secret_key.encode()
        ).digest(),
    )


def header(settings: Settings | None = None, now: datetime | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    return package_header(
        issued=now or clock.now(),
        publisher=settings.open_data_publisher,
        license_url=settings.open_data_licence,
        access_url=settings.public_url + PATH,
    )


@dataclass(frozen=True)
class Page:
    package: dict[str, Any]
    next_after: int | None  # the cursor of the next page; None: this is the last


async def page(after: int = 0, size: int = 1000) -> Page:
    """One page of the package: the grants after application id ``after``."""
    now = clock.now()
    rows = await grant_rows(after, size)
    found = list(grants(rows, options()))
    more = rows[-1].application_id if len(rows) == size else None
    return Page({**header(now=now), "grants": found}, more)


async def package_chunks(
    batch: int = BATCH, counted: Callable[[int], None] = lambda _: None
) -> AsyncIterator[bytes]:
    """The whole package as JSON, written a batch of grants at a time (an export of tens of
    thousands of grants never sits in memory whole); ``counted`` is told each batch's number of
    grants."""
    now = clock.now()
    builder = GrantBuilder(options())
    opening = json.dumps(header(now=now), ensure_ascii=False)[:-1]
    yield (opening + ', "grants": [').encode()
    first = True
    async for rows in all_grant_rows(batch):
        found = list(builder.grants(rows))
        counted(len(found))
        if found:
            # One dumps for the batch, its brackets cut off: the grants joined by ", ".
            text = json.dumps(found, ensure_ascii=False)[1:-1]
            yield (text if first else ", " + text).encode()
            first = False
    yield b"]}"
