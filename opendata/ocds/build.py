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

from collections.abc import Callable
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
    ``natural_persons`` is ``pseudonymise``). ``base_url``: where the service is reached (the
    ``public_url`` setting); a tender document's ``url`` is its public download there (the
    supplier portal serves every document of a published tender without login)."""

    prefix: str
    natural_persons: str = OMIT
    pseudonym: Callable[[Body], str] = lambda body: f"person-{body.id}"
    base_url: str = ""


def document_url(base_url: str, tender_id: int, document_id: int) -> str:
    """The portal's public download of a tender document (``portal_tender_document``)."""
    return f"{base_url.rstrip('/')}/portal/tenders/{tender_id}/documents/{document_id}"


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


def main_category(cpv_codes: tuple[str, ...]) -> str:
    """CPV divisions: 45 works, below 45 and 48 supplies (goods), the rest services."""
    division = cpv_codes[0][:2] if cpv_codes and cpv_codes[0][:2].isdigit() else "85"
    if division == "45":
        return "works"
    return "goods" if int(division) < 45 or division == "48" else "services"


def lot_id(number: int) -> str:
    return f"lot-{number}"


def _supplier(body: Body, options: Options) -> dict[str, Any] | None:
    """The supplier as the public may see it: a natural person left out or pseudonymised."""
    if not body.natural_person:
        return {"id": party_id(body), "name": body.name}
    if options.natural_persons == PSEUDONYMISE:
        label = options.pseudonym(body)
        return {"id": label, "name": label}
    return None


def releases(history: TenderHistory, options: Options) -> list[dict[str, Any]]:
    """One release per event from publication on, oldest first; none for a tender that was
    never published. What does not change between events is built once and shared by the
    releases (they are read, serialised, never changed)."""
    events = _public_events(history.events)
    if not events:
        return []
    fixed = _Fixed(history, options, events[0].at)
    deadlines = _deadlines_after(history, events)
    progress = _Progress()
    found = []
    for event, moments in zip(events, deadlines, strict=True):
        progress.apply(event)
        found.append(fixed.release(event, progress, moments))
    return found


def _public_events(events: tuple[Event, ...]) -> list[Event]:
    ordered = sorted(events, key=lambda e: e.seq)
    start = next((i for i, e in enumerate(ordered) if e.kind is EventKind.PUBLISHED), None)
    return [] if start is None else ordered[start:]


def _deadlines_after(history: TenderHistory, events: list[Event]) -> list[dict[str, Any]]:
    """The deadlines (as OCDS moments) right after each event: the current ones, with each
    later change undone (its recorded ``before`` values), walking back from the last event."""
    current = {k: moment(v) for k, v in history.deadlines.items() if v is not None}
    found: list[dict[str, Any]] = []
    for event in reversed(events):
        found.append(current)
        if event.kind is EventKind.DEADLINES_CHANGED:
            current = dict(current)
            for key, value in (event.data.get("before") or {}).items():
                when = _when(value)
                if when is None:
                    current.pop(key, None)
                else:
                    current[key] = moment(when)
    return found[::-1]


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class _Progress:
    """What the public knows so far, event by event."""

    def __init__(self) -> None:
        self.at: datetime | None = None
        self.intent: Event | None = None
        self.final: Event | None = None
        self.ended: str | None = None  # "cancelled" or "unsuccessful"
        self.failed_lots: set[Any] = set()
        self.withdrawn_lots: set[Any] = set()  # failed after their award decision was known
        self.answered: set[Any] = set()
        self.contracts: set[Any] = set()
        self.amendments: list[dict[str, Any]] = []

    def apply(self, event: Event) -> None:
        self.at = event.at
        kind = event.kind
        if kind is EventKind.AWARD_INTENT:
            self.intent = event
        elif kind is EventKind.AWARDED:
            self.final = event
        elif kind is EventKind.CANCELLED:
            self.ended = "cancelled"
        elif kind is EventKind.UNSUCCESSFUL:
            self.ended = "unsuccessful"
        elif kind is EventKind.LOT_UNSUCCESSFUL:
            self.failed_lots.add(event.data.get("lot"))
            if self.intent or self.final:
                self.withdrawn_lots.add(event.data.get("lot"))
        elif kind is EventKind.CLARIFIED:
            self.answered.add(event.data.get("number"))
        elif kind is EventKind.CONTRACT:
            self.contracts.add(event.data.get("contract"))
        elif kind is EventKind.DEADLINES_CHANGED:
            self.amendments = [
                *self.amendments,
                {
                    "id": str(event.seq),
                    "date": moment(event.at),
                    "rationale": str(event.data.get("reason") or ""),
                    "description": "Deadlines changed",
                },
            ]

    @property
    def status(self) -> str:
        return self.ended or ("complete" if self.final else "active")


