"""Loading tenders' public facts and history, and serving their OCDS releases.

Releases are derived (see ``opendata.ocds.build`` for why). All of them, serialised once, are
kept in memory per database and brought up to date when the audit chain has moved on: every
change that could alter a release is audited (on a tender, an organisation or an authority),
so the last such event (its ``seq`` and ``hash``) says whether the kept releases are still the
history. When only tenders' events came since, only those tenders' releases are built again;
an event on an organisation or authority (a name, a registration number, the sole-trader mark
shared by many tenders), a chain that no longer holds the kept head (a database emptied), or
very many events since rebuild them all. A page of releases is then a slice of bytes; a record
is built fresh for its one tender.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import weakref
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit.tables import AuditEvent
from config.settings import Settings, get_settings
from opendata.ocds.build import Options, ocid, releases
from opendata.ocds.model import (
    Body,
    Clarification,
    ContractFacts,
    DocumentFacts,
    Event,
    EventKind,
    LotFacts,
    TenderHistory,
    Winner,
)
from opendata.ocds.packages import Publication
from organisations.domain import is_personal_number
from tenders.tables import Bid, Contract, Lot, Question, Tender, TenderAuthority, TenderDocument

DEADLINE_COLUMNS = ("deadline_requests", "deadline_questions", "deadline_bids")


def options(settings: Settings | None = None) -> Options:
    settings = settings or get_settings()
    key = settings.secret_key.encode()

    def pseudonym(body: Body) -> str:
        digest = hmac.new(key, f"ocds-person:{body.id}".encode(), hashlib.sha256).hexdigest()
        return f"person-{digest[:16]}"

    return Options(
        settings.ocid_prefix, settings.open_data_natural_persons, pseudonym, settings.public_url
    )


def publication(settings: Settings | None = None) -> Publication:
    settings = settings or get_settings()
    return Publication(
        settings.open_data_publisher, settings.open_data_licence, settings.public_url
    )


def _body(row: dict[str, Any], prefix: str = "") -> Body:
    country = row[f"{prefix}country"]
    number = row[f"{prefix}registration_number"] or ""
    return Body(
        row[f"{prefix}id"],
        row[f"{prefix}name"],
        country,
        number,
        natural_person=bool(row.get(f"{prefix}natural_person"))
        or is_personal_number(country, number),
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in value.replace(";", ",").split(",") if code.strip())


async def _tenders(ids: Sequence[int] | None) -> list[dict[str, Any]]:
    query = Tender.select(
        Tender.all_columns(exclude=[Tender.lead_officer]),
        Tender.lead_authority.language.as_alias("language"),
        Tender.lead_authority.name.as_alias("lead_name"),
        Tender.lead_authority.country.as_alias("lead_country"),
        Tender.lead_authority.registration_number.as_alias("lead_registration_number"),
    ).where(Tender.published_at.is_not_null() & Tender.open_data_withheld_at.is_null())
    if ids is not None:
        query = query.where(Tender.id.is_in(list(ids) or [0]))
    return await query.order_by(Tender.id)


def _within(query: Any, column: Any, ids: Sequence[int] | None) -> Any:
    return query if ids is None else query.where(column.is_in(list(ids) or [0]))


async def histories(tender_ids: Sequence[int] | None = None) -> list[TenderHistory]:
    """The published tenders not withheld from open data (of ``tender_ids``, or all), with
    what the releases need, in a fixed number of queries."""
    rows = await _tenders(tender_ids)
    ids = [r["id"] for r in rows] if tender_ids is not None else None
    by = defaultdict(list)
    for key, found in await _gather(ids):
        for row in found:
            by[key, row["tender"]].append(row)
    events: dict[int, list[Event]] = defaultdict(list)
    for row in await _events(ids):
        event = _event(row)
        if event is not None:
            events[int(row["object_id"])].append(event)
    return [_history(row, by, events[row["id"]]) for row in rows]


async def _gather(ids: Sequence[int] | None) -> Iterable[tuple[str, list[dict[str, Any]]]]:
    buyers = _within(
        TenderAuthority.select(
            TenderAuthority.tender,
            TenderAuthority.authority.id.as_alias("id"),
            TenderAuthority.authority.name.as_alias("name"),
            TenderAuthority.authority.country.as_alias("country"),
            TenderAuthority.authority.registration_number.as_alias("registration_number"),
        ),
        TenderAuthority.tender,
        ids,
    ).order_by(TenderAuthority.id)
    lots = _within(Lot.select(), Lot.tender, ids).order_by(Lot.number)
    documents = _within(TenderDocument.select(), TenderDocument.tender, ids).order_by(
        TenderDocument.id
    )
    questions = _within(
        Question.select(
            Question.tender,
            Question.number,
            Question.question,
            Question.answer,
            Question.answered_at,
        ).where(Question.answered_at.is_not_null()),
        Question.tender,
        ids,
    ).order_by(Question.number)
    winners = _within(
        Bid.select(
            Bid.id,
            Bid.tender,
            Bid.lot,
            Bid.price,
            Bid.organisation.id.as_alias("org_id"),
            Bid.organisation.name.as_alias("org_name"),
            Bid.organisation.country.as_alias("org_country"),
            Bid.organisation.registration_number.as_alias("org_registration_number"),
            Bid.organisation.natural_person.as_alias("org_natural_person"),
        ).where((Bid.winner == True) & Bid.withdrawn_at.is_null()),  # noqa: E712
        Bid.tender,
        ids,
    ).order_by(Bid.id)
    contracts = _within(Contract.select(), Contract.tender, ids).order_by(Contract.id)
    names = ("buyers", "lots", "documents", "questions", "winners", "contracts")
    found = [await query for query in (buyers, lots, documents, questions, winners, contracts)]
    return zip(names, found, strict=True)


async def _events(ids: Sequence[int] | None) -> list[dict[str, Any]]:
    query = AuditEvent.select(
        AuditEvent.seq,
        AuditEvent.occurred_at,
        AuditEvent.action,
        AuditEvent.object_id,
        AuditEvent.before,
        AuditEvent.after,
    ).where(
        (AuditEvent.object_type == "tender")
        & AuditEvent.action.is_in([kind.value for kind in EventKind])
    )
    if ids is not None:
        query = query.where(AuditEvent.object_id.is_in([str(i) for i in ids] or ["0"]))
    return await query.order_by(AuditEvent.seq)


def _event(row: dict[str, Any]) -> Event | None:
    if not str(row["object_id"]).isdigit():
        return None
    data = json.loads(row["after"]) if row["after"] else {}
    if row["before"]:
        data["before"] = json.loads(row["before"])
    return Event(row["seq"], row["occurred_at"], EventKind(row["action"]), data)


def _history(
    row: dict[str, Any], by: dict[tuple[str, int], list[dict[str, Any]]], events: list[Event]
) -> TenderHistory:
    key = row["id"]
    lead = _body({**row, "lead_id": row["lead_authority"]}, "lead_")
    buyers = [lead, *(_body(b) for b in by["buyers", key] if b["id"] != lead.id)]
    return TenderHistory(
        id=key,
        reference=row["reference"],
        title=row["title"],
        description=row["description"],
        procedure=row["procedure"],
        currency=row["currency"],
        language=row["language"] or "en",
        buyers=tuple(buyers),
        estimated_value=row["estimated_value"],
        cpv_codes=_split(row["cpv_codes"]),
        deadlines={column: row[column] for column in DEADLINE_COLUMNS},
        standstill_ends_at=row["standstill_ends_at"],
        contract_start=row["contract_start"],
        contract_end=row["contract_end"],
        closed_reason=row["closed_reason"],
        lots=tuple(
            LotFacts(
                lot["id"],
                lot["number"],
                lot["title"],
                lot["description"],
                lot["estimated_value"],
                lot["unsuccessful_at"],
            )
            for lot in by["lots", key]
        ),
        documents=tuple(
            DocumentFacts(d["id"], d["name"], d["version"], d["uploaded_at"])
            for d in by["documents", key]
        ),
        clarifications=tuple(
            Clarification(q["number"], q["question"], q["answer"], q["answered_at"])
            for q in by["questions", key]
        ),
        winners=tuple(
            Winner(w["id"], w["lot"], _body(w, "org_"), w["price"]) for w in by["winners", key]
        ),
        contracts=tuple(
            ContractFacts(
                c["id"], c["bid"], c["value"], c["currency"], c["start"], c["end"], c["signed_on"]
            )
            for c in by["contracts", key]
        ),
        events=tuple(events),
    )


# --- all releases, kept while the audit chain stands still ------------------------------------


Row = tuple[tuple[datetime, int], bytes]  # a release's (date, seq) and its JSON


@dataclass(frozen=True)
class Kept:
    """Every release, oldest first, each serialised once; and the same rows by tender, to
    replace one tender's after its event."""

    head: tuple[int, str]  # the audit chain's last (seq, hash) when built
    dates: list[tuple[datetime, int]]  # (date, seq) of each release, for ``since``
    releases: list[bytes]
    tenders: dict[int, list[Row]]


