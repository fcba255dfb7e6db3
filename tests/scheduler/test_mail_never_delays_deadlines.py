"""A mail server that accepts connections but never answers delays no deadline: sending is a
job of its own, with its own time budget, and the mail stays queued for the next run."""

import asyncio
import time
from datetime import timedelta

from audit.tables import AuditEvent
from common import clock
from common.identity import Actor
from config import scheduler as scheduler_module
from config.scheduler import Scheduler
from config.settings import load_settings
from notifications import service as outbox
from notifications.domain import OutgoingMessage
from notifications.tables import OutboxMessage
from scoring.reminders import ScoringReminders
from scoring.tables import Evaluation
from tests.scheduler.test_on_time import evaluation


async def test_deadlines_are_applied_on_time_while_mail_waits_for_a_hung_server(
    make_user, make_authority, hung_smtp_server, monkeypatch
):
    monkeypatch.setattr(scheduler_module, "LEADERSHIP_RETRY_SECONDS", 0.05)
    scenario = await evaluation(make_user, make_authority)
    for number in range(4):
        await outbox.enqueue(
            Actor(None, "test"),
            OutgoingMessage(
                kind="notice",
                recipient=f"olga{number}@utrecht.nl",
                language="nl",
                subject="Termijn verstreken",
                body="De inschrijvingstermijn is verstreken.\n",
            ),
        )
    due_at = clock.now() + timedelta(seconds=3)
    await Evaluation.update({Evaluation.scores_due_at: due_at}).where(
        Evaluation.id == scenario.evaluation_id
    )
    settings = load_settings()
    settings = type(settings)(**{**settings.__dict__, "smtp": hung_smtp_server.settings})
    scheduler = Scheduler(settings, [ScoringReminders(reminder_days=0)])
    await scheduler.start()
    try:

        async def told() -> list[dict]:
            return await AuditEvent.select(AuditEvent.action, AuditEvent.after).where(
                (AuditEvent.object_type == "evaluation")
                & (AuditEvent.action == "evaluation.scores_due_told")
            )

        ends = time.monotonic() + 12  # the hung server holds a message 15 s per SMTP step
        while not await told():
            assert time.monotonic() < ends, "the deadline waited for the mail"
            await asyncio.sleep(0.2)
        [event] = await told()
        assert "applied_late_by_seconds" not in event["after"]
        assert clock.now() - due_at < timedelta(seconds=10)
        statuses = sorted(
            m["status"]
            for m in await OutboxMessage.select(OutboxMessage.status).where(
                OutboxMessage.kind == "notice"
            )
        )
        assert "sent" not in statuses and statuses.count("sending") <= 1, (
            "the mail waits, at most the message being tried is claimed"
        )
        assert hung_smtp_server.mailbox.received == []
    finally:
        await scheduler.stop()
