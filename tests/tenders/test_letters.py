"""The letters of a tender: award decisions with the standstill, selection outcomes, the
evaluation report and the clarification notice, read back with python-docx."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError
from documents import storage
from documents.letters import bundle
from documents.letters.kinds import LetterKind
from notifications.tables import OutboxAttachment, OutboxMessage
from tenders import bids, letters, openings, procurement, service
from tenders.tables import Bid, Tender
from tests.documents.letters_support import docx_text
from tests.support.browser import require_tool
from tests.support.cli import tenderdesk
from tests.support.http import post_form, text_of
from tests.support.jobs import run_jobs
from tests.tenders.conftest import ADVANTAGES, KVK, NAMES, World
from tests.tenders.test_procurement import assess_all, requests_closed

HOSTILE = "{{ 7*7 }} <w:t>Zorg & Co</w:t> {% for x in y %}"


async def _bid(
    world: World, tender_id: int, lot_id: int, index: int, name: str, price: str, email: str = ""
) -> int:
    return await bids.register_bid(
        world.officer,
        tender_id,
        lot_id,
        {
            "name": name,
            "country": "NL",
            "registration_number": KVK[index],
            "price": price,
            "email": email,
            "contact_name": "mw. A. Jansen",
            "contact_form_of_address": "mevrouw",
            "address": "Lindelaan 4\n3511 AB Utrecht",
        },
        [(f"bid-{index}.pdf", "application/pdf", b"%PDF-1.4 bid")],
    )


async def _ranked(world: World) -> tuple[int, int]:
    """A tender in evaluation with three bids on its lot, ranked and confirmed, the best
    chosen: Samen Sterk wins, the hostile name ranks second, Thuishulp West third."""
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    ids = [
        await _bid(world, tender_id, lot_id, 0, HOSTILE, "150000", "hostile@example.nl"),
        await _bid(world, tender_id, lot_id, 1, "Thuishulp West", "100000"),
        await _bid(world, tender_id, lot_id, 2, "Samen Sterk", "120000", "info@samensterk.example"),
    ]
    world.travel(timedelta(days=41))
    await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)
    await world.score_and_confirm(tender_id, {ids[0]: "9", ids[1]: "5", ids[2]: "8"})
    await bids.choose_award(world.officer, tender_id, lot_id, [ids[2]], advantages=ADVANTAGES)
    return tender_id, lot_id


async def test_a_rejection_after_deviating_from_the_ranking_states_the_reason(world):
    tender_id, lot_id = await _ranked(world)
    hostile_bid = (
        await Bid.select(Bid.id)
        .where((Bid.lot == lot_id) & (Bid.organisation.name == HOSTILE))
        .first()
    )
    await bids.choose_award(
        world.officer,
        tender_id,
        lot_id,
        [hostile_bid["id"]],
        reason="Samen Sterk cannot start before 1 April",
        advantages=ADVANTAGES,
    )
    sent = await letters.send_award_decisions(world.officer, tender_id)
    [best] = [x for x in sent.letters if x.addressee == "Samen Sterk"]
    assert best.kind is LetterKind.REJECTION
    text = docx_text((await storage.read(best.file_id))[1])
    assert "Samen Sterk cannot start before 1 April" in text
    assert "wijkt om de hieronder genoemde reden af van de rangschikking" in text
    assert "hoogst gerangschikte" not in text


async def test_award_decisions_write_every_letter_and_start_the_standstill(world):
    tender_id, lot_id = await _ranked(world)
    world.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))  # Tuesday 1 December 2026
    sent = await letters.send_award_decisions(world.officer, tender_id)
    # 20 calendar days from 1 December: Monday 21 December is the last day.
    assert sent.standstill_last_day.isoformat() == "2026-12-21"
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert row["phase"] == "award_intent"
    assert row["decisions_sent_at"] == sent.sent_at == world.clock.now()
    assert row["standstill_ends_at"] == sent.standstill_ends_at
    by_kind = {}
    for letter in sent.letters:
        by_kind.setdefault(letter.kind, []).append(letter)
        assert letter.sent_at == row["decisions_sent_at"]
    [intent] = by_kind[LetterKind.AWARD_INTENT]
    assert intent.addressee == "Samen Sterk"
    hostile, other = by_kind[LetterKind.REJECTION]
    assert (hostile.addressee, other.addressee) == (HOSTILE, "Thuishulp West")

    _, data = await storage.read(hostile.file_id)
    text = docx_text(data)
    assert HOSTILE in text and "49" not in text.replace("2026", "")
    assert "Samen Sterk" in text  # the winner's name
    assert "21 december 2026" in text  # the standstill's last day, in Dutch
    assert "Quality plan" in text and "Clear plan" in text
    # Both parties' points per criterion: quality 60 × 9/10 = 54 against 60 × 8/10 = 48.
    assert "54" in text and "48" in text
    # The officer's own description of the winning bid, in every rejection (art. 2.130), and
    # complaints go to the officer (the authority has no complaint desk set).
    for rejection in (hostile, other):
        assert ADVANTAGES in docx_text((await storage.read(rejection.file_id))[1])
    assert "Rechtsbescherming" in text and "Bezwaar" not in text.splitlines()
    _, data = await storage.read(intent.file_id)
    assert "21 december 2026" in docx_text(data)
    # The contact as registered with the bid: "mevrouw", surname taken from her name.
    for letter in (intent, hostile, other):
        lines = docx_text((await storage.read(letter.file_id))[1]).splitlines()
        assert "Geachte mevrouw Jansen," in lines and "t.a.v. mevrouw A. Jansen" in lines

    events = (
        await AuditEvent.select().where(AuditEvent.action == "letter.sent").order_by(AuditEvent.seq)
    )
    assert len(events) == 3
    for event, letter in zip(events, sent.letters, strict=True):
        after = json.loads(event["after"])
        assert (event["object_type"], event["object_id"]) == ("lot", str(lot_id))
        assert after["sha256"] == letter.sha256 and after["tender"] == tender_id
    messages = await OutboxMessage.select().order_by(OutboxMessage.recipient)
    letters_mailed = [m for m in messages if m["kind"] == "letter"]
    assert [m["recipient"] for m in letters_mailed] == [
        "hostile@example.nl",
        "info@samensterk.example",
    ]
    attachments = {a["file"] for a in await OutboxAttachment.select()}
    assert attachments == {hostile.file_id, intent.file_id}

    listed = await letters.sent_letters(world.finance, tender_id)
    assert [x.sha256 for x in listed] == [x.sha256 for x in sent.letters]
    name, stream = await letters.zip_of(world.finance, tender_id, lot_id)
    archive = zipfile.ZipFile(io.BytesIO(b"".join([c async for c in stream])))
    assert sorted(archive.namelist()) == sorted(x.filename for x in sent.letters)
    assert name.endswith(".zip")
    assert await letters.letters_of_tender("UTR-HH-2022") == [
        (x.filename, (await storage.read(x.file_id))[1]) for x in sent.letters
    ]
    assert await letters.letters_of_tender("NO-SUCH") is None


async def test_award_decisions_only_at_the_end_of_the_evaluation_and_once(world):
    tender_id, _ = await _ranked(world)
    draft = await world.tender()
    with pytest.raises(DomainError, match="end of the evaluation"):
        await letters.send_award_decisions(world.officer, draft)
    await letters.send_award_decisions(world.officer, tender_id)
    with pytest.raises(DomainError):  # not twice
        await letters.send_award_decisions(world.officer, tender_id)
    assert len(await letters.sent_letters(world.officer, tender_id)) == 3


async def test_no_letters_and_no_standstill_without_a_confirmed_ranking(world):
    tender_id = await world.tender()
    await world.to_evaluation(tender_id)
    with pytest.raises(DomainError, match=r"The ranking is not confirmed for 1\. District 1"):
        await letters.send_award_decisions(world.officer, tender_id)
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert row["phase"] == "evaluation" and row["standstill_ends_at"] is None
    assert await AuditEvent.count().where(AuditEvent.action == "letter.sent") == 0


async def test_the_evaluation_report_and_the_clarification_notice(world):
    tender_id, lot_id = await _ranked(world)
    name, data = await letters.lot_report(world.finance, tender_id, lot_id)
    assert name.endswith(".docx")
    text = docx_text(data)
    assert "Quality plan" in text and "Clear plan" in text and HOSTILE in text
    assert "Samen Sterk" in text

    other = await world.tender(reference="NVI-1")
    await service.publish(world.officer, other)
    first = await procurement.ask(
        world.officer, other, "Geheime Vrager BV", "Mag de prijs <w:t> & {{ 7*7 }} bevatten?"
    )
    await procurement.ask(world.officer, other, "Tweede Vrager", "Onbeantwoord?")
    await procurement.answer(world.officer, other, first, "Ja & nee.")
    _, data = await letters.nota(world.finance, other)
    text = docx_text(data)
    assert "Mag de prijs <w:t> & {{ 7*7 }} bevatten?" in text and "Ja & nee." in text
    assert "Geheime Vrager" not in text and "Onbeantwoord" not in text


async def _preselection(world: World) -> tuple[int, list[int]]:
    """A competitive dialogue in its selection phase with three candidates assessed; the
    third fails the certificate."""
    tender_id, ids = await requests_closed(world, 3)
    await assess_all(world, tender_id, ids, failing=2, note="not shown")
    return tender_id, ids


async def test_selection_letters_go_to_every_candidate_once(world):
    tender_id, ids = await _preselection(world)
    world.clock.set(datetime(2027, 4, 15, 9, 0, tzinfo=UTC))
    await procurement.decide(world.officer, tender_id, ids[0], True, "")
    with pytest.raises(DomainError, match="Decide on every candidate first: Thuishulp West"):
        await letters.send_selection_letters(world.officer, tender_id)
    await procurement.decide(world.officer, tender_id, ids[1], True, "")
    await procurement.decide(world.officer, tender_id, ids[2], False, "No HKZ certificate")
    sent = await letters.send_selection_letters(world.officer, tender_id)
    assert [s.addressee for s in sent] == NAMES[:3]
    assert all(s.kind is LetterKind.SELECTION for s in sent)
    refused = docx_text((await storage.read(sent[2].file_id))[1])
    assert "HKZ certificate: not shown" in refused and NAMES[2] in refused
    # 20 days from 15 April 2027 end on 5 May, then Ascension Day: the exact day, by the Atw.
    assert "uiterlijk op 7 mei 2027" in refused
    chosen = docx_text((await storage.read(sent[0].file_id))[1])
    assert "HKZ certificate" not in chosen
    assert refused != chosen
    assert await OutboxMessage.count().where(OutboxMessage.kind == "letter") == 3
    assert [
        e["object_type"]
        for e in await AuditEvent.select().where(AuditEvent.action == "letter.sent")
    ] == ["tender"] * 3
    with pytest.raises(DomainError, match="already been sent"):
        await letters.send_selection_letters(world.officer, tender_id)
    assert [x.addressee for x in await letters.sent_letters(world.admin, tender_id)] == NAMES[:3]


async def test_the_officer_sends_the_decisions_from_the_award_page_and_readers_download(
    world, login
):
    tender_id, lot_id = await _ranked(world)
    world.clock.set(datetime.now(UTC))
    officer, finance = await login(world.officer), await login(world.finance)
    base = f"/tenders/{tender_id}"
    page = await officer.get(f"{base}/award")
    assert "Send award decisions" in text_of(page.text)
    assert "Send award decisions" not in text_of((await finance.get(f"{base}/award")).text)
    refused = await post_form(finance, f"{base}/award/letters")
    assert refused.status_code == 403
    assert await Tender.select(Tender.phase).where(Tender.id == tender_id).first() == {
        "phase": "evaluation"
    }
    unconfirmed = await post_form(officer, f"{base}/award/letters")
    assert unconfirmed.status_code == 303
    assert await Tender.select(Tender.phase).where(Tender.id == tender_id).first() == {
        "phase": "evaluation"
    }
    sent = await post_form(officer, f"{base}/award/letters", {"confirm": "yes"})
    assert sent.status_code == 303 and sent.headers["location"] == f"{base}/award"
    page = text_of((await officer.get(f"{base}/award")).text)
    assert "3 award decisions have been sent" in page
    assert "Letters sent" in page and "Samen Sterk" in page and HOSTILE in page
    assert "Send award decisions" not in page

    listed = await letters.sent_letters(world.finance, tender_id)
    one = await finance.get(f"{base}/letters/{listed[0].file_id}")
    assert one.status_code == 200
    assert one.content == (await storage.read(listed[0].file_id))[1]
    assert (await finance.get(f"{base}/letters/999999")).status_code == 404
    zipped = await finance.get(f"{base}/letters.zip", params={"lot": lot_id})
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(zipped.content))
    assert sorted(archive.namelist()) == sorted(x.filename for x in listed)
    assert archive.read(listed[0].filename) == one.content
    lot_page = text_of((await finance.get(f"{base}/lots/{lot_id}")).text)
    assert "Evaluation report (.docx)" in lot_page and HOSTILE in lot_page
    if not bundle.pdf_available():
        assert "PDF is unavailable" in lot_page
    report = await finance.get(f"{base}/lots/{lot_id}/report")
    assert report.status_code == 200 and "Clear plan" in docx_text(report.content)

    api = await finance.get(f"/api/v1/tenders/{tender_id}/letters")
    assert [x["sha256"] for x in api.json()] == [x.sha256 for x in listed]
    assert (
        await finance.get(f"/api/v1/tenders/{tender_id}/letters", params={"kind": "nonsense"})
    ).status_code == 404


async def test_the_api_sends_the_decisions_and_refuses_twice(world, login):
    tender_id, _ = await _ranked(world)
    world.clock.set(datetime.now(UTC))
    officer = await login(world.officer)
    answer = await officer.post(f"/api/v1/tenders/{tender_id}/award-decisions")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    row = await Tender.select().where(Tender.id == tender_id).first()
    assert datetime.fromisoformat(body["standstill_ends_at"]) == row["standstill_ends_at"]
    assert [x["kind"] for x in body["letters"]] == ["award_intent", "rejection", "rejection"]
    again = await officer.post(f"/api/v1/tenders/{tender_id}/award-decisions")
    assert again.status_code == 409
    assert await AuditEvent.count().where(AuditEvent.action == "letter.sent") == 3


async def test_the_command_line_writes_a_tenders_letters_into_a_zip(world, tmp_path):
    tender_id, _ = await _ranked(world)
    sent = await letters.send_award_decisions(world.officer, tender_id)
    output = tmp_path / "letters.zip"
    result = tenderdesk("letters", "UTR-HH-2022", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and "(3 letters)" in result.stdout
    archive = zipfile.ZipFile(output)
    assert archive.namelist() == [x.filename for x in sent.letters]
    assert (
        archive.read(sent.letters[0].filename) == (await storage.read(sent.letters[0].file_id))[1]
    )
    missing = tenderdesk("letters", "NO-SUCH-REF", "-o", str(tmp_path / "none.zip"))
    assert missing.returncode == 1 and "NO-SUCH-REF" in missing.stderr
    assert not (tmp_path / "none.zip").exists()


async def test_the_letters_of_a_lot_as_pdfs_in_one_zip(world, monkeypatch):
    tender_id, lot_id = await _ranked(world)
    sent = await letters.send_award_decisions(world.officer, tender_id)
    monkeypatch.setattr(bundle, "pdf_available", lambda: False)
    monkeypatch.setattr(bundle.office, "available", lambda: False)
    with pytest.raises(DomainError, match="PDF is not available"):
        await letters.zip_of(world.finance, tender_id, lot_id, pdf=True)
    monkeypatch.undo()
    require_tool(bundle.pdf_available(), "LibreOffice")
    name, stream = await letters.zip_of(world.finance, tender_id, lot_id, pdf=True)
    archive = zipfile.ZipFile(io.BytesIO(b"".join([c async for c in stream])))
    assert name.endswith("-pdf.zip")
    assert archive.namelist() == [x.filename.removesuffix(".docx") + ".pdf" for x in sent.letters]
    assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())


async def test_a_pdf_zip_through_the_pages_and_the_api_is_built_by_a_job(world, login):
    require_tool(bundle.pdf_available(), "LibreOffice")
    tender_id, lot_id = await _ranked(world)
    sent = await letters.send_award_decisions(world.officer, tender_id)
    finance = await login(world.finance)
    api = await finance.get(f"/api/v1/tenders/{tender_id}/letters.zip?lot={lot_id}&pdf=true")
    assert api.status_code == 202 and api.json()["state"] == "queued"
    # The link on the lot's page finds the same job while it waits.
    page = await finance.get(f"/tenders/{tender_id}/letters.zip?lot={lot_id}&pdf=true")
    assert page.status_code == 303 and page.headers["location"] == f"/jobs/{api.json()['id']}"
    assert len(await run_jobs()) == 1
    done = (await finance.get(api.json()["status_url"])).json()
    assert done["state"] == "done" and done["done"] == done["total"] == len(sent.letters)
    assert done["return_url"] == f"/tenders/{tender_id}/lots/{lot_id}"
    archive = await finance.get(done["result_url"])
    assert archive.status_code == 200 and "-pdf.zip" in archive.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert opened.namelist() == [
            x.filename.removesuffix(".docx") + ".pdf" for x in sent.letters
        ]
        assert all(opened.read(n).startswith(b"%PDF") for n in opened.namelist())
    # Someone else's job and its file are not theirs to see.
    other = await login(world.officer)
    assert (await other.get(done["result_url"])).status_code == 404


async def test_the_phase_action_sends_the_letters_too(world, login):
    tender_id, lot_id = await _ranked(world)
    world.clock.set(datetime.now(UTC))
    officer = await login(world.officer)
    answer = await post_form(
        officer, f"/tenders/{tender_id}/actions/send_award_decisions", {"confirm": "yes"}
    )
    assert answer.status_code == 303
    row = await Tender.select().where(Tender.id == tender_id).first()
    sent = await letters.sent_letters(world.officer, tender_id, lot_id)
    assert row["phase"] == "award_intent" and len(sent) == 3
    assert {x.sent_at for x in sent} == {row["decisions_sent_at"]}
    page = text_of((await officer.get(f"/tenders/{tender_id}/questions")).text)
    assert "Clarification notice (.docx)" not in page  # nothing published yet


async def test_the_officer_sends_the_selection_letters_from_the_selection_page(world, login):
    tender_id, ids = await _preselection(world)
    for candidate_id, admit in zip(ids, (True, True, False), strict=True):
        await procurement.decide(world.officer, tender_id, candidate_id, admit, "Checked")
    world.clock.set(datetime.now(UTC))
    officer, finance = await login(world.officer), await login(world.finance)
    base = f"/tenders/{tender_id}/selection"
    assert "Send selection letters" in text_of((await officer.get(base)).text)
    assert (await post_form(finance, f"{base}/letters")).status_code == 403
    answer = await post_form(officer, f"{base}/letters", {"confirm": "yes"})
    assert answer.status_code == 303
    page = text_of((await finance.get(base)).text)
    assert "3 selection letters have been sent." not in page  # the message is the officer's
    assert all(name in page for name in NAMES[:3]) and "Selection outcome" in page
    page = text_of((await officer.get(base)).text)
    assert "3 selection letters have been sent." in page
    assert "Send selection letters" not in page
    refused = await post_form(officer, f"{base}/letters")
    assert refused.status_code in (303, 409)
    assert await AuditEvent.count().where(AuditEvent.action == "letter.sent") == 3
