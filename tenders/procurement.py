"""Preselection, dialogue and clarification questions of a tender.

Candidates ask to participate before the requests deadline; exclusion grounds and suitability
requirements are assessed pass/fail; when the number of candidates is limited, selection
criteria are scored in the scoring engine and the shortlist is taken from its ranking; every
candidate gets a decision with reasons. Dialogue rounds hold sessions per candidate with
minutes; closing the dialogue invites those remaining to submit final bids. Questions are
answered and published to all candidates without the asker's name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit import service as audit
from common import clock
from common.deadlines import deadline_changes
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from common.localtime import parse_local_datetime
from common.refs import SubjectRef
from config.database import transaction
from documents import storage
from organisations import service as organisations
from organisations.domain import validate_organisation
from scoring import service as scoring
from tenders import notices
from tenders.access import TenderRef, as_reader, changed, deadlines_of, moved
from tenders.domain import Assessment as AssessmentData
from tenders.domain import decide_selection, require_in_time, require_reason
from tenders.machine import Action
from tenders.procedures import PROCEDURE_TYPES, Deadline, Phase
from tenders.questions import QUESTION_PHASES, clean_question, receive
from tenders.service import for_change, tender_url, transition
from tenders.tables import (
    Assessment,
    Candidate,
    DialogueRound,
    DialogueSession,
    Question,
    Requirement,
    Tender,
)

REQUIREMENT_KINDS = {
    "exclusion": N_("Exclusion ground"),
    "suitability": N_("Suitability requirement"),
}
CANDIDATE_STATUS = {
    "pending": N_("Awaiting decision"),
    "admitted": N_("Admitted"),
    "rejected": N_("Not admitted"),
    "dropped": N_("Dropped from the dialogue"),
}


def candidate_ref(candidate_id: int) -> str:
    return str(SubjectRef("candidate", candidate_id))


# --- candidates -------------------------------------------------------------------------------


async def register_candidate(
    principal: Principal,
    tender_id: int,
    form: Mapping[str, Any],
    received_at: datetime | None = None,
) -> int:
    """A request to participate, received before the requests deadline."""
    organisation = validate_organisation(form)
    async with transaction():
        tender = await for_change(principal, tender_id)
        moment = received_at or clock.now()
        if tender.phase in (Phase.PUBLISHED, Phase.SELECTION):  # a late request is told so
            require_in_time(
                moment,
                tender.row["deadline_requests"],
                N_("Requests to participate closed at {deadline}; this one came at {received}"),
                tender.zone,
            )
        if tender.phase is not Phase.PUBLISHED:
            raise await moved(
                DomainError(
                    N_("Requests to participate are received while the tender is published")
                ),
                tender,
            )
        organisation_id = await organisations.register(principal.as_actor(), organisation)
        if await Candidate.exists().where(
            (Candidate.tender == tender_id) & (Candidate.organisation == organisation_id)
        ):
            raise ValidationFailed(
                [Problem(N_("{name} is already a candidate"), {"name": organisation.name}, "name")]
            )
        contact = ", ".join(x for x in (organisation.contact_name, organisation.email) if x)
        row = Candidate(
            tender=tender_id,
            organisation=organisation_id,
            received_at=moment,
            contact=contact,
            status="pending",
        )
        await row.save()
        await audit.record(
            principal.as_actor(),
            "candidate.registered",
            "tender",
            tender_id,
            after={"candidate": row.id, "organisation": organisation.name, "received_at": moment},
        )
    return int(row.id)


async def candidates(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    await as_reader(principal, tender_id)
    return (
        await Candidate.select(
            Candidate.all_columns(),
            Candidate.organisation.name,
            Candidate.organisation.country,
            Candidate.organisation.registration_number,
        )
        .where(Candidate.tender == tender_id)
        .order_by(Candidate.received_at)
    )


async def _candidate(tender_id: int, candidate_id: int) -> dict[str, Any]:
    row = (
        await Candidate.select(Candidate.all_columns(), Candidate.organisation.name)
        .where((Candidate.id == candidate_id) & (Candidate.tender == tender_id))
        .first()
    )
    if row is None:
        raise NotFound(N_("Candidate {id} does not exist"), id=candidate_id)
    return row


async def add_requirement(principal: Principal, tender_id: int, kind: str, name: str) -> int:
    problems = ProblemCollector()
    if kind not in REQUIREMENT_KINDS:
        problems.add("kind", N_("Choose exclusion ground or suitability requirement"))
    name = (name or "").strip()
    if not name:
        problems.add("name", N_("A name is required"))
    problems.raise_if_any()
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase not in (Phase.DRAFT, Phase.PUBLISHED):
            raise await moved(
                DomainError(N_("Requirements are set before the selection starts")), tender
            )
        row = Requirement(tender=tender_id, kind=kind, name=name[:300])
        await row.save()
        await audit.record(
            principal.as_actor(),
            "requirement.added",
            "tender",
            tender_id,
            after={"requirement": row.id, "kind": kind, "name": name},
        )
    return int(row.id)


async def requirements(tender_id: int) -> list[dict[str, Any]]:
    return (
        await Requirement.select()
        .where(Requirement.tender == tender_id)
        .order_by(Requirement.kind)
        .order_by(Requirement.id)
    )


async def _selection_open(tender: TenderRef) -> None:
    if tender.phase is not Phase.SELECTION:
        raise await moved(DomainError(N_("Candidates are assessed in the selection phase")), tender)


async def assess(
    principal: Principal,
    tender_id: int,
    candidate_id: int,
    verdicts: Mapping[int, tuple[bool, str]],
) -> None:
    """Pass/fail with a note for each requirement (``{requirement_id: (passed, note)}``)."""
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _selection_open(tender)
        await _candidate(tender_id, candidate_id)
        known = {r["id"] for r in await requirements(tender_id)}
        unknown = sorted(set(verdicts) - known)
        if unknown:
            raise NotFound(N_("Requirement {id} does not exist"), id=unknown[0])
        await Assessment.delete().where(
            (Assessment.candidate == candidate_id)
            & Assessment.requirement.is_in(list(verdicts) or [0])
        )
        if verdicts:
            await Assessment.insert(
                *[
                    Assessment(
                        candidate=candidate_id,
                        requirement=rid,
                        passed=passed,
                        note=(note or "").strip(),
                    )
                    for rid, (passed, note) in verdicts.items()
                ]
            )
        await audit.record(
            principal.as_actor(),
            "candidate.assessed",
            "tender",
            tender_id,
            after={
                "candidate": candidate_id,
                "verdicts": {str(k): {"passed": v[0], "note": v[1]} for k, v in verdicts.items()},
            },
        )


async def assessments(tender_id: int) -> dict[int, dict[int, dict[str, Any]]]:
    """Per candidate, per requirement: passed and note."""
    rows = await Assessment.select().where(Assessment.candidate.tender == tender_id)
    found: dict[int, dict[int, dict[str, Any]]] = {}
    for r in rows:
        found.setdefault(r["candidate"], {})[r["requirement"]] = r
    return found


async def decide(
    principal: Principal, tender_id: int, candidate_id: int, admit: bool, reason: str
) -> None:
    """The selection decision for one candidate, with its reasons; every requirement must
    have been assessed, and a candidate failing one cannot be admitted."""
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _selection_open(tender)
        candidate = await _candidate(tender_id, candidate_id)
        needed = await requirements(tender_id)
        given = (await assessments(tender_id)).get(candidate_id, {})
        unassessed = [r["name"] for r in needed if r["id"] not in given]
        if unassessed:
            raise DomainError(N_("Assess {requirements} first"), requirements=", ".join(unassessed))
        names = {r["id"]: r["name"] for r in needed}
        decision = decide_selection(
            [AssessmentData(names[rid], a["passed"], a["note"]) for rid, a in given.items()],
            admit,
            reason,
        )
        status = "admitted" if decision.admitted else "rejected"
        await Candidate.update(
            {
                Candidate.status: status,
                Candidate.reason: decision.reason,
                Candidate.decided_at: clock.now(),
            }
        ).where(Candidate.id == candidate_id)
        await audit.record(
            principal.as_actor(),
            "candidate.decided",
            "tender",
            tender_id,
            before={"candidate": candidate_id, "status": candidate["status"]},
            after={"candidate": candidate_id, "status": status, "reason": decision.reason},
        )


async def start_selection_scoring(principal: Principal, tender_id: int) -> int:
    """An evaluation of the selection criteria in the scoring engine (when the number of
    candidates is limited); the candidates are its subjects. Returns its id."""
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _selection_open(tender)
        row = tender.row
        if row["max_candidates"] is None:
            raise DomainError(
                N_("The number of candidates is not limited: no selection criteria are scored")
            )
        if row["selection_evaluation_id"]:
            return int(row["selection_evaluation_id"])
        evaluation = await scoring.create_evaluation(
            principal,
            scoring.EvaluationSpec(
                title=f"{row['title']}: selection",
                authority_id=row["lead_authority"],
                currency=row["currency"],
                owner_ref=f"tender:{tender_id}:selection",
                owner_url=f"{tender_url(tender_id)}/selection",
                winners=row["max_candidates"],
            ),
        )
        listed = (
            await Candidate.select(Candidate.id, Candidate.organisation.name)
            .where(Candidate.tender == tender_id)
            .order_by(Candidate.id)
        )
        if listed:
            await scoring.register_subjects(
                principal,
                evaluation.id,
                [{"ref": candidate_ref(c["id"]), "name": c["organisation.name"]} for c in listed],
            )
        await Tender.update({Tender.selection_evaluation_id: evaluation.id}).where(
            Tender.id == tender_id
        )
        await audit.record(
            principal.as_actor(),
            "selection.scoring_started",
            "tender",
            tender_id,
            after={"evaluation": evaluation.id},
        )
    return evaluation.id


async def shortlist_from_ranking(principal: Principal, tender_id: int) -> list[int]:
    """Admit the candidates the confirmed selection ranking puts on the shortlist and reject
    the others, naming their rank; a candidate failing a requirement was excluded in the
    engine. Returns the admitted candidates' ids."""
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _selection_open(tender)
        evaluation_id = tender.row["selection_evaluation_id"]
        if not evaluation_id:
            raise DomainError(N_("Start the scoring of the selection criteria first"))
        result = await scoring.ranking(principal, evaluation_id)
        if result.confirmed_at is None:
            raise DomainError(N_("Confirm the selection ranking first"))
        admitted: list[int] = []
        now = clock.now()
        refused = {
            r["id"]
            for r in await Candidate.select(Candidate.id).where(
                (Candidate.tender == tender_id) & (Candidate.status == "rejected")
            )
        }
        for subject in result.subjects:
            candidate_id = SubjectRef.parse(subject.ref).id
            if candidate_id in refused:
                continue  # not admitted on a requirement: keeps that reason
            if subject.winner:
                status, reason = "admitted", N_("Shortlisted: rank {rank}")
                admitted.append(candidate_id)
            else:
                status, reason = "rejected", N_("Not shortlisted: rank {rank}")
            text = reason.format(rank=subject.rank if subject.rank is not None else "-")
            await Candidate.update(
                {Candidate.status: status, Candidate.reason: text, Candidate.decided_at: now}
            ).where((Candidate.id == candidate_id) & (Candidate.tender == tender_id))
        await audit.record(
            principal.as_actor(),
            "selection.shortlisted",
            "tender",
            tender_id,
            after={"admitted": admitted, "evaluation": evaluation_id},
        )
    return admitted


