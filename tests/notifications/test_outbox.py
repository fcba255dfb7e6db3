"""The outbox against a real SMTP server: delivered with attachments, retried, never lost."""

from datetime import timedelta

import pytest

from audit.tables import AuditEvent
from common import clock
from common.clock import FixedClock, use_clock
from common.errors import ValidationFailed
from common.identity import Actor
from config.database import transaction
from documents import storage
from notifications import sender, service
from notifications.compose import compose
from notifications.domain import CLAIM_TIMEOUT, MAX_ATTEMPTS, OutgoingMessage
from notifications.tables import OutboxMessage
from tests.support.http import post_form, sign_in, text_of
from tests.support.smtp import free_port, smtp_settings

ACTOR = Actor(None, "test")


def letter(**overrides) -> OutgoingMessage:
    values = {
        "kind": "letter",
        "recipient": "info@alamal.nl",
        "recipient_name": "Al Amal",
        "language": "nl",
        "subject": "Gunningsbeslissing perceel 2",
        "body": "Geachte heer, mevrouw,\n\nBijgaand ons besluit.\n",
    }
    return OutgoingMessage(**{**values, **overrides})


async def test_a_message_is_delivered_with_its_attachment(db, smtp_server):
    async with transaction():
        document = await storage.store(
            ACTOR,
            "gunningsbeslissing.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04 docx bytes",
        )
    message_id = await service.enqueue(ACTOR, letter(attachment_file_ids=(document.id,)))
    summary = await sender.send_due(smtp_server.settings)
    assert (summary.sent, summary.retrying, summary.failed) == (1, 0, 0)

    [received] = smtp_server.mailbox.received
    assert received["To"] == "Al Amal <info@alamal.nl>"
    assert received["Subject"] == "Gunningsbeslissing perceel 2"
    assert "Bijgaand ons besluit." in received.get_body(("plain",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "gunningsbeslissing.docx"
    assert attachment.get_content() == b"PK\x03\x04 docx bytes"
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"] is not None
    assert await sender.send_due(smtp_server.settings) == sender.SendSummary()


async def test_the_same_dedupe_key_goes_out_once(db):
    first = await service.enqueue(ACTOR, letter(dedupe_key="reminder:eval:5:user:9"))
    second = await service.enqueue(ACTOR, letter(dedupe_key="reminder:eval:5:user:9"))
    assert first is not None and second is None
    assert await OutboxMessage.count() == 1


async def test_without_smtp_settings_messages_wait(db, settings):
    await service.enqueue(ACTOR, letter())
    assert not settings.smtp.configured
    assert await sender.send_due(settings.smtp) == sender.SendSummary()
    assert (await OutboxMessage.select(OutboxMessage.status).first())["status"] == "queued"


async def test_a_server_that_is_down_is_retried_then_the_message_is_failed(db, smtp_server):
    down = smtp_settings(free_port())  # nothing listens there
    message_id = await service.enqueue(ACTOR, letter())
    with use_clock(FixedClock(clock.now())) as travel:
        first = await sender.send_due(down)
        assert first.retrying == 1
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        assert row["status"] == "queued" and row["attempts"] == 1
        assert row["next_attempt_at"] == travel.now() + timedelta(minutes=1)
        assert row["last_error"]
        assert await sender.send_due(down) == sender.SendSummary(), "not due again yet"

        for _ in range(MAX_ATTEMPTS - 1):
            travel.advance(timedelta(hours=5))
            await sender.send_due(down)
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        assert row["status"] == "failed" and row["attempts"] == MAX_ATTEMPTS
        assert "Error" in row["last_error"] or "refused" in row["last_error"].lower()
        assert await AuditEvent.exists().where(AuditEvent.action == "mail.failed")

        await service.retry(ACTOR, message_id)
        assert (await sender.send_due(smtp_server.settings)).sent == 1
    assert len(smtp_server.mailbox.received) == 1


async def test_a_claim_is_exclusive_until_it_times_out(db):
    message_id = await service.enqueue(ACTOR, letter())
    with use_clock(FixedClock(clock.now())) as travel:
        assert (await service.claim_next(travel.now(), "a:1:x")).id == message_id
        assert await service.claim_next(travel.now(), "b:2:y") is None
        travel.advance(CLAIM_TIMEOUT + timedelta(seconds=1))
        assert (await service.claim_next(travel.now(), "b:2:y")).id == message_id, (
            "a dead sender's claim expires"
        )
        await service.mark_sent(message_id, travel.now(), "a:1:x")
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        assert (row["status"], row["claimed_by"]) == ("sending", "b:2:y"), (
            "a sender that lost its claim changes nothing"
        )
        await service.mark_sent(message_id, travel.now(), "b:2:y")
        row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        assert (row["status"], row["attempts"]) == ("sent", 1)


async def test_a_bad_address_is_refused_and_nothing_is_queued(db):
    with pytest.raises(ValidationFailed) as caught:
        await service.enqueue(ACTOR, letter(recipient="not an address", subject="a\nBcc: x"))
    assert {p.location for p in caught.value.problems} == {"recipient", "subject"}
    assert await OutboxMessage.count() == 0


def test_messages_are_written_in_the_readers_language():
    moment = clock.now()
    subject_nl, body_nl = compose(
        "notifications/mail/test.txt", "nl", name="Olga", sent_at=moment, zone="Europe/Amsterdam"
    )
    subject_en, body_en = compose(
        "notifications/mail/test.txt",
        "en",
        name="Olga & co",
        sent_at=moment,
        zone="Europe/Amsterdam",
    )
    assert subject_nl == "tenderdesk: testbericht" and body_nl.startswith("Hallo Olga,")
    assert subject_en == "tenderdesk: test message"
    assert "Olga & co" in body_en, "plain text mail is not HTML-escaped"


async def test_admin_sends_a_test_message_and_sees_the_outbox(client, make_user):
    admin = await make_user("admin", language="nl")
    await sign_in(client, admin.email)
    response = await post_form(client, "/admin/outbox/test")
    assert response.status_code == 303
    page = await client.get("/admin/outbox")
    text = text_of(page.text)
    assert "tenderdesk: testbericht" in text and "Er is geen mailserver" in text
    row = await OutboxMessage.select().first()
    assert row["recipient"] == admin.email and row["language"] == "nl"
