"""The evaluator's side: conflict-of-interest declarations, draft scores, submitting a sheet.

An evaluator sees only their own sheet: their drafts are theirs alone (officers see scores once
a sheet is submitted). A subject opens only after they declared no conflict of interest with
it; a declared conflict takes them off that subject for good (their scores of it are removed,
on record), leaves a notice for the lead officers on the evaluation's page and mails them
through the outbox. In a blind evaluation the sheet lists
subjects by code, and only once every declaration is made, so that the names on the
declaration page cannot be matched to the codes one by one.

Drafts are saved as the evaluator types and are not audited; submitting puts every score on
record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.tables import Membership, User
from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from config.database import transaction
from config.settings import get_settings
from notifications import service as outbox
from notifications.compose import compose
from notifications.domain import OutgoingMessage
from scoring import access
from scoring.access import EvaluationView, Scope, evaluation_view, links, load_tree
from scoring.criteria import Criterion, Tree
from scoring.documents import SubjectOnSheet
from scoring.domain import check_score, sheet_gaps, validate_declaration
from scoring.tables import Assignment, Declaration, Notice, Score, Subject


@dataclass(frozen=True)
class SheetSubject:
    code: str
    label: str  # the name, or the code while names are hidden
    scored: int
    required: int

    @property
    def complete(self) -> bool:
        return self.scored >= self.required


@dataclass(frozen=True)
class SheetView:
    evaluation: EvaluationView
    criteria: list[Criterion]
    parents: Mapping[int, str]  # criterion id → its parent's name
    subjects: list[SheetSubject]  # those the evaluator may score now
    submitted_at: datetime | None
    to_declare: int
    conflicts: int
    waiting_for_declarations: bool  # blind: the list opens once all are declared

    @property
    def editable(self) -> bool:
        e = self.evaluation
        return e.frozen and not e.quality_final and self.submitted_at is None


@dataclass(frozen=True)
class DeclarationRow:
    subject_id: int
    name: str
    answer: str  # "", "none" or "conflict"
    note: str


@dataclass(frozen=True)
class Entry:
    criterion: Criterion
    parent: str
    value: Decimal | None
    justification: str


@dataclass(frozen=True)
class SubjectSheet:
    sheet: SheetView
    code: str
    label: str
    entries: list[Entry]


@dataclass
class _Context:
    row: dict[str, Any]
    assignment: dict[str, Any]
    scope: Scope
    tree: Tree
    subjects: list[dict[str, Any]]  # in scope, not excluded
    answers: dict[int, dict[str, Any]]  # subject id → declaration


async def _context(principal: Principal, evaluation_id: int, *, lock: bool = True) -> _Context:
    """The evaluator's sheet; ``lock`` as in :func:`access.as_evaluator` (off for reading)."""
    row, assignment = await access.as_evaluator(principal, evaluation_id, lock=lock)
    scope = (await access.scopes([assignment]))[assignment["id"]]
    subjects = [
        s
        for s in await Subject.select()
        .where((Subject.evaluation == evaluation_id) & Subject.excluded_at.is_null())
        .order_by(Subject.id)
        if scope.covers_subject(s["id"])
    ]
    answers = {
        d["subject"]: d
        for d in await Declaration.select().where(Declaration.assignment == assignment["id"])
    }
    return _Context(row, assignment, scope, await load_tree(evaluation_id), subjects, answers)


def _label(view: EvaluationView, subject: dict[str, Any]) -> str:
    return subject["code"] if view.names_hidden else subject["name"]


async def _sheet(ctx: _Context) -> SheetView:
    view = evaluation_view(ctx.row)
    criteria = ctx.scope.criteria(ctx.tree)
    parents = {c.id: ctx.tree.by_id[c.parent_id].name for c in criteria if c.parent_id is not None}
    cleared = [
        s for s in ctx.subjects if s["id"] in ctx.answers and not ctx.answers[s["id"]]["conflict"]
    ]
    to_declare = len([s for s in ctx.subjects if s["id"] not in ctx.answers])
    waiting = view.names_hidden and to_declare > 0
    counts: dict[int, int] = {}
    criterion_ids = {c.id for c in criteria}
    for r in await Score.select(Score.subject, Score.criterion).where(
        (Score.assignment == ctx.assignment["id"]) & Score.value.is_not_null()
    ):
        if r["criterion"] in criterion_ids:
            counts[r["subject"]] = counts.get(r["subject"], 0) + 1
    subjects = (
        []
        if waiting
        else [
            SheetSubject(s["code"], _label(view, s), counts.get(s["id"], 0), len(criteria))
            for s in cleared
        ]
    )
    if view.names_hidden:
        subjects.sort(key=lambda s: s.code)
    conflicts = sum(1 for d in ctx.answers.values() if d["conflict"])
    return SheetView(
        view,
        criteria,
        parents,
        subjects,
        ctx.assignment["submitted_at"],
        to_declare,
        conflicts,
        waiting,
    )


