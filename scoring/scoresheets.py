"""Excel scoresheets: the evaluator's sheet and the lead officer's consensus workbook, down and
back up.

- :func:`scoresheet` writes the evaluator's own sheet (their cleared subjects × their criteria,
  drafts filled in) in their language, signed (:mod:`documents.scoresheets`).
- :func:`import_scoresheet` takes a filled sheet back: refused before parsing when it is not a
  plain .xlsx of sane size; after parsing every problem is listed with its cell; otherwise the
  scores are stored as drafts (or submitted) in one transaction, with a summary of changes.
- :func:`consensus_workbook` / :func:`import_consensus`: the same for the consensus meeting.
The checks of a returned sheet's cells are :mod:`scoring.sheet_checks`; the deadline the sheets
show is set by ``scoring.service.set_scores_due``.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from config.database import engine, in_transaction, is_sqlite, transaction
from config.settings import get_settings
from documents import scoresheet_reader, storage
from documents import scoresheets as workbook
from documents.xlsx_guard import capped
from scoring import access, service, sheets
from scoring.access import EvaluationView, evaluation_view
from scoring.criteria import Criterion, Kind, Tree, plain
from scoring.service.scores_due import zone_of
from scoring.sheet_checks import (
    check_value,
    criteria_problems,
    criterion_label,
    fingerprint,
    version_problems,
)
from scoring.tables import Consensus, Score
from web.formatting import moment
from web.i18n import language, translations

BATCH = 500


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

    @classmethod
    def of(
        cls,
        evaluation_id: int,
        rows: int,
        added: int,
        changed: int,
        removed: int,
        submitted: bool,
        changes: list[Change],
    ) -> ImportSummary:
        """The summary; the rows neither added, changed nor removed are unchanged."""
        unchanged = rows - added - changed - removed
        return cls(evaluation_id, rows, added, changed, removed, unchanged, submitted, changes)


# --- plain data for the workbook ------------------------------------------------------------


def _refused(message: str, **params: Any) -> ValidationFailed:
    """A refusal of the whole file (not of one of its cells)."""
    return ValidationFailed([Problem(message, params, "file")])


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
    labels = {c.id: criterion_label(found.tree, c) for c in found.criteria}
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
        tuple((c.id, fingerprint(found.tree, c)) for c in found.criteria),
        rows,
        due,
        found.view.names_hidden,
    )
    data = await asyncio.to_thread(workbook.write, sheet, _key(), translate)
    return Download(_filename("scoresheet", found.view), data)


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
            raise _refused(
                N_("This sheet belongs to another evaluation ({id})"), id=identity.evaluation_id
            )
        if identity.evaluator_id != principal.id:
            raise _refused(N_("This sheet belongs to another evaluator; download your own sheet"))
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
        problems += version_problems(
            identity.criteria_version, view.criteria_version, workbook.SCORES_SHEET
        )
        changed, stale = criteria_problems(
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
            found_problems, value, text = check_value(criterion, entry, whole[entry.criterion_id])
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


def _change(
    entry: scoresheet_reader.Entry, old: dict[str, Any] | None, value: Decimal | None, text: str
) -> Change:
    """What a row of the sheet changed: the score (from, to) and whether the text did."""
    return Change(
        entry.value_cell,
        entry.subject,
        entry.criterion,
        old["value"] if old else None,
        value,
        (old["justification"] if old else "") != text,
    )


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
        changes.append(_change(entry, old, value, text))
    for start in range(0, len(delete), BATCH):
        await Score.delete().where(Score.id.is_in(delete[start : start + BATCH]))
    await _insert_many("scoring_score", SCORE_COLUMNS, insert)
    return ImportSummary.of(evaluation_id, len(checked), added, changed, removed, submit, changes)


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
                    criterion_label(tree, c),
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
        tuple((c.id, fingerprint(tree, c)) for c in matrix.criteria),
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
            raise _refused(
                N_("This workbook belongs to another evaluation ({id})"), id=identity.evaluation_id
            )
        tree = await access.load_tree(evaluation_id)
        problems = version_problems(
            identity.criteria_version, row["criteria_version"], workbook.CONSENSUS_SHEET
        )
        changed, stale = criteria_problems(
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
            found, value, text = check_value(criterion, entry, _scale(criterion, str).whole)
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
        changes.append(_change(entry, old, value, text))
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
    return ImportSummary.of(evaluation_id, len(checked), added, changed, removed, False, changes)
