"""Running queued jobs in a test, as an instance's worker would (claim, run, finish)."""

from __future__ import annotations

from jobs import service


async def run_jobs(limit: int = 100) -> list[int]:
    """Run every job that is due, one after the other; the ids of those run."""
    from config.app import JOB_HANDLERS

    ran: list[int] = []
    while len(ran) < limit:
        job_id = await service.run_next(JOB_HANDLERS, "test-worker")
        if job_id is None:
            return ran
        ran.append(job_id)
    return ran
