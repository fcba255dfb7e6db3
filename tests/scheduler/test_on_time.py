"""Deadlines fire at their local wall-clock time across daylight saving; deadlines missed while
the service was down are applied at start-up, once, in order."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from audit.tables import AuditEvent
from common.clock import FixedClock, use_clock
from config.scheduler import Scheduler
from config.settings import load_settings
from scoring import service
from scoring.reminders import REMIND, TELL_LEAD, ScoringReminders
from tests.scoring.conftest import make_scenario

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def evaluation(make_user, make_authority):
    """An evaluation of its own authority (each with its own generated name)."""

    async def any_name(name=None, **extra):
        return await make_authority(None, **extra)

    return await make_scenario(make_user, any_name, evaluators=1)


async def test_noon_on_the_last_sundays_of_march_and_october_is_noon_local(
    make_user, make_authority
):
    spring = await evaluation(make_user, make_authority)
    autumn = await evaluation(make_user, make_authority)
    await service.set_scores_due(spring.officer, spring.evaluation_id, "2026-03-29T12:00")
    await service.set_scores_due(autumn.officer, autumn.evaluation_id, "2026-10-25T12:00")
    scheduler = Scheduler(load_settings(), [ScoringReminders(reminder_days=0)])
    scheduler.aps.start(paused=True)
    runs = {}
    try:
        # Far ahead nothing is placed yet; in the hour before, the job is placed at noon local.
        with use_clock(FixedClock(datetime(2026, 3, 1, tzinfo=UTC))):
            assert await scheduler.reschedule() == 2 and scheduler.aps.get_jobs() == []
        for moment, scenario in (
            (datetime(2026, 3, 29, 11, 15, tzinfo=AMSTERDAM), spring),
            (datetime(2026, 10, 25, 11, 15, tzinfo=AMSTERDAM), autumn),
        ):
            with use_clock(FixedClock(moment)):
                await scheduler.reschedule()
            job_id = f"scoring|evaluation:{scenario.evaluation_id}"
            runs[job_id] = scheduler.aps.get_job(job_id).trigger.run_date
    finally:
        scheduler.aps.shutdown(wait=False)
    spring_run = runs[f"scoring|evaluation:{spring.evaluation_id}"]
    autumn_run = runs[f"scoring|evaluation:{autumn.evaluation_id}"]
    assert spring_run == datetime(2026, 3, 29, 10, 0, tzinfo=UTC)  # CEST, UTC+2
    assert autumn_run == datetime(2026, 10, 25, 11, 0, tzinfo=UTC)  # CET, UTC+1
    assert spring_run.astimezone(AMSTERDAM).hour == autumn_run.astimezone(AMSTERDAM).hour == 12

    source = ScoringReminders(reminder_days=0)
    noon = datetime(2026, 10, 25, 12, 0, tzinfo=AMSTERDAM)
    assert [
        a
        for a in await source.tick(noon - timedelta(seconds=1))
        if a.key == f"evaluation:{autumn.evaluation_id}"
    ] == []
    fired = [a for a in await source.tick(noon) if a.key == f"evaluation:{autumn.evaluation_id}"]
    assert [a.step for a in fired] == [REMIND, TELL_LEAD]
    assert all(a.late_by_seconds == 0 for a in fired)


async def test_deadlines_missed_while_down_are_applied_at_start_up_once_in_order(
    make_user, make_authority
):
    first = await evaluation(make_user, make_authority)
    second = await evaluation(make_user, make_authority)
    await service.set_scores_due(second.officer, second.evaluation_id, "2026-03-02T09:00")
    await service.set_scores_due(first.officer, first.evaluation_id, "2026-03-01T09:00")
    back_up = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    scheduler = Scheduler(load_settings(), [ScoringReminders(reminder_days=2)])
    with use_clock(FixedClock(back_up)):
        report = await scheduler.sweep()
        again = await scheduler.sweep()

    steps = [(a.key, a.step) for a in report.applied]
    assert steps == [
        (f"evaluation:{first.evaluation_id}", REMIND),
        (f"evaluation:{second.evaluation_id}", REMIND),
        (f"evaluation:{first.evaluation_id}", TELL_LEAD),
        (f"evaluation:{second.evaluation_id}", TELL_LEAD),
    ], "in deadline order"
    assert again.applied == [], "applied once"
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.after).where(
        AuditEvent.action.is_in(["evaluation.reminders_sent", "evaluation.scores_due_told"])
    )
    assert len(events) == 4
    assert all('"applied_late_by_seconds"' in e["after"] for e in events)
