"""The letters of subsidy rounds: decision letters, settlement decisions, the evaluation report
(what each letter says: :mod:`subsidies.letter_data`).

Decision letters are sent once per decided round (:func:`send_decision_letters`): a grant
decision for each application holding a grant (amount, period, payment schedule, reporting
duty, six weeks to object) and a refusal with its reason for every other one (ineligible,
below the minimum score, ceiling reached). They are rendered from the stored decision before
the transaction (a process pool for large rounds, off the event loop), then recorded as sent
under ("round", id) with their files, and mailed to each applicant whose email is known, in
one transaction. A settlement decision is written inside the settlement's own transaction
(:func:`write_settlement`), under ("application", id).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from authorities.tables import Authority
from common.errors import DomainError
from common.i18n import N_
from common.identity import Actor, Principal
from common.refs import SubjectRef
from config.database import transaction
from documents import storage
from documents.letters import bundle, reports
from documents.letters import service as letter_service
from documents.letters.kinds import (
    Letter,
    LetterKind,
    SettlementDecision,
)
from documents.letters.present import money
from documents.letters.service import GeneratedLetter, SentLetter
from jobs.domain import Message
from jobs.service import JobContext
from notifications.letters import mail_letters
from scoring import service as scoring
from scoring.letters import report_from_ranking, scores_by_ref
from subsidies import access
from subsidies.domain import RoundPhase
from subsidies.letter_data import (
    APPLICATION,
    APPLICATION_COLUMNS,
    DECISION_KINDS,
    ROUND,
    ZERO,
    RoundWriter,
    round_code,
    subject_ref,
)
from subsidies.lifecycle import HOLDING_A_GRANT, STATE_LABELS, State
from subsidies.tables import AllocationLine, Application, Payment, Report, SubsidyRound

PARALLEL_FROM = 1000  # rounds with this many letters render on every core


async def _authority(authority_id: int) -> dict[str, Any]:
    row = await Authority.select().where(Authority.id == authority_id).first()
    assert row is not None, "a round's authority exists (restrict on delete)"
    return row


def _grouped(rows: Iterable[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    grouped: dict[int, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["application"], []).append(row)
    return grouped


async def _decision_letters(
    principal: Principal, writer: RoundWriter
) -> tuple[list[tuple[str, Letter]], dict[str, Mapping[str, Any]]]:
    """(ref, letter) for every decided or ineligible application, and the rows by ref."""
    round_id = writer.round["id"]
    evaluation_id = writer.round["evaluation_id"]
    scores = (
        {}
        if evaluation_id is None
        else scores_by_ref(
            await scoring.ranking(principal, evaluation_id, explain=None), writer.language
        )
    )
    holding = [s.value for s in HOLDING_A_GRANT]
    rows = (
        await Application.select(*APPLICATION_COLUMNS)
        .where(
            (Application.round == round_id)
            & Application.state.is_in([*holding, State.REFUSED.value, State.INELIGIBLE.value])
        )
        .order_by(Application.reference)
    )
    lines = {
        r["application"]: r
        for r in await AllocationLine.select(
            AllocationLine.application, AllocationLine.score, AllocationLine.reasons
        ).where(AllocationLine.round == round_id)
    }
    payments = _grouped(
        await Payment.select(Payment.application, Payment.kind, Payment.due_on, Payment.amount)
        .where(Payment.application.round == round_id)
        .order_by(Payment.due_on, Payment.id)
    )
    due = _grouped(
        await Report.select(Report.application, Report.kind, Report.due_on, Report.final)
        .where(Report.application.round == round_id)
        .order_by(Report.due_on)
    )
    pairs: list[tuple[str, Letter]] = []
    by_ref: dict[str, Mapping[str, Any]] = {}
    for row in rows:
        ref = subject_ref(row["id"])
        by_ref[ref] = row
        line = lines.get(row["id"])
        if row["state"] in holding:
            pairs.append(
                (ref, writer.grant(row, line, payments.get(row["id"], []), due.get(row["id"], [])))
            )
        else:
            pairs.append((ref, writer.refusal(row, line, scores.get(ref, ()))))
    return pairs, by_ref


def _render_all(
    templates: bundle.Templates,
    pairs: list[tuple[str, Letter]],
    language: str,
    rendered: Callable[[int], None] | None = None,
) -> list[GeneratedLetter]:
    """Every letter rendered (on every core for large rounds), named after the addressee and
    the application's reference: ``grant-stichting-de-linde-r12-0003.docx``. ``rendered``
    is told how many are done as they come."""
    render = bundle.letters_in_parallel if len(pairs) >= PARALLEL_FROM else bundle.letters_for
    found: list[GeneratedLetter] = []
    for (_, letter), generated in zip(pairs, render(templates, pairs, language), strict=True):
        found.append(dataclasses.replace(generated, filename=bundle.letter_filename(letter)))
        if rendered is not None:
            rendered(len(found))
    return found


async def _decision_letters_sent(round_id: int) -> bool:
    return any(s.kind in DECISION_KINDS for s in await letter_service.sent_letters(ROUND, round_id))


async def check_can_send(
    principal: Principal, round_id: int, *, lock: bool = True
) -> dict[str, Any]:
    """The round, when its decision letters may be sent now (by this user). With ``lock``
    (the default; inside a transaction) the round stays locked until it ends, so that two
    senders at once are told one after the other, and the second finds the letters sent."""
    row = await access.round_row(principal, round_id, run=True, lock=lock)
    if row["phase"] != RoundPhase.DECIDED.value:
        raise DomainError(N_("Decide the round first: the letters state the decision"))
    if await _decision_letters_sent(round_id):
        raise await audit.conflict(
            DomainError(N_("The decision letters of this round have already been sent")),
            "subsidy_round",
            round_id,
            actions=("round.letters_sent",),
        )
    return row


async def send_decision_letters(
    principal: Principal, round_id: int, job: JobContext | None = None
) -> list[LetterView]:
    """Write, record and mail the decision letters of a decided round, once. As a job
    (``job``), rendering reports its progress and the job is marked done in the transaction
    that records the letters."""
    row = await check_can_send(principal, round_id, lock=False)  # before the long rendering
    writer = RoundWriter(row, await _authority(row["authority"]))
    pairs, by_ref = await _decision_letters(principal, writer)
    if not pairs:
        raise DomainError(N_("No application of this round has a decision to send"))
    templates = await letter_service.templates_for(
        row["authority"],
        [(LetterKind.GRANT, writer.language), (LetterKind.REFUSAL, writer.language)],
    )
    if job is not None:
        job.progress(0, len(pairs))
    generated = await asyncio.to_thread(
        _render_all, templates, pairs, writer.language, job.progress if job is not None else None
    )
    actor = principal.as_actor()
    async with transaction():
        await check_can_send(principal, round_id)  # locked: perhaps sent by someone meanwhile
        sent = await letter_service.record_sent(actor, ROUND, round_id, generated, keep=True)
        queued = await mail_letters(
            actor, ROUND, round_id, [writer.mail(s, by_ref[s.ref]) for s in sent]
        )
        await audit.record(
            actor,
            "round.letters_sent",
            "subsidy_round",
            round_id,
            after={
                "grant": sum(1 for s in sent if s.kind is LetterKind.GRANT),
                "refusal": sum(1 for s in sent if s.kind is LetterKind.REFUSAL),
                "mailed": queued,
            },
        )
        if job is not None:
            await job.finish(
                Message(N_("{count} decision letters have been sent."), {"count": len(sent)})
            )
    return [_view(s) for s in sent]


async def write_settlement(
    actor: Actor,
    application_id: int,
    granted: Decimal,
    final: Decimal,
    paid: Decimal,
    reasons: tuple[str, ...] = (),
) -> SentLetter:
    """The settlement decision of one application, recorded and mailed; call it inside the
    settlement's transaction (after the application and its payments are updated)."""
    [row] = await Application.select(*APPLICATION_COLUMNS, Application.round).where(
        Application.id == application_id
    )
    round_ = await SubsidyRound.select().where(SubsidyRound.id == row["round"]).first()
    assert round_ is not None
    writer = RoundWriter(round_, await _authority(round_["authority"]))
    letter = SettlementDecision(
        **writer.common(row),
        activity=writer.activity(row),
        granted=writer.money(granted),
        final_amount=writer.money(final),
        paid=writer.money(paid),
        payment_due=None if final == paid else writer.law.payment_last_day(writer.today),
        legal_basis=writer.legal_basis(),
        considerations=reasons,
    )
    templates = await letter_service.templates_for(
        round_["authority"], [(LetterKind.SETTLEMENT, writer.language)]
    )
    [generated] = await asyncio.to_thread(
        _render_all, templates, [(subject_ref(application_id), letter)], writer.language
    )
    [sent] = await letter_service.record_sent(actor, APPLICATION, application_id, [generated])
    await mail_letters(actor, APPLICATION, application_id, [writer.mail(sent, row)])
    return sent


