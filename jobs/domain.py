"""Jobs: long work (sending a round's letters, PDF zips, imports) that a request only queues.

Pure rules: the states and their labels, what a job's progress reads as, and the message a
finished or failed job leaves (a message id with parameters, translated when shown).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from common.errors import Problem, plain, revived
from common.i18n import N_


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


STATE_LABELS = {
    JobState.QUEUED: N_("Waiting to start"),
    JobState.RUNNING: N_("Running"),
    JobState.DONE: N_("Done"),
    JobState.FAILED: N_("Failed"),
}
FINISHED = frozenset({JobState.DONE, JobState.FAILED})
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Message:
    """A translatable message id and its parameters (``{name}`` placeholders)."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "message": self.text,
                "params": {name: plain(value) for name, value in self.params.items()},
            },
            default=str,
        )

    @classmethod
    def from_json(cls, raw: str | None) -> Message | None:
        if not raw:
            return None
        found = json.loads(raw)
        return cls(
            found["message"],
            {name: revived(value) for name, value in (found.get("params") or {}).items()},
        )

    def as_problem(self) -> Problem:
        return Problem(self.text, self.params)


def percent(done: int, total: int, state: JobState) -> int | None:
    """How far along, 0–100; None while the size of the work is not known yet."""
    if state is JobState.DONE:
        return 100
    if total <= 0:
        return None
    return max(0, min(100, done * 100 // total))


def retry_delay_seconds(attempts: int) -> int:
    """After an unexpected failure the job waits longer each time before it runs again."""
    return 10 * attempts * attempts
