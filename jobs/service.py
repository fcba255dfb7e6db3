"""Queueing jobs, claiming them from any instance, running them with progress, their status.

A request queues a job (:func:`queue`) and answers at once with the job's id; the job's page
and ``/api/v1/jobs/{id}`` show its state. Every instance runs a :class:`jobs.worker.Worker`
that claims the oldest job due: on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` (two instances
never take the same job), on SQLite under the write lock taken at the start of the transaction.

While a job runs, its instance writes a heartbeat (with the progress) every few seconds. A
running job whose heartbeat is older than :data:`STALE_AFTER` belonged to an instance that
died: the next claim takes it again. A handler writes its results and marks the job done in
one transaction (:meth:`JobContext.finish`), and that only while it still holds the claim, so
work is either committed whole with its job marked done, or rolled back and run again.

Handlers are registered by kind by the composition root (``config.app.JOB_HANDLERS``): this
package knows nothing of the contexts whose work it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from common import clock
from common.errors import DomainError, NotFound
from common.i18n import N_
from common.identity import Actor, Principal, Role
from common.instance import INSTANCE, is_dead
from config.database import is_sqlite, raw, transaction
from jobs.domain import FINISHED, MAX_ATTEMPTS, JobState, Message, percent, retry_delay_seconds
from jobs.tables import Job

log = logging.getLogger("tenderdesk.jobs")

HEARTBEAT_SECONDS = 2.0
STALE_AFTER = timedelta(seconds=60)

Handler = Callable[["JobContext"], Awaitable[None]]


class LostClaim(RuntimeError):
    """Another instance took the job over (this one was thought dead): nothing is committed."""


# --- queueing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewJob:
    kind: str
    payload: Mapping[str, Any]
    title: Message
    return_url: str = ""
    # The same work is queued once: while a job with this key is queued or running, queueing
    # it again answers that job.
    key: str | None = None


async def queue(principal: Principal, new: NewJob) -> int:
    """Queue ``new`` for ``principal`` (who will see it); the id of the job doing the work."""
    async with transaction():
        if new.key is not None:
            existing = await Job.select(Job.id).where(Job.active_key == new.key).first()
            if existing is not None:
                return existing["id"]
        now = clock.now()
        [row] = await Job.insert(
            Job(
                kind=new.kind,
                payload=json.dumps(dict(new.payload), default=str),
                title=new.title.to_json(),
                state=JobState.QUEUED.value,
                active_key=new.key,
                owner=principal.id,
                owner_label=principal.as_actor().label,
                return_url=new.return_url,
                max_attempts=MAX_ATTEMPTS,
                run_after=now,
                created_at=now,
            )
        ).returning(Job.id)
        return row["id"]


async def active(key: str) -> int | None:
    """The id of the job queued or running under ``key``, if there is one."""
    row = await Job.select(Job.id).where(Job.active_key == key).first()
    return row["id"] if row else None


# --- running --------------------------------------------------------------------------------


class JobContext:
    """What a handler gets: the payload, who asked, and ways to report progress and finish."""

    def __init__(self, row: Mapping[str, Any], instance: str) -> None:
        self.id: int = row["id"]
        self.kind: str = row["kind"]
        self.payload: dict[str, Any] = json.loads(row["payload"] or "{}")
        self.owner_id: int | None = row["owner"]
        self.attempt: int = row["attempts"]
        self.instance = instance
        self.done = 0
        self.total = 0
        self.finished = False

    def progress(self, done: int, total: int | None = None) -> None:
        """How far the work is; written with the next heartbeat (safe to call from a thread)."""
        self.done = done
        if total is not None:
            self.total = total

    async def principal(self) -> Principal:
        """Who queued the job, as they are now (their roles and authorities today)."""
        from accounts.service import load_principal

        found = await load_principal(self.owner_id) if self.owner_id is not None else None
        if found is None:
            raise DomainError(N_("The user who started this job can no longer sign in"))
        return found

    async def finish(self, summary: Message | None = None, file_id: int | None = None) -> None:
        """Mark the job done; call it inside the transaction that commits the job's work.
        Raises :class:`LostClaim` (so that the transaction rolls back) when another instance
        has taken the job over."""
        async with transaction():
            hit = await raw(
                "UPDATE jobs_job SET state = {}, active_key = NULL, done = {}, total = {}, "
                "summary = {}, result_file = {}, finished_at = {}, heartbeat_at = {} "
                "WHERE id = {} AND claimed_by = {} AND state = {} RETURNING id",
                JobState.DONE.value,
                max(self.done, self.total),
                self.total,
                summary.to_json() if summary else "",
                file_id,
                clock.now(),
                clock.now(),
                self.id,
                self.instance,
                JobState.RUNNING.value,
            )
            if not hit:
                raise LostClaim(f"job {self.id} was taken over by another instance")
        self.finished = True


async def claim(instance: str = INSTANCE) -> dict[str, Any] | None:
    """Take the oldest job that is due, or a running one whose instance stopped beating."""
    now = clock.now()
    stale = now - STALE_AFTER
    candidates = "(state = {} AND run_after <= {}) OR (state = {} AND heartbeat_at < {})"
    args = (JobState.QUEUED.value, now, JobState.RUNNING.value, stale)
    update = (
        "UPDATE jobs_job SET state = {}, claimed_by = {}, attempts = attempts + 1, "
        "started_at = {}, heartbeat_at = {} WHERE id = "
    )
    # A plain read first: an idle queue costs every instance one cheap query a second, no lock.
    if not await raw(f"SELECT id FROM jobs_job WHERE {candidates} LIMIT 1", *args):  # noqa: S608
        return None
    if is_sqlite():
        async with transaction():  # IMMEDIATE: the write lock is ours from here
            found = await raw(
                f"SELECT id FROM jobs_job WHERE {candidates} "  # noqa: S608
                "ORDER BY id LIMIT 1",
                *args,
            )
            if not found:
                return None
            rows = await raw(
                update + "{} RETURNING *",
                JobState.RUNNING.value,
                instance,
                now,
                now,
                found[0]["id"],
            )
    else:
        rows = await raw(
            update + f"(SELECT id FROM jobs_job WHERE {candidates} "  # noqa: S608
            "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *",
            JobState.RUNNING.value,
            instance,
            now,
            now,
            *args,
        )
    return rows[0] if rows else None


async def release_dead_claims() -> int:
    """Running jobs whose instance is known to have stopped (:func:`common.instance.is_dead`:
    a process of this host that no longer runs, e.g. killed and restarted) are made stale at
    once, so the next claim takes them without waiting :data:`STALE_AFTER`. Returns how many."""
    rows = await raw("SELECT id, claimed_by FROM jobs_job WHERE state = {}", JobState.RUNNING.value)
    dead = [row["id"] for row in rows if row["claimed_by"] and is_dead(row["claimed_by"])]
    for job_id in dead:
        await raw(
            "UPDATE jobs_job SET heartbeat_at = {} WHERE id = {} AND state = {}",
            clock.now() - STALE_AFTER - timedelta(seconds=1),
            job_id,
            JobState.RUNNING.value,
        )
    return len(dead)


async def _beat(context: JobContext) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            await raw(
                "UPDATE jobs_job SET heartbeat_at = {}, done = {}, total = {} "
                "WHERE id = {} AND claimed_by = {} AND state = {}",
                clock.now(),
                context.done,
                context.total,
                context.id,
                context.instance,
                JobState.RUNNING.value,
            )
        except Exception:  # the database is busy or away a moment: beat again next time
            log.warning("heartbeat of job %s failed", context.id, exc_info=True)


async def _fail(row: Mapping[str, Any], instance: str, error: Message, retry: bool) -> None:
    now = clock.now()
    if retry and row["attempts"] < row["max_attempts"]:
        await raw(
            "UPDATE jobs_job SET state = {}, run_after = {}, error = {} "
            "WHERE id = {} AND claimed_by = {} AND state = {}",
            JobState.QUEUED.value,
            now + timedelta(seconds=retry_delay_seconds(row["attempts"])),
            error.to_json(),
            row["id"],
            instance,
            JobState.RUNNING.value,
        )
        return
    await raw(
        "UPDATE jobs_job SET state = {}, active_key = NULL, error = {}, finished_at = {} "
        "WHERE id = {} AND claimed_by = {} AND state = {}",
        JobState.FAILED.value,
        error.to_json(),
        now,
        row["id"],
        instance,
        JobState.RUNNING.value,
    )


async def _release(row: Mapping[str, Any], instance: str) -> None:
    await raw(
        "UPDATE jobs_job SET state = {}, run_after = {} "
        "WHERE id = {} AND claimed_by = {} AND state = {}",
        JobState.QUEUED.value,
        clock.now(),
        row["id"],
        instance,
        JobState.RUNNING.value,
    )


async def run(
    row: Mapping[str, Any], handlers: Mapping[str, Handler], instance: str = INSTANCE
) -> None:
    """Run one claimed job to its end: done, failed (a refusal, or too many attempts), or
    queued again after an unexpected error."""
    context = JobContext(row, instance)
    handler = handlers.get(row["kind"])
    if handler is None:
        await _fail(
            row,
            instance,
            Message(N_("This kind of job ({kind}) is unknown"), {"kind": row["kind"]}),
            retry=False,
        )
        return
    if row["attempts"] > row["max_attempts"]:
        await _fail(
            row,
            instance,
            Message(
                N_("The job stopped {attempts} times without finishing"),
                {"attempts": row["max_attempts"]},
            ),
            retry=False,
        )
        return
    beating = asyncio.create_task(_beat(context))
    try:
        await handler(context)
        if not context.finished:
            await context.finish()
    except LostClaim:
        log.warning("job %s was taken over by another instance", context.id)
    except asyncio.CancelledError:  # the instance stops: another may start it again at once
        with contextlib.suppress(Exception):
            await asyncio.shield(_release(row, instance))
        raise
    except DomainError as refusal:  # the work is refused as it stands: running it again won't do
        await _fail(
            row, instance, Message(refusal.whole.message, refusal.whole.params), retry=False
        )
    except Exception as exc:
        log.exception("job %s (%s) failed", context.id, context.kind)
        await _fail(
            row,
            instance,
            Message(N_("The job failed unexpectedly ({error})"), {"error": type(exc).__name__}),
            retry=True,
        )
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating


async def run_next(handlers: Mapping[str, Handler], instance: str = INSTANCE) -> int | None:
    """Claim and run one job; its id, or None when nothing is due."""
    row = await claim(instance)
    if row is None:
        return None
    await run(row, handlers, instance)
    return row["id"]


# --- status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobView:
    """A job as its page, its htmx fragment and ``/api/v1/jobs/{id}`` show it."""

    id: int
    kind: str
    title: Message
    state: JobState
    done: int
    total: int
    percent: int | None
    attempts: int
    summary: Message | None
    error: Message | None
    result_file: int | None
    return_url: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


def _view(row: Mapping[str, Any]) -> JobView:
    state = JobState(row["state"])
    return JobView(
        row["id"],
        row["kind"],
        Message.from_json(row["title"]) or Message(""),
        state,
        row["done"],
        row["total"],
        percent(row["done"], row["total"], state),
        row["attempts"],
        Message.from_json(row["summary"]),
        Message.from_json(row["error"]),
        row["result_file"],
        row["return_url"],
        row["created_at"],
        row["started_at"],
        row["finished_at"],
    )


async def status(principal: Principal, job_id: int) -> JobView:
    """The job, for the user who queued it (and administrators); others: not found."""
    row = await Job.select().where(Job.id == job_id).first()
    if row is None or (row["owner"] != principal.id and principal.role is not Role.ADMIN):
        raise NotFound(N_("Job {id} does not exist"), id=job_id)
    return _view(row)


async def result_file(principal: Principal, job_id: int) -> int:
    """The id of the file a finished job made (its owner's to download)."""
    found = await status(principal, job_id)
    if found.state is not JobState.DONE or found.result_file is None:
        raise NotFound(N_("Job {id} has no file to download"), id=job_id)
    return found.result_file


def system_actor(kind: str) -> Actor:
    return Actor.system(f"job {kind}")