# --- reading and downloading ----------------------------------------------------------------


@dataclass(frozen=True)
class LetterView:
    """A letter sent, as the pages and the API list it."""

    file_id: int | None
    filename: str
    kind: LetterKind
    addressee: str
    application_id: int | None
    sha256: str
    size: int
    sent_at: datetime  # UTC


def _view(letter: SentLetter) -> LetterView:
    application_id = (
        SubjectRef.parse(letter.ref).id if letter.ref.startswith("application:") else None
    )
    return LetterView(
        letter.file_id,
        letter.filename,
        letter.kind,
        letter.addressee,
        application_id,
        letter.sha256,
        letter.size,
        letter.sent_at,
    )


async def _round_letters(round_id: int) -> list[LetterView]:
    """The round's decision letters, then the settlement decisions of its applications."""
    found = [_view(s) for s in await letter_service.sent_letters(ROUND, round_id)]
    settled = (
        await Application.select(Application.id)
        .where((Application.round == round_id) & Application.settled_at.is_not_null())
        .order_by(Application.settled_at)
    )
    for row in settled:
        found.extend(_view(s) for s in await letter_service.sent_letters(APPLICATION, row["id"]))
    return found


async def round_letters(principal: Principal, round_id: int) -> list[LetterView]:
    await access.round_row(principal, round_id)
    return await _round_letters(round_id)


