"""The inbox by email: every active member of the organisation a letter or notice is addressed
to is told, in their language, with a link to the inbox and nothing of the letter itself; once
per letter or notice. The inbox lists moved deadlines and marks letters not downloaded yet."""

from __future__ import annotations

from datetime import timedelta

from audit.tables import AuditEvent
from documents.letters.kinds import LetterKind
from documents.letters.service import GeneratedLetter, record_sent
from notifications.tables import OutboxAttachment, OutboxMessage
from organisations.tables import Organisation
from portal.service import accounts as portal_accounts
from portal.tables import PortalAccount, PortalMembership
from tenders import procurement, service
from tenders.tables import Question, Tender
from tests.portal.conftest import DOCX, Scene
from tests.portal.support import (
    portal_sign_in,
    register_and_verify,
    rejection_to_zorg_plus,
)
from tests.support.http import text_of
from tests.tenders.conftest import KVK, local

SECRET = b"Uw prijs was EUR 123.456,78 te hoog; de winnaar bood 99.000"


async def join(client_factory, scene: Scene, email: str, number: str, name: str) -> int:
    """A person registers for the organisation with ``number`` and an officer approves them;
    the organisation's id."""
    async with client_factory() as client:
        await register_and_verify(client, email, number, name)
    [org] = await Organisation.select(Organisation.id).where(
        Organisation.registration_number == number
    )
    [account] = await PortalAccount.select(PortalAccount.id).where(PortalAccount.email == email)
    [membership] = await PortalMembership.select(PortalMembership.id).where(
        PortalMembership.account == account["id"]
    )
    await portal_accounts.decide_as_officer(
        scene.world.officer, org["id"], membership["id"], True, "member"
    )
    return org["id"]


async def inbox_mails() -> list[dict]:
    return await (
        OutboxMessage.select()
        .where(OutboxMessage.kind == "portal_inbox")
        .order_by(OutboxMessage.id)
    )


async def send_rejection(scene: Scene, content: bytes = DOCX + SECRET) -> int:
    [sent] = await record_sent(
        scene.world.officer.as_actor(),
        "lot",
        scene.lot_id,
        [rejection_to_zorg_plus(scene.bids["a"], content)],
    )
    assert sent.file_id is not None
    return sent.file_id


async def test_a_letter_is_mailed_to_each_active_member_and_nobody_else(
    scene: Scene, client_factory
) -> None:
    # A second person of Zorg Plus asks to join and waits for approval: not told.
    async with client_factory() as pending:
        await register_and_verify(pending, "piet@zorgplus.example", KVK[0], "Zorg Plus BV")
    await PortalAccount.update({PortalAccount.language: "pl"}).where(
        PortalAccount.email == scene.emails["a"]
    )
    file_id = await send_rejection(scene)

    mails = await inbox_mails()
    assert [m["recipient"] for m in mails] == [scene.emails["a"]]  # not Carl, not Piet
    [mail] = mails
    assert mail["language"] == "pl"
    assert mail["subject"].startswith("Nowość w Twojej skrzynce"), mail["subject"]
    assert f"/portal/inbox#letter-{file_id}" in mail["body"]
    assert "Hulp bij het huishouden 2022" in mail["body"]  # which procedure
    # Nothing of the letter: not its text, not its file name, no attachment.
    assert "123.456" not in mail["body"] and "te hoog" not in mail["body"]
    assert "afwijzing-zorg-plus.docx" not in mail["body"]
    assert await OutboxAttachment.count().where(OutboxAttachment.message == mail["id"]) == 0
    queued = await AuditEvent.select(AuditEvent.after).where(
        (AuditEvent.action == "mail.queued") & (AuditEvent.object_id == str(mail["id"]))
    )
    assert len(queued) == 1  # the outbox's event, in the letter's transaction


async def test_every_active_member_is_told_in_their_own_language(
    scene: Scene, client_factory
) -> None:
    await join(client_factory, scene, "bo@thuishulp.example", KVK[1], "Thuishulp West")
    await PortalAccount.update({PortalAccount.language: "da"}).where(
        PortalAccount.email == "bo@thuishulp.example"
    )
    await PortalAccount.update({PortalAccount.language: "sv"}).where(
        PortalAccount.email == scene.emails["b"]
    )
    await record_sent(
        scene.world.officer.as_actor(),
        "lot",
        scene.lot_id,
        [
            GeneratedLetter(
                "gunning.docx",
                LetterKind.AWARD_INTENT,
                "nl",
                "Thuishulp West",
                f"bid:{scene.bids['b']}",
                DOCX + SECRET,
            )
        ],
    )
    mails = {m["recipient"]: m for m in await inbox_mails()}
    assert set(mails) == {scene.emails["b"], "bo@thuishulp.example"}
    assert mails["bo@thuishulp.example"]["language"] == "da"
    assert mails[scene.emails["b"]]["language"] == "sv"
    # Written in each reader's language, not the same text twice.
    assert mails["bo@thuishulp.example"]["body"] != mails[scene.emails["b"]]["body"]
    for mail in mails.values():
        assert "123.456" not in mail["body"]


