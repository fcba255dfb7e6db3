"""Excel scoresheets: the evaluator's sheet and the lead officer's consensus workbook, down and
back up, and the deadline the sheets show.

- :func:`scoresheet` writes the evaluator's own sheet (their cleared subjects × their criteria,
  drafts filled in) in their language, signed (:mod:`documents.scoresheets`).
- :func:`import_scoresheet` takes a filled sheet back: refused before parsing when it is not a
  plain .xlsx of sane size; after parsing every problem is listed with its cell; otherwise the
  scores are stored as drafts (or submitted) in one transaction, with a summary of changes.
- :func:`consensus_workbook` / :func:`import_consensus`: the same for the consensus meeting.
- :func:`set_scores_due`: the officer's deadline for the scores (entered in the authority's
  local time, stored in UTC).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from authorities.tables import Authority
from common import clock
from common.deadlines import deadline_changes
from common.errors import DomainError, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from common.localtime import parse_local_datetime
from common.numbers import AMBIGUOUS, parse_number
from config.database import engine, in_transaction, is_sqlite, transaction
from config.settings import get_settings
from documents import scoresheet_reader, storage
from documents import scoresheets as workbook
from documents.scoresheet_reader import Formula
from documents.tables_export import FORMULA_TRIGGERS
from documents.xlsx_guard import capped, quoted
from scoring import access, service, sheets
from scoring.access import EvaluationView, evaluation_view
from scoring.criteria import Criterion, Kind, Tree, plain
from scoring.domain import check_score, needs_justification
from scoring.tables import Consensus, Evaluation, Score
from web.formatting import moment
from web.i18n import language, translations

BATCH = 500
MAX_SCORE = Decimal(10) ** 12  # beyond every scale; larger numbers never reach the arithmetic


@dataclass(frozen=True)
class Download:
    filename: str
    data: bytes
    content_type: str = workbook.XLSX_TYPE


@dataclass(frozen=True)
class Change:
    cell: str
    subject: str
    criterion: str
    before: Decimal | None
    after: Decimal | None
    justification_changed: bool


@dataclass(frozen=True)
class ImportSummary:
    """What an upload changed (``changes``: the rows whose score or justification changed)."""

    evaluation_id: int
    rows: int
    added: int
    changed: int
    removed: int
    unchanged: int
    submitted: bool
    changes: list[Change]


# --- plain data for the workbook ------------------------------------------------------------


def _key() -> bytes:
    return workbook.signing_key(get_settings().secret_key)


def _scale(criterion: Criterion, _: Callable[[str], str]) -> workbook.Scale:
    scale = criterion.effective_scale
    assert scale is not None
    if criterion.kind is Kind.PASS_FAIL:
        return workbook.Scale(
            _("Pass (1) or fail (0)"), Decimal(0), Decimal(1), True, (Decimal(0), Decimal(1))
        )
    if scale.has_levels:
        values = tuple(level.value for level in scale.levels)
        return workbook.Scale(
            ", ".join(f"{plain(lv.value)} = {lv.label}" for lv in scale.levels),
            min(values),
            max(values),
            all(v == int(v) for v in values),
            values,
        )
    whole = scale.step == int(scale.step) and scale.minimum == int(scale.minimum)
    return workbook.Scale(
        _("A number from {minimum} to {maximum} in steps of {step}").format(
            minimum=plain(scale.minimum), maximum=plain(scale.maximum), step=plain(scale.step)
        ),
        scale.minimum,
        scale.maximum,
        whole,
    )


def _criterion_label(tree: Tree, criterion: Criterion) -> str:
    parent = tree.by_id.get(criterion.parent_id) if criterion.parent_id else None
    return f"{parent.name} › {criterion.name}" if parent else criterion.name


def _fingerprint(tree: Tree, criterion: Criterion) -> str:
    scale = criterion.effective_scale
    return workbook.fingerprint(
        _criterion_label(tree, criterion),
        criterion.kind.value,
        scale.as_dict() if scale else None,
        criterion.description,
    )


def _labels(view: EvaluationView, subjects: Sequence[dict[str, Any]]) -> dict[int, str]:
    """Each subject's label on the sheet: its code when blind, else its name (with the code
    when two subjects share a name, so that every row can be told apart)."""
    if view.names_hidden:
        return {s["id"]: s["code"] for s in subjects}
    names = Counter(s["name"] for s in subjects)
    return {
        s["id"]: s["name"] if names[s["name"]] == 1 else f"{s['name']} ({s['code']})"
        for s in subjects
    }


async def zone_of(authority_id: int) -> str:
    row = await Authority.select(Authority.timezone).where(Authority.id == authority_id).first()
    return row["timezone"] if row else get_settings().timezone


def _filename(prefix: str, view: EvaluationView) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in view.title)[:60]
    return f"{prefix}-{view.id}-{safe.strip('-') or 'evaluation'}.xlsx"


# --- the evaluator's sheet ------------------------------------------------------------------


@dataclass
class _Sheet:
    view: EvaluationView
    ctx: Any  # scoring.sheets._Context
    tree: Tree
    criteria: list[Criterion]
    subjects: list[dict[str, Any]]  # cleared, in sheet order
    labels: dict[int, str]


async def _evaluator_sheet(
    principal: Principal, evaluation_id: int, *, lock: bool = True
) -> _Sheet:
    ctx = await sheets._context(principal, evaluation_id, lock=lock)
    view = evaluation_view(ctx.row)
    if not view.frozen:
        raise DomainError(N_("Scoring has not started: the criteria are not final yet"))
    if view.names_hidden and any(s["id"] not in ctx.answers for s in ctx.subjects):
        raise DomainError(N_("Declare whether you have a conflict of interest first"))
    cleared = [
        s for s in ctx.subjects if s["id"] in ctx.answers and not ctx.answers[s["id"]]["conflict"]
    ]
    if view.names_hidden:
        cleared.sort(key=lambda s: s["code"])
    return _Sheet(
        view, ctx, ctx.tree, ctx.scope.criteria(ctx.tree), cleared, _labels(view, cleared)
    )


async def scoresheet(principal: Principal, evaluation_id: int) -> Download:
    """The signed-in evaluator's sheet, in their language, with their drafts filled in."""
    async with transaction():
        found = await _evaluator_sheet(principal, evaluation_id, lock=False)
        stored = {
            (r["subject"], r["criterion"]): r
            for r in await Score.select(
                Score.subject, Score.criterion, Score.value, Score.justification
            ).where(Score.assignment == found.ctx.assignment["id"])
        }
        zone = await zone_of(found.view.authority_id)
    translate = translations(principal.language).gettext
    scales = {c.id: _scale(c, translate) for c in found.criteria}
    labels = {c.id: _criterion_label(found.tree, c) for c in found.criteria}
    rows = []
    for subject in found.subjects:
        for c in found.criteria:
            draft = stored.get((subject["id"], c.id))
            rows.append(
                workbook.Row(
                    subject["id"],
                    c.id,
                    found.labels[subject["id"]],
                    labels[c.id],
                    c.description,
                    scales[c.id],
                    draft["value"] if draft else None,
                    draft["justification"] if draft else "",
                )
            )
    with language(principal.language):
        due = (
            moment(found.view.scores_due_at, zone, principal.language)
            if found.view.scores_due_at
            else None
        )
    sheet = workbook.ScoreSheet(
        found.view.title,
        principal.name,
        evaluation_id,
        principal.id,
        found.view.criteria_version,
        tuple((c.id, _fingerprint(found.tree, c)) for c in found.criteria),
        rows,
        due,
        found.view.names_hidden,
    )
    data = await asyncio.to_thread(workbook.write, sheet, _key(), translate)
    return Download(_filename("scoresheet", found.view), data)


