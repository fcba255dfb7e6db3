"""A tender's OCDS 1.1.5 releases, derived from its stored history. Pure Python.

Why derived, not stored: publication is automatic at each event that changes what the public
may know. Every such event is already in the tender's audit log (publication, a deadline moved,
a clarification answered, a document added, the award decisions, the definitive award, a lot
declared unsuccessful, a contract, a cancellation), appended in the same transaction as the
change. Building the releases from that log (and the rows it describes) means no use case can
forget to publish, a release never disagrees with the tender, and adding a field to the
releases later republishes the whole history consistently. Each release is named after its
audit event (``<ocid>-<seq>``), so its id and date never change.

Each release is the public view of the tender as it stood right after its event (a full
snapshot of the sections known by then), so that merging the releases in order (the compiled
record) gives the tender's public state now. What stays out, whatever the event: bid prices
before the definitive award, everything about bids that did not win, evaluators and scores,
candidates, askers of questions, contact details, and the names of natural persons (per the
``open_data_natural_persons`` setting: left out, or replaced by a pseudonym).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from opendata.ocds.model import Body, Event, EventKind, TenderHistory, Winner
from tenders.procedures import PROCEDURE_TYPES

PROCUREMENT_METHODS = {
    "open": "open",
    "restricted": "selective",
    "competitive_dialogue": "selective",
    "negotiation": "selective",
    "light_regime": "open",
    "open_house": "open",
}

TAGS: dict[EventKind, list[str]] = {
    EventKind.PUBLISHED: ["planning", "tender"],
    EventKind.DEADLINES_CHANGED: ["tenderAmendment"],
    EventKind.DOCUMENT_ADDED: ["tenderUpdate"],
    EventKind.CLARIFIED: ["tenderUpdate"],
    EventKind.AWARD_INTENT: ["award"],
    EventKind.AWARDED: ["award"],
    EventKind.LOT_UNSUCCESSFUL: ["tenderUpdate"],
    EventKind.CONTRACT: ["contract"],
    EventKind.CANCELLED: ["tenderCancellation"],
    EventKind.UNSUCCESSFUL: ["tenderUpdate"],
}

# org-id.guide list codes for the registers our authorities and organisations are in.
ORG_ID_SCHEMES = {"NL": "NL-KVK", "DK": "DK-CVR", "SE": "SE-BLV"}

OMIT = "omit"
PSEUDONYMISE = "pseudonymise"
NATURAL_PERSON_POLICIES = (OMIT, PSEUDONYMISE)


@dataclass(frozen=True)
class Options:
    """``prefix``: the publisher's ocid prefix (``ocds-`` and six characters).
    ``pseudonym``: a stable, non-reversible label for a natural person (used when
    ``natural_persons`` is ``pseudonymise``)."""

    prefix: str
    natural_persons: str = OMIT
    pseudonym: Callable[[Body], str] = lambda body: f"person-{body.id}"


def ocid(prefix: str, reference: str) -> str:
    return f"{prefix}-{reference}"


def moment(value: datetime | date) -> str:
    """UTC ISO 8601 with offset; a calendar day as its start in UTC."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def amount(value: Decimal, currency: str) -> dict[str, Any]:
    number = float(value)
    return {"amount": int(number) if number.is_integer() else number, "currency": currency}


def org_id(body: Body) -> dict[str, str]:
    """The org-id identifier of a registered body (``NL-KVK``, ``DK-CVR``, ``SE-BLV``, in
    Poland ``PL-KRS`` for a 10-digit KRS number, ``PL-REGON`` otherwise)."""
    country = body.country.upper()
    number = body.registration_number.strip()
    if country == "PL":
        scheme = "PL-KRS" if len(number) == 10 else "PL-REGON"
    else:
        scheme = ORG_ID_SCHEMES.get(country, f"{country}-REG")
    return {"scheme": scheme, "id": number, "legalName": body.name}


def party_id(body: Body) -> str:
    identifier = org_id(body)
    return f"{identifier['scheme']}-{identifier['id']}"


def releases(history: TenderHistory, options: Options) -> list[dict[str, Any]]:
    """One release per event from publication on, oldest first; none for a tender that was
    never published."""
    events = _public_events(history.events)
    return [_release(history, options, events, index) for index in range(len(events))]


def _public_events(events: tuple[Event, ...]) -> list[Event]:
    ordered = sorted(events, key=lambda e: e.seq)
    start = next((i for i, e in enumerate(ordered) if e.kind is EventKind.PUBLISHED), None)
    return [] if start is None else ordered[start:]


@dataclass(frozen=True)
class _Known:
    """What the public knew right after one event."""

    at: datetime
    published_at: datetime
    events: list[Event]  # up to and including the event

    def seen(self, kind: EventKind) -> Event | None:
        return next((e for e in reversed(self.events) if e.kind is kind), None)

    def values(self, kind: EventKind, key: str) -> set[Any]:
        return {e.data.get(key) for e in self.events if e.kind is kind}


