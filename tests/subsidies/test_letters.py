"""The letters of a subsidy round: decision letters, settlement decisions, evaluation report."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from audit.tables import AuditEvent
from common.errors import DomainError, Forbidden, Problem, ValidationFailed
from documents.letters import bundle
from documents.letters import service as letter_service
from documents.letters.kinds import LetterKind, RefusalReason
from documents.letters.templates import default_template
from documents.storage import read
from notifications.tables import OutboxAttachment, OutboxMessage
from subsidies import letter_data, letters, service
from subsidies.tables import SubsidyRound
from tests.subsidies.conftest import NOVEMBER, Setup, imported, review, round_form, row, xlsx
from tests.support.cli import tenderdesk

D = Decimal
NBSP = "\xa0"
HOSTILE = [
    ("{{ 7*7 }} Stichting Buurt", "30123451", "NL91ABNA0417164300", "40000"),
    ("<w:t> & Partners Zorg", "30123452", "NL02ABNA0123456789", "35000"),
    ("Vrijwilligers Centrale Zuid", "30123453", "", "30000"),
    ("Stichting Zonder Mail", "30123454", "", "10000"),
]


def text_of_docx(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(" | ".join(cell.text for cell in r.cells) for r in table.rows)
    return "\n".join(parts)


async def decided_round(s, fixed_clock) -> dict[str, int]:
    """Four applicants scored 9, 8, 7, 6 under a ceiling of 100,000 (granted, granted, partly
    granted, refused: ceiling reached), one more ineligible; the fourth has no email."""
    ids = await service.import_applications(
        s.officer,
        s.round_id,
        "portal.xlsx",
        xlsx(
            [row(*a) for a in HOSTILE[:3]]
            + [row(*HOSTILE[3], **{"Contact email": "", "Contact name": ""})]
        ),
    )
    await service.complete_many(s.officer, s.round_id, ids)
    await service.mark_eligible_many(s.officer, s.round_id, ids)
    names = dict(zip([a[0] for a in HOSTILE], ids, strict=True))
    [late] = (await imported(s, [("Stichting Buiten Utrecht", "30123455", "", "5000")])).values()
    await service.mark_eligibility(s.officer, late, ["Registered in the Netherlands"])
    names["Stichting Buiten Utrecht"] = late
    await review(s, {ids[0]: "9", ids[1]: "8", ids[2]: "7", ids[3]: "6"})
    await service.propose_allocation(s.officer, s.round_id)
    fixed_clock.set(NOVEMBER)
    await service.decide(s.officer, s.round_id)
    return names


def by_name(sent, name: str):
    [found] = [s for s in sent if s.addressee == name]
    return found


async def data_of(letter) -> bytes:
    return (await read(letter.file_id))[1]


async def test_decision_letters_state_the_decision(setup, fixed_clock):
    s = setup
    with pytest.raises(DomainError, match="Decide the round first"):
        await letters.send_decision_letters(s.officer, s.round_id)
    names = await decided_round(s, fixed_clock)
    sent = await letters.send_decision_letters(s.officer, s.round_id)
    assert sorted((x.addressee, x.kind.value) for x in sent) == [
        ("<w:t> & Partners Zorg", "grant"),
        ("Stichting Buiten Utrecht", "refusal"),
        ("Stichting Zonder Mail", "refusal"),
        ("Vrijwilligers Centrale Zuid", "grant"),
        ("{{ 7*7 }} Stichting Buurt", "grant"),
    ]

    grant = text_of_docx(await data_of(by_name(sent, "{{ 7*7 }} Stichting Buurt")))
    assert "{{ 7*7 }} Stichting Buurt" in grant and "49" not in grant
    assert f"€{NBSP}40.000,00" in grant
    assert "1 januari 2021 tot en met 31 december 2021" in grant
    # The payment schedule from the round's payments: 80% advance, the rest as instalment.
    assert f"1 januari 2021 | €{NBSP}32.000,00 | Voorschot" in grant
    assert f"1 januari 2021 | €{NBSP}8.000,00 | Termijn" in grant
    assert "binnen zes weken" in grant and "14 december 2020" in grant  # 2 Nov + 6 weeks
    assert "Activiteitenverslag" in grant and "31 maart 2022" in grant
    assert "Subsidieregeling Utrecht" in grant

    hostile = text_of_docx(await data_of(by_name(sent, "<w:t> & Partners Zorg")))
    assert "<w:t> & Partners Zorg" in hostile

    partly = text_of_docx(await data_of(by_name(sent, "Vrijwilligers Centrale Zuid")))
    assert f"€{NBSP}25.000,00" in partly and f"U vroeg €{NBSP}30.000,00" in partly
    # Why less: the allocation's reasons as sentences, amounts written the Dutch way.
    assert (
        f"Toen uw aanvraag aan de beurt was, was er nog €{NBSP}25.000,00 van het budget "
        "over; dat bedrag verlenen wij."
    ) in partly
    assert "in de rangschikking;" not in partly and "verleend:" not in partly

    assert by_name(sent, "Stichting Zonder Mail").filename == (
        f"refusal-stichting-zonder-mail-r{s.round_id}-0004.docx"
    )  # the application's reference
    ceiling = text_of_docx(await data_of(by_name(sent, "Stichting Zonder Mail")))
    assert f"Het subsidieplafond van €{NBSP}100.000,00 is bereikt" in ceiling
    assert "Wij weigeren deze subsidie" in ceiling
    # Refused on its rank: the application's own score per criterion, with the evaluators'
    # justification (Awb 3:46), so the applicant can see why it ranked where it did.
    assert "Uw scores per criterium" in ceiling
    assert "Quality of the plan | 100 | 6,00 | 60,00" in ceiling and "Clear plan" in ceiling

    ineligible = text_of_docx(await data_of(by_name(sent, "Stichting Buiten Utrecht")))
    assert "voldoet niet aan de voorwaarden" in ineligible
    assert "Activities in Utrecht" in ineligible  # the criterion it failed
    assert "Uw scores per criterium" not in ineligible  # never scored

    # Each letter recorded as sent under the round, with the stored file's hash.
    events = await AuditEvent.select(AuditEvent.after).where(
        (AuditEvent.action == "letter.sent")
        & (AuditEvent.object_type == "round")
        & (AuditEvent.object_id == str(s.round_id))
    )
    assert len(events) == 5
    for event in events:
        after = json.loads(event["after"])
        _, data = await read(after["file_id"])
        assert after["sha256"] == hashlib.sha256(data).hexdigest()
        assert after["sent_at"].startswith("2020-11-02")

    # Mailed with the letter attached to each applicant with an email; not the one without.
    mails = await OutboxMessage.select().where(OutboxMessage.kind == "letter")
    assert len(mails) == 4 and {m["recipient"] for m in mails} == {"info@example.org"}
    attached = {r["file"] for r in await OutboxAttachment.select(OutboxAttachment.file)}
    no_mail = by_name(sent, "Stichting Zonder Mail")
    assert attached == {x.file_id for x in sent} - {no_mail.file_id}
    assert not any(m["recipient_name"] == "Stichting Zonder Mail" for m in mails)

    with pytest.raises(DomainError, match="already been sent"):
        await letters.send_decision_letters(s.officer, s.round_id)
    assert await AuditEvent.count().where(AuditEvent.action == "letter.sent") == 5
    assert names


async def test_only_officers_send_and_readers_download_a_zip(
    setup, fixed_clock, make_user, monkeypatch
):
    s = setup
    await decided_round(s, fixed_clock)
    finance = await make_user("finance", authorities=[s.authority_id])
    with pytest.raises(Forbidden):
        await letters.send_decision_letters(finance, s.round_id)
    monkeypatch.setattr(letters, "PARALLEL_FROM", 2)  # through the process pool
    sent = await letters.send_decision_letters(s.officer, s.round_id)
    ids = [x.application_id for x in sent]
    assert len(ids) == 5 and ids == sorted(ids)  # in the applications' order
    listed = await letters.round_letters(finance, s.round_id)
    assert [x.file_id for x in listed] == [x.file_id for x in sent]
    chunks = [chunk async for chunk in letters.zip_of(listed)]
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        names = archive.namelist()
        assert len(names) == 5 and all(n.endswith(".docx") for n in names)
        assert any("Partners Zorg" in text_of_docx(archive.read(n)) for n in names)
    info, data = await letters.read_round_letter(finance, s.round_id, sent[0].file_id)
    assert hashlib.sha256(data).hexdigest() == sent[0].sha256 and info.filename.endswith(".docx")
    cli = await letters.letters_of_round(f"R{s.round_id}")
    assert cli is not None and len(cli) == 5
    assert await letters.letters_of_round("SPD-2021") == cli
    assert await letters.letters_of_round("R999999") is None


async def test_settlement_decision_reclaims_the_overpaid_advance(setup, fixed_clock):
    s = setup
    names = await decided_round(s, fixed_clock)
    first = names["{{ 7*7 }} Stichting Buurt"]
    [advance, _] = await service.payments(s.officer, s.round_id, application_id=first)
    await service.set_payment_status(s.officer, advance.id, "approved")
    await service.set_payment_status(s.officer, advance.id, "paid")
    with pytest.raises(ValidationFailed):
        await service.settle_application(s.officer, first, "30000", "x" * 4001)
    await service.settle_application(
        s.officer,
        first,
        "30000",
        "Minder bijeenkomsten dan gepland.\n\nGeen accountantsverklaring voor de huur.",
    )
    [letter] = await letters.application_letters(s.officer, first)
    assert letter.kind is LetterKind.SETTLEMENT
    text = text_of_docx(
        (await letters.read_application_letter(s.officer, first, letter.file_id))[1]
    )
    assert f"vast op €{NBSP}30.000,00" in text
    assert (
        f"Wij verleenden u een subsidie van ten hoogste €{NBSP}40.000,00; aan voorschotten "
        f"ontving u €{NBSP}32.000,00"
    ) in text
    assert f"U heeft €{NBSP}2.000,00 te veel ontvangen" in text
    # Why the final amount is lower than the grant, as the officer gave it (Awb 3:46).
    lines = text.splitlines()
    reasons = lines.index("Waarom het vastgestelde bedrag afwijkt van de verlening")
    assert lines[reasons + 1 : reasons + 3] == [
        "Minder bijeenkomsten dan gepland.",
        "Geen accountantsverklaring voor de huur.",
    ]
    [event] = await AuditEvent.select(AuditEvent.after).where(
        (AuditEvent.action == "letter.sent")
        & (AuditEvent.object_type == "application")
        & (AuditEvent.object_id == str(first))
    )
    assert json.loads(event["after"])["sha256"] == letter.sha256
    assert await OutboxMessage.count().where(OutboxMessage.object_type == "application") == 1

    # Nothing paid yet: the whole final amount is still to pay; no email, no mail.
    no_mail = names["Stichting Zonder Mail"]
    second = names["<w:t> & Partners Zorg"]
    owed = await service.settle_application(s.officer, second, "35000")
    assert owed["to_pay"] == D("35000.00")
    [letter] = await letters.application_letters(s.officer, second)
    text = text_of_docx(await data_of(letter))
    assert f"vast op €{NBSP}35.000,00" in text and f"€{NBSP}0,00" in text
    assert "te veel ontvangen" not in text
    assert await OutboxMessage.count().where(OutboxMessage.object_id == str(no_mail)) == 0
    # The round's listing has the settlement decisions after the decision letters.
    listed = await letters.round_letters(s.officer, s.round_id)
    assert [x.kind.value for x in listed] == ["settlement", "settlement"]


async def test_a_failing_letter_undoes_the_settlement(setup, fixed_clock, monkeypatch):
    s = setup
    names = await decided_round(s, fixed_clock)
    application_id = names["Vrijwilligers Centrale Zuid"]

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(bundle, "letters_for", broken)
    with pytest.raises(RuntimeError):
        await service.settle_application(s.officer, application_id, "20000", "Fewer meetings")
    view = await service.get_application(s.officer, application_id)
    assert view.state.value == "partly_granted" and view.final_amount is None


async def test_evaluation_report_has_scores_and_decision(setup, fixed_clock):
    s = setup
    await decided_round(s, fixed_clock)
    filename, data = await letters.evaluation_report(s.officer, s.round_id)
    assert filename == "evaluation-report-SPD-2021.docx"
    text = text_of_docx(data)
    assert "Quality of the plan" in text and "Clear plan" in text
    assert "{{ 7*7 }} Stichting Buurt" in text
    assert f"verleend, €{NBSP}40.000,00" in text
    assert "Stichting Zonder Mail: geweigerd" in text
    unscored = (
        await SubsidyRound.select(SubsidyRound.id).where(SubsidyRound.id == s.round_id).first()
    )
    await SubsidyRound.update({SubsidyRound.evaluation_id: None}).where(
        SubsidyRound.id == unscored["id"]
    )
    with pytest.raises(DomainError, match="not scored"):
        await letters.evaluation_report(s.officer, s.round_id)


def test_refusal_reasons_from_the_allocation():
    assert (
        letter_data.refusal_reason(
            [
                Problem("place {position} in the ranking", {"position": 4}),
                Problem("ceiling reached"),
            ]
        )
        is RefusalReason.CEILING_REACHED
    )
    assert letter_data.refusal_reason(
        [Problem("score {score} is below the minimum {minimum}", {"score": "4", "minimum": "5"})]
    ) is (RefusalReason.BELOW_MINIMUM)
    assert letter_data.refusal_reason([Problem("not ranked")]) is RefusalReason.BELOW_MINIMUM
    assert letter_data.refusal_reason([Problem("not complete")]) is RefusalReason.INELIGIBLE
    assert letter_data.refusal_reason(
        [Problem("does not fit in what is left of the budget: {amount}", {"amount": "5.00"})]
    ) is (RefusalReason.CEILING_REACHED)


def _writer(title: str, authority: str) -> letter_data.RoundWriter:
    """The letters of a plain 2021 round titled ``title`` of ``authority``, in Dutch."""
    round_ = {
        "id": 1,
        "title": title,
        "regulation_reference": "",
        "currency": "EUR",
        "regulation_name": "",
        "period_start": date(2021, 1, 1),
        "period_end": date(2021, 12, 31),
        "minimum_score": None,
        "ceiling": D("1000"),
        "basis_regulation": "",
        "basis_articles": "",
    }
    authority_row = {
        "name": authority,
        "language": "nl",
        "timezone": "Europe/Amsterdam",
        "country": "NL",
    }
    return letter_data.RoundWriter(round_, authority_row)


def test_a_very_long_hostile_name_appears_literally():
    name = "{% for x in y %}<w:t>&amp;" + "Zorg & Welzijn " * 134
    assert len(name) > 2000
    writer = _writer("Ronde {{ 7*7 }}", "Gemeente & Co")
    application = {
        "id": 7,
        "reference": "R1-0007",
        "title": "",
        "contact_name": name,
        "contact_email": "",
        "requested": D("100"),
        "granted": D("100"),
        "state": "granted",
        "state_reason": "",
        "organisation.name": name,
        "organisation.address": "Lindelaan 4\n3511 AB Utrecht",
        "organisation.registration_number": "30123451",
        "organisation.contact_name": name,
        "organisation.contact_form_of_address": "",
        "organisation.contact_surname": "",
    }
    letter = writer.grant(application, None, [], [])
    data, written_in = default_template(LetterKind.GRANT, "nl")
    template = letter_service.ActiveTemplate(
        LetterKind.GRANT, "nl", written_in, data, False, "grant.docx"
    )
    [generated] = bundle.letters_for(
        {(LetterKind.GRANT, "nl"): template}, [("application:7", letter)], "nl"
    )
    text = text_of_docx(generated.data)
    assert name in text and "Ronde {{ 7*7 }}" in text and "Gemeente & Co" in text
    assert "Er is geen verantwoording nodig" in text


async def test_a_refusal_below_the_minimum_score_says_so(make_user, make_authority, fixed_clock):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    evaluator = await make_user("evaluator")
    created = await service.create_round(officer, round_form(authority["id"], minimum_score="75"))
    await service.open_round(officer, created.id)
    s = Setup(officer, evaluator, authority["id"], created.id)
    ids = await imported(s, HOSTILE[2:])
    await review(s, dict(zip(ids.values(), ["9", "7"], strict=True)))
    await service.propose_allocation(officer, created.id)
    fixed_clock.set(NOVEMBER)
    await service.decide(officer, created.id)
    sent = await letters.send_decision_letters(officer, created.id)
    refusal = by_name(sent, "Stichting Zonder Mail")
    assert refusal.kind is LetterKind.REFUSAL
    text = text_of_docx(await data_of(refusal))
    assert re.search(
        r"Uw aanvraag behaalde 70(,00)? punten; de minimumscore is 75(,00)? "
        r"punten",
        text,
    ), text
    assert "subsidieplafond" not in text


async def test_the_command_line_writes_a_rounds_letters_into_a_zip(setup, fixed_clock, tmp_path):
    s = setup
    await decided_round(s, fixed_clock)
    sent = await letters.send_decision_letters(s.officer, s.round_id)
    output = tmp_path / "round.zip"
    result = tenderdesk("letters", f"R{s.round_id}", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert f"({len(sent)} letters)" in result.stdout
    archive = zipfile.ZipFile(output)
    assert sorted(archive.namelist()) == sorted(x.filename for x in sent)
    first = sent[0]
    assert archive.read(first.filename) == (await read(first.file_id))[1]


@pytest.mark.parametrize(
    ("problem", "sentence"),
    [
        (
            Problem("place {position} in the ranking", {"position": 32}),
            "Uw aanvraag staat op plaats 32 in de rangschikking van de aanvragen naar hun score; "
            "het budget wordt in die volgorde verdeeld.",
        ),
        (
            Problem("complete at {moment}", {"moment": "2022-02-03 10:05:00"}),
            "Uw aanvraag was volledig op 3 februari 2022 om 10:05; aanvragen worden behandeld in "
            "de "
            "volgorde waarin zij volledig waren.",
        ),
        (
            Problem(
                "complete on {day}, the day the budget ran out; drawn {number} of {count} in the "
                "lottery",
                {"day": "2022-02-03", "number": 2, "count": 5},
            ),
            "Uw aanvraag was volledig op 3 februari 2022, de dag waarop het budget opraakte. De "
            "volgorde van de aanvragen die op die dag volledig waren, is door loting bepaald: uw "
            "aanvraag werd als 2 van 5 getrokken.",
        ),
        (
            Problem("granted what was left of the budget: {amount}", {"amount": "12,500.00"}),
            "Toen uw aanvraag aan de beurt was, was er nog € 12.500,00 van het budget over; dat "
            "bedrag verlenen wij.",
        ),
        (
            Problem(
                "score {score} is below the minimum {minimum}", {"score": "48.5", "minimum": "55"}
            ),
            "Uw aanvraag behaalde 48,5 punten; voor subsidie is ten minste 55 punten nodig.",
        ),
        (Problem("granted"), None),
        (Problem("granted in full"), None),
    ],
)
def test_allocation_notes_become_readable_sentences_in_the_letters(problem, sentence):
    writer = _writer("Ronde", "Gemeente Utrecht")
    found = writer.reason(problem)
    assert (found.replace("\xa0", " ") if found else found) == sentence