def _criteria_problems(
    identity_criteria: Sequence[tuple[int, str]],
    tree: Tree,
    current: Sequence[Criterion],
    location: str,
) -> tuple[list[Problem], set[int]]:
    """Which criteria changed, went or came since the sheet was made (and the ids of those
    whose rows cannot be read any more)."""
    problems = []
    now = {c.id: _fingerprint(tree, c) for c in current}
    stale = {c for c, print_ in identity_criteria if now.get(c) != print_}
    for criterion_id, print_ in identity_criteria:
        if criterion_id not in now:
            name = tree.by_id[criterion_id].name if criterion_id in tree.by_id else None
            problems.append(
                Problem(
                    N_("the criterion {name} is no longer on your sheet; download a new sheet")
                    if name
                    else N_("a criterion on this sheet was removed; download a new sheet"),
                    {"name": name} if name else {},
                    location,
                )
            )
        elif now[criterion_id] != print_:
            problems.append(
                Problem(
                    N_(
                        "the criterion {name} changed since this sheet was "
                        "made; download a new sheet"
                    ),
                    {"name": tree.by_id[criterion_id].name},
                    location,
                )
            )
    given = {c for c, _ in identity_criteria}
    problems += [
        Problem(
            N_("the criterion {name} was added since this sheet was made; download a new sheet"),
            {"name": c.name},
            location,
        )
        for c in current
        if c.id not in given
    ]
    return problems, stale