def _release(
    history: TenderHistory, options: Options, events: list[Event], index: int
) -> dict[str, Any]:
    event = events[index]
    known = _Known(event.at, events[0].at, events[: index + 1])
    the_ocid = ocid(options.prefix, history.reference)
    lead = history.buyers[0]
    release: dict[str, Any] = {
        "ocid": the_ocid,
        "id": f"{the_ocid}-{event.seq}",
        "date": moment(event.at),
        "tag": TAGS[event.kind],
        "initiationType": "tender",
        "language": history.language,
        "buyer": {"id": party_id(lead), "name": lead.name},
        "parties": _parties(history, options, known),
        "tender": _tender(history, known, _deadlines_at(history, events, event.seq)),
    }
    if history.estimated_value is not None:
        release["planning"] = {
            "budget": {"amount": amount(history.estimated_value, history.currency)}
        }
    awards = _awards(history, options, known)
    if awards:
        release["awards"] = awards
    contracts = _contracts(history, known)
    if contracts:
        release["contracts"] = contracts
    return release


def _deadlines_at(
    history: TenderHistory, events: list[Event], seq: int
) -> dict[str, datetime | None]:
    """The deadlines as they stood after event ``seq``: the current ones with every later
    change undone (its recorded ``before`` values)."""
    deadlines = dict(history.deadlines)
    for event in reversed(events):
        if event.seq <= seq:
            break
        if event.kind is EventKind.DEADLINES_CHANGED:
            for key, value in (event.data.get("before") or {}).items():
                deadlines[key] = _when(value)
    return deadlines


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _status(history: TenderHistory, known: _Known) -> str:
    if known.seen(EventKind.CANCELLED):
        return "cancelled"
    if known.seen(EventKind.UNSUCCESSFUL):
        return "unsuccessful"
    return "complete" if known.seen(EventKind.AWARDED) else "active"


def _tender(
    history: TenderHistory, known: _Known, deadlines: Mapping[str, datetime | None]
) -> dict[str, Any]:
    lead = history.buyers[0]
    kind = PROCEDURE_TYPES.get(history.procedure)
    status = _status(history, known)
    tender: dict[str, Any] = {
        "id": history.reference,
        "title": history.title,
        "status": status,
        "datePublished": moment(known.published_at),
        "procuringEntity": {"id": party_id(lead), "name": lead.name},
        "procurementMethod": PROCUREMENT_METHODS.get(history.procedure, "open"),
        "procurementMethodDetails": kind.label if kind else history.procedure,
        "mainProcurementCategory": main_category(history.cpv_codes),
        "items": list(_items(history)),
        "lots": [_lot(history, lot, status, known) for lot in history.lots],
        "hasEnquiries": bool(known.values(EventKind.CLARIFIED, "number")),
    }
    if history.description:
        tender["description"] = history.description
    if kind is not None and kind.ranked:
        tender["awardCriteria"] = "ratedCriteria"
    if history.estimated_value is not None:
        tender["value"] = amount(history.estimated_value, history.currency)
    tender.update(_periods(history, known, deadlines))
    documents = _documents(history, known)
    if documents:
        tender["documents"] = documents
    amendments = [
        {
            "id": str(e.seq),
            "date": moment(e.at),
            "rationale": str(e.data.get("reason") or ""),
            "description": "Deadlines changed",
        }
        for e in known.events
        if e.kind is EventKind.DEADLINES_CHANGED
    ]
    if amendments:
        tender["amendments"] = amendments
    return tender


def _periods(
    history: TenderHistory, known: _Known, deadlines: Mapping[str, datetime | None]
) -> dict[str, Any]:
    start = moment(known.published_at)
    periods: dict[str, Any] = {}
    if deadlines.get("deadline_bids"):
        periods["tenderPeriod"] = {
            "startDate": start,
            "endDate": moment(deadlines["deadline_bids"]),
        }
    if deadlines.get("deadline_questions"):
        periods["enquiryPeriod"] = {
            "startDate": start,
            "endDate": moment(deadlines["deadline_questions"]),
        }
    if deadlines.get("deadline_requests"):
        periods["expressionOfInterestDeadline"] = moment(deadlines["deadline_requests"])
    if history.contract_start and history.contract_end:
        periods["contractPeriod"] = {
            "startDate": moment(history.contract_start),
            "endDate": moment(history.contract_end),
        }
    intent = known.seen(EventKind.AWARD_INTENT)
    if intent and history.standstill_ends_at:
        periods["standstillPeriod"] = {
            "startDate": moment(intent.at),
            "endDate": moment(history.standstill_ends_at),
        }
    return periods


