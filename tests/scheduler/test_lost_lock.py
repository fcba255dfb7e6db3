"""A leader whose lock connection was dropped steps down and applies nothing more; the other
instance takes over; and a step applied by two leaders at once is applied once."""

import asyncio
from datetime import datetime, timedelta

import pytest

from common import clock
from common.deadlines import AppliedStep, Deadline
from config import scheduler as scheduler_module
from config.database import is_sqlite, raw
from config.scheduler import Scheduler
from config.settings import load_settings
from notifications.tables import OutboxMessage
from scoring.reminders import ScoringReminders
from scoring.tables import Evaluation, Notice
from tests.scheduler.test_on_time import evaluation


class CountingSource:
    """A source with one step always due, counting who applies it."""

    name = "counting"

    def __init__(self) -> None:
        self.ticks = 0

    async def upcoming(self, now: datetime) -> list[Deadline]:
        return []

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        self.ticks += 1
        return [AppliedStep("counting:1", "step", now, now)]


async def until(condition, tries: int = 200) -> bool:
    for _ in range(tries):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


@pytest.mark.skipif(is_sqlite(), reason="a PostgreSQL advisory lock's connection")
async def test_a_leader_whose_lock_connection_drops_steps_down_and_the_other_takes_over(
    db, monkeypatch
):
    monkeypatch.setattr(scheduler_module, "LEADERSHIP_RETRY_SECONDS", 0.05)
    settings = load_settings()
    sources = CountingSource(), CountingSource()
    one, two = Scheduler(settings, [sources[0]]), Scheduler(settings, [sources[1]])
    await one.start()
    await two.start()
    try:
        assert await until(lambda: one.is_leader or two.is_leader)
        leader, other = (one, two) if one.is_leader else (two, one)
        leader_source = sources[0] if leader is one else sources[1]
        connection = leader.leadership.connection  # type: ignore[attr-defined]
        await raw("SELECT pg_terminate_backend({})", connection.get_server_pid())

        assert await until(lambda: other.is_leader), "the other instance takes over"
        assert await until(lambda: not leader.is_leader), "the old leader steps down"
        ticks = leader_source.ticks
        assert await leader._tick_one(leader_source, "counting:1") == []
        assert await leader._leading_sweep() is None
        assert leader_source.ticks == ticks, "a follower applies no step"
        assert leader.aps.get_jobs() == [], "nor keeps jobs that would"
    finally:
        await one.stop()
        await two.stop()


async def test_two_leaders_ticking_at_once_apply_each_scoring_step_once(make_user, make_authority):
    scenario = await evaluation(make_user, make_authority)
    await Evaluation.update({Evaluation.scores_due_at: clock.now() - timedelta(minutes=1)}).where(
        Evaluation.id == scenario.evaluation_id
    )
    source = ScoringReminders(reminder_days=0)
    now = clock.now()
    results = await asyncio.gather(source.tick(now), source.tick(now), source.tick(now))

    assert sum(len(applied) for applied in results) == 2, "each step applied by one of them"
    notices = await Notice.select(Notice.kind).where(Notice.evaluation == scenario.evaluation_id)
    assert sorted(n["kind"] for n in notices) == ["reminders_sent", "scores_due_told"]
    assert (
        await OutboxMessage.count().where(OutboxMessage.recipient == scenario.evaluators[0].email)
        == 1
    )