def _version_problems(signed: int, current: int, location: str) -> list[Problem]:
    """A sheet made before the criteria were reopened is refused, even where no criterion it
    shows changed: its rows were scored against criteria that were open to change."""
    if signed == current:
        return []
    return [
        Problem(
            N_(
                "the criteria were reopened since this sheet was made (version "
                "{signed}, now {current}); download a new sheet"
            ),
            {"signed": signed, "current": current},
            location,
        )
    ]


def _check_value(
    criterion: Criterion, entry: scoresheet_reader.Entry, whole: bool
) -> tuple[list[Problem], Decimal | None, str]:
    """The problems of one row's score and justification cells, and their values."""
    raw, text = entry.value, entry.justification
    if isinstance(raw, Formula):
        return (
            [Problem(N_("a formula is not a score; type the number"), {}, entry.value_cell)],
            None,
            "",
        )
    if (raw is not None and not isinstance(raw, int | float | str)) or isinstance(raw, bool):
        return (
            [Problem(N_("{value} is not a number"), {"value": quoted(raw)}, entry.value_cell)],
            None,
            "",
        )
    if isinstance(text, Formula):
        return (
            [
                Problem(
                    N_("a formula is not a justification; type the text"),
                    {},
                    entry.justification_cell,
                )
            ],
            None,
            "",
        )
    justification = "" if text is None else str(text)
    if justification[:1] == "'" and justification[1:2] in FORMULA_TRIGGERS:
        justification = justification[1:]  # as escaped when written
    try:
        number = parse_number(raw)
    except DomainError as exc:
        if exc.problem.message == AMBIGUOUS:
            return (
                [
                    Problem(
                        exc.problem.message,
                        {k: quoted(v) for k, v in exc.problem.params.items()},
                        entry.value_cell,
                    )
                ],
                None,
                "",
            )
        return (
            [
                Problem(
                    N_("{value} is text, not a number"), {"value": quoted(raw)}, entry.value_cell
                )
            ],
            None,
            "",
        )
    if number is not None and not -MAX_SCORE < number < MAX_SCORE:
        return (
            [Problem(N_("{value} is not on the scale"), {"value": quoted(raw)}, entry.value_cell)],
            None,
            "",
        )
    if number is not None and whole and number != number.to_integral_value():
        return (
            [
                Problem(
                    N_("{value} has decimals; this scale has whole numbers only"),
                    {"value": quoted(plain(number))},
                    entry.value_cell,
                )
            ],
            None,
            "",
        )
    try:
        value, justification = check_score(criterion, number, justification, entry.value_cell)
    except ValidationFailed as exc:
        return list(exc.problems), None, ""
    problems = []
    if value is not None and needs_justification(criterion, value) and not justification:
        problems.append(Problem(N_("justification is required"), {}, entry.justification_cell))
    return problems, value, justification