async def complete_selection(principal: Principal, tender_id: int) -> None:
    """Close the selection: on to the dialogue, or invite the admitted candidates to bid."""
    async with transaction():
        now = clock.now()
        tender = await transition(principal, tender_id, Action.COMPLETE_SELECTION)
        if PROCEDURE_TYPES[tender.row["procedure"]].next_phase(Phase.SELECTION) is (
            Phase.TENDERING
        ):
            await Tender.update({Tender.invited_at: now}).where(Tender.id == tender_id)
    deadline_changes.changed(tender.key)


# --- dialogue ---------------------------------------------------------------------------------


async def _left_dialogue(tender: TenderRef, candidate: dict[str, Any]) -> DomainError:
    """The refusal for a candidate not (or no longer) in the dialogue, naming who decided."""
    return await changed(
        DomainError(
            N_("{name} does not take part in the dialogue"), name=candidate["organisation.name"]
        ),
        tender,
        "candidate.decided",
        "dialogue.candidate_dropped",
        candidate=candidate["id"],
    )


async def _dialogue_open(tender: TenderRef) -> None:
    if tender.phase is not Phase.DIALOGUE:
        raise await moved(DomainError(N_("The dialogue is not running")), tender)


async def add_round(principal: Principal, tender_id: int, topic: str) -> int:
    topic = (topic or "").strip()
    if not topic:
        raise ValidationFailed([Problem(N_("A topic is required"), {}, "topic")])
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _dialogue_open(tender)
        numbers = await DialogueRound.select(DialogueRound.number).where(
            DialogueRound.tender == tender_id
        )
        number = max((r["number"] for r in numbers), default=0) + 1
        row = DialogueRound(tender=tender_id, number=number, topic=topic[:300])
        await row.save()
        await audit.record(
            principal.as_actor(),
            "dialogue.round_added",
            "tender",
            tender_id,
            after={"round": number, "topic": topic},
        )
    return int(row.id)


