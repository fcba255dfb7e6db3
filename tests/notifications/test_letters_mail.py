"""Letters recorded as sent are listed again, and mailed with the document attached."""

from __future__ import annotations

import dataclasses

from documents.letters.bundle import letters_for
from documents.letters.kinds import LetterKind
from documents.letters.samples import sample_letter
from documents.letters.service import record_sent, sent_letters, templates_for
from notifications.letters import LetterMail, mail_letters
from notifications.tables import OutboxAttachment, OutboxMessage
from tests.support.fixtures import SETUP


async def _sent_grants(names: list[str]):
    letter = sample_letter(LetterKind.GRANT)
    pairs = [
        (
            f"application:{n}",
            dataclasses.replace(letter, addressee=dataclasses.replace(letter.addressee, name=name)),
        )
        for n, name in enumerate(names)
    ]
    templates = await templates_for(None, [(LetterKind.GRANT, "nl")])
    return await record_sent(SETUP, "round", 3, letters_for(templates, pairs, "nl"))


async def test_sent_letters_are_listed_per_object_oldest_first(db):
    sent = await _sent_grants(["Stichting Anna", "Vereniging Bram"])
    await record_sent(SETUP, "round", 4, [])
    listed = await sent_letters("round", 3)
    assert listed == sent
    assert [s.addressee for s in listed] == ["Stichting Anna", "Vereniging Bram"]
    assert await sent_letters("round", 4) == []
    assert await sent_letters("lot", 3) == []


async def test_letters_are_mailed_once_with_the_document_attached(db):
    first, second = await _sent_grants(["Stichting Anna", "Vereniging Bram"])
    mails = [
        LetterMail(
            first,
            "anna@example.nl",
            "Stichting Anna",
            "nl",
            "Dagbesteding 2027",
            "Gemeente Utrecht",
        ),
        LetterMail(second, "", "Vereniging Bram", "nl", "Dagbesteding 2027", "Gemeente Utrecht"),
    ]
    assert await mail_letters(SETUP, "round", 3, mails) == 1
    assert await mail_letters(SETUP, "round", 3, mails) == 0  # never twice
    [message] = await OutboxMessage.select()
    assert message["recipient"] == "anna@example.nl" and message["kind"] == "letter"
    assert message["subject"] == "Besluit subsidieverlening: Dagbesteding 2027"
    assert "Geachte Stichting Anna," in message["body"]
    assert first.filename in message["body"] and "Gemeente Utrecht" in message["body"]
    [attachment] = await OutboxAttachment.select()
    assert attachment["message"] == message["id"] and attachment["file"] == first.file_id
