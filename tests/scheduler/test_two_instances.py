"""Two app instances with the scheduler on: one leads, each deadline is applied exactly once,
and the survivor takes over when the leader stops or loses its lock connection. Real processes
on the test database (PostgreSQL: an advisory lock; SQLite: a file lock in the shared data
dir)."""

import asyncio
import os
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import pytest

from audit.tables import AuditEvent
from common import clock
from config.database import is_sqlite, raw
from config.scheduler import ADVISORY_LOCK_KEY
from notifications.tables import OutboxMessage
from scoring.tables import Evaluation
from tests.scheduler.test_on_time import evaluation
from tests.support.browser import ROOT, _free_port


class Instance:
    def __init__(self) -> None:
        self.url = f"http://127.0.0.1:{_free_port()}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config", "serve", "--port", self.url.rsplit(":", 1)[1]],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={
                **os.environ,
                "TENDERDESK_SCHEDULER": "1",
                "TENDERDESK_REMINDER_DAYS": "0",
                "TENDERDESK_DB_POOL": "1",
            },
        )

    def scheduler(self) -> str | None:
        try:
            return httpx.get(f"{self.url}/health", timeout=2).json()["scheduler"]
        except (httpx.HTTPError, ValueError, KeyError):
            return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def until(condition, seconds: float = 90.0, what: str = "") -> None:
    ends = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < ends, f"timed out waiting for {what}"
        await asyncio.sleep(0.25)


async def applied(evaluation_id: int) -> list[str]:
    return [
        e["action"]
        for e in await AuditEvent.select(AuditEvent.action).where(
            (AuditEvent.object_type == "evaluation")
            & (AuditEvent.object_id == str(evaluation_id))
            & AuditEvent.action.is_in(["evaluation.reminders_sent", "evaluation.scores_due_told"])
        )
    ]


async def due_in(evaluation_id: int, seconds: int) -> None:
    await Evaluation.update(
        {Evaluation.scores_due_at: clock.now() + timedelta(seconds=seconds)}
    ).where(Evaluation.id == evaluation_id)


async def test_one_leader_applies_each_deadline_once_and_a_survivor_takes_over(
    make_user, make_authority
):
    first = await evaluation(make_user, make_authority)
    second = await evaluation(make_user, make_authority)
    # Deadlines are read when a process becomes leader and at each minute's sweep; changes made
    # by another process (this test) are not announced to the instances.
    await due_in(first.evaluation_id, 12)
    await due_in(second.evaluation_id, 3600)
    instances = [Instance(), Instance()]
    try:

        async def roles() -> bool:
            return sorted(str(i.scheduler()) for i in instances) == ["leader", "standby"]

        await until(roles, what="one leader and one standby")

        async def first_done() -> bool:
            return len(await applied(first.evaluation_id)) >= 2

        await until(first_done, what="the first deadline")
        await asyncio.sleep(3)  # time for a second, wrong application to show
        assert sorted(await applied(first.evaluation_id)) == [
            "evaluation.reminders_sent",
            "evaluation.scores_due_told",
        ]
        [reminder] = await OutboxMessage.select().where(
            OutboxMessage.recipient == first.evaluators[0].email
        )
        assert reminder["kind"] == "scoring.reminder"

        leader = next(i for i in instances if i.scheduler() == "leader")
        survivor = next(i for i in instances if i is not leader)
        leader.stop()
        await due_in(second.evaluation_id, 1)

        async def survivor_leads() -> bool:
            return survivor.scheduler() == "leader"

        await until(survivor_leads, what="the survivor to take over")

        async def second_done() -> bool:
            return len(await applied(second.evaluation_id)) >= 2

        await until(second_done, what="the second deadline after the take-over")
        assert sorted(await applied(second.evaluation_id)) == [
            "evaluation.reminders_sent",
            "evaluation.scores_due_told",
        ]
        assert len(await applied(first.evaluation_id)) == 2
    finally:
        for instance in instances:
            instance.stop()


@pytest.mark.skipif(is_sqlite(), reason="a PostgreSQL advisory lock's connection")
async def test_a_leader_whose_lock_connection_is_terminated_reports_standby_and_the_other_leads(
    make_user, make_authority
):
    scenario = await evaluation(make_user, make_authority)
    await due_in(scenario.evaluation_id, 3600)
    instances = [Instance(), Instance()]
    try:

        async def roles() -> bool:
            return sorted(str(i.scheduler()) for i in instances) == ["leader", "standby"]

        await until(roles, what="one leader and one standby")
        leader = next(i for i in instances if i.scheduler() == "leader")
        other = next(i for i in instances if i is not leader)
        [holder] = await raw(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = {}",
            ADVISORY_LOCK_KEY & 0xFFFF_FFFF,
        )
        await raw("SELECT pg_terminate_backend({})", holder["pid"])

        async def swapped() -> bool:
            return (leader.scheduler(), other.scheduler()) == ("standby", "leader")

        await until(swapped, seconds=60, what="the old leader to step down, the other to lead")
        await due_in(scenario.evaluation_id, 1)
        await until(
            lambda: _applied_twice_or_more(scenario.evaluation_id),
            what="the deadline, applied by the new leader",
        )
        await asyncio.sleep(3)  # time for a second, wrong application to show
        assert sorted(await applied(scenario.evaluation_id)) == [
            "evaluation.reminders_sent",
            "evaluation.scores_due_told",
        ]
        assert (
            await OutboxMessage.count().where(
                OutboxMessage.recipient == scenario.evaluators[0].email
            )
            == 1
        )
    finally:
        for instance in instances:
            instance.stop()


async def _applied_twice_or_more(evaluation_id: int) -> bool:
    return len(await applied(evaluation_id)) >= 2
