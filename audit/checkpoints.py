"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint is the newest event's position and hash at a moment, signed with the audit key
(:class:`audit.domain.Checkpoint`). They are appended, one JSON line each, to
``<data dir>/audit_checkpoints.jsonl`` (owner only):

- by the scheduler, when events came since the last one and it is :data:`INTERVAL` old or
  :data:`EVERY` events behind;
- when the app starts, and on demand: ``tenderdesk audit checkpoint`` also prints it, to be kept
  elsewhere (mail it, put it on write-once storage) and handed back to
  ``tenderdesk audit verify --checkpoint FILE``.

``verify`` holds the chain against every one of them: removed newest events or an older copy of
the database put back show as a chain that ends before a checkpoint. A new checkpoint is only
signed after the events since the previous one were checked, so a break is never signed over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from audit.chain import audit_key, events_after, last_event
from audit.domain import (
    ChainBreak,
    ChainHead,
    ChainVerifier,
    Checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from common import clock
from config.database import raw
from config.settings import get_settings

FILE_NAME = "audit_checkpoints.jsonl"
INTERVAL = timedelta(minutes=15)
EVERY = 1000
_TAIL_BYTES = 8192


def checkpoint_path() -> Path:
    return get_settings().data_dir / FILE_NAME


@dataclass(frozen=True)
class KeptCheckpoints:
    checkpoints: list[Checkpoint] = field(default_factory=list)
    problem: ChainBreak | None = None

    @property
    def latest(self) -> Checkpoint | None:
        if not self.checkpoints:
            return None
        return max(self.checkpoints, key=lambda cp: (cp.seq, cp.made_at))


def _parse_lines(lines: list[str], key: bytes, first_line: int = 1) -> KeptCheckpoints:
    found: list[Checkpoint] = []
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            checkpoint = parse_checkpoint(line)
        except ValueError:
            return KeptCheckpoints(
                found, ChainBreak(0, f"line {number} of {FILE_NAME} is not a checkpoint")
            )
        if not checkpoint.is_authentic(key):
            return KeptCheckpoints(
                found,
                ChainBreak(
                    checkpoint.seq,
                    f"its checkpoint (line {number} of {FILE_NAME}) is not signed "
                    "with the audit key",
                ),
            )
        found.append(checkpoint)
    return KeptCheckpoints(found)


def read_checkpoints(path: Path | None = None) -> KeptCheckpoints:
    """Every checkpoint kept in the data dir; a line not signed with the key is a problem."""
    path = path or checkpoint_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KeptCheckpoints()
    return _parse_lines(text.splitlines(), audit_key())


def latest_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """The newest checkpoint, from the end of the file only (cheap enough to ask every minute)."""
    path = path or checkpoint_path()
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    lines = tail.splitlines()
    if size > _TAIL_BYTES and lines:
        lines = lines[1:]  # the first line of the tail may be cut
    return _parse_lines(lines, audit_key()).latest


def _append(path: Path, checkpoint: Checkpoint) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (checkpoint.to_json() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


class CheckpointRefused(RuntimeError):
    """The chain is broken since the last checkpoint (or the checkpoints are): nothing signed."""

    def __init__(self, problem: ChainBreak) -> None:
        super().__init__(str(problem))
        self.problem = problem


async def _checked_since(kept: KeptCheckpoints) -> ChainVerifier:
    """A verifier that has checked every event from the newest checkpoint's on."""
    verifier = ChainVerifier(audit_key(), kept.checkpoints)
    latest = kept.latest
    after = 0
    if latest is not None and latest.seq > 0:
        rows = await raw("SELECT prev_hash FROM audit_event WHERE seq = {}", latest.seq)
        if rows:  # start at the checkpoint's own event: its hash is checked against it too
            verifier.expected_seq = latest.seq
            verifier.previous_hash = rows[0]["prev_hash"]
            after = latest.seq - 1
        else:  # the event is gone: the chain is shorter than the checkpoint
            verifier.expected_seq = latest.seq
            problem = verifier.finish()
            assert problem is not None
            raise CheckpointRefused(problem)
    async for batch in events_after(after):
        problem = verifier.feed(batch)
        if problem:
            raise CheckpointRefused(problem)
    problem = verifier.finish()
    if problem:
        raise CheckpointRefused(problem)
    return verifier


async def write_checkpoint(now: datetime | None = None) -> Checkpoint | None:
    """Check the events since the newest checkpoint, then sign and keep a checkpoint of the
    newest event. Returns it (or the newest one when no event came since; None for an empty
    log). Raises :class:`CheckpointRefused` when the chain or the checkpoints are broken."""
    kept = read_checkpoints()
    if kept.problem is not None:
        raise CheckpointRefused(kept.problem)
    verifier = await _checked_since(kept)
    seq = verifier.expected_seq - 1
    latest = kept.latest
    if seq == 0 or (latest is not None and latest.seq >= seq):
        return latest
    checkpoint = sign_checkpoint(
        ChainHead(seq, verifier.previous_hash), now or clock.now(), audit_key()
    )
    _append(checkpoint_path(), checkpoint)
    return checkpoint


async def checkpoint_if_due(now: datetime | None = None) -> Checkpoint | None:
    """For the scheduler: a new checkpoint when events came since the last one and it is old
    (:data:`INTERVAL`) or far behind (:data:`EVERY` events). Returns the one written, if any."""
    now = now or clock.now()
    head = await last_event()
    latest = latest_checkpoint()
    if head.seq == 0 or (latest is not None and latest.seq >= head.seq):
        return None
    if latest is not None and now - latest.made_at < INTERVAL and head.seq - latest.seq < EVERY:
        return None
    return await write_checkpoint(now)


def forget_checkpoints() -> None:
    """Remove the kept checkpoints (tests that empty the database; never the app itself)."""
    checkpoint_path().unlink(missing_ok=True)
