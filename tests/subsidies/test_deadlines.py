"""The window closes and reports fall due by the scheduler's tick, once, audited with delay."""

from datetime import UTC, datetime, timedelta

from audit.tables import AuditEvent
from config.app import DEADLINE_SOURCES
from subsidies.deadlines import SOURCE
from subsidies.tables import Application, Report, SubsidyRound
from tests.subsidies.conftest import decided_and_advance_paid, imported, review
from tests.support.http import sign_in, text_of
from web.formatting import moment

CLOSES = datetime(2020, 10, 1, 10, 0, tzinfo=UTC)  # 12:00 in Amsterdam


async def test_the_window_closes_once_and_late_is_recorded(setup):
    assert SOURCE in DEADLINE_SOURCES
    s = setup
    [upcoming] = await SOURCE.upcoming(CLOSES)
    assert upcoming.key == f"subsidy-round:{s.round_id}" and upcoming.due_at == CLOSES
    assert await SOURCE.tick(CLOSES - timedelta(seconds=1)) == []
    ran_at = CLOSES + timedelta(minutes=7)  # the service was down for a while
    [applied] = await SOURCE.tick(ran_at)
    assert applied.late_by_seconds == 420
    assert await SOURCE.tick(ran_at) == []
    assert await SOURCE.tick(ran_at, applied.key) == []
    assert (await SubsidyRound.select(SubsidyRound.phase).first())["phase"] == "closed"
    [event] = await AuditEvent.select().where(AuditEvent.action == "round.window_closed")
    assert '"late_by_seconds":420' in event["after"] and event["actor"] == "scheduler"
    row = await SubsidyRound.select(
        SubsidyRound.window_closed_at, SubsidyRound.window_close_due_at
    ).first()
    assert (row["window_close_due_at"], row["window_closed_at"]) == (CLOSES, ran_at), (
        "the moment it was due beside the moment it was applied"
    )


async def test_the_round_page_shows_when_the_window_was_due_to_close(setup, client_factory):
    s = setup
    await SOURCE.tick(CLOSES + timedelta(hours=3))  # the service was down for a while
    async with client_factory() as client:
        await sign_in(client, s.officer.email)
        text = text_of((await client.get(f"/subsidies/rounds/{s.round_id}")).text)
    due = moment(CLOSES, "Europe/Amsterdam", "en")
    applied = moment(CLOSES + timedelta(hours=3), "Europe/Amsterdam", "en")
    assert f"closed at {due} (applied {applied}, after the service was down)" in text


async def test_a_final_report_falls_due_after_the_advance(setup, fixed_clock):
    s = setup
    ids = await imported(s)
    await review(s, dict.fromkeys(ids.values(), "8"))
    first = await decided_and_advance_paid(s, ids, fixed_clock)
    report = await Report.select().where(Report.application == first).first()
    moment = datetime(2022, 3, 31, 0, 0, tzinfo=UTC)  # 02:00 local: due since midnight
    applied = await SOURCE.tick(moment, f"subsidy-report:{report['id']}")
    assert [a.key for a in applied] == [f"subsidy-report:{report['id']}"]
    state = await Application.select(Application.state).where(Application.id == first).first()
    assert state["state"] == "report_due"
    assert await SOURCE.tick(moment, f"subsidy-report:{report['id']}") == []
    others = await SOURCE.tick(moment)  # the other grants' reports: no state change
    assert len(others) == 2
    assert await AuditEvent.count().where(AuditEvent.action == "application.report_due") == 3