async def record_session(
    principal: Principal,
    tender_id: int,
    round_id: int,
    form: Mapping[str, Any],
    upload: tuple[str, str, bytes] | None = None,
) -> int:
    """A session with one candidate: when, who attended, minutes as text and a file."""
    problems = ProblemCollector()
    held_text = str(form.get("held_at") or "").strip()
    minutes = str(form.get("minutes") or "").strip()
    if not minutes and upload is None:
        problems.add("minutes", N_("Write the minutes or attach them"))
    try:
        candidate_id = int(str(form.get("candidate_id") or ""))
    except ValueError:
        problems.add("candidate_id", N_("Choose a candidate"))
        candidate_id = 0
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _dialogue_open(tender)
        held_at = None
        try:
            held_at = parse_local_datetime(held_text, tender.zone) if held_text else None
        except DomainError as exc:
            problems.add("held_at", exc.problem.message, **exc.problem.params)
        if not held_text:
            problems.add("held_at", N_("Enter when the session was held"))
        problems.raise_if_any()
        assert held_at is not None
        round_row = (
            await DialogueRound.select()
            .where((DialogueRound.id == round_id) & (DialogueRound.tender == tender_id))
            .first()
        )
        if round_row is None:
            raise NotFound(N_("Dialogue round {id} does not exist"), id=round_id)
        candidate = await _candidate(tender_id, candidate_id)
        if candidate["status"] != "admitted":
            raise await _left_dialogue(tender, candidate)
        file_id = None
        if upload is not None:
            stored = await storage.store(principal.as_actor(), *upload)
            file_id = stored.id
        row = DialogueSession(
            round=round_id,
            candidate=candidate_id,
            held_at=held_at,
            attendees=str(form.get("attendees") or "").strip(),
            minutes=minutes,
            file=file_id,
        )
        await row.save()
        await audit.record(
            principal.as_actor(),
            "dialogue.session_recorded",
            "tender",
            tender_id,
            after={
                "round": round_row["number"],
                "candidate": candidate_id,
                "held_at": held_at,
                "file": file_id,
            },
        )
    return int(row.id)