async def sheet(principal: Principal, evaluation_id: int) -> SheetView:
    return await _sheet(await _context(principal, evaluation_id, lock=False))


# --- declarations ---------------------------------------------------------------------------


async def declarations(
    principal: Principal,
    evaluation_id: int,
) -> tuple[EvaluationView, list[DeclarationRow]]:
    """Every subject on the evaluator's sheet by name, with what they declared so far."""
    ctx = await _context(principal, evaluation_id, lock=False)
    rows = [
        DeclarationRow(
            s["id"],
            s["name"],
            ("conflict" if ctx.answers[s["id"]]["conflict"] else "none")
            if s["id"] in ctx.answers
            else "",
            ctx.answers[s["id"]]["note"] if s["id"] in ctx.answers else "",
        )
        for s in ctx.subjects
    ]
    return evaluation_view(ctx.row), sorted(rows, key=lambda r: (r.name.lower(), r.subject_id))


async def declare(
    principal: Principal, evaluation_id: int, answers: Mapping[int, tuple[Any, Any]]
) -> int:
    """Record declarations: ``{subject id: ("none" | "conflict" | "", note)}``.

    Returns how many were recorded. A conflict removes the evaluator from the subject.
    """
    problems: list[Problem] = []
    parsed = []
    for subject_id, (answer, note) in answers.items():
        try:
            found = validate_declaration(subject_id, answer, note, f"answer-{subject_id}")
        except ValidationFailed as exc:
            problems.extend(exc.problems)
        else:
            if found is not None:
                parsed.append(found)
    if problems:
        raise ValidationFailed(problems)
    async with transaction():
        ctx = await _context(principal, evaluation_id)
        await access.require_not_final(ctx.row)
        by_id = {s["id"]: s for s in ctx.subjects}
        if not parsed:  # an empty form is not a success: say what is expected
            first_open = next((s["id"] for s in ctx.subjects if s["id"] not in ctx.answers), None)
            raise ValidationFailed(
                [
                    Problem(
                        N_(
                            "Nothing was declared: for each subject choose no conflict of "
                            "interest or "
                            "a conflict of interest, then record your declarations"
                        ),
                        {},
                        f"answer-{first_open}" if first_open is not None else None,
                    )
                ]
            )
        events: list[audit.NewEvent] = []
        now = clock.now()
        for item in parsed:
            subject = by_id.get(item.subject_id)
            if subject is None:
                raise NotFound(N_("Subject {id} is not on your sheet"), id=item.subject_id)
            current = ctx.answers.get(item.subject_id)
            if current is not None:
                if current["conflict"] and not item.conflict:
                    raise ValidationFailed(
                        [
                            Problem(
                                N_(
                                    "You declared a conflict of interest with {name}; that cannot "
                                    "be "
                                    "withdrawn"
                                ),
                                {"name": subject["name"]},
                                f"answer-{subject['id']}",
                            )
                        ]
                    )
                if current["conflict"] == item.conflict:
                    continue
                await Declaration.update(
                    {
                        Declaration.conflict: True,
                        Declaration.note: item.note,
                        Declaration.declared_at: now,
                    }
                ).where(Declaration.id == current["id"])
            else:
                await Declaration.insert(
                    Declaration(
                        assignment=ctx.assignment["id"],
                        subject=item.subject_id,
                        conflict=item.conflict,
                        note=item.note,
                        declared_at=now,
                    )
                )
            after: dict[str, Any] = {"ref": subject["ref"], "conflict": item.conflict}
            if item.conflict:
                removed = (
                    await Score.delete()
                    .where(
                        (Score.assignment == ctx.assignment["id"])
                        & (Score.subject == item.subject_id)
                    )
                    .returning(Score.id)
                )
                notice = Notice(
                    evaluation=evaluation_id,
                    kind="conflict",
                    subject=item.subject_id,
                    evaluator=principal.id,
                    note=item.note,
                    created_at=now,
                    sent_at=now,
                )
                await notice.save()
                mailed = await _tell_lead_officers(
                    principal, ctx.row, subject, item.note, notice.id
                )
                after |= {
                    "note": item.note,
                    "scores_removed": len(removed),
                    "officers_told": mailed,
                }
            events.append(
                audit.NewEvent(
                    "declaration.conflict" if item.conflict else "declaration.no_conflict",
                    "evaluation",
                    evaluation_id,
                    after=after,
                )
            )
        await audit.record_many(principal.as_actor(), events)
        return len(events)


