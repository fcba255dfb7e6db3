"""The letters of a tender: award decisions per lot, selection outcomes, and the documents
that go with them (the evaluation report per lot, the clarification notice).

Sending the award decisions is one change: in one transaction the standstill starts (the
tender moves to the award intent), every lot's letters are written from its confirmed ranking
(an award intent to each winner, an art. 2.130 Aw rejection to every other bidder), each is
stored and recorded as sent under its lot at the same moment the standstill runs from, and a
mail with the letter attached is queued to each addressee whose address is known. The end of
the standstill period written in the letters is the one stored on the tender.

The letters engine (:mod:`documents.letters`) knows nothing of tenders: this module reads the
tender's rows and hands it plain data.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from audit import service as audit
from common import clock
from common.deadlines import deadline_changes
from common.errors import DomainError, NotFound
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from documents import storage
from documents.letters import bundle
from documents.letters import service as letters
from documents.letters.kinds import (
    KIND_LABELS,
    Addressee,
    Letter,
    LetterKind,
    LotUnsuccessful,
    SelectionOutcome,
)
from documents.letters.present import day
from documents.letters.reports import (
    Clarification,
    ClarificationNotice,
    clarification_notice,
    evaluation_report,
)
from documents.letters.service import SentLetter
from jobs import service as jobs
from jobs.domain import Message
from jobs.service import NewJob
from scoring import service as scoring
from scoring.letters import (
    AwardSetting,
    SelectionSetting,
    award_letters,
    report_from_ranking,
    selection_letters,
)
from scoring.results import Ranking
from tenders import access, procurement, service
from tenders.access import TenderRef, as_reader, bid_ref
from tenders.domain import require_reason, standstill_last_day
from tenders.letter_context import (
    Context,
    addressee_of,
    letter_context,
    organisation_columns,
    record_and_mail,
    render_letters,
)
from tenders.machine import Action
from tenders.procedures import Phase
from tenders.tables import Assessment, Bid, Candidate, Lot, Tender

SELECTION_PHASES = frozenset({Phase.SELECTION, Phase.DIALOGUE, Phase.TENDERING})
SELECTED_STATUSES = frozenset({"admitted", "dropped"})  # dropped later, in the dialogue
OBJECTION = N_(
    "Questions about this decision, or a complaint, can be sent to {contact} until {end}."
)
NEXT_STEPS = N_(
    "When the standstill period has ended on {end} without objection, we award the "
    "contract definitively and contact you about signing it."
)
SELECTION_OBJECTION = N_(
    "If you disagree with this decision, tell us ({contact}) no later "
    "than {end}; until that day you may also start summary proceedings "
    "(kort geding) before the civil court."
)
SELECTION_NEXT = N_("The selected candidates are invited to the next phase of the procedure.")


# --- award decisions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardDecisions:
    sent_at: datetime
    standstill_ends_at: datetime
    standstill_last_day: date
    letters: tuple[SentLetter, ...]


def with_chosen_winners(ranking: Ranking, refs: Iterable[str]) -> Ranking:
    """The ranking with the officer's award intent as its winners (it may deviate from the
    ranking, with a reason on record)."""
    chosen = set(refs)
    if set(ranking.winners) == chosen:
        return ranking
    subjects = tuple(dataclasses.replace(s, winner=s.ref in chosen) for s in ranking.subjects)
    return dataclasses.replace(
        ranking, winners=tuple(s.ref for s in subjects if s.winner), subjects=subjects
    )


async def _lot_letters(
    principal: Principal, ctx: Context, lot: Mapping[str, Any], moment: datetime, ends: datetime
) -> list[SentLetter]:
    label = f"{lot['number']}. {lot['title']}"
    if not lot["evaluation_id"]:
        raise DomainError(
            N_("Lot {lot} has no confirmed ranking: no letters can be written"), lot=label
        )
    ranking = await scoring.ranking(principal, lot["evaluation_id"], explain=None)
    if ranking.confirmed_at is None:
        raise DomainError(
            N_("Lot {lot} has no confirmed ranking: no letters can be written"), lot=label
        )
    rows = await Bid.select(Bid.id, Bid.winner, *organisation_columns(Bid.organisation)).where(
        (Bid.lot == lot["id"]) & Bid.withdrawn_at.is_null()
    )
    addressees = {bid_ref(r["id"]): addressee_of(r, "organisation.") for r in rows}
    winners = [bid_ref(r["id"]) for r in rows if r["winner"]]
    if not winners:
        raise DomainError(N_("No award intent yet for {lots}"), lots=label)
    last_day = standstill_last_day(ends, ctx.tender.zone)
    end_text = day(last_day, ctx.language)
    reasons: dict[str, tuple[str, ...]] = {}
    if lot["intent_deviates"] and lot["intent_reason"]:
        reasons = {ref: (lot["intent_reason"],) for ref in addressees if ref not in winners}
    setting = AwardSetting(
        sender=ctx.sender,
        procedure=ctx.procedure(lot),
        date=ctx.local_day(moment),
        reference=ctx.reference(lot),
        standstill_days=ctx.standstill_days,
        standstill_end=last_day,
        objection=ctx.gettext(OBJECTION).format(end=end_text, contact=ctx.sender.complaints_to),
        next_steps=(ctx.gettext(NEXT_STEPS).format(end=end_text),),
        reasons=reasons,
        winner_advantages=(lot["intent_advantages"],) if lot["intent_advantages"] else (),
        deviates=bool(lot["intent_deviates"]),
        electronic=ctx.electronic,
        above_thresholds=ctx.above_thresholds,
    )
    pairs = award_letters(with_chosen_winners(ranking, winners), addressees, setting, ctx.language)
    generated = await render_letters(ctx, pairs, (LetterKind.AWARD_INTENT, LetterKind.REJECTION))
    return await record_and_mail(principal, ctx, "lot", lot["id"], generated, addressees, moment)


async def _all_by_email(tender_id: int) -> bool:
    """Whether every bidder to get an award decision has an e-mail address, so that every
    decision goes out electronically (the others are sent by post, and where the law makes the
    standstill longer then, as Sweden's LOU 20 kap. 2 § does, the longer period applies)."""
    without = await Bid.count().where(
        (Bid.lot.tender == tender_id)
        & Bid.withdrawn_at.is_null()
        & Bid.lot.unsuccessful_at.is_null()
        & (Bid.organisation.email.is_null() | (Bid.organisation.email == ""))
    )
    return without == 0


async def send_award_decisions(
    principal: Principal, tender_id: int, sent_at: datetime | None = None
) -> AwardDecisions:
    """Start the standstill and send every lot's award decisions at ``sent_at`` (now by
    default), in one transaction: nothing is sent when any lot cannot be written."""
    moment = sent_at or clock.now()
    async with transaction():
        electronic = await _all_by_email(tender_id)
        tender, ends = await service.start_standstill(principal, tender_id, moment, electronic)
        ctx = dataclasses.replace(await letter_context(principal, tender), electronic=electronic)
        sent: list[SentLetter] = []
        for lot in await access.lots_of(tender_id):
            if lot["unsuccessful_at"] is None:  # its bidders had their letter already
                sent += await _lot_letters(principal, ctx, lot, moment, ends)
    deadline_changes.changed(tender.key)
    return AwardDecisions(moment, ends, standstill_last_day(ends, tender.zone), tuple(sent))


# --- a lot declared unsuccessful ----------------------------------------------------------------


@dataclass(frozen=True)
class LotClosed:
    letters: tuple[SentLetter, ...]
    tender_unsuccessful: bool  # every lot is: the tender became unsuccessful with it


async def declare_lot_unsuccessful(
    principal: Principal, tender_id: int, lot_id: int, reason: Any, sent_at: datetime | None = None
) -> LotClosed:
    """Declare one lot unsuccessful (no valid bid, or none that can be accepted), with the
    reason, in one transaction: the lot leaves the ranking and the award (the other lots go
    on to their award decisions), each of its bidders gets a letter saying so, and when it was
    the last lot still open the whole tender becomes unsuccessful."""
    text = require_reason(reason)
    moment = sent_at or clock.now()
    async with transaction():
        tender = await service.for_change(principal, tender_id)
        if tender.phase is not Phase.EVALUATION:
            raise await access.moved(
                DomainError(
                    N_(
                        "A lot is declared unsuccessful during the evaluation, before the award "
                        "decisions are sent"
                    )
                ),
                tender,
            )
        lot = await service.get_lot_row(tender_id, lot_id)
        label = f"{lot['number']}. {lot['title']}"
        if lot["unsuccessful_at"] is not None:
            raise await access.changed(
                DomainError(N_("Lot {lot} has already been declared unsuccessful"), lot=label),
                tender,
                "lot.declared_unsuccessful",
                lot=lot_id,
            )
        await Bid.update({Bid.winner: False}).where(Bid.lot == lot_id)
        await Lot.update(
            {
                Lot.unsuccessful_at: moment,
                Lot.unsuccessful_reason: text,
                Lot.intent_at: None,
                Lot.intent_deviates: False,
                Lot.intent_reason: "",
            }
        ).where(Lot.id == lot_id)
        rows = (
            await Bid.select(Bid.id, *organisation_columns(Bid.organisation))
            .where((Bid.lot == lot_id) & Bid.withdrawn_at.is_null())
            .order_by(Bid.id)
        )
        ctx = await letter_context(principal, tender)
        sent: list[SentLetter] = []
        if rows:
            addressees = {bid_ref(r["id"]): addressee_of(r, "organisation.") for r in rows}
            objection = ctx.gettext(SELECTION_OBJECTION).format(
                contact=ctx.sender.complaints_to, end=day(ctx.remedies_end(moment), ctx.language)
            )
            pairs = [
                (
                    ref,
                    LotUnsuccessful(
                        sender=ctx.sender,
                        addressee=addressee,
                        date=ctx.local_day(moment),
                        reference=ctx.reference(lot),
                        procedure=ctx.procedure(lot),
                        reason=text,
                        objection=objection,
                        above_thresholds=ctx.above_thresholds,
                    ),
                )
                for ref, addressee in addressees.items()
            ]
            generated = await render_letters(ctx, pairs, (LetterKind.LOT_UNSUCCESSFUL,))
            sent = await record_and_mail(
                principal, ctx, "lot", lot_id, generated, addressees, moment
            )
        await audit.record(
            principal.as_actor(),
            "lot.declared_unsuccessful",
            "tender",
            tender_id,
            after={"lot": lot_id, "number": lot["number"], "reason": text, "letters": len(sent)},
        )
        still_open = await Lot.count().where(
            (Lot.tender == tender_id) & Lot.unsuccessful_at.is_null()
        )
        if not still_open:
            await service.transition(
                principal,
                tender_id,
                Action.DECLARE_UNSUCCESSFUL,
                extra={"closed_reason": text},
                details={"every_lot_unsuccessful": True},
            )
    deadline_changes.changed(tender.key)
    return LotClosed(tuple(sent), not still_open)


# --- selection outcomes -------------------------------------------------------------------------


async def _failed_requirements(tender_id: int) -> dict[int, list[str]]:
    rows = (
        await Assessment.select(Assessment.candidate, Assessment.note, Assessment.requirement.name)
        .where(
            Assessment.candidate.is_in(
                Candidate.select(Candidate.id).where(Candidate.tender == tender_id)
            )
            & Assessment.passed.eq(False)
        )
        .order_by(Assessment.id)
    )
    found: dict[int, list[str]] = {}
    for r in rows:
        text = r["requirement.name"] + (f": {r['note']}" if r["note"] else "")
        found.setdefault(r["candidate"], []).append(text)
    return found


async def _selection_ranking(principal: Principal, tender: TenderRef) -> Ranking | None:
    evaluation_id = tender.row["selection_evaluation_id"]
    if not evaluation_id:
        return None
    ranking = await scoring.ranking(principal, evaluation_id, explain=None)
    return ranking if ranking.confirmed_at is not None else None


async def send_selection_letters(
    principal: Principal, tender_id: int, sent_at: datetime | None = None
) -> list[SentLetter]:
    """The outcome of the preselection to every candidate (selected or not, with the reasons),
    recorded under the tender and mailed, once all candidates are decided."""
    moment = sent_at or clock.now()
    async with transaction():
        tender = await service.for_change(principal, tender_id)
        if tender.phase not in SELECTION_PHASES:
            raise await access.moved(
                DomainError(N_("Selection letters are sent after the preselection")), tender
            )
        rows = (
            await Candidate.select(
                Candidate.id,
                Candidate.status,
                Candidate.reason,
                *organisation_columns(Candidate.organisation),
            )
            .where(Candidate.tender == tender_id)
            .order_by(Candidate.id)
        )
        if not rows:
            raise DomainError(N_("There are no candidates to write to"))
        pending = [r["organisation.name"] for r in rows if r["status"] == "pending"]
        if pending:
            raise DomainError(
                N_("Decide on every candidate first: {names}"), names=", ".join(pending)
            )
        if any(
            s.kind is LetterKind.SELECTION for s in await letters.sent_letters("tender", tender_id)
        ):
            raise await access.changed(
                DomainError(N_("The selection letters have already been sent")),
                tender,
                "letter.sent",
                kind=LetterKind.SELECTION.value,
            )
        ctx = await letter_context(principal, tender)
        failed = await _failed_requirements(tender_id)
        addressees = {
            procurement.candidate_ref(r["id"]): addressee_of(r, "organisation.") for r in rows
        }
        selected = frozenset(
            procurement.candidate_ref(r["id"]) for r in rows if r["status"] in SELECTED_STATUSES
        )
        reasons = {procurement.candidate_ref(r["id"]): tuple(failed.get(r["id"], ())) for r in rows}
        setting = SelectionSetting(
            sender=ctx.sender,
            procedure=ctx.procedure(),
            date=ctx.local_day(moment),
            reference=ctx.reference(),
            selected=selected,
            next_steps=(ctx.gettext(SELECTION_NEXT),),
            objection=ctx.gettext(SELECTION_OBJECTION).format(
                contact=ctx.sender.complaints_to, end=day(ctx.remedies_end(moment), ctx.language)
            ),
            reasons=reasons,
            above_thresholds=ctx.above_thresholds,
        )
        ranking = await _selection_ranking(principal, tender)
        pairs: list[tuple[str, Letter]] = []
        ranked: set[str] = set()
        if ranking is not None:
            ranked = {s.ref for s in ranking.subjects}
            pairs += selection_letters(ranking, addressees, setting, ctx.language)
        for r in rows:
            ref = procurement.candidate_ref(r["id"])
            if ref not in ranked:
                pairs.append(
                    (ref, _unranked_outcome(ctx, setting, addressees[ref], ref, r["reason"]))
                )
        generated = await render_letters(ctx, pairs, (LetterKind.SELECTION,))
        return await record_and_mail(
            principal, ctx, "tender", tender_id, generated, addressees, moment
        )


def _unranked_outcome(
    ctx: Context, setting: SelectionSetting, addressee: Addressee, ref: str, reason: str
) -> SelectionOutcome:
    """A candidate decided without a selection ranking (on the requirements alone)."""
    chosen = ref in setting.selected
    reasons: tuple[str, ...] = ()
    if not chosen:
        reasons = setting.reasons.get(ref) or ((reason,) if reason else ())
    return SelectionOutcome(
        sender=setting.sender,
        addressee=addressee,
        date=setting.date,
        reference=setting.reference,
        procedure=setting.procedure,
        selected=chosen,
        reasons=reasons,
        selected_count=len(setting.selected),
        next_steps=setting.next_steps,
        objection=setting.objection,
        above_thresholds=setting.above_thresholds,
    )


# --- listing and downloading ----------------------------------------------------------------


def kind_from(value: str | None) -> LetterKind | None:
    """A kind of letter from a query; an unknown one is not found."""
    if not value:
        return None
    try:
        return LetterKind(value)
    except ValueError:
        raise NotFound(N_("There is no kind of letter {kind}"), kind=value[:40]) from None


@dataclass(frozen=True)
class TenderLetter:
    """A letter sent under the tender (selection) or one of its lots (award decisions)."""

    lot_id: int | None
    lot: str
    filename: str
    kind: LetterKind
    kind_label: str
    addressee: str
    sha256: str
    size: int
    sent_at: datetime
    file_id: int | None


async def _sent(tender_id: int, lot_id: int | None = None) -> list[TenderLetter]:
    found = []
    if lot_id is None:
        found += [_listed(None, "", s) for s in await letters.sent_letters("tender", tender_id)]
    lots = (
        await Lot.select(Lot.id, Lot.number, Lot.title)
        .where(Lot.tender == tender_id)
        .order_by(Lot.number)
    )
    for lot in lots:
        if lot_id is None or lot["id"] == lot_id:
            label = f"{lot['number']}. {lot['title']}"
            found += [
                _listed(lot["id"], label, s) for s in await letters.sent_letters("lot", lot["id"])
            ]
    return found


def _listed(lot_id: int | None, lot: str, sent: SentLetter) -> TenderLetter:
    return TenderLetter(
        lot_id,
        lot,
        sent.filename,
        sent.kind,
        KIND_LABELS[sent.kind],
        sent.addressee,
        sent.sha256,
        sent.size,
        sent.sent_at,
        sent.file_id,
    )


async def sent_letters(
    principal: Principal, tender_id: int, lot_id: int | None = None, kind: LetterKind | None = None
) -> list[TenderLetter]:
    """The letters sent for the tender (or one lot of it, or of one kind), oldest first."""
    await as_reader(principal, tender_id)
    if lot_id is not None:
        await service.get_lot_row(tender_id, lot_id)
    found = await _sent(tender_id, lot_id)
    return [letter for letter in found if kind is None or letter.kind is kind]


async def letter_file(
    principal: Principal, tender_id: int, file_id: int
) -> tuple[storage.FileInfo, bytes]:
    """One stored letter of the tender; a file that is not one of its letters is not found."""
    return await bundle.read_stored(await sent_letters(principal, tender_id), file_id)


async def zip_of(
    principal: Principal,
    tender_id: int,
    lot_id: int | None = None,
    kind: LetterKind | None = None,
    pdf: bool = False,
) -> tuple[str, AsyncIterator[bytes]]:
    """The zip's filename and its stream: every letter of the tender, one lot or one kind."""
    name, found = await _zip_contents(principal, tender_id, lot_id, kind, pdf)
    return name, bundle.zip_stream_async(bundle.stored_files(found, pdf))


async def _zip_contents(
    principal: Principal, tender_id: int, lot_id: int | None, kind: LetterKind | None, pdf: bool
) -> tuple[str, list[TenderLetter]]:
    found = await sent_letters(principal, tender_id, lot_id, kind)
    if not found:
        raise DomainError(N_("No letters have been sent yet"))
    if pdf:
        bundle.require_pdf()
    tender = await as_reader(principal, tender_id)
    name = bundle._slug(tender.row["reference"] or f"tender-{tender_id}", 40)
    suffix = (
        f"-lot-{found[0].lot.split('.')[0]}"
        if lot_id is not None
        else (f"-{kind.value}" if kind is not None else "")
    )
    return f"letters-{name}{suffix}{'-pdf' if pdf else ''}.zip", found


async def queue_pdf_zip(
    principal: Principal, tender_id: int, lot_id: int | None = None, kind: LetterKind | None = None
) -> int:
    """Queue the zip of the letters as PDF (LibreOffice converts one at a time, which takes
    a while): a job whose file any instance serves when it is done; its id."""
    name, found = await _zip_contents(principal, tender_id, lot_id, kind, pdf=True)
    payload = bundle.pdf_zip_payload(found, name, principal.as_actor().label)
    return await jobs.queue(
        principal,
        NewJob(
            bundle.PDF_ZIP,
            payload,
            Message(N_("The letters as PDF in one zip: {name}"), {"name": name}),
            return_url=f"/tenders/{tender_id}/lots/{lot_id}"
            if lot_id is not None
            else f"/tenders/{tender_id}/award",
            key=bundle.pdf_zip_key(payload),
        ),
    )


async def letters_of_tender(reference: str, pdf: bool = False) -> list[tuple[str, bytes]] | None:
    """Every letter sent for the tender with this reference (the newest such tender), as
    (filename, data); None when there is no such tender. For the command line."""
    row = (
        await Tender.select(Tender.id)
        .where(Tender.reference == reference)
        .order_by(Tender.id, ascending=False)
        .first()
    )
    if row is None:
        return None
    return [item async for item in bundle.stored_files(await _sent(row["id"]), pdf)]


# --- the evaluation report and the clarification notice ---------------------------------------


async def lot_report(principal: Principal, tender_id: int, lot_id: int) -> tuple[str, bytes]:
    """The evaluation report of one lot (.docx) from its ranking, every score explained."""
    tender = await as_reader(principal, tender_id)
    lot = await service.get_lot_row(tender_id, lot_id)
    if not lot["evaluation_id"]:
        raise DomainError(N_("This lot has no evaluation"))
    status = await scoring.status(principal, lot["evaluation_id"])
    if not status.quality_final:
        raise DomainError(N_("The evaluation report is available once quality is final"))
    ranking = await scoring.ranking(principal, lot["evaluation_id"], explain=None)
    winners = (
        await Bid.select(Bid.id, Bid.organisation.name)
        .where((Bid.lot == lot_id) & Bid.winner.eq(True))
        .order_by(Bid.id)
    )
    if winners:
        ranking = with_chosen_winners(ranking, [bid_ref(w["id"]) for w in winners])
    tree = await scoring.criteria(principal, lot["evaluation_id"])
    ctx = await letter_context(principal, tender)
    decision: tuple[str, ...] = ()
    if winners:
        decision = (
            ctx.gettext(N_("Award intent: {names}")).format(
                names=", ".join(w["organisation.name"] for w in winners)
            ),
        )
        if lot["intent_deviates"]:
            decision += (
                ctx.gettext(N_("Deviates from the ranking: {reason}")).format(
                    reason=lot["intent_reason"]
                ),
            )
    report = report_from_ranking(
        ranking,
        tree,
        authority=ctx.authority,
        procedure=ctx.procedure(lot),
        on=ctx.local_day(clock.now()),
        language=ctx.language,
        decision=decision,
    )
    data = await asyncio.to_thread(evaluation_report, report, ctx.language)
    name = bundle._slug(f"{tender.row['reference']}-lot-{lot['number']}", 60)
    return f"evaluation-report-{name}.docx", data


async def nota(principal: Principal, tender_id: int) -> tuple[str, bytes]:
    """The clarification notice (.docx): every published answer, without who asked."""
    tender = await as_reader(principal, tender_id)
    published = await procurement.nota_van_inlichtingen(principal, tender_id)
    ctx = await letter_context(principal, tender)
    notice = ClarificationNotice(
        authority=ctx.authority,
        procedure=ctx.procedure(),
        date=ctx.local_day(clock.now()),
        sequence=1,
        items=tuple(Clarification(a.number, a.question, a.answer) for a in published),
    )
    data = await asyncio.to_thread(clarification_notice, notice, ctx.language)
    name = bundle._slug(tender.row["reference"] or f"tender-{tender_id}", 60)
    return f"clarification-notice-{name}.docx", data