async def import_scoresheet(
    principal: Principal, evaluation_id: int, filename: str, data: bytes, submit: bool = False
) -> ImportSummary:
    """Store a filled sheet's scores as drafts (all of them, or none), or submit them."""
    parsed = await asyncio.to_thread(
        scoresheet_reader.read, data, _key(), workbook.SCORES, filename
    )
    identity = parsed.identity
    async with transaction():
        found = await _evaluator_sheet(principal, evaluation_id)  # the sheet locked
        view, ctx = found.view, found.ctx
        await access.require_open_for_scores(ctx.row)
        if identity.evaluation_id != evaluation_id:
            raise ValidationFailed(
                [
                    Problem(
                        N_("This sheet belongs to another evaluation ({id})"),
                        {"id": identity.evaluation_id},
                        "file",
                    )
                ]
            )
        if identity.evaluator_id != principal.id:
            raise ValidationFailed(
                [
                    Problem(
                        N_("This sheet belongs to another evaluator; download your own sheet"),
                        {},
                        "file",
                    )
                ]
            )
        problems: list[Problem] = []
        if ctx.assignment["submitted_at"] is not None:
            problems.append(
                Problem(
                    N_(
                        "your scores have already been submitted as final; ask "
                        "the lead officer to reopen your sheet"
                    ),
                    {},
                    workbook.SCORES_SHEET,
                )
            )
        problems += _version_problems(
            identity.criteria_version, view.criteria_version, workbook.SCORES_SHEET
        )
        changed, stale = _criteria_problems(
            identity.criteria, found.tree, found.criteria, workbook.SCORES_SHEET
        )
        problems += changed
        problems += parsed.problems
        criteria = {c.id: c for c in found.criteria}
        whole = {c.id: _scale(c, str).whole for c in found.criteria}
        cleared = {s["id"] for s in found.subjects}
        told: set[int] = set()
        checked: dict[tuple[int, int], tuple[Decimal | None, str, scoresheet_reader.Entry]] = {}
        for entry in parsed.entries:
            subject_id = entry.subject_id
            if subject_id not in cleared:
                if subject_id not in told:
                    told.add(subject_id)
                    answer = ctx.answers.get(subject_id)
                    problems.append(
                        Problem(
                            N_(
                                "you declared a conflict of interest with {subject}; its rows "
                                "cannot be stored"
                            )
                            if answer and answer["conflict"]
                            else N_(
                                "{subject} is no longer on your sheet; its rows cannot be stored"
                            ),
                            {"subject": entry.subject},
                            f"{workbook.SCORES_SHEET}!A{entry.row}",
                        )
                    )
                continue
            criterion = criteria.get(entry.criterion_id)
            if criterion is None or criterion.id in stale:
                continue
            found_problems, value, text = _check_value(criterion, entry, whole[entry.criterion_id])
            problems += found_problems
            if submit and not found_problems and value is None:
                problems.append(Problem(N_("a score is required to submit"), {}, entry.value_cell))
            checked[(subject_id, entry.criterion_id)] = (value, text, entry)
        if problems:
            raise ValidationFailed(capped(problems))
        summary = await _store_drafts(
            principal, evaluation_id, ctx.assignment["id"], checked, found, submit
        )
        stored = await storage.store(
            principal.as_actor(),
            filename or "scoresheet.xlsx",
            workbook.XLSX_TYPE,
            data,
            max_bytes=scoresheet_reader.MAX_BYTES,
        )
        await audit.record(
            principal.as_actor(),
            "scoresheet.imported",
            "evaluation",
            evaluation_id,
            after={
                "file": stored.id,
                "sha256": stored.sha256,
                "rows": summary.rows,
                "added": summary.added,
                "changed": summary.changed,
                "removed": summary.removed,
                "submit": submit,
                "criteria_version": view.criteria_version,
            },
        )
        if submit:
            await sheets.submit_sheet(principal, evaluation_id)
        return summary


