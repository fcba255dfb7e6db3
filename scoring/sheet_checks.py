"""Checking a filled-in scoresheet against the criteria as they are now: which criteria
changed since the sheet was made (each criterion's fingerprint is signed into the sheet),
whether the criteria were reopened, and each row's score and justification cells. Pure: the
caller reads the sheet and stores what passes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from common.errors import DomainError, Problem, ValidationFailed
from common.i18n import N_
from common.numbers import AMBIGUOUS, parse_number
from documents import scoresheet_reader
from documents import scoresheets as workbook
from documents.scoresheet_reader import Formula
from documents.tables_export import FORMULA_TRIGGERS
from documents.xlsx_guard import quoted
from scoring.criteria import Criterion, Tree, plain
from scoring.domain import check_score, needs_justification

MAX_SCORE = Decimal(10) ** 12  # beyond every scale; larger numbers never reach the arithmetic


def criterion_label(tree: Tree, criterion: Criterion) -> str:
    parent = tree.by_id.get(criterion.parent_id) if criterion.parent_id else None
    return f"{parent.name} › {criterion.name}" if parent else criterion.name


def fingerprint(tree: Tree, criterion: Criterion) -> str:
    scale = criterion.effective_scale
    return workbook.fingerprint(
        criterion_label(tree, criterion),
        criterion.kind.value,
        scale.as_dict() if scale else None,
        criterion.description,
    )


def criteria_problems(
    identity_criteria: Sequence[tuple[int, str]],
    tree: Tree,
    current: Sequence[Criterion],
    location: str,
) -> tuple[list[Problem], set[int]]:
    """Which criteria changed, went or came since the sheet was made (and the ids of those
    whose rows cannot be read any more)."""
    problems = []
    now = {c.id: fingerprint(tree, c) for c in current}
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


def version_problems(signed: int, current: int, location: str) -> list[Problem]:
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


def check_value(
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
