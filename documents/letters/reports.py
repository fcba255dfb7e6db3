"""The evaluation report and the clarification notice (Nota van Inlichtingen) as .docx.

Both are built from plain data with python-docx (they have no letterhead to replace): the
tender or subsidy context, or :mod:`scoring.letters`, fills the dataclasses in.
Headings and labels are translated into the document's language from the catalogs; every
text from the data goes into the document literally.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from common.i18n import N_
from documents.letters.kinds import Money, Procedure
from documents.letters.paper import a4, language_tag, set_language
from documents.letters.present import clean_text, day, money, number
from web.i18n import translations


@dataclass(frozen=True)
class ReportCriterion:
    name: str
    kind: str  # the kind in words ("Quality", "Price")
    weight: Decimal
    level: int = 0  # 0 for a main criterion, 1 for a sub-criterion
    scale: str = ""  # "0–10", "insufficient (0) … excellent (10)"
    minimum: Decimal | None = None
    formula: str = ""  # for price: the formula in words


@dataclass(frozen=True)
class ReportScore:
    evaluator: str  # a name, or a code when evaluators are kept anonymous
    value: Decimal
    label: str  # the level's name on a scale of named levels
    points: Decimal
    justification: str


@dataclass(frozen=True)
class ReportCell:
    criterion: str
    value: Decimal | None
    points: Decimal | None
    explanation: str  # how the points were worked out
    spread: Decimal | None = None
    flagged: bool = False
    consensus: Decimal | None = None
    consensus_justification: str = ""
    individual: tuple[ReportScore, ...] = ()


@dataclass(frozen=True)
class ReportSubject:
    name: str  # the bidder or applicant (or its code when evaluation is blind)
    rank: int | None
    total: Decimal | None
    quality: Decimal | None
    price: Money | None
    price_points: Decimal | None
    winner: bool
    knocked_out: bool
    excluded: bool
    reasons: tuple[str, ...]
    cells: tuple[ReportCell, ...]


@dataclass(frozen=True)
class EvaluationReport:
    authority: str
    procedure: Procedure
    date: date
    method: str  # how the ranking is made, in words
    aggregation: str  # "mean" or "median" of the individual scores, in words
    criteria: tuple[ReportCriterion, ...]
    evaluators: tuple[str, ...]
    subjects: tuple[ReportSubject, ...]  # ranked first, then knocked out, then excluded
    lottery: tuple[str, ...] = ()  # each draw in words
    reversal_checked: bool = False
    reversals: tuple[str, ...] = ()  # each reversal in words
    decision: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clarification:
    number: int
    question: str
    answer: str
    section: str = ""  # the part of the tender documents the question is about


@dataclass(frozen=True)
class ClarificationNotice:
    """A Nota van Inlichtingen: every published question and answer, without who asked."""

    authority: str
    procedure: Procedure
    date: date
    sequence: int  # the first, second ... notice of this tender
    items: tuple[Clarification, ...]
    introduction: str = ""
    changes: tuple[str, ...] = ()  # changes to the documents, e.g. a deadline moved


class _Writer:
    def __init__(self, language: str) -> None:
        self.language = language
        self._ = translations(language).gettext
        self.doc: DocxDocument = Document()
        a4(self.doc)  # not python-docx's US Letter
        set_language(self.doc, language_tag(language))
        style = self.doc.styles["Normal"]
        style.font.name = "Calibri"
        style.font.size = Pt(10)

    def t(self, message: str, **params: Any) -> str:
        text = self._(message)
        return text.format(**params) if params else text

    def heading(self, message: str, level: int = 1, **params: Any) -> None:
        self.doc.add_heading(clean_text(self.t(message, **params)), level=level)

    def p(self, text: str, bold: bool = False, style: str | None = None) -> None:
        run = self.doc.add_paragraph(style=style).add_run(clean_text(text))
        run.bold = bold

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self.p(item, style="List Bullet")

    def num(self, value: Decimal | None) -> str:
        return "" if value is None else number(value, self.language)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(self.t(header)).bold = True
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = clean_text(value)
        self.doc.add_paragraph()

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _title(w: _Writer, title: str, authority: str, procedure: Procedure, on: date) -> None:
    w.doc.add_heading(clean_text(title), level=0)
    title = procedure.title + (f" — {procedure.lot}" if procedure.lot else "")
    w.p(title, bold=True)
    w.p(w.t(N_("Reference: {reference}"), reference=procedure.reference))
    w.p(w.t(N_("Contracting authority: {name}"), name=authority))
    w.p(w.t(N_("Date: {date}"), date=day(on, w.language)))


def _subject_scores(w: _Writer, subject: ReportSubject) -> None:
    w.heading(N_("Scores of {name}"), level=2, name=subject.name)
    rows: list[list[str]] = []
    for cell in subject.cells:
        rows.append(
            [
                cell.criterion,
                w.t(N_("Result")),
                w.num(cell.value),
                w.num(cell.points),
                cell.explanation,
            ]
        )
        for score in cell.individual:
            value = w.num(score.value) + (f" ({score.label})" if score.label else "")
            rows.append(["", score.evaluator, value, w.num(score.points), score.justification])
        if cell.consensus is not None:
            rows.append(
                ["", w.t(N_("Consensus")), w.num(cell.consensus), "", cell.consensus_justification]
            )
        if cell.flagged:
            rows.append(
                [
                    "",
                    w.t(N_("Spread")),
                    w.num(cell.spread),
                    "",
                    w.t(N_("The spread is above the limit; discussed in consensus")),
                ]
            )
    w.table(
        [N_("Criterion"), N_("Evaluator"), N_("Score"), N_("Points"), N_("Justification")], rows
    )


def _ranking(w: _Writer, report: EvaluationReport) -> None:
    w.heading(N_("Ranking"))
    rows = []
    for s in report.subjects:
        if s.rank is None:
            continue
        rows.append(
            [
                str(s.rank),
                s.name,
                w.num(s.quality),
                money(s.price, w.language) if s.price else "",
                w.num(s.price_points),
                w.num(s.total),
                w.t(N_("Winner")) if s.winner else "",
            ]
        )
    w.table(
        [
            N_("Rank"),
            N_("Name"),
            N_("Quality"),
            N_("Price"),
            N_("Price points"),
            N_("Total"),
            N_("Decision"),
        ],
        rows,
    )
    if report.lottery:
        w.heading(N_("Lottery among tied subjects"), level=2)
        w.bullets(report.lottery)


def _knock_outs(w: _Writer, report: EvaluationReport) -> None:
    w.heading(N_("Knock-outs and exclusions"))
    out = [s for s in report.subjects if s.knocked_out or s.excluded]
    if not out:
        w.p(w.t(N_("No subject was knocked out or excluded.")))
    for s in out:
        label = N_("Excluded") if s.excluded else N_("Knocked out")
        w.p(f"{s.name}: {w.t(label)}", bold=True)
        w.bullets(s.reasons)


def _reversals(w: _Writer, report: EvaluationReport) -> None:
    w.heading(N_("Rank reversal"))
    if not report.reversal_checked:
        w.p(
            w.t(
                N_(
                    "No relative price formula is used: the ranking of two subjects cannot "
                    "change when another one comes or goes."
                )
            )
        )
    elif not report.reversals:
        w.p(w.t(N_("Checked: leaving out any one subject changes the order of no others.")))
    else:
        w.p(w.t(N_("Leaving out one subject would reverse the order of others:")))
        w.bullets(report.reversals)


def evaluation_report(report: EvaluationReport, language: str) -> bytes:
    """The evaluation report of a lot or a round as a .docx."""
    w = _Writer(language)
    _title(w, w.t(N_("Evaluation report")), report.authority, report.procedure, report.date)
    w.heading(N_("Procedure"))
    if report.procedure.procedure_type:
        w.p(w.t(N_("Procedure: {kind}"), kind=report.procedure.procedure_type))
    w.p(w.t(N_("Ranking method: {method}"), method=report.method))
    w.p(
        w.t(
            N_(
                "Individual scores are combined by the {aggregation}, unless a consensus "
                "score was set."
            ),
            aggregation=report.aggregation,
        )
    )
    w.bullets(report.notes)
    w.heading(N_("Criteria and weights"))
    w.table(
        [N_("Criterion"), N_("Kind"), N_("Weight"), N_("Scale"), N_("Minimum")],
        [
            [
                ("    " * c.level) + c.name,
                c.kind,
                w.num(c.weight),
                c.scale or c.formula,
                w.num(c.minimum),
            ]
            for c in report.criteria
        ],
    )
    formulas = [f"{c.name}: {c.formula}" for c in report.criteria if c.formula]
    if formulas:
        w.heading(N_("Formulas"), level=2)
        w.bullets(formulas)
    w.heading(N_("Evaluators"))
    w.bullets(report.evaluators or (w.t(N_("None")),))
    w.heading(N_("Scores and justifications"))
    for subject in report.subjects:
        _subject_scores(w, subject)
    _knock_outs(w, report)
    _ranking(w, report)
    _reversals(w, report)
    w.heading(N_("Decision"))
    w.bullets(report.decision or (w.t(N_("No decision recorded yet.")),))
    return w.bytes()


def clarification_notice(notice: ClarificationNotice, language: str) -> bytes:
    """The Nota van Inlichtingen as a .docx: numbered questions and answers, no askers."""
    w = _Writer(language)
    _title(
        w,
        w.t(N_("Clarification notice {number}"), number=notice.sequence),
        notice.authority,
        notice.procedure,
        notice.date,
    )
    if notice.introduction:
        w.p(notice.introduction)
    w.p(
        w.t(
            N_(
                "This notice forms part of the tender documents. Where it differs from them, "
                "this notice prevails."
            )
        )
    )
    if notice.changes:
        w.heading(N_("Changes to the tender documents"))
        w.bullets(notice.changes)
    w.heading(N_("Questions and answers"))
    if not notice.items:
        w.p(w.t(N_("No questions were asked.")))
    w.table(
        [N_("No."), N_("Section"), N_("Question"), N_("Answer")],
        [[str(item.number), item.section, item.question, item.answer] for item in notice.items],
    )
    return w.bytes()
