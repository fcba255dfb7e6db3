"""Tampering with the audit log as someone who can write the database but lacks the audit key:
every way of rewriting history shows in `tenderdesk audit verify` and on the admin page."""

import json
import stat
from datetime import timedelta

import pytest

from audit import checkpoints, service
from audit.domain import event_hash, legacy_event_hash, parse_checkpoint
from audit.tables import AuditEvent
from common import clock
from common.identity import Actor
from config.database import is_sqlite, raw, transaction
from tests.audit.tampering import record_events, rewrite_chain, tamper
from tests.support.cli import tenderdesk


def kept_lines() -> list[str]:
    return checkpoints.checkpoint_path().read_text().splitlines()


async def test_checkpoint_is_signed_kept_owner_only_and_printed(db, tmp_path):
    assert tenderdesk("audit", "checkpoint").returncode == 0  # an empty log: nothing to sign
    assert not checkpoints.checkpoint_path().exists()
    await record_events(3)
    exported = tmp_path / "anchor.json"
    result = tenderdesk("audit", "checkpoint", "-o", str(exported))
    assert result.returncode == 0, result.stderr
    printed = parse_checkpoint(result.stdout.strip())
    head = await service.last_event()
    assert (printed.seq, printed.hash) == (3, head.hash)
    assert printed.is_authentic(service.audit_key())
    assert parse_checkpoint(exported.read_text()) == printed
    assert [parse_checkpoint(line) for line in kept_lines()] == [printed]
    assert stat.S_IMODE(checkpoints.checkpoint_path().stat().st_mode) == 0o600
    # Nothing new: no second line.
    assert tenderdesk("audit", "checkpoint").returncode == 0 and len(kept_lines()) == 1
    verified = tenderdesk("audit", "verify")
    assert verified.returncode == 0
    assert "Held against 1 checkpoint(s); the newest is event #3" in verified.stdout


async def test_deleting_the_newest_events_shows_against_the_checkpoint(db):
    await record_events(5)
    await checkpoints.write_checkpoint()
    await tamper("DELETE FROM audit_event WHERE seq > 3")
    result = tenderdesk("audit", "verify")
    assert result.returncode == 1
    assert "event #4: missing (the log ends at #3" in result.stderr and "#5" in result.stderr
    assert not (await service.verify()).intact


async def test_an_edit_with_every_hash_recomputed_in_plain_sha256_shows(db):
    await record_events(4)
    await checkpoints.write_checkpoint()

    def edit(data):
        return (
            data if data.seq != 2 else type(data)(**{**data.__dict__, "actor": "someone.else@b.nl"})
        )

    await rewrite_chain(legacy_event_hash, edit)
    result = tenderdesk("audit", "verify")
    assert result.returncode == 1
    assert "event #1: was altered" in result.stderr


async def test_an_edit_recomputed_under_a_guessed_key_shows(db):
    await record_events(3)
    await rewrite_chain(lambda data: event_hash(data, b"guessed"))
    assert (await service.verify()).problem.seq == 1


async def test_an_older_copy_of_the_log_put_back_shows(db):
    """Rolling the head back: the events after a checkpoint removed and the chain otherwise
    sound (as after restoring an older backup)."""
    await record_events(3)
    await checkpoints.write_checkpoint()
    await record_events(3, start=3)
    await checkpoints.write_checkpoint()
    await tamper("DELETE FROM audit_event WHERE seq > 3")
    problem = (await service.verify()).problem
    assert problem.seq == 4 and "#6" in problem.reason
    # ... and a checkpoint is refused rather than signed over the loss.
    result = tenderdesk("audit", "checkpoint")
    assert result.returncode == 1 and "no checkpoint written" in result.stderr
    assert len(kept_lines()) == 2


async def test_an_exported_checkpoint_shows_a_rollback_of_the_database_and_the_data_dir(
    db, tmp_path
):
    await record_events(5)
    exported = tmp_path / "anchor.json"
    assert tenderdesk("audit", "checkpoint", "-o", str(exported)).returncode == 0
    await tamper("DELETE FROM audit_event WHERE seq > 2")
    checkpoints.forget_checkpoints()  # the data dir rolled back too
    assert tenderdesk("audit", "verify").returncode == 0  # nothing left here to compare with
    result = tenderdesk("audit", "verify", "--checkpoint", str(exported))
    assert result.returncode == 1 and "the log ends at #2" in result.stderr


async def test_a_forged_or_rolled_back_checkpoint_line_shows(db):
    await record_events(4)
    await checkpoints.write_checkpoint()
    line = json.loads(kept_lines()[0])
    head_2 = (await raw("SELECT hash FROM audit_event WHERE seq = 2"))[0]["hash"]
    checkpoints.checkpoint_path().write_text(json.dumps({**line, "seq": 2, "hash": head_2}) + "\n")
    result = tenderdesk("audit", "verify")
    assert result.returncode == 1 and "not signed with the audit key" in result.stderr
    checkpoints.checkpoint_path().write_text("rubbish\n")
    assert "is not a checkpoint" in tenderdesk("audit", "verify").stderr


async def test_a_break_after_the_last_checkpoint_is_never_signed_over(db):
    await record_events(3)
    await checkpoints.write_checkpoint()
    await record_events(2, start=3)
    await tamper("UPDATE audit_event SET actor = {} WHERE seq = 5", "mallory@example.org")
    with pytest.raises(checkpoints.CheckpointRefused, match="event #5"):
        await checkpoints.write_checkpoint()
    assert len(kept_lines()) == 1
    # The checkpointed event itself is checked again, too.
    await tamper("UPDATE audit_event SET actor = {} WHERE seq = 3", "mallory@example.org")
    with pytest.raises(checkpoints.CheckpointRefused, match="event #3"):
        await checkpoints.write_checkpoint()