async def _store_drafts(
    principal: Principal,
    evaluation_id: int,
    assignment_id: int,
    checked: dict[tuple[int, int], tuple[Decimal | None, str, scoresheet_reader.Entry]],
    found: _Sheet,
    submit: bool,
) -> ImportSummary:
    current = {
        (r["subject"], r["criterion"]): r
        for r in await Score.select(
            Score.id, Score.subject, Score.criterion, Score.value, Score.justification
        ).where(Score.assignment == assignment_id)
    }
    now = clock.now()
    delete: list[int] = []
    insert: list[tuple[Any, ...]] = []
    changes: list[Change] = []
    added = changed = removed = 0
    for (subject_id, criterion_id), (value, text, entry) in checked.items():
        old = current.get((subject_id, criterion_id))
        empty = value is None and not text
        if old is None and empty:
            continue
        if old is not None and old["value"] == value and old["justification"] == text:
            continue
        if old is not None:
            delete.append(old["id"])
        if empty:
            removed += 1
        elif old is None:
            added += 1
        else:
            changed += 1
        if not empty:
            insert.append(
                (evaluation_id, assignment_id, subject_id, criterion_id, value, text, now)
            )
        changes.append(
            Change(
                entry.value_cell,
                entry.subject,
                entry.criterion,
                old["value"] if old else None,
                value,
                (old["justification"] if old else "") != text,
            )
        )
    for start in range(0, len(delete), BATCH):
        await Score.delete().where(Score.id.is_in(delete[start : start + BATCH]))
    await _insert_many("scoring_score", SCORE_COLUMNS, insert)
    return ImportSummary(
        evaluation_id,
        len(checked),
        added,
        changed,
        removed,
        len(checked) - added - changed - removed,
        submit,
        changes,
    )


SCORE_COLUMNS = (
    "evaluation",
    "assignment",
    "subject",
    "criterion",
    "value",
    "justification",
    "updated_at",
)