class _Fixed:
    """The parts of a tender's releases that do not change from event to event."""

    def __init__(self, history: TenderHistory, options: Options, published_at: datetime) -> None:
        self.history = history
        self.options = options
        self.ocid = ocid(options.prefix, history.reference)
        self.published = moment(published_at)
        lead = history.buyers[0]
        self.buyer = {"id": party_id(lead), "name": lead.name}
        self.buyers = [
            {
                "id": party_id(body),
                "name": body.name,
                "identifier": org_id(body),
                "roles": ["buyer", "procuringEntity"] if index == 0 else ["buyer"],
            }
            for index, body in enumerate(history.buyers)
        ]
        self.planning = (
            {"budget": {"amount": amount(history.estimated_value, history.currency)}}
            if history.estimated_value is not None
            else None
        )
        self.head = self._head()
        self.lots = [(lot.id, self._lot(lot)) for lot in history.lots]
        self.documents = [
            (
                d.uploaded_at,
                self._document(d, published_at),
            )
            for d in history.documents
        ]
        self.clarifications = [
            (
                c.number,
                {
                    "id": f"clarification-{c.number}",
                    "documentType": "clarifications",
                    "title": c.question,
                    "description": c.answer,
                    "datePublished": moment(c.answered_at),
                },
            )
            for c in history.clarifications
        ]
        self.contracts = [
            (
                c.id,
                {
                    "id": f"contract-{c.id}",
                    "awardID": f"award-{c.bid_id}",
                    "status": "active",
                    "dateSigned": moment(c.signed_on),
                    "period": {"startDate": moment(c.start), "endDate": moment(c.end)},
                    "value": amount(c.value, c.currency),
                },
            )
            for c in history.contracts
        ]
        self.contract_period = (
            {
                "startDate": moment(history.contract_start),
                "endDate": moment(history.contract_end),
            }
            if history.contract_start and history.contract_end
            else None
        )
        self.contracted = [(c.bid_id, c.id) for c in history.contracts]
        lots = {lot.id: lot_id(lot.number) for lot in history.lots}
        self.winners = [
            (w, lots.get(w.lot_id), _supplier(w.supplier, options)) for w in history.winners
        ]

    def _document(self, d: Any, published_at: datetime) -> dict[str, Any]:
        found = {
            "id": f"document-{d.id}",
            "documentType": "biddingDocuments",
            "title": d.name if d.version == 1 else f"{d.name} (v{d.version})",
            "datePublished": moment(max(d.uploaded_at, published_at)),
        }
        if self.options.base_url:
            found["url"] = document_url(self.options.base_url, self.history.id, d.id)
        return found

    def _head(self) -> dict[str, Any]:
        history = self.history
        kind = PROCEDURE_TYPES.get(history.procedure)
        head: dict[str, Any] = {
            "id": history.reference,
            "title": history.title,
            "datePublished": self.published,
            "procuringEntity": self.buyer,
            "procurementMethod": PROCUREMENT_METHODS.get(history.procedure, "open"),
            "procurementMethodDetails": kind.label if kind else history.procedure,
            "mainProcurementCategory": main_category(history.cpv_codes),
            "items": [
                {
                    "id": f"{lot.number}-{index}",
                    "description": lot.title,
                    "classification": {"scheme": "CPV", "id": code.split("-")[0]},
                    "relatedLot": lot_id(lot.number),
                }
                for lot in history.lots
                for index, code in enumerate(history.cpv_codes, start=1)
            ],
        }
        if history.description:
            head["description"] = history.description
        if kind is not None and kind.ranked:
            head["awardCriteria"] = "ratedCriteria"
        if history.estimated_value is not None:
            head["value"] = amount(history.estimated_value, history.currency)
        return head

    def _lot(self, lot: Any) -> dict[str, Any]:
        found: dict[str, Any] = {"id": lot_id(lot.number), "title": lot.title}
        if lot.description:
            found["description"] = lot.description
        if lot.estimated_value is not None:
            found["value"] = amount(lot.estimated_value, self.history.currency)
        return found

    def release(
        self, event: Event, progress: _Progress, deadlines: dict[str, str]
    ) -> dict[str, Any]:
        winners = self._winners(progress)
        release: dict[str, Any] = {
            "ocid": self.ocid,
            "id": f"{self.ocid}-{event.seq}",
            "date": moment(event.at),
            "tag": TAGS[event.kind],
            "initiationType": "tender",
            "language": self.history.language,
            "buyer": self.buyer,
            "parties": self._parties(winners),
            "tender": self._tender(event, progress, deadlines),
        }
        if self.planning:
            release["planning"] = self.planning
        awards = self._awards(progress, winners)
        if awards:
            release["awards"] = awards
        contracts = [c for key, c in self.contracts if key in progress.contracts]
        if contracts:
            release["contracts"] = contracts
        return release

    def _tender(
        self, event: Event, progress: _Progress, deadlines: dict[str, str]
    ) -> dict[str, Any]:
        status = progress.status
        tender = {
            **self.head,
            "status": status,
            "lots": [
                {**lot, "status": "unsuccessful" if key in progress.failed_lots else status}
                for key, lot in self.lots
            ],
            "hasEnquiries": bool(progress.answered),
        }
        if "deadline_bids" in deadlines:
            tender["tenderPeriod"] = {
                "startDate": self.published,
                "endDate": deadlines["deadline_bids"],
            }
        if "deadline_questions" in deadlines:
            tender["enquiryPeriod"] = {
                "startDate": self.published,
                "endDate": deadlines["deadline_questions"],
            }
        if "deadline_requests" in deadlines:
            tender["expressionOfInterestDeadline"] = deadlines["deadline_requests"]
        if self.contract_period:
            tender["contractPeriod"] = self.contract_period
        if progress.intent and self.history.standstill_ends_at:
            tender["standstillPeriod"] = {
                "startDate": moment(progress.intent.at),
                "endDate": moment(self.history.standstill_ends_at),
            }
        documents = [d for at, d in self.documents if at <= event.at]
        documents += [c for number, c in self.clarifications if number in progress.answered]
        if documents:
            tender["documents"] = documents
        if progress.amendments:
            tender["amendments"] = progress.amendments
        return tender

    def _winners(self, progress: _Progress) -> list[tuple[Winner, str | None, Any]]:
        if not progress.intent and not progress.final:
            return []
        return [
            w
            for w in self.winners
            if w[0].lot_id not in progress.failed_lots or w[0].lot_id in progress.withdrawn_lots
        ]

    def _awards(self, progress: _Progress, winners: list) -> list[dict[str, Any]]:
        final = progress.final
        decided = progress.intent or final
        awards = []
        contracted = {bid for bid, key in self.contracted if key in progress.contracts}
        for winner, lot, supplier in winners:
            award: dict[str, Any] = {
                "id": f"award-{winner.bid_id}",
                "status": _award_status(progress, winner, contracted),
                "date": moment(decided.at),  # type: ignore[union-attr]
                "relatedLots": [lot] if lot else [],
            }
            if supplier:
                award["suppliers"] = [supplier]
            withdrawn = winner.lot_id in progress.withdrawn_lots  # its bid did not win after all
            if final and winner.price is not None and not withdrawn:  # public from the award
                award["value"] = amount(winner.price, self.history.currency)
            awards.append(award)
        return awards

    def _parties(self, winners: list) -> list[dict[str, Any]]:
        parties = list(self.buyers)
        seen = {p["id"] for p in parties}
        for winner, _, supplier in winners:
            if supplier is None or supplier["id"] in seen:
                continue
            seen.add(supplier["id"])
            party = {**supplier, "roles": ["supplier"]}
            if not winner.supplier.natural_person:
                party["identifier"] = org_id(winner.supplier)
            parties.append(party)
        return parties


def _award_status(progress: _Progress, winner: Winner, contracted: set[int]) -> str:
    """``cancelled`` once the award cannot stand: its lot declared unsuccessful after the
    award decision, or the tender cancelled or declared unsuccessful before its contract (the
    earlier pending or active award is then overwritten by id in the compiled record);
    otherwise ``active`` from the definitive award, ``pending`` before it. (The tenders app
    declares a lot unsuccessful only before the award decisions, and then clears its winners;
    the first case is for histories that carry the winner on, as the model allows.)"""
    if winner.lot_id in progress.withdrawn_lots:
        return "cancelled"
    if progress.ended and winner.bid_id not in contracted:
        return "cancelled"
    return "active" if progress.final else "pending"
