"""Reading generated .docx files back, for the letter tests."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from docx import Document
from docx.oxml.ns import qn

from documents.letters.kinds import Money, Procedure
from documents.letters.reports import EvaluationReport, ReportCell, ReportCriterion, ReportSubject


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, its tables, headers and footers, one per line (Babel's
    no-break spaces as plain spaces)."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs]
        lines += [p.text for p in section.footer.paragraphs]
    return "\n".join(lines).replace("\xa0", " ").replace("\u202f", " ")


def table_rows(data: bytes, index: int = 0) -> list[list[str]]:
    table = Document(io.BytesIO(data)).tables[index]
    return [[cell.text.replace("\xa0", " ") for cell in row.cells] for row in table.rows]


def document_language(data: bytes) -> str:
    """The language a .docx is marked as written in (its default run properties)."""
    defaults = Document(io.BytesIO(data)).styles.element.find(qn("w:docDefaults"))
    return defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val"))


def winner_report(
    authority: str,
    procedure: Procedure,
    day: date,
    winner: str,
    price: Money,
    criterion: ReportCriterion,
    cell: ReportCell,
    wording: tuple[str, str, str],
    decision: tuple[str, ...] = (),
) -> EvaluationReport:
    """An evaluation report of one winning bid: rank 1, 86.00 points (32.00 for quality,
    30.00 for its ``price``), scored on ``criterion`` by one evaluator; ``wording``: the
    method, the aggregation and the evaluator as the language writes them."""
    method, aggregation, evaluator = wording
    subject = ReportSubject(
        winner,
        1,
        Decimal("86.00"),
        Decimal("32.00"),
        price,
        Decimal("30.00"),
        True,
        False,
        False,
        (),
        (cell,),
    )
    return EvaluationReport(
        authority,
        procedure,
        day,
        method,
        aggregation,
        (criterion,),
        (evaluator,),
        (subject,),
        decision=decision,
    )