async def _insert_many(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows in the open transaction: on SQLite with one prepared statement, on
    PostgreSQL with COPY (Piccolo builds a query object per row, and even a prepared
    statement per row costs PostgreSQL a second for 10,000 rows)."""
    if not rows:
        return
    assert in_transaction()
    db = engine()
    connection = db.current_transaction.get().connection
    if not is_sqlite():
        await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    # Table and column names are this module's constants; the values are parameters.
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
    await connection.executemany(sql, rows)


# --- the consensus workbook -----------------------------------------------------------------


async def consensus_workbook(principal: Principal, evaluation_id: int) -> Download:
    """Every evaluator's submitted score and justification side by side, with mean, spread,
    flag and the consensus columns, for the consensus meeting."""
    matrix = await service.consensus_matrix(principal, evaluation_id)
    view = matrix.evaluation
    if not view.frozen:
        raise DomainError(N_("Scoring has not started: the criteria are not final yet"))
    async with transaction():
        tree = await access.load_tree(evaluation_id)
        lines = await service.score_lines(evaluation_id, tree, None)
        texts = await service.consensus_texts(evaluation_id, None)
    evaluators: dict[int, str] = {}
    for found in lines.values():
        for line in found:
            evaluators.setdefault(line.evaluator_id, line.evaluator)
    order = sorted(evaluators, key=lambda e: (evaluators[e].lower(), e))
    translate = translations(principal.language).gettext
    rows: list[workbook.Row] = []
    active = [r for r in matrix.rows if not r.excluded]
    labels = _labels(view, [{"id": r.subject_id, "name": r.label, "code": r.code} for r in active])
    for r in active:
        for c in matrix.criteria:
            cell = r.cells.get(c.id)
            by_evaluator = {line.evaluator_id: line for line in lines.get((r.subject_id, c.id), ())}
            individual = tuple(
                (by_evaluator[e].value, by_evaluator[e].justification)
                if e in by_evaluator
                else (None, "")
                for e in order
            )
            rows.append(
                workbook.Row(
                    r.subject_id,
                    c.id,
                    labels[r.subject_id],
                    _criterion_label(tree, c),
                    c.description,
                    _scale(c, translate),
                    cell.consensus if cell else None,
                    texts.get((r.subject_id, c.id), ""),
                    individual,
                    cell.aggregate if cell else None,
                    cell.spread if cell else None,
                    bool(cell and cell.flagged),
                )
            )
    sheet = workbook.ScoreSheet(
        view.title,
        principal.name,
        evaluation_id,
        0,
        view.criteria_version,
        tuple((c.id, _fingerprint(tree, c)) for c in matrix.criteria),
        rows,
        blind=view.names_hidden,
        kind=workbook.CONSENSUS,
        evaluators=tuple(evaluators[e] for e in order),
    )
    data = await asyncio.to_thread(workbook.write, sheet, _key(), translate)
    return Download(_filename("consensus", view), data)


async def import_consensus(
    principal: Principal, evaluation_id: int, filename: str, data: bytes
) -> ImportSummary:
    """Record (or, where both cells were emptied, clear) consensus scores from the workbook."""
    parsed = await asyncio.to_thread(
        scoresheet_reader.read, data, _key(), workbook.CONSENSUS, filename
    )
    identity = parsed.identity
    async with transaction():
        row = await access.as_lead(principal, evaluation_id)
        await access.require_open_for_scores(row)
        if identity.evaluation_id != evaluation_id:
            raise ValidationFailed(
                [
                    Problem(
                        N_("This workbook belongs to another evaluation ({id})"),
                        {"id": identity.evaluation_id},
                        "file",
                    )
                ]
            )
        tree = await access.load_tree(evaluation_id)
        problems = _version_problems(
            identity.criteria_version, row["criteria_version"], workbook.CONSENSUS_SHEET
        )
        changed, stale = _criteria_problems(
            identity.criteria, tree, tree.scored(), workbook.CONSENSUS_SHEET
        )
        problems += changed
        problems += parsed.problems
        criteria = {c.id: c for c in tree.scored()}
        subjects = {s.id: s for s in await service.list_subjects(principal, evaluation_id)}
        checked: dict[tuple[int, int], tuple[Decimal | None, str, scoresheet_reader.Entry]] = {}
        for entry in parsed.entries:
            criterion = criteria.get(entry.criterion_id)
            if criterion is None or criterion.id in stale:
                continue
            if entry.subject_id not in subjects:
                problems.append(
                    Problem(
                        N_("{subject} is no longer in this evaluation"),
                        {"subject": entry.subject},
                        f"{workbook.CONSENSUS_SHEET}!A{entry.row}",
                    )
                )
                continue
            found, value, text = _check_value(criterion, entry, _scale(criterion, str).whole)
            if not found and value is None and text:
                found = [Problem(N_("Enter the consensus score"), {}, entry.value_cell)]
            if not found and value is not None and not text:
                found = [Problem(N_("justification is required"), {}, entry.justification_cell)]
            problems += found
            checked[(entry.subject_id, entry.criterion_id)] = (value, text, entry)
        if problems:
            raise ValidationFailed(capped(problems))
        return await _store_consensus(
            principal, evaluation_id, tree, checked, subjects, filename, data
        )


async def _store_consensus(
    principal: Principal,
    evaluation_id: int,
    tree: Tree,
    checked: dict[tuple[int, int], tuple[Decimal | None, str, scoresheet_reader.Entry]],
    subjects: dict[int, Any],
    filename: str,
    data: bytes,
) -> ImportSummary:
    current = {
        (r["subject"], r["criterion"]): r
        for r in await Consensus.select(
            Consensus.id,
            Consensus.subject,
            Consensus.criterion,
            Consensus.value,
            Consensus.justification,
        ).where(Consensus.evaluation == evaluation_id)
    }
    now = clock.now()
    delete: list[int] = []
    insert: list[Consensus] = []
    events: list[audit.NewEvent] = []
    changes: list[Change] = []
    added = changed = removed = 0
    for (subject_id, criterion_id), (value, text, entry) in checked.items():
        old = current.get((subject_id, criterion_id))
        if old is None and value is None:
            continue
        if old is not None and old["value"] == value and old["justification"] == text:
            continue
        criterion = tree.by_id[criterion_id]
        ref = subjects[subject_id].ref
        if old is not None:
            delete.append(old["id"])
        if value is None:
            removed += 1
            events.append(
                audit.NewEvent(
                    "consensus.cleared",
                    "evaluation",
                    evaluation_id,
                    before={
                        "ref": ref,
                        "criterion": criterion.name,
                        "value": old["value"],
                        "justification": old["justification"],
                    },
                )
            )
        else:
            added, changed = (added + 1, changed) if old is None else (added, changed + 1)
            insert.append(
                Consensus(
                    evaluation=evaluation_id,
                    subject=subject_id,
                    criterion=criterion_id,
                    value=value,
                    justification=text,
                    decided_by=principal.id,
                    decided_at=now,
                )
            )
            events.append(
                audit.NewEvent(
                    "consensus.recorded",
                    "evaluation",
                    evaluation_id,
                    before=old
                    and {"ref": ref, "value": old["value"], "justification": old["justification"]},
                    after={
                        "ref": ref,
                        "criterion": criterion.name,
                        "value": value,
                        "justification": text,
                        "from": "workbook",
                    },
                )
            )
        changes.append(
            Change(
                entry.value_cell,
                entry.subject,
                entry.criterion,
                old["value"] if old else None,
                value,
                (old["justification"] if old else "") != text,
            )
        )
    for start in range(0, len(delete), BATCH):
        await Consensus.delete().where(Consensus.id.is_in(delete[start : start + BATCH]))
    for start in range(0, len(insert), BATCH):
        await Consensus.insert(*insert[start : start + BATCH])
    stored = await storage.store(
        principal.as_actor(),
        filename or "consensus.xlsx",
        workbook.XLSX_TYPE,
        data,
        max_bytes=scoresheet_reader.MAX_BYTES,
    )
    events.append(
        audit.NewEvent(
            "consensus.imported",
            "evaluation",
            evaluation_id,
            after={
                "file": stored.id,
                "sha256": stored.sha256,
                "rows": len(checked),
                "added": added,
                "changed": changed,
                "removed": removed,
            },
        )
    )
    await audit.record_many(principal.as_actor(), events)
    return ImportSummary(
        evaluation_id,
        len(checked),
        added,
        changed,
        removed,
        len(checked) - added - changed - removed,
        False,
        changes,
    )


# --- the deadline ---------------------------------------------------------------------------


async def set_scores_due(
    principal: Principal, evaluation_id: int, local: str | datetime | None
) -> EvaluationView:
    """Set (or with None or "", remove) when the scores are due. A text such as
    ``2026-12-01T17:00`` is wall-clock time in the authority's zone; stored in UTC."""
    async with transaction():
        row = await access.as_lead(principal, evaluation_id)
        await access.require_not_final(row)
        due: datetime | None = None
        if isinstance(local, datetime):
            if local.tzinfo is None:
                raise ValidationFailed(
                    [Problem(N_("Give the time with its zone"), {}, "scores_due_at")]
                )
            due = local
        elif local not in (None, ""):
            try:
                due = parse_local_datetime(str(local), await zone_of(row["authority"]))
            except DomainError as exc:
                raise ValidationFailed(
                    [Problem(exc.problem.message, exc.problem.params, "scores_due_at")]
                ) from None
        if due is not None:
            due = due.astimezone(clock.now().tzinfo).replace(second=0, microsecond=0)
        if row["scores_due_at"] != due:
            await Evaluation.update({Evaluation.scores_due_at: due}).where(
                Evaluation.id == evaluation_id
            )
            await audit.record(
                principal.as_actor(),
                "evaluation.scores_due_set",
                "evaluation",
                evaluation_id,
                before={"scores_due_at": row["scores_due_at"]},
                after={"scores_due_at": due},
            )
            deadline_changes.changed(f"evaluation:{evaluation_id}")
    return evaluation_view(await access.evaluation_row(evaluation_id))