async def test_a_letter_sent_again_is_not_mailed_again(scene: Scene) -> None:
    await send_rejection(scene)
    await send_rejection(scene)  # the same letter recorded again
    assert len(await inbox_mails()) == 1
    await send_rejection(scene, DOCX + b" a corrected letter")  # another letter: told
    assert len(await inbox_mails()) == 2


async def test_an_answer_in_the_clarification_notice_is_mailed_to_the_tenders_members(
    scene: Scene, client_factory
) -> None:
    # A third organisation, with no part in the tender: not told.
    await join(client_factory, scene, "eva@anders.example", KVK[2], "Anders Zorg")
    officer, tender_id = scene.world.officer, scene.tender_id
    question_id = await procurement.ask(officer, tender_id, "Iemand", "Geldt de cao VVT?")
    await procurement.answer(officer, tender_id, question_id, "Ja, de cao VVT geldt.")
    mails = await inbox_mails()
    assert sorted(m["recipient"] for m in mails) == sorted(scene.emails.values())
    assert all("cao VVT" not in m["body"] for m in mails)  # the notice itself is not mailed
    [number] = await Question.select(Question.number).where(Question.id == question_id)
    anchor = f"answer-{tender_id}-{number['number']}"
    assert all(f"/portal/inbox#{anchor}" in m["body"] for m in mails)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        assert f'id="{anchor}"' in (await anna.get("/portal/inbox")).text
    # The same answer saved again: no new mail; an amended answer: told again.
    await procurement.answer(officer, tender_id, question_id, "Ja, de cao VVT geldt.")
    assert len(await inbox_mails()) == 2
    await procurement.answer(officer, tender_id, question_id, "Ja, de cao VVT 2025 geldt.")
    assert len(await inbox_mails()) == 4


async def test_an_organisation_that_only_asked_a_question_is_told_of_the_notice(
    scene: Scene, client_factory
) -> None:
    org_id = await join(client_factory, scene, "eva@anders.example", KVK[2], "Anders Zorg")
    async with client_factory() as client:
        await portal_sign_in(client, "eva@anders.example")
        await client.get(f"/portal/tenders/{scene.tender_id}")
        response = await client.post(
            f"/portal/tenders/{scene.tender_id}/questions",
            data={"question": "Mag onderaanneming?"},
        )
        assert response.status_code == 303, response.text
    [question] = await Question.select(Question.id).where(Question.organisation == org_id)
    await procurement.answer(
        scene.world.officer, scene.tender_id, question["id"], "Ja, tot 30 procent."
    )
    assert "eva@anders.example" in {m["recipient"] for m in await inbox_mails()}


async def test_a_moved_deadline_is_mailed_and_listed_in_the_inbox(
    scene: Scene, client_factory
) -> None:
    before = (
        await Tender.select(Tender.deadline_bids).where(Tender.id == scene.tender_id).first()
    )["deadline_bids"]
    later = before + timedelta(days=7)
    await service.set_deadlines(
        scene.world.officer, scene.tender_id, {"deadline_bids": local(later)}
    )
    mails = await inbox_mails()
    assert sorted(m["recipient"] for m in mails) == sorted(scene.emails.values())
    # The draft tender's deadlines move freely: nobody is told.
    await service.set_deadlines(
        scene.world.officer, scene.draft_id, {"deadline_bids": local(later)}
    )
    assert len(await inbox_mails()) == 2
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        inbox = text_of((await anna.get("/portal/inbox")).text)
    assert "Deadline moved" in inbox
    assert "Bids:" in inbox


async def test_a_letter_is_new_until_the_account_downloads_it_and_the_download_is_audited(
    scene: Scene, client_factory
) -> None:
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        page = (await anna.get("/portal/inbox")).text
        assert f'id="letter-{scene.letters["a"]}"' in page
        assert "New:" in text_of(page)
        # Another organisation's letter: refused, and no download recorded.
        assert (await anna.get(f"/portal/inbox/letters/{scene.letters['b']}")).status_code == 404
        assert await AuditEvent.count().where(AuditEvent.action == "portal.letter_downloaded") == 0
        assert (await anna.get(f"/portal/inbox/letters/{scene.letters['a']}")).status_code == 200
        assert "New:" not in text_of((await anna.get("/portal/inbox")).text)
    [download] = await AuditEvent.select(AuditEvent.actor, AuditEvent.object_id).where(
        AuditEvent.action == "portal.letter_downloaded"
    )
    assert download == {
        "actor": f"portal:{scene.emails['a']}",
        "object_id": str(scene.organisations["a"]),
    }