async def _tell_lead_officers(
    principal: Principal, row: dict[str, Any], subject: dict[str, Any], note: str, notice_id: int
) -> int:
    """Mail every active officer of the evaluation's authority, in their own language, through
    the outbox (in this transaction). Returns how many were told."""
    members = [
        m["user"]
        for m in await Membership.select(Membership.user).where(
            Membership.authority == row["authority"]
        )
    ]
    if not members:
        return 0
    officers = await User.select(User.id, User.email, User.name, User.language).where(
        User.id.is_in(members) & (User.role == Role.OFFICER.value) & User.active.eq(True)
    )
    url = f"{get_settings().public_url}{links(row['id']).overview}"
    for officer in officers:
        title, body = compose(
            "scoring/mail/conflict.txt",
            officer["language"],
            name=officer["name"],
            evaluator=principal.name,
            subject=subject["name"],
            evaluation=row["title"],
            note=note,
            url=url,
        )
        await outbox.enqueue(
            principal.as_actor(),
            OutgoingMessage(
                kind="scoring.conflict",
                recipient=officer["email"],
                recipient_name=officer["name"],
                language=officer["language"],
                subject=title,
                body=body,
                dedupe_key=f"scoring.conflict:{notice_id}:{officer['id']}",
                object_type="evaluation",
                object_id=str(row["id"]),
            ),
        )
    return len(officers)


# --- scoring --------------------------------------------------------------------------------


def _cleared_subject(ctx: _Context, code: str) -> dict[str, Any]:
    """The subject behind ``code`` if the evaluator may see it (NotFound after a conflict)."""
    subject = next((s for s in ctx.subjects if s["code"] == code), None)
    if subject is None:
        raise NotFound(N_("No subject {code} on your sheet"), code=code)
    answer = ctx.answers.get(subject["id"])
    if answer is not None and answer["conflict"]:
        raise NotFound(N_("No subject {code} on your sheet"), code=code)
    if answer is None or (
        evaluation_view(ctx.row).names_hidden
        and any(s["id"] not in ctx.answers for s in ctx.subjects)
    ):
        raise DomainError(N_("Declare whether you have a conflict of interest first"))
    return subject


async def _subject_sheet(ctx: _Context, subject: dict[str, Any]) -> SubjectSheet:
    view = await _sheet(ctx)
    stored = {
        r["criterion"]: r
        for r in await Score.select().where(
            (Score.assignment == ctx.assignment["id"]) & (Score.subject == subject["id"])
        )
    }
    entries = [
        Entry(
            c,
            view.parents.get(c.id, ""),
            stored[c.id]["value"] if c.id in stored else None,
            stored[c.id]["justification"] if c.id in stored else "",
        )
        for c in view.criteria
    ]
    return SubjectSheet(view, subject["code"], _label(view.evaluation, subject), entries)


async def subject_sheet(principal: Principal, evaluation_id: int, code: str) -> SubjectSheet:
    ctx = await _context(principal, evaluation_id, lock=False)
    return await _subject_sheet(ctx, _cleared_subject(ctx, code))


async def subject_for_documents(
    principal: Principal, evaluation_id: int, code: str
) -> SubjectOnSheet:
    """The subject behind ``code`` on the evaluator's own sheet, for reading its documents:
    assigned to them, declared free of conflict, not excluded (NotFound otherwise)."""
    ctx = await _context(principal, evaluation_id, lock=False)
    subject = _cleared_subject(ctx, code)
    view = evaluation_view(ctx.row)
    return SubjectOnSheet(
        evaluation_id, ctx.row["owner_ref"], subject["ref"], subject["code"], view.names_hidden
    )


async def _submitted(principal: Principal, evaluation_id: int, reason: DomainError) -> DomainError:
    """``reason`` naming when the sheet was submitted (and by whom: in another tab, or on
    behalf of ...)."""
    return await access.changed(
        reason, evaluation_id, "sheet.submitted", actor=principal.as_actor().label
    )


