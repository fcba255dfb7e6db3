"""The hash chain as pure functions: any edit, removal, reordering or cut shows."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from audit.domain import (
    GENESIS_HASH,
    ChainHead,
    ChainVerifier,
    EventData,
    StoredEvent,
    canonical_json,
    changes,
    event_hash,
)


def chain(length: int) -> list[StoredEvent]:
    events, previous = [], GENESIS_HASH
    for seq in range(1, length + 1):
        data = EventData(seq, datetime(2026, 1, 1, 12, 0, seq, 123456, tzinfo=UTC), 7, "a@b.nl",
                         "thing.changed", "thing", str(seq), None, canonical_json({"n": seq}),
                         previous)
        previous = event_hash(data)
        events.append(StoredEvent(data, previous))
    return events


def verify(events, head):
    verifier = ChainVerifier()
    return verifier.feed(events) or verifier.finish(head)


def test_an_untouched_chain_is_intact():
    events = chain(5)
    assert verify(events, ChainHead(5, events[-1].hash)) is None
    assert verify([], None) is None


def test_an_edited_event_is_named():
    events = chain(5)
    events[2] = StoredEvent(replace(events[2].data, after='{"n":99}'), events[2].hash)
    problem = verify(events, ChainHead(5, events[-1].hash))
    assert problem.seq == 3 and "altered" in problem.reason


def test_a_removed_event_is_named():
    events = chain(5)
    del events[1]
    problem = verify(events, ChainHead(5, events[-1].hash))
    assert problem.seq == 2 and "missing" in problem.reason


def test_removing_the_newest_events_shows_against_the_head():
    events = chain(5)
    head = ChainHead(5, events[-1].hash)
    problem = verify(events[:3], head)
    assert problem.seq == 4 and "missing" in problem.reason


def test_a_rehashed_forgery_breaks_the_link_to_the_next_event():
    events = chain(4)
    forged = replace(events[1].data, actor="someone.else@b.nl")
    events[1] = StoredEvent(forged, event_hash(forged))
    problem = verify(events, ChainHead(4, events[-1].hash))
    assert problem.seq == 3 and "does not link" in problem.reason


def test_canonical_json_is_stable_and_exact():
    value = {"b": Decimal("1.10"), "a": datetime(2026, 1, 1, tzinfo=UTC), "c": {3, 1}}
    assert canonical_json(value) == '{"a":"2026-01-01T00:00:00+00:00","b":"1.10","c":[1,3]}'
    assert canonical_json(None) is None


def test_changes_keeps_only_what_differs():
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
