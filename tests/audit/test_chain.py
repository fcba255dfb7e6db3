"""The keyed hash chain and its checkpoints as pure functions: any edit, removal, reordering,
cut or recomputation without the key shows."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from audit.domain import (
    GENESIS_HASH,
    ChainHead,
    ChainVerifier,
    EventData,
    StoredEvent,
    canonical_json,
    changes,
    event_hash,
    legacy_event_hash,
    parse_checkpoint,
    sign_checkpoint,
)

KEY = b"the audit key, kept outside the database"
MOMENT = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def chain(length: int, hasher=lambda data: event_hash(data, KEY)) -> list[StoredEvent]:
    events, previous = [], GENESIS_HASH
    for seq in range(1, length + 1):
        data = EventData(
            seq,
            datetime(2026, 1, 1, 12, 0, seq, 123456, tzinfo=UTC),
            7,
            "a@b.nl",
            "thing.changed",
            "thing",
            str(seq),
            None,
            canonical_json({"n": seq}),
            previous,
        )
        previous = hasher(data)
        events.append(StoredEvent(data, previous))
    return events


def recompute(events: list[StoredEvent], hasher) -> list[StoredEvent]:
    """What someone with write access to the database but without the key can do."""
    out, previous = [], GENESIS_HASH
    for stored in events:
        data = replace(stored.data, prev_hash=previous)
        previous = hasher(data)
        out.append(StoredEvent(data, previous))
    return out


def verify(events, head=None, checkpoints=(), key=KEY):
    verifier = ChainVerifier(key, checkpoints)
    return verifier.feed(events) or verifier.finish(head)


def checkpoint_of(events, seq, moment=MOMENT, key=KEY):
    return sign_checkpoint(ChainHead(seq, events[seq - 1].hash), moment, key)


def test_an_untouched_chain_is_intact():
    events = chain(5)
    assert verify(events, ChainHead(5, events[-1].hash)) is None
    assert verify(events, checkpoints=[checkpoint_of(events, 3), checkpoint_of(events, 5)]) is None
    assert verify([]) is None


def test_the_hash_is_keyed():
    data = chain(1)[0].data
    assert event_hash(data, KEY) != event_hash(data, b"another key")
    assert event_hash(data, KEY) != legacy_event_hash(data)
    with pytest.raises(ValueError, match="key"):
        event_hash(data, "")


def test_an_edited_event_is_named():
    events = chain(5)
    events[2] = StoredEvent(replace(events[2].data, after='{"n":99}'), events[2].hash)
    problem = verify(events)
    assert problem.seq == 3 and "altered" in problem.reason


def test_a_removed_event_is_named():
    events = chain(5)
    del events[1]
    problem = verify(events)
    assert problem.seq == 2 and "missing" in problem.reason


def test_an_edit_with_every_hash_recomputed_in_plain_sha256_shows_at_the_first_event():
    events = chain(5)
    events[3] = StoredEvent(replace(events[3].data, actor="someone.else@b.nl"), events[3].hash)
    forged = recompute(events, legacy_event_hash)
    problem = verify(forged)
    assert problem.seq == 1 and "altered" in problem.reason


def test_a_chain_recomputed_under_another_key_shows_at_the_first_event():
    forged = recompute(chain(5), lambda data: event_hash(data, b"a guessed key"))
    assert verify(forged).seq == 1


def test_the_same_chain_under_the_wrong_key_does_not_verify():
    assert verify(chain(3), key=b"not the audit key").seq == 1


def test_a_rehashed_forgery_breaks_the_link_to_the_next_event():
    events = chain(4)
    forged = replace(events[1].data, actor="someone.else@b.nl")
    events[1] = StoredEvent(forged, event_hash(forged, KEY))
    problem = verify(events)
    assert problem.seq == 3 and "does not link" in problem.reason


def test_removing_the_newest_events_shows_against_a_checkpoint():
    events = chain(6)
    checkpoint = checkpoint_of(events, 5)
    problem = verify(events[:3], checkpoints=[checkpoint])
    assert problem.seq == 4 and "missing" in problem.reason and "#5" in problem.reason
    # Events after the newest checkpoint are not covered by it: that is what frequent
    # checkpoints are for.
    assert verify(events[:5], checkpoints=[checkpoint]) is None


def test_a_chain_rewritten_from_a_checkpointed_event_on_differs_from_the_checkpoint():
    events = chain(5)
    checkpoint = checkpoint_of(events, 4)
    rewritten = events[:3] + chain(5)[3:]  # same events: still intact
    assert verify(rewritten, checkpoints=[checkpoint]) is None
    other = replace(events[3].data, after='{"n":"other"}')
    rewritten = [*events[:3], StoredEvent(other, event_hash(other, KEY))]
    problem = verify(rewritten, checkpoints=[checkpoint])
    assert problem.seq == 4 and "checkpoint" in problem.reason


def test_a_checkpoint_is_signed_and_reads_back():
    events = chain(3)
    checkpoint = checkpoint_of(events, 3, MOMENT + timedelta(microseconds=5))
    again = parse_checkpoint(checkpoint.to_json())
    assert again == checkpoint and again.is_authentic(KEY)
    assert not again.is_authentic(b"another key")
    rolled_back = replace(again, seq=2, hash=events[1].hash)
    assert not rolled_back.is_authentic(KEY)
    for text in ("", "{}", '{"seq": "x", "hash": "h", "time": "t", "mac": "m"}', "[1]"):
        with pytest.raises(ValueError):
            parse_checkpoint(text)


def test_the_legacy_verifier_checks_a_plain_sha256_chain_against_its_head():
    events = chain(4, legacy_event_hash)
    verifier = ChainVerifier(hasher=legacy_event_hash)
    assert verifier.feed(events) is None
    assert verifier.finish(ChainHead(4, events[-1].hash)) is None
    verifier = ChainVerifier(hasher=legacy_event_hash)
    verifier.feed(events[:3])
    assert verifier.finish(ChainHead(4, events[-1].hash)).seq == 4


def test_canonical_json_is_stable_and_exact():
    value = {"b": Decimal("1.10"), "a": datetime(2026, 1, 1, tzinfo=UTC), "c": {3, 1}}
    assert canonical_json(value) == '{"a":"2026-01-01T00:00:00+00:00","b":"1.10","c":[1,3]}'
    assert canonical_json(None) is None


def test_changes_keeps_only_what_differs():
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
