"""The loop each instance runs in its lifespan: claim a due job, run it, look again."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

from jobs import service
from jobs.service import Handler

log = logging.getLogger("tenderdesk.jobs")
POLL_SECONDS = 1.0


class Worker:
    """Runs queued jobs one at a time (rendering letters already uses every core)."""

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        instance: str = service.INSTANCE,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.handlers = dict(handlers)
        self.instance = instance
        self.poll_seconds = poll_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def _release_dead_claims(self) -> None:
        try:
            await service.release_dead_claims()
        except Exception:  # the database is away a moment: stale claims expire anyway
            log.exception("releasing the jobs of stopped instances failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        await self._release_dead_claims()
        while True:
            try:
                ran = await service.run_next(self.handlers, self.instance)
            except Exception:  # the database is away a moment: try again later
                log.exception("claiming a job failed")
                ran = None
            if ran is None:
                await asyncio.sleep(self.poll_seconds)