async def test_the_scheduler_checkpoints_when_due(db, monkeypatch):
    now = clock.now()
    assert await checkpoints.checkpoint_if_due(now) is None  # empty log
    await record_events(2)
    first = await checkpoints.checkpoint_if_due(now)
    assert first is not None and first.seq == 2
    await record_events(1, start=2)
    assert await checkpoints.checkpoint_if_due(now + timedelta(minutes=1)) is None
    later = await checkpoints.checkpoint_if_due(now + checkpoints.INTERVAL)
    assert later is not None and later.seq == 3
    monkeypatch.setattr(checkpoints, "EVERY", 2)
    await record_events(2, start=3)
    assert (await checkpoints.checkpoint_if_due(later.made_at + timedelta(seconds=1))).seq == 5
    assert len(kept_lines()) == 3


async def test_admin_page_reports_the_checkpoints_and_a_rollback(client, make_user):
    from tests.support.http import post_form, sign_in, text_of

    admin = await make_user("admin")
    await sign_in(client, admin.email)
    await checkpoints.write_checkpoint()
    text = text_of((await post_form(client, "/admin/audit/verify")).text)
    assert "The chain is intact: 1 events checked" in text
    assert "It matches the 1 checkpoints kept outside the database" in text
    await tamper("DELETE FROM audit_event WHERE seq = 1")
    text = text_of((await post_form(client, "/admin/audit/verify")).text)
    assert "The chain is broken at event #1" in text


async def test_rekeying_a_legacy_chain_keeps_its_verdict_on_record(db):
    """The migration that keys the chain re-hashes an old, plain SHA-256 chain once. (On
    PostgreSQL the migration runs before the append-only trigger exists; here the trigger is
    set aside for the transaction, as in ``tamper``.)"""
    from audit.rekey import rekey_legacy_chain

    await record_events(4)
    await rewrite_chain(legacy_event_hash)
    await tamper("UPDATE audit_event SET after = {} WHERE seq = 2", '{"n":"edited"}')
    await raw("CREATE TABLE audit_head (id INTEGER, seq BIGINT, hash VARCHAR(64))")
    try:
        last = (await raw("SELECT hash FROM audit_event WHERE seq = 4"))[0]["hash"]
        await raw("INSERT INTO audit_head (id, seq, hash) VALUES (1, 4, {})", last)
        assert not (await service.verify()).intact
        async with transaction():
            if not is_sqlite():
                await raw("SET LOCAL session_replication_role = replica")
            summary = await rekey_legacy_chain()
    finally:
        await raw("DROP TABLE audit_head")
    assert summary["events"] == 4 and summary["legacy_head"]["seq"] == 4
    assert summary["legacy_chain"].startswith("broken at event #2: was altered")
    assert (await service.verify()).intact
    event = await AuditEvent.select().where(AuditEvent.action == "audit.rekeyed").first()
    assert event["seq"] == 5 and event["actor"] == "migration"
    assert json.loads(event["after"])["legacy_chain"] == summary["legacy_chain"]


async def test_rekeying_an_intact_legacy_chain(db):
    from audit.rekey import rekey_legacy_chain

    await record_events(3)
    await rewrite_chain(legacy_event_hash)
    async with transaction():
        if not is_sqlite():
            await raw("SET LOCAL session_replication_role = replica")
        summary = await rekey_legacy_chain(Actor.system("test"))
    assert summary["legacy_chain"] == "intact" and summary["legacy_head"] is None
    assert (await service.verify()).intact and (await service.verify()).checked == 4
    with pytest.raises(RuntimeError, match="one transaction"):
        await rekey_legacy_chain()


def test_upgrading_an_installation_rekeys_its_chain(tmp_path):
    """The real upgrade path, on SQLite (the same migration runs on PostgreSQL): a database
    migrated up to the unkeyed chain, with events and its head row, then `tenderdesk migrate`."""
    import os
    import sqlite3
    import subprocess
    import sys
    from datetime import UTC, datetime

    from audit.domain import GENESIS_HASH, EventData
    from tests.support.cli import ROOT

    env = {**os.environ, "TENDERDESK_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    before = subprocess.run(
        [
            sys.executable,
            "-m",
            "piccolo.main",
            "migrations",
            "forwards",
            "audit",
            "2026-11-23T15:20:02:677586",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert before.returncode == 0, before.stdout + before.stderr
    database = sqlite3.connect(tmp_path / "tenderdesk.sqlite3")
    previous = GENESIS_HASH
    for seq in (1, 2, 3):
        data = EventData(
            seq,
            datetime(2026, 11, 1, 9, seq, tzinfo=UTC),
            None,
            "system",
            "thing.changed",
            "thing",
            str(seq),
            None,
            f'{{"n":{seq}}}',
            previous,
        )
        previous = legacy_event_hash(data)
        database.execute(
            "INSERT INTO audit_event (seq, occurred_at, actor_id, actor, action, object_type, "
            "object_id, before, after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                seq,
                data.occurred_at.isoformat(),
                None,
                data.actor,
                data.action,
                "thing",
                str(seq),
                None,
                data.after,
                data.prev_hash,
                previous,
            ),
        )
    database.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 3, ?)", (previous,))
    database.commit()
    database.close()

    def run(*args: str):
        return subprocess.run(
            [sys.executable, "-m", "config", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    migrated = run("migrate")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    verified = run("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "intact: 4 events checked" in verified.stdout
    database = sqlite3.connect(tmp_path / "tenderdesk.sqlite3")
    action, after = database.execute(
        "SELECT action, after FROM audit_event WHERE seq = 4"
    ).fetchone()
    tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    database.close()
    assert action == "audit.rekeyed" and json.loads(after)["legacy_chain"] == "intact"
    assert "audit_head" not in tables
