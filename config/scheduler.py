"""The scheduler: deadlines applied on time, once, and after downtime at start-up.

APScheduler's AsyncIOScheduler runs in the app's lifespan, in one process only (the leader): a
PostgreSQL advisory lock held on its own connection, or a file lock in the data dir on SQLite.
A process that is not the leader tries again every few seconds, so a survivor takes over when
the leader stops. The leader checks that it still holds its lock every few seconds and before
every step it applies: a lock whose connection was dropped (terminated, a network blip, a
database restart) is gone, and the process steps down at once instead of leading beside the
one that took the lock over. The steps are guarded in their sources anyway (each applied once,
checked inside its transaction), so even a moment with two leaders applies nothing twice. The
leader

- sweeps at once (catch-up: whatever fell due while the service was down is applied now, once,
  in deadline order; the sources audit it as late, with the delay),
- sweeps every minute (ticks every source, re-reads the next deadlines, and signs an audit
  checkpoint when one is due: see audit.checkpoints),
- sends due mail every few seconds, as a job of its own with its own time budget
  (notifications.sender): a mail server that hangs never delays a deadline,
- sweeps the file storage every hour (content of uploads whose transaction rolled back),
- keeps one job at each procedure's next deadline within the coming hour, moved whenever a
  deadline changes (later ones get theirs at the sweep that brings them within the hour).

No job store: the database is the only source of truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from common import clock
from common.deadlines import AppliedStep, DeadlineSource, deadline_changes
from config.settings import Settings

log = logging.getLogger("tenderdesk.scheduler")
SWEEP_SECONDS = 60
STORAGE_SWEEP_SECONDS = 3600
MAIL_SECONDS = 15
# Date jobs are kept for deadlines due within this horizon; each minute's sweep adds those that
# come into it. Thousands of procedures then cost a few jobs, and every deadline still fires
# on the second.
JOB_HORIZON = timedelta(hours=1)
LEADERSHIP_RETRY_SECONDS = 10  # also how often the leader checks that it still leads
VERIFY_TIMEOUT_SECONDS = 5
ADVISORY_LOCK_KEY = 0x7E4D_E5C0  # "tenderdesk scheduler"


class Leadership:
    """Who may run the scheduler: one holder of a lock at a time."""

    async def acquire(self) -> bool:
        raise NotImplementedError

    async def release(self) -> None:
        raise NotImplementedError

    async def verify(self) -> bool:
        """Whether the lock acquired earlier is still held (False when it never was)."""
        raise NotImplementedError


class PostgresLeadership(Leadership):
    def __init__(self, dsn: str) -> None:
        self.dsn = re.sub(r"^postgres://", "postgresql://", dsn)
        self.connection = None

    async def acquire(self) -> bool:
        import asyncpg

        if self.connection is not None and not self.connection.is_closed():
            return True
        connection = await asyncpg.connect(self.dsn, timeout=10)
        if await connection.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_LOCK_KEY):
            self.connection = connection
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        if self.connection is not None and not self.connection.is_closed():
            with contextlib.suppress(Exception):
                await self.connection.execute("SELECT pg_advisory_unlock($1)", ADVISORY_LOCK_KEY)
            await self.connection.close()
        self.connection = None

    async def verify(self) -> bool:
        """Ask the lock's own connection whether it still holds the lock; a connection that
        fails to answer (terminated, or the database away) holds nothing."""
        connection = self.connection
        if connection is None or connection.is_closed():
            self.connection = None
            return False
        try:
            held = await connection.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND classid = $1 AND objid = $2 AND objsubid = 1",
                ADVISORY_LOCK_KEY >> 32,
                ADVISORY_LOCK_KEY & 0xFFFF_FFFF,
                timeout=VERIFY_TIMEOUT_SECONDS,
            )
        except Exception:  # any failure means the lock cannot be counted on
            log.warning("the scheduler lock's connection does not answer", exc_info=True)
            held = 0
        if held:
            return True
        with contextlib.suppress(Exception):
            connection.terminate()
        self.connection = None
        return False


class FileLeadership(Leadership):
    """SQLite: one process per data dir holds an exclusive lock on a file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.handle: int | None = None

    async def acquire(self) -> bool:
        if self.handle is not None:
            return True
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            return False
        self.handle = handle
        return True

    async def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            os.close(self.handle)
            self.handle = None

    async def verify(self) -> bool:
        return self.handle is not None  # a flock lasts as long as its descriptor


def leadership_for(settings: Settings) -> Leadership:
    if settings.is_postgres:
        return PostgresLeadership(settings.database_url)
    return FileLeadership(str(settings.data_dir / "scheduler.lock"))