def main_category(cpv_codes: tuple[str, ...]) -> str:
    """CPV divisions: 45 works, below 45 and 48 supplies (goods), the rest services."""
    division = cpv_codes[0][:2] if cpv_codes and cpv_codes[0][:2].isdigit() else "85"
    if division == "45":
        return "works"
    return "goods" if int(division) < 45 or division == "48" else "services"


def lot_id(number: int) -> str:
    return f"lot-{number}"


def _items(history: TenderHistory) -> Iterator[dict[str, Any]]:
    for lot in history.lots or ():
        for index, code in enumerate(history.cpv_codes, start=1):
            yield {
                "id": f"{lot.number}-{index}",
                "description": lot.title,
                "classification": {"scheme": "CPV", "id": code.split("-")[0]},
                "relatedLot": lot_id(lot.number),
            }


def _lot(history: TenderHistory, lot: Any, status: str, known: _Known) -> dict[str, Any]:
    failed = lot.id in known.values(EventKind.LOT_UNSUCCESSFUL, "lot")
    found: dict[str, Any] = {
        "id": lot_id(lot.number),
        "title": lot.title,
        "status": "unsuccessful" if failed else status,
    }
    if lot.description:
        found["description"] = lot.description
    if lot.estimated_value is not None:
        found["value"] = amount(lot.estimated_value, history.currency)
    return found


def _documents(history: TenderHistory, known: _Known) -> list[dict[str, Any]]:
    documents = [
        {
            "id": f"document-{d.id}",
            "documentType": "biddingDocuments",
            "title": d.name if d.version == 1 else f"{d.name} (v{d.version})",
            "datePublished": moment(max(d.uploaded_at, known.published_at)),
        }
        for d in history.documents
        if d.uploaded_at <= known.at
    ]
    answered = known.values(EventKind.CLARIFIED, "number")
    documents += [
        {
            "id": f"clarification-{c.number}",
            "documentType": "clarifications",
            "title": c.question,
            "description": c.answer,
            "datePublished": moment(c.answered_at),
        }
        for c in history.clarifications
        if c.number in answered
    ]
    return documents


def _supplier(body: Body, options: Options) -> dict[str, Any] | None:
    """The supplier as the public may see it: a natural person left out or pseudonymised."""
    if not body.natural_person:
        return {"id": party_id(body), "name": body.name}
    if options.natural_persons == PSEUDONYMISE:
        label = options.pseudonym(body)
        return {"id": label, "name": label}
    return None


def _winners(history: TenderHistory, known: _Known) -> list[Winner]:
    if not known.seen(EventKind.AWARD_INTENT) and not known.seen(EventKind.AWARDED):
        return []
    failed = known.values(EventKind.LOT_UNSUCCESSFUL, "lot")
    return [w for w in history.winners if w.lot_id not in failed]


def _awards(history: TenderHistory, options: Options, known: _Known) -> list[dict[str, Any]]:
    final = known.seen(EventKind.AWARDED)
    intent = known.seen(EventKind.AWARD_INTENT)
    lots = {lot.id: lot_id(lot.number) for lot in history.lots}
    awards = []
    for winner in _winners(history, known):
        award: dict[str, Any] = {
            "id": f"award-{winner.bid_id}",
            "status": "active" if final else "pending",
            "date": moment((intent or final).at),  # type: ignore[union-attr]
            "relatedLots": [lots[winner.lot_id]] if winner.lot_id in lots else [],
        }
        supplier = _supplier(winner.supplier, options)
        if supplier:
            award["suppliers"] = [supplier]
        if final and winner.price is not None:  # a price is public from the definitive award
            award["value"] = amount(winner.price, history.currency)
        awards.append(award)
    return awards


def _contracts(history: TenderHistory, known: _Known) -> list[dict[str, Any]]:
    recorded = known.values(EventKind.CONTRACT, "contract")
    return [
        {
            "id": f"contract-{c.id}",
            "awardID": f"award-{c.bid_id}",
            "status": "active",
            "dateSigned": moment(c.signed_on),
            "period": {"startDate": moment(c.start), "endDate": moment(c.end)},
            "value": amount(c.value, c.currency),
        }
        for c in history.contracts
        if c.id in recorded
    ]


def _parties(history: TenderHistory, options: Options, known: _Known) -> list[dict[str, Any]]:
    parties: dict[str, dict[str, Any]] = {}
    for index, body in enumerate(history.buyers):
        parties[party_id(body)] = {
            "id": party_id(body),
            "name": body.name,
            "identifier": org_id(body),
            "roles": ["buyer", "procuringEntity"] if index == 0 else ["buyer"],
        }
    for winner in _winners(history, known):
        supplier = _supplier(winner.supplier, options)
        if supplier is None or supplier["id"] in parties:
            continue
        party = {**supplier, "roles": ["supplier"]}
        if not winner.supplier.natural_person:
            party["identifier"] = org_id(winner.supplier)
        parties[supplier["id"]] = party
    return list(parties.values())
