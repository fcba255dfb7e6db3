"""For any tender driven through a random valid sequence of phases and events, the merged
record of its releases is the tender's public state, and no release before the definitive
award carries a price. The tender is simulated beside the builder: what the public should know
is kept here, independently of how the releases are made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from opendata.ocds.build import Options, moment, releases
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
from opendata.ocds.packages import compiled
from tenders.procedures import FINAL_PHASES, PROCEDURE_TYPES, Phase
from tests.opendata.validation import RELEASE, codelist_problems, problems

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
BEFORE_OPENING = {Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, Phase.TENDERING}
BUYERS = (Body(1, "Gemeente Utrecht", "NL", "30280353"), Body(2, "Gemeente Zeist", "NL", "1234"))
SUPPLIERS = (
    Body(10, "Zorg BV", "NL", "11111111"),
    Body(11, "Anna Svensson", "SE", "8501011234", natural_person=True),
    Body(12, "Hjälp AB", "SE", "5560000001"),
)


@dataclass
class Simulated:
    """The tender and what the public should know of it now."""

    procedure: str
    lots: int
    phase: Phase = Phase.DRAFT
    now: datetime = START
    seq: int = 0
    events: list[Event] = field(default_factory=list)
    deadline: datetime = START + timedelta(days=40)
    initial_deadline: datetime = START + timedelta(days=40)
    failed_lots: set[int] = field(default_factory=set)
    withdrawn_lots: set[int] = field(default_factory=set)  # failed after the award decisions
    winners: list[Winner] = field(default_factory=list)
    contracts: list[ContractFacts] = field(default_factory=list)
    clarifications: list[Clarification] = field(default_factory=list)
    documents: list[DocumentFacts] = field(default_factory=list)
    intent_at: datetime | None = None
    award_seq: int | None = None  # the definitive award's event

    def record(self, kind: EventKind, **data: object) -> Event:
        self.seq += 3
        self.now += timedelta(days=1, minutes=7)
        event = Event(self.seq, self.now, kind, data)
        self.events.append(event)
        return event

    @property
    def type(self):
        return PROCEDURE_TYPES[self.procedure]


def _step(tender: Simulated, choice: int) -> None:
    """One valid step, chosen by ``choice`` among those the phase allows: mostly the next
    phase, sometimes an event within the phase, rarely the end (so that awards are reached)."""
    phase = tender.phase
    within: list[str] = []
    ends: list[str] = []
    if phase in BEFORE_OPENING:
        within += ["deadline", "clarify", "document"]
        ends.append("cancel")
    if phase in (Phase.OPENING, Phase.EVALUATION):
        ends += ["unsuccessful", "cancel"]
    open_lots = len(tender.failed_lots) < tender.lots - 1
    if open_lots and phase in (Phase.OPENING, Phase.EVALUATION, Phase.AWARD_INTENT):
        within.append("lot_unsuccessful")  # in the award intent: the decision withdrawn
    if phase in (Phase.AWARD_INTENT, Phase.AWARDED):
        ends.append("cancel")  # the award decisions (or the award) then cancelled
    if 30 <= choice < 38 and within:
        step = within[choice % len(within)]
    elif choice in (38, 39) and ends:
        step = ends[choice % len(ends)]
    else:
        step = "next"
    if step == "deadline":
        before = tender.deadline
        tender.deadline = before + timedelta(days=7)
        tender.record(
            EventKind.DEADLINES_CHANGED,
            deadline_bids=tender.deadline.isoformat(),
            before={"deadline_bids": before.isoformat()},
        )
    elif step == "clarify":
        number = len(tender.clarifications) + 1
        event = tender.record(EventKind.CLARIFIED, number=number)
        tender.clarifications.append(Clarification(number, f"Q{number}?", f"A{number}.", event.at))
    elif step == "document":
        tender.now += timedelta(hours=1)
        tender.documents.append(DocumentFacts(len(tender.documents) + 2, "Bestek", 2, tender.now))
        tender.record(EventKind.DOCUMENT_ADDED)
    elif step == "cancel":
        tender.record(EventKind.CANCELLED)
        tender.phase = Phase.CANCELLED
    elif step == "unsuccessful":
        tender.record(EventKind.UNSUCCESSFUL)
        tender.phase = Phase.UNSUCCESSFUL
    elif step == "lot_unsuccessful":
        lot = max(set(range(1, tender.lots + 1)) - tender.failed_lots)
        tender.failed_lots.add(lot)
        if tender.intent_at is not None:
            tender.withdrawn_lots.add(lot)
        tender.record(EventKind.LOT_UNSUCCESSFUL, lot=lot)
    else:
        _advance(tender)


def _advance(tender: Simulated) -> None:
    following = tender.type.next_phase(tender.phase)
    assert following is not None
    if following is Phase.PUBLISHED or (tender.phase is Phase.DRAFT):
        tender.record(EventKind.PUBLISHED)
    elif following is Phase.AWARD_INTENT:
        _choose_winners(tender)
        tender.intent_at = tender.record(EventKind.AWARD_INTENT).at
    elif following is Phase.AWARDED:
        if not tender.type.has(Phase.AWARD_INTENT):
            _choose_winners(tender)
        tender.award_seq = tender.record(EventKind.AWARDED).seq
    elif following is Phase.CONTRACTED:
        for winner in tender.winners:
            contract = ContractFacts(
                100 + winner.bid_id,
                winner.bid_id,
                winner.price or Decimal(0),
                "EUR",
                date(2026, 7, 1),
                date(2027, 6, 30),
                date(2026, 6, 1),
            )
            tender.contracts.append(contract)
            tender.record(EventKind.CONTRACT, contract=contract.id)
    tender.phase = following


def _choose_winners(tender: Simulated) -> None:
    tender.winners = [
        Winner(
            lot * 10 + index,
            lot,
            SUPPLIERS[(lot + index) % len(SUPPLIERS)],
            Decimal(f"{1000 * lot + index}.50"),
        )
        for lot in range(1, tender.lots + 1)
        if lot not in tender.failed_lots
        for index in range(1 + lot % 2)
    ]


def _history(tender: Simulated) -> TenderHistory:
    return TenderHistory(
        id=1,
        reference="UTR-2026-7",
        title="Hulp bij het huishouden",
        procedure=tender.procedure,
        currency="EUR",
        language="nl",
        buyers=BUYERS,
        estimated_value=Decimal("250000.00"),
        cpv_codes=("85312000-9", "98513310-8"),
        deadlines={"deadline_bids": tender.deadline, "deadline_questions": START},
        standstill_ends_at=tender.intent_at + timedelta(days=20) if tender.intent_at else None,
        lots=tuple(
            LotFacts(n, n, f"Wijk {n}", estimated_value=Decimal(100 * n))
            for n in range(1, tender.lots + 1)
        ),
        documents=(DocumentFacts(1, "Bestek", 1, START - timedelta(days=1)), *tender.documents),
        clarifications=tuple(tender.clarifications),
        winners=tuple(tender.winners),
        contracts=tuple(tender.contracts),
        events=tuple(tender.events),
    )


def _expected_status(tender: Simulated) -> str:
    if tender.phase is Phase.CANCELLED:
        return "cancelled"
    if tender.phase is Phase.UNSUCCESSFUL:
        return "unsuccessful"
    return "complete" if tender.award_seq is not None else "active"


PERSONS = st.sampled_from(["omit", "pseudonymise"])


@settings(max_examples=150, deadline=None)
@given(
    procedure=st.sampled_from(sorted(PROCEDURE_TYPES)),
    lots=st.integers(1, 3),
    choices=st.lists(st.integers(0, 40), min_size=10, max_size=30),
    stop=st.integers(1, 30),
    persons=PERSONS,
)
def test_the_merged_record_is_the_public_state(
    procedure: str, lots: int, choices: list[int], stop: int, persons: str
) -> None:
    tender = Simulated(procedure, lots)
    _advance(tender)  # publish
    for choice in choices[:stop]:
        if tender.phase in FINAL_PHASES:
            break
        _step(tender, choice)
    event(f"reached {tender.phase.value}")
    options = Options("ocds-tdesk0", persons, lambda body: f"person-{body.id}")
    found = releases(_history(tender), options)
    assert [r["id"].rsplit("-", 1)[1] for r in found] == [str(e.seq) for e in tender.events]
    for release in found:
        assert problems(RELEASE, release) == []
        assert codelist_problems(release) == []
        seq = int(release["id"].rsplit("-", 1)[1])
        before_award = tender.award_seq is None or seq < tender.award_seq
        if before_award:  # no price before the definitive award
            assert all("value" not in a for a in release.get("awards", []))
            assert "contracts" not in release
    first = found[0]["tender"]
    assert first["tenderPeriod"]["endDate"] == moment(tender.initial_deadline)

    record = compiled(found)
    public = record["tender"]
    assert public["status"] == _expected_status(tender)
    assert public["tenderPeriod"]["endDate"] == moment(tender.deadline)
    assert len(public.get("amendments", [])) == sum(
        e.kind is EventKind.DEADLINES_CHANGED for e in tender.events
    )
    assert {d["id"] for d in public["documents"] if d["documentType"] == "clarifications"} == {
        f"clarification-{c.number}" for c in tender.clarifications
    }
    lot_status = {lot["id"]: lot["status"] for lot in public["lots"]}
    for number in range(1, lots + 1):
        failed = number in tender.failed_lots
        assert lot_status[f"lot-{number}"] == ("unsuccessful" if failed else public["status"])
    _check_awards(tender, record, persons)


def _check_awards(tender: Simulated, record: dict, persons: str) -> None:
    awards = {a["id"]: a for a in record.get("awards", [])}
    shown = tender.intent_at is not None or tender.award_seq is not None
    expected = {f"award-{w.bid_id}": w for w in tender.winners} if shown else {}
    assert set(awards) == set(expected)
    for key, winner in expected.items():
        award = awards[key]
        assert award["relatedLots"] == [f"lot-{winner.lot_id}"]
        withdrawn = winner.lot_id in tender.withdrawn_lots
        if withdrawn or tender.phase in (Phase.CANCELLED, Phase.UNSUCCESSFUL):
            # The earlier pending (or active) award is overwritten: it cannot stand.
            assert award["status"] == "cancelled"
            event("an award cancelled" + (" (lot withdrawn)" if withdrawn else ""))
        else:
            assert award["status"] == ("active" if tender.award_seq is not None else "pending")
        if tender.award_seq is not None and not withdrawn:
            assert award["value"]["amount"] == float(winner.price)
        else:
            assert "value" not in award
        supplier = winner.supplier
        if not supplier.natural_person:
            assert award["suppliers"][0]["name"] == supplier.name
        elif persons == "omit":
            assert "suppliers" not in award
        else:
            assert award["suppliers"][0]["name"] == f"person-{supplier.id}"
    names = {p["name"] for p in record["parties"]}
    assert "Anna Svensson" not in names
    assert {c["id"] for c in record.get("contracts", [])} == {
        f"contract-{c.id}" for c in tender.contracts
    }
