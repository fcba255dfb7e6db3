"""Many letters: rendered in parallel, one zip as a stream, recorded as sent, notices."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

from audit.tables import AuditEvent
from documents import storage
from documents.letters.bundle import (
    letter_filename,
    letters_for,
    letters_in_parallel,
    zip_stream,
    zip_stream_async,
)
from documents.letters.kinds import Addressee, LetterKind
from documents.letters.reports import (
    Clarification,
    ClarificationNotice,
    EvaluationReport,
    ReportCell,
    ReportSubject,
    clarification_notice,
    evaluation_report,
)
from documents.letters.samples import TENDER, sample_letter
from documents.letters.service import record_sent, templates_for
from tests.documents.letters_support import docx_text, table_rows
from tests.support.fixtures import SETUP


def grants(count: int):
    letter = sample_letter(LetterKind.GRANT)
    for number in range(count):
        addressee = dataclasses.replace(letter.addressee, name=f"Stichting {number}")
        yield f"application:{number}", dataclasses.replace(letter, addressee=addressee)


async def test_letters_rendered_in_parallel_match_those_rendered_one_by_one(db):
    templates = await templates_for(None, [(LetterKind.GRANT, "nl")])
    sequential = list(letters_for(templates, grants(6), "nl"))
    parallel = list(letters_in_parallel(templates, grants(6), "nl", workers=2, window=3))
    assert [g.filename for g in parallel] == [g.filename for g in sequential]
    assert [g.ref for g in parallel] == [f"application:{n}" for n in range(6)]
    for one, other in zip(sequential, parallel, strict=True):
        assert docx_text(one.data) == docx_text(other.data)
    assert "Stichting 5" in docx_text(parallel[5].data)


def test_the_zip_is_a_stream_of_one_letter_at_a_time_and_reads_back():
    files = [("a.docx", b"A" * 1000), ("b.csv", b"x;y\n" * 100), ("a.docx", b"second")]
    chunks = list(zip_stream(iter(files)))
    assert len(chunks) == 4  # one chunk per file, then the central directory
    assert all(len(chunk) < 2000 for chunk in chunks[:3])
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["a.docx", "b.csv", "a-2.docx"]
        assert archive.read("a-2.docx") == b"second"
        assert archive.getinfo("a.docx").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("b.csv").compress_type == zipfile.ZIP_DEFLATED


async def test_the_zip_can_be_fed_by_async_work():
    async def files():
        for number in range(3):
            yield f"letter-{number}.pdf", b"%PDF" + bytes([number])

    chunks = [chunk async for chunk in zip_stream_async(files())]
    assert len(chunks) == 4
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        assert archive.read("letter-2.pdf") == b"%PDF\x02"


def test_an_empty_zip_is_still_a_zip():
    with zipfile.ZipFile(io.BytesIO(b"".join(zip_stream([])))) as archive:
        assert archive.namelist() == []


async def test_letters_are_recorded_as_sent_with_addressee_and_hash(db):
    templates = await templates_for(None, [(LetterKind.GRANT, "en")])
    generated = list(letters_for(templates, grants(2), "en"))
    sent = await record_sent(SETUP, "round", 7, generated, extra={"round": "SUB-2026-03"})
    assert [s.addressee for s in sent] == ["Stichting 0", "Stichting 1"]
    assert sent[0].sha256 == hashlib.sha256(generated[0].data).hexdigest()
    events = (
        await AuditEvent.select().where(AuditEvent.action == "letter.sent").order_by(AuditEvent.seq)
    )
    assert [(e["object_type"], e["object_id"]) for e in events] == [("round", "7")] * 2
    after = json.loads(events[0]["after"])
    assert after["addressee"] == "Stichting 0" and after["sha256"] == sent[0].sha256
    assert after["ref"] == "application:0" and after["kind"] == "grant"
    assert after["round"] == "SUB-2026-03" and after["sent_at"].startswith(
        sent[0].sent_at.date().isoformat()
    )
    _, kept = await storage.read(sent[1].file_id)
    assert kept == generated[1].data


async def test_sending_without_keeping_stores_no_files(db):
    templates = await templates_for(None, [(LetterKind.GRANT, "en")])
    [letter] = list(letters_for(templates, grants(1), "en"))
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    [sent] = await record_sent(SETUP, "round", 8, [letter], keep=False, sent_at=moment)
    assert sent.file_id is None and sent.sent_at == moment


def test_a_clarification_notice_lists_questions_and_answers_without_askers():
    notice = ClarificationNotice(
        authority="Gemeente Utrecht",
        procedure=TENDER,
        date=date(2026, 10, 5),
        sequence=2,
        items=(
            Clarification(1, "Is {{ 7*7 }} & <w:t> allowed?", "Yes.", "§ 3.2"),
            Clarification(2, "May we bid on two lots?", "No, one lot per bidder."),
        ),
        changes=("The closing date moves to 1 November 2026 12:00.",),
    )
    data = clarification_notice(notice, "nl")
    text = docx_text(data)
    assert "Nota van Inlichtingen 2" in text and "5 oktober 2026" in text
    assert "Wijzigingen in de aanbestedingsstukken" in text
    assert "The closing date moves to 1 November 2026 12:00." in text
    assert table_rows(data, 0) == [
        ["Nr.", "Onderdeel", "Vraag", "Antwoord"],
        ["1", "§ 3.2", "Is {{ 7*7 }} & <w:t> allowed?", "Yes."],
        ["2", "", "May we bid on two lots?", "No, one lot per bidder."],
    ]


def test_a_clarification_notice_without_questions_says_so():
    notice = ClarificationNotice("Gemeente Utrecht", TENDER, date(2026, 10, 5), 1, ())
    assert "No questions were asked." in docx_text(clarification_notice(notice, "en"))


def test_addressee_names_make_safe_file_names():
    letter = sample_letter(LetterKind.REFUSAL)
    odd = dataclasses.replace(letter, addressee=Addressee("../../Ærø Zorg & Co <b>"))
    assert letter_filename(odd, "application:12") == "refusal-aero-zorg-co-b-application-12.docx"
    polish = dataclasses.replace(letter, addressee=Addressee("Fundacja Łódź"))
    assert letter_filename(polish) == "refusal-fundacja-lodz-2026-0815.docx"


def test_the_evaluation_report_states_lotteries_reversals_and_exclusions():
    subject = ReportSubject(
        name="Samen Sterk",
        rank=None,
        total=None,
        quality=Decimal("20.00"),
        price=None,
        price_points=None,
        winner=False,
        knocked_out=False,
        excluded=True,
        reasons=("Late submission",),
        cells=(ReportCell("Method", None, None, "Not scored"),),
    )
    report = EvaluationReport(
        authority="Gemeente Utrecht",
        procedure=TENDER,
        date=date(2026, 12, 1),
        method="highest total of points",
        aggregation="median",
        criteria=(),
        evaluators=(),
        subjects=(subject,),
        lottery=("Tied on 80 points: A, B",),
        reversal_checked=True,
        reversals=("Without C: B would rank above A",),
    )
    text = docx_text(evaluation_report(report, "en"))
    assert "Samen Sterk: Excluded" in text and "Late submission" in text
    assert "Lottery among tied subjects" in text and "Tied on 80 points: A, B" in text
    assert "Leaving out one subject would reverse the order of others:" in text
    assert "Without C: B would rank above A" in text
    assert "combined by the median" in text and "None" in text  # no evaluators listed