async def application_letters(principal: Principal, application_id: int) -> list[LetterView]:
    row, _ = await access.application_row(principal, application_id)
    return await _application_letters(row)


async def _application_letters(row: Mapping[str, Any]) -> list[LetterView]:
    ref = subject_ref(row["id"])
    return [
        *(_view(s) for s in await letter_service.sent_letters(ROUND, row["round"]) if s.ref == ref),
        *(_view(s) for s in await letter_service.sent_letters(APPLICATION, row["id"])),
    ]


async def read_round_letter(
    principal: Principal,
    round_id: int,
    file_id: int,
) -> tuple[storage.FileInfo, bytes]:
    return await bundle.read_stored(await round_letters(principal, round_id), file_id)


async def read_application_letter(
    principal: Principal,
    application_id: int,
    file_id: int,
) -> tuple[storage.FileInfo, bytes]:
    return await bundle.read_stored(await application_letters(principal, application_id), file_id)


def zip_of(letters: Sequence[LetterView], pdf: bool = False) -> AsyncIterator[bytes]:
    """The letters as one zip, streamed as it is built; PDF only where LibreOffice is."""
    if pdf:
        bundle.require_pdf()
    return bundle.zip_stream_async(bundle.stored_files(letters, pdf))


async def round_zip_name(principal: Principal, round_id: int, pdf: bool = False) -> str:
    row = await access.round_row(principal, round_id)
    return storage.safe_filename(f"letters-{round_code(row)}{'-pdf' if pdf else ''}.zip")


async def letters_of_round(
    reference: str,
    pdf: bool = False,
) -> list[tuple[str, bytes]] | None:
    """For the CLI: the stored letters of the round named ``reference`` (its regulation
    reference, or R<id>) as (filename, data), converted to PDF with ``pdf`` (LibreOffice);
    None when there is no such round."""
    wanted = reference.strip()
    row = None
    if wanted[:1] in ("R", "r") and wanted[1:].isdigit():
        row = (
            await SubsidyRound.select(SubsidyRound.id)
            .where(SubsidyRound.id == int(wanted[1:]))
            .first()
        )
    if row is None and wanted:
        row = (
            await SubsidyRound.select(SubsidyRound.id)
            .where(SubsidyRound.regulation_reference == wanted)
            .order_by(SubsidyRound.id, ascending=False)
            .first()
        )
    if row is None:
        return None
    return [item async for item in bundle.stored_files(await _round_letters(row["id"]), pdf)]


# --- the evaluation report ------------------------------------------------------------------


async def evaluation_report(principal: Principal, round_id: int) -> tuple[str, bytes]:
    """The evaluation report of a scored round (.docx), with the decision's amounts."""
    row = await access.round_row(principal, round_id)
    if row["evaluation_id"] is None:
        raise DomainError(N_("This round was not scored: it has no evaluation report"))
    writer = RoundWriter(row, await _authority(row["authority"]))
    ranking = await scoring.ranking(principal, row["evaluation_id"], explain=None)
    tree = await scoring.criteria(principal, row["evaluation_id"])
    report = report_from_ranking(
        ranking,
        tree,
        authority=writer.authority["name"],
        procedure=writer.procedure,
        on=writer.today,
        language=writer.language,
        decision=await _decision(writer),
    )
    data = await asyncio.to_thread(reports.evaluation_report, report, writer.language)
    return storage.safe_filename(f"evaluation-report-{round_code(row)}.docx"), data


async def _decision(writer: RoundWriter) -> tuple[str, ...]:
    if writer.round["decided_at"] is None:
        return ()
    rows = (
        await Application.select(
            Application.reference,
            Application.organisation.name,
            Application.state,
            Application.granted,
        )
        .where((Application.round == writer.round["id"]) & Application.decided_at.is_not_null())
        .order_by(Application.reference)
    )
    lines = []
    total = ZERO
    for r in rows:
        if r["state"] == State.REFUSED.value:
            lines.append(
                writer.t(
                    N_("{reference} {name}: refused"),
                    reference=r["reference"],
                    name=r["organisation.name"],
                )
            )
            continue
        total += r["granted"] or ZERO
        lines.append(
            writer.t(
                N_("{reference} {name}: {state}, {amount}"),
                reference=r["reference"],
                name=r["organisation.name"],
                state=writer.t(STATE_LABELS[State(r["state"])]).lower(),
                amount=money(writer.money(r["granted"]), writer.language),
            )
        )
    lines.append(
        writer.t(
            N_("Granted in total: {amount} of the ceiling {ceiling}"),
            amount=money(writer.money(total), writer.language),
            ceiling=money(writer.money(writer.round["ceiling"]), writer.language),
        )
    )
    return tuple(lines)