_kept: dict[str, Kept] = {}
_building: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _lock() -> asyncio.Lock:
    """One rebuild at a time per event loop (a lock belongs to the loop it first waits in)."""
    loop = asyncio.get_running_loop()
    if loop not in _building:
        _building[loop] = asyncio.Lock()
    return _building[loop]


# The audit events that can change a release: a tender's (its events, its particulars, the
# open-data mark) and a change to an authority or organisation (names, registration numbers).
# Sign-ins, scores, mail and the rest leave the kept releases as they are.
RELEVANT_OBJECTS = ("tender", "organisation", "authority")


async def _head() -> tuple[int, str]:
    """The last relevant event (found walking the log back from its end: recent ones are
    many, so the walk is short)."""
    row = (
        await AuditEvent.select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.object_type.is_in(list(RELEVANT_OBJECTS)))
        .order_by(AuditEvent.seq, ascending=False)
        .first()
    )
    return (row["seq"], row["hash"]) if row else (0, "")


def _order(release: dict[str, Any]) -> tuple[datetime, int]:
    """Releases go by date, then by their event's place in the audit log."""
    return datetime.fromisoformat(release["date"]), int(release["id"].rsplit("-", 1)[1])


def all_releases(found: Iterable[TenderHistory], settings: Settings | None = None) -> list[dict]:
    """Every release of the given tenders, in order."""
    chosen = options(settings)
    every = [release for history in found for release in releases(history, chosen)]
    every.sort(key=_order)
    return every


