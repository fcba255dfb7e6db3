"""Scoring deadlines: a reminder once per evaluator before the scores are due, a notice to the
lead officers when they are due, each applied once, late ones audited with their delay."""

import json
from datetime import UTC, datetime, timedelta

from audit.tables import AuditEvent
from common.clock import FixedClock, use_clock
from notifications.tables import OutboxMessage
from scoring import reminders, service, sheets
from scoring.reminders import REMIND, TELL_LEAD, ScoringDeadline, ScoringReminders, due_steps
from tests.scoring.conftest import make_scenario

DUE = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)  # Monday 30 March 17:00 in Utrecht


def test_the_steps_in_order_and_only_once():
    fresh = ScoringDeadline(1, DUE, frozenset())
    assert due_steps(fresh, 3, DUE - timedelta(days=3, seconds=1)) == []
    assert due_steps(fresh, 3, DUE - timedelta(days=3)) == [(REMIND, DUE - timedelta(days=3))]
    assert due_steps(fresh, 3, DUE) == [(REMIND, DUE - timedelta(days=3)), (TELL_LEAD, DUE)]
    reminded = ScoringDeadline(1, DUE, frozenset({"reminders_sent"}))
    assert due_steps(reminded, 3, DUE) == [(TELL_LEAD, DUE)]
    done = ScoringDeadline(1, DUE, frozenset({"reminders_sent", "scores_due_told"}))
    assert due_steps(done, 3, DUE + timedelta(days=30)) == []


async def mail_to(address: str) -> list[dict]:
    return await OutboxMessage.select().where(OutboxMessage.recipient == address)


async def test_a_reminder_goes_out_once_per_evaluator_who_has_not_submitted(
    make_user, make_authority
):
    scenario = await make_scenario(make_user, make_authority, evaluators=2)
    done, late = scenario.evaluators
    await scenario.declare_all(done)
    for ref in ("bid:1", "bid:2", "bid:3"):
        await scenario.score(done, ref, {"Method": "8", "Team": "7", "Certified": "1"})
    await sheets.submit_sheet(done, scenario.evaluation_id)
    await service.set_scores_due(scenario.officer, scenario.evaluation_id, "2026-03-30T17:00")
    source = ScoringReminders(reminder_days=3)

    [upcoming] = await source.upcoming(DUE - timedelta(days=10))
    assert (upcoming.key, upcoming.step, upcoming.due_at) == (
        f"evaluation:{scenario.evaluation_id}",
        REMIND,
        DUE - timedelta(days=3),
    )
    assert upcoming.authority_ids == (scenario.authority_id,)

    assert await source.tick(DUE - timedelta(days=3, seconds=1)) == []
    [applied] = await source.tick(DUE - timedelta(days=3))
    assert applied.step == REMIND and applied.late_by_seconds == 0
    assert await source.tick(DUE - timedelta(days=2)) == [], "applied once"
    [reminder] = await mail_to(late.email)
    assert "Reminder: your scores for Household help, lot 1 are due" in reminder["subject"]
    assert "30 Mar 2026, 17:00" in reminder["subject"]
    assert await mail_to(done.email) == [], "who submitted is not reminded"

    [next_step] = await source.upcoming(DUE - timedelta(days=2))
    assert next_step.step == TELL_LEAD and next_step.due_at == DUE
    # The service was down when the scores fell due: applied at start-up, audited as late.
    [told] = await source.tick(DUE + timedelta(hours=2))
    assert told.step == TELL_LEAD and told.late_by_seconds == 7200
    [notice] = await mail_to(scenario.officer.email)
    assert late.name in notice["body"] and done.name not in notice["body"]
    event = (
        await AuditEvent.select().where(AuditEvent.action == "evaluation.scores_due_told").first()
    )
    assert json.loads(event["after"])["applied_late_by_seconds"] == 7200
    assert await source.upcoming(DUE + timedelta(hours=3)) == []
    assert await source.tick(DUE + timedelta(days=1)) == []


async def test_moving_the_due_date_reminds_again_and_a_finished_evaluation_is_quiet(
    make_user, make_authority
):
    scenario = await make_scenario(make_user, make_authority, evaluators=1)
    [evaluator] = scenario.evaluators
    await service.set_scores_due(scenario.officer, scenario.evaluation_id, DUE)
    source = ScoringReminders(reminder_days=3)
    with use_clock(FixedClock(DUE - timedelta(days=3))):
        await source.tick(DUE - timedelta(days=3))
        later = DUE + timedelta(days=7)
        await service.set_scores_due(scenario.officer, scenario.evaluation_id, later)
    [upcoming] = await source.upcoming(DUE)
    assert upcoming.due_at == later - timedelta(days=3) and upcoming.step == REMIND
    await source.tick(later - timedelta(days=3))
    assert len(await mail_to(evaluator.email)) == 2, "one reminder per due date"
    assert reminders.STEP_KINDS[REMIND] == "reminders_sent"


def test_a_reminder_is_stale_only_once_the_scores_are_past_due():
    assert not reminders.reminder_is_stale(DUE, DUE - timedelta(days=1))
    assert not reminders.reminder_is_stale(DUE, DUE + timedelta(seconds=59)), "on time"
    assert reminders.reminder_is_stale(DUE, DUE + timedelta(minutes=1))
    assert reminders.reminder_is_stale(DUE, DUE + timedelta(days=2))


async def test_after_downtime_a_passed_reminder_is_replaced_by_the_overdue_notice(
    make_user, make_authority
):
    scenario = await make_scenario(make_user, make_authority, evaluators=1)
    [evaluator] = scenario.evaluators
    await service.set_scores_due(scenario.officer, scenario.evaluation_id, "2026-03-30T17:00")
    source = ScoringReminders(reminder_days=3)
    back_up = DUE + timedelta(days=2)  # down from before the reminder until after the due date
    applied = await source.tick(back_up)
    assert [a.step for a in applied] == [REMIND, TELL_LEAD]
    assert await source.tick(back_up + timedelta(minutes=5)) == []

    [mail] = await mail_to(evaluator.email)
    assert mail["kind"] == "scoring.overdue"
    assert mail["dedupe_key"].startswith(f"scoring.reminder:{scenario.evaluation_id}:"), (
        "the reminder's key: one or the other, never both"
    )
    assert "Overdue: your scores for Household help, lot 1 were due" in mail["subject"]
    assert "are due" not in mail["subject"] and "are due" not in mail["body"]
    assert len(await mail_to(scenario.officer.email)) == 1, "the lead officer is told"
    event = (
        await AuditEvent.select().where(AuditEvent.action == "evaluation.reminders_sent").first()
    )
    assert json.loads(event["after"])["overdue"] is True