async def drop_candidate(
    principal: Principal, tender_id: int, candidate_id: int, reason: str
) -> None:
    text = require_reason(reason)
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _dialogue_open(tender)
        candidate = await _candidate(tender_id, candidate_id)
        if candidate["status"] != "admitted":
            raise await _left_dialogue(tender, candidate)
        await Candidate.update(
            {Candidate.status: "dropped", Candidate.reason: text, Candidate.decided_at: clock.now()}
        ).where(Candidate.id == candidate_id)
        await audit.record(
            principal.as_actor(),
            "dialogue.candidate_dropped",
            "tender",
            tender_id,
            after={"candidate": candidate_id, "reason": text},
        )


async def close_dialogue(principal: Principal, tender_id: int) -> list[str]:
    """Invite the remaining candidates to submit final bids; returns their names."""
    async with transaction():
        await for_change(principal, tender_id)  # locked before the candidates are read
        remaining = await Candidate.select(Candidate.organisation.name).where(
            (Candidate.tender == tender_id) & (Candidate.status == "admitted")
        )
        names = [r["organisation.name"] for r in remaining]
        tender = await transition(
            principal,
            tender_id,
            Action.CLOSE_DIALOGUE,
            extra={"invited_at": clock.now()},
            details={"invited": names},
        )
    deadline_changes.changed(tender.key)
    return names