def serialised(found: Iterable[TenderHistory], settings: Settings | None = None) -> list[Row]:
    """Every release in order, as compact JSON, each serialised as soon as it is built (one
    tender's releases at a time in memory, not all of them)."""
    chosen = options(settings)
    rows = [row for history in found for row in _rows(history, chosen)]
    rows.sort(key=lambda row: row[0])
    return rows


def _rows(history: TenderHistory, chosen: Options) -> list[Row]:
    """One tender's releases, each as compact JSON with its place in the order."""
    return [
        (_order(release), json.dumps(release, ensure_ascii=False, separators=(",", ":")).encode())
        for release in releases(history, chosen)
    ]


def _by_tender(found: Iterable[TenderHistory], settings: Settings) -> dict[int, list[Row]]:
    chosen = options(settings)
    return {history.id: _rows(history, chosen) for history in found}


# More relevant events than this since the kept head: rebuilding everything is as quick.
INCREMENTAL_LIMIT = 500


async def _changed_tenders(found: Kept, head: tuple[int, str]) -> set[int] | None:
    """The tenders whose events came after the kept head; None when all must be rebuilt."""
    since = found.head[0]
    if head[0] < since:
        return None
    if since and not await AuditEvent.exists().where(
        (AuditEvent.seq == since) & (AuditEvent.hash == found.head[1])
    ):
        return None  # the chain was replaced (a database emptied and filled again)
    rows = (
        await AuditEvent.select(AuditEvent.object_type, AuditEvent.object_id)
        .where(
            (AuditEvent.seq > since)
            & (AuditEvent.seq <= head[0])
            & AuditEvent.object_type.is_in(list(RELEVANT_OBJECTS))
        )
        .limit(INCREMENTAL_LIMIT + 1)
    )
    if len(rows) > INCREMENTAL_LIMIT:
        return None
    if any(r["object_type"] != "tender" or not str(r["object_id"]).isdigit() for r in rows):
        return None
    return {int(r["object_id"]) for r in rows}


async def kept() -> Kept:
    """The kept releases, brought up to date first when the audit chain has moved on."""
    settings = get_settings()
    head = await _head()
    found = _kept.get(settings.database_url)
    if found is not None and found.head == head:
        return found
    async with _lock():
        found = _kept.get(settings.database_url)
        if found is not None and found.head == head:
            return found
        changed = await _changed_tenders(found, head) if found is not None else None
        if found is None or changed is None:
            tenders = _by_tender(await histories(), settings)
        else:  # withheld or no longer published: gone from ``histories``, so dropped here
            tenders = {k: v for k, v in found.tenders.items() if k not in changed}
            tenders.update(_by_tender(await histories(sorted(changed)), settings))
        rows = sorted((row for one in tenders.values() for row in one), key=lambda row: row[0])
        built = Kept(head, [key for key, _ in rows], [text for _, text in rows], tenders)
        _kept[settings.database_url] = built
        return built


@dataclass(frozen=True)
class Page:
    releases: list[bytes]
    total: int  # releases matching ``since``
    has_next: bool


async def page(number: int, size: int, since: datetime | None) -> Page:
    """Page ``number`` (from 1) of ``size`` releases dated ``since`` or later, oldest first."""
    found = await kept()
    start = bisect_left(found.dates, (since, -1)) if since else 0
    first = start + (number - 1) * size
    chosen = found.releases[first : first + size]
    return Page(chosen, len(found.releases) - start, first + size < len(found.releases))


async def tender_releases(the_ocid: str) -> list[dict[str, Any]]:
    """The releases of the tender ``the_ocid`` names; empty when there is none to show (not
    published, withheld from open data, or no such tender)."""
    settings = get_settings()
    prefix = f"{settings.ocid_prefix}-"
    if not the_ocid.startswith(prefix):
        return []
    reference = the_ocid.removeprefix(prefix)
    rows = await Tender.select(Tender.id).where(Tender.reference == reference)
    found = [h for h in await histories([r["id"] for r in rows]) if h.reference == reference]
    chosen = options(settings)
    return [r for h in found for r in releases(h, chosen) if r["ocid"] == the_ocid]


__all__ = [
    "all_releases",
    "histories",
    "kept",
    "ocid",
    "page",
    "serialised",
    "tender_releases",
]
