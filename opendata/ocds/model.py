"""What the OCDS builder reads: one tender's public facts and its history, as plain data.

The service (``opendata.ocds.service``) fills these from the tables and the audit log; the
builder (``opendata.ocds.build``) turns them into releases. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    """The events that change what the public may know of a tender, by their audit action."""

    PUBLISHED = "tender.publish"
    DEADLINES_CHANGED = "tender.deadlines_changed"
    DOCUMENT_ADDED = "tender.document_uploaded"
    CLARIFIED = "question.answered"
    AWARD_INTENT = "tender.send_award_decisions"
    AWARDED = "tender.award"
    LOT_UNSUCCESSFUL = "lot.declared_unsuccessful"
    CONTRACT = "contract.recorded"
    CANCELLED = "tender.cancel"
    UNSUCCESSFUL = "tender.declare_unsuccessful"


@dataclass(frozen=True)
class Event:
    """One audited event of the tender: ``seq`` is its place in the audit chain (it names the
    release, so release ids never change), ``data`` the event's recorded ``after`` values and,
    under ``"before"``, its ``before`` values."""

    seq: int
    at: datetime
    kind: EventKind
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Body:
    """An authority or organisation. ``natural_person``: a sole trader whose name is a
    person's name (published as the ``open_data_natural_persons`` setting says)."""

    id: int
    name: str
    country: str
    registration_number: str
    natural_person: bool = False


@dataclass(frozen=True)
class LotFacts:
    id: int
    number: int
    title: str
    description: str = ""
    estimated_value: Decimal | None = None
    unsuccessful_at: datetime | None = None


@dataclass(frozen=True)
class DocumentFacts:
    id: int
    name: str
    version: int
    uploaded_at: datetime


@dataclass(frozen=True)
class Clarification:
    """An answered clarification question (published without its asker)."""

    number: int
    question: str
    answer: str
    answered_at: datetime


@dataclass(frozen=True)
class Winner:
    """A winning bid: its price is public only once the award is definitive."""

    bid_id: int
    lot_id: int
    supplier: Body
    price: Decimal | None


@dataclass(frozen=True)
class ContractFacts:
    id: int
    bid_id: int
    value: Decimal
    currency: str
    start: date
    end: date
    signed_on: date


@dataclass(frozen=True)
class TenderHistory:
    """One published tender: its current public facts and its events, oldest first.

    ``deadlines``: the current deadlines by column name (``deadline_requests``,
    ``deadline_questions``, ``deadline_bids``); earlier values are read back from the
    deadline-change events."""

    id: int
    reference: str
    title: str
    procedure: str
    currency: str
    language: str
    buyers: tuple[Body, ...]  # the lead authority first
    description: str = ""
    estimated_value: Decimal | None = None
    cpv_codes: tuple[str, ...] = ()
    deadlines: Mapping[str, datetime | None] = field(default_factory=dict)
    standstill_ends_at: datetime | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    closed_reason: str = ""
    lots: tuple[LotFacts, ...] = ()
    documents: tuple[DocumentFacts, ...] = ()
    clarifications: tuple[Clarification, ...] = ()
    winners: tuple[Winner, ...] = ()
    contracts: tuple[ContractFacts, ...] = ()
    events: tuple[Event, ...] = ()