async def save_scores(
    principal: Principal, evaluation_id: int, code: str, entries: Mapping[int, tuple[Any, Any]]
) -> SubjectSheet:
    """Save draft scores of one subject: ``{criterion id: (value, justification)}``.

    Every value is checked against its criterion's scale; an empty value and justification
    removes the draft. Nothing is saved when any entry is refused.
    """
    async with transaction():
        ctx = await _context(principal, evaluation_id)
        await access.require_open_for_scores(ctx.row)
        if ctx.assignment["submitted_at"] is not None:
            raise await _submitted(
                principal,
                evaluation_id,
                DomainError(
                    N_(
                        "Your sheet has been submitted; ask the lead officer to reopen it to "
                        "change a "
                        "score"
                    )
                ),
            )
        subject = _cleared_subject(ctx, code)
        criteria = {c.id: c for c in ctx.scope.criteria(ctx.tree)}
        problems: list[Problem] = []
        checked: dict[int, tuple[Decimal | None, str]] = {}
        for criterion_id, (raw_value, justification) in entries.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                raise NotFound(N_("Criterion {id} is not on your sheet"), id=criterion_id)
            try:
                checked[criterion_id] = check_score(
                    criterion, raw_value, justification, f"value-{criterion_id}"
                )
            except ValidationFailed as exc:
                problems.extend(exc.problems)
        if problems:
            raise ValidationFailed(problems)
        now = clock.now()
        for criterion_id, (value, text) in checked.items():
            where = (
                (Score.assignment == ctx.assignment["id"])
                & (Score.subject == subject["id"])
                & (Score.criterion == criterion_id)
            )
            if value is None and not text:
                await Score.delete().where(where)
                continue
            await Score.insert(
                Score(
                    evaluation=evaluation_id,
                    assignment=ctx.assignment["id"],
                    subject=subject["id"],
                    criterion=criterion_id,
                    value=value,
                    justification=text,
                    updated_at=now,
                )
            ).on_conflict(
                target=(Score.assignment, Score.subject, Score.criterion),
                action="DO UPDATE",
                values=[Score.value, Score.justification, Score.updated_at],
            )
        return await _subject_sheet(ctx, subject)


async def submit_sheet(principal: Principal, evaluation_id: int) -> None:
    """Make the sheet final: every subject declared, every score given and justified."""
    async with transaction():
        ctx = await _context(principal, evaluation_id)
        await access.require_open_for_scores(ctx.row)
        if ctx.assignment["submitted_at"] is not None:
            raise await _submitted(
                principal, evaluation_id, DomainError(N_("Your sheet has already been submitted"))
            )
        view = evaluation_view(ctx.row)
        undeclared = [s for s in ctx.subjects if s["id"] not in ctx.answers]
        if undeclared:
            raise DomainError(
                N_("Declare for every subject first: {count} still to declare"),
                count=len(undeclared),
            )
        cleared = [s for s in ctx.subjects if not ctx.answers[s["id"]]["conflict"]]
        criteria = ctx.scope.criteria(ctx.tree)
        stored = await Score.select().where(Score.assignment == ctx.assignment["id"])
        scores = {(r["subject"], r["criterion"]): (r["value"], r["justification"]) for r in stored}
        labels = [(s["id"], _label(view, s)) for s in cleared]
        gaps = sheet_gaps(labels, criteria, scores)
        if gaps:
            raise ValidationFailed(gaps)
        await Assignment.update({Assignment.submitted_at: clock.now()}).where(
            Assignment.id == ctx.assignment["id"]
        )
        refs = {s["id"]: s["ref"] for s in cleared}
        names = {c.id: c.name for c in criteria}
        await audit.record_many(
            principal.as_actor(),
            [
                audit.NewEvent(
                    "sheet.submitted",
                    "evaluation",
                    evaluation_id,
                    after={"scores": len(stored), "criteria_version": ctx.row["criteria_version"]},
                ),
                *[
                    audit.NewEvent(
                        "score.submitted",
                        "evaluation",
                        evaluation_id,
                        after={
                            "ref": refs[r["subject"]],
                            "criterion": names[r["criterion"]],
                            "value": r["value"],
                            "justification": r["justification"],
                        },
                    )
                    for r in stored
                    if r["subject"] in refs and r["criterion"] in names
                ],
            ],
        )