@dataclass
class SweepReport:
    applied: list[AppliedStep] = field(default_factory=list)


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        sources: Sequence[DeadlineSource],
        leadership: Leadership | None = None,
    ) -> None:
        self.settings = settings
        self.sources = list(sources)
        self.leadership = leadership or leadership_for(settings)
        self.aps = AsyncIOScheduler(timezone=UTC)
        self.is_leader = False
        self.scheduled: dict[str, datetime] = {}  # job id -> when it runs
        self._campaign: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    # -- life cycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self.aps.start()
        deadline_changes.subscribe(self._deadline_changed)
        self._campaign = asyncio.create_task(self._campaign_for_leadership())

    async def stop(self) -> None:
        deadline_changes.unsubscribe(self._deadline_changed)
        if self._campaign is not None:
            self._campaign.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._campaign
            self._campaign = None
        if self.aps.running:
            self.aps.shutdown(wait=False)
        if self.is_leader:
            await self.leadership.release()
            self.is_leader = False

    async def _campaign_for_leadership(self) -> None:
        while True:
            try:
                if self.is_leader:
                    await self._still_leading()
                elif await self.leadership.acquire():
                    await self._lead()
            except Exception:  # a lost database connection: try again later
                log.exception("scheduler leadership attempt failed")
            await asyncio.sleep(LEADERSHIP_RETRY_SECONDS)

    async def _lead(self) -> None:
        self.is_leader = True
        log.info("this process runs the scheduler")
        await self.sweep()
        self.aps.add_job(
            self._leading_sweep,
            "interval",
            seconds=SWEEP_SECONDS,
            id="sweep",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        self.aps.add_job(
            self.sweep_storage,
            "interval",
            seconds=STORAGE_SWEEP_SECONDS,
            id="storage-sweep",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        self.aps.add_job(
            self._leading_mail,
            "interval",
            seconds=MAIL_SECONDS,
            id="mail",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(UTC),
        )

    async def _still_leading(self) -> bool:
        """Whether this process still holds the lock; steps down when it lost it."""
        if not self.is_leader:
            return False
        if await self.leadership.verify():
            return True
        log.warning("this process lost the scheduler lock and steps down")
        self.is_leader = False
        for job in self.aps.get_jobs():
            with contextlib.suppress(JobLookupError):
                job.remove()
        self.scheduled.clear()
        with contextlib.suppress(Exception):
            await self.leadership.release()
        return False

    # -- work -----------------------------------------------------------------------------------
    async def _leading_sweep(self) -> SweepReport | None:
        """The minute's sweep, by the leader only: nothing when it lost the lock."""
        if not await self._still_leading():
            return None
        return await self.sweep()

    async def sweep(self) -> SweepReport:
        """Apply everything due, send due mail, and move the deadline jobs."""
        async with self._lock:
            report = SweepReport()
            now = clock.now()
            for source in self.sources:
                try:
                    report.applied.extend(await source.tick(now))
                except Exception:
                    log.exception("tick of %s failed", source.name)
            await self._checkpoint_audit()
            await self.reschedule()
            return report

    async def sweep_storage(self) -> int:
        """Remove stored content no file refers to (uploads whose change rolled back)."""
        from documents.storage import sweep

        try:
            return await sweep()
        except Exception:
            log.exception("sweeping the file storage failed")
            return 0

    async def send_mail(self) -> int:
        """Send due mail (not under the sweep's lock: deadlines never wait for it)."""
        from notifications.sender import send_due

        try:
            return (await send_due(self.settings.smtp)).sent
        except Exception:
            log.exception("sending mail failed")
            return 0

    async def _leading_mail(self) -> None:
        if await self._still_leading():
            await self.send_mail()

    async def _checkpoint_audit(self) -> None:
        from audit.checkpoints import checkpoint_if_due

        try:
            await checkpoint_if_due()
        except Exception:  # a broken chain is logged; the sweep goes on
            log.exception("signing an audit checkpoint failed")

    async def reschedule(self) -> int:
        """A date job at the next deadline of each procedure due within :data:`JOB_HORIZON`;
        jobs of closed or moved procedures removed. Returns how many deadlines are pending.

        Only jobs whose time changed are touched, so a minute's sweep over thousands of open
        procedures costs one query per source and a few jobs.
        """
        now = clock.now()
        wanted: dict[str, tuple[DeadlineSource, str, datetime]] = {}
        pending = 0
        for source in self.sources:
            for deadline in await source.upcoming(now):
                pending += 1
                if deadline.due_at > now + JOB_HORIZON:
                    continue
                run_at = max(deadline.due_at, now + timedelta(seconds=1))
                wanted[f"{source.name}|{deadline.key}"] = (source, deadline.key, run_at)
        for job_id in set(self.scheduled) - set(wanted):
            with contextlib.suppress(JobLookupError):
                self.aps.remove_job(job_id)
            del self.scheduled[job_id]
        for job_id, (source, key, run_at) in wanted.items():
            if self.scheduled.get(job_id) == run_at:
                continue
            self.aps.add_job(
                self._tick_one,
                "date",
                run_date=run_at,
                args=[source, key],
                id=job_id,
                replace_existing=True,
                misfire_grace_time=None,
            )
            self.scheduled[job_id] = run_at
        return pending

    async def _tick_one(self, source: DeadlineSource, key: str) -> list[AppliedStep]:
        self.scheduled.pop(f"{source.name}|{key}", None)  # the date job has fired
        if not await self._still_leading():
            return []
        async with self._lock:
            applied = await source.tick(clock.now(), key)
        await self.reschedule()
        return applied

    def _deadline_changed(self, key: str) -> None:
        if self.is_leader:
            asyncio.get_running_loop().create_task(self.reschedule())