@dataclass(frozen=True)
class RoundView:
    id: int
    number: int
    topic: str
    sessions: list[dict[str, Any]]


async def dialogue(principal: Principal, tender_id: int) -> list[RoundView]:
    await as_reader(principal, tender_id)
    rounds = (
        await DialogueRound.select()
        .where(DialogueRound.tender == tender_id)
        .order_by(DialogueRound.number)
    )
    sessions = (
        await DialogueSession.select(
            DialogueSession.all_columns(),
            DialogueSession.candidate.organisation.name,
            DialogueSession.file.filename,
        )
        .where(DialogueSession.round.tender == tender_id)
        .order_by(DialogueSession.held_at)
    )
    return [
        RoundView(r["id"], r["number"], r["topic"], [s for s in sessions if s["round"] == r["id"]])
        for r in rounds
    ]


async def minutes_file(
    principal: Principal, tender_id: int, session_id: int
) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    await as_reader(principal, tender_id)
    row = (
        await DialogueSession.select(DialogueSession.file)
        .where((DialogueSession.id == session_id) & (DialogueSession.round.tender == tender_id))
        .first()
    )
    if row is None or row["file"] is None:
        raise NotFound(N_("Session {id} has no file"), id=session_id)
    return await storage.stream(row["file"])


# --- clarification questions (Nota van Inlichtingen) ------------------------------------------


async def ask(
    principal: Principal,
    tender_id: int,
    asker: str,
    question: str,
    asked_at: datetime | None = None,
) -> int:
    """A question as received, before the question deadline (tenders.questions.receive)."""
    problems = ProblemCollector()
    asker = (asker or "").strip()
    if not asker:
        problems.add("asker", N_("Say who asked"))
    question = clean_question(question, problems)
    problems.raise_if_any()
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase not in QUESTION_PHASES:
            raise await moved(
                DomainError(N_("Questions are received between publication and the bid deadline")),
                tender,
            )
        return await receive(principal.as_actor(), tender, asker, question, asked_at or clock.now())


async def answer(principal: Principal, tender_id: int, question_id: int, text: str) -> None:
    """Answer a question; answers are refused once bids have closed (too late to count)."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed([Problem(N_("The answer is empty"), {}, "answer")])
    async with transaction():
        tender = await for_change(principal, tender_id)
        now = clock.now()
        bids_close = deadlines_of(tender.row).get(Deadline.BIDS)
        if tender.phase not in QUESTION_PHASES or (bids_close is not None and now >= bids_close):
            raise DomainError(N_("Bids have closed: a later answer can no longer be published"))
        row = (
            await Question.select()
            .where((Question.id == question_id) & (Question.tender == tender_id))
            .first()
        )
        if row is None:
            raise NotFound(N_("Question {id} does not exist"), id=question_id)
        await Question.update({Question.answer: text, Question.answered_at: now}).where(
            Question.id == question_id
        )
        await audit.record(
            principal.as_actor(),
            "question.answered",
            "tender",
            tender_id,
            before={"number": row["number"], "answer": row["answer"]},
            after={"number": row["number"], "answer": text},
        )
        await notices.announce_answer(principal.as_actor(), tender_id, row["number"], text)


async def questions(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    """Every question with its asker (for the officers)."""
    await as_reader(principal, tender_id)
    return await Question.select().where(Question.tender == tender_id).order_by(Question.number)


@dataclass(frozen=True)
class PublishedAnswer:
    number: int
    question: str
    answer: str
    answered_at: datetime


async def nota_van_inlichtingen(principal: Principal, tender_id: int) -> list[PublishedAnswer]:
    """The answered questions as published to every candidate: without who asked."""
    await as_reader(principal, tender_id)
    rows = (
        await Question.select(
            Question.number, Question.question, Question.answer, Question.answered_at
        )
        .where((Question.tender == tender_id) & Question.answered_at.is_not_null())
        .order_by(Question.number)
    )
    return [
        PublishedAnswer(r["number"], r["question"], r["answer"], r["answered_at"]) for r in rows
    ]
