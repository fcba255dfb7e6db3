"""An application as entered by an officer or read from an application portal's export.

Pure Python over plain data and bytes: reading a spreadsheet (xlsx streamed within bounds by
:mod:`documents.xlsx_guard`, or CSV within the same limits of rows, columns and text),
checked for size and kind before parsing, and validating every row so that a
preview can list each bad row with its column and reason.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from common import fields
from common.errors import DomainError, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.localtime import local_to_utc
from common.money import read_amount
from documents import xlsx_guard
from documents.xlsx_guard import quoted
from organisations.domain import OrganisationData, validate_organisation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100

# Column name in the file → field. Headers are matched without case, spaces or underscores.
COLUMNS: dict[str, str] = {
    "organisation": "name",
    "country": "country",
    "registration_number": "registration_number",
    "iban": "iban",
    "address": "address",
    "contact_name": "contact_name",
    "contact_form_of_address": "contact_form_of_address",
    "contact_surname": "contact_surname",
    "natural_person": "natural_person",
    "sole_trader": "natural_person",
    "contact_email": "contact_email",
    "phone": "phone",
    "title": "title",
    "requested": "requested",
    "own_contribution": "own_contribution",
    "activity_plan": "activity_plan",
    "target_group": "target_group",
    "districts": "districts",
    "expected_participants": "expected_participants",
    "submitted_at": "submitted_at",
}
REQUIRED_COLUMNS = (
    "organisation",
    "country",
    "registration_number",
    "requested",
    "activity_plan",
    "target_group",
)


@dataclass(frozen=True)
class BudgetLine:
    description: str
    amount: Decimal


def budget_json(lines: Sequence[BudgetLine]) -> str:
    """Budget lines as an application stores them."""
    return json.dumps([{"description": b.description, "amount": str(b.amount)} for b in lines])


@dataclass(frozen=True)
class ApplicationData:
    organisation: OrganisationData
    contact_name: str
    contact_email: str
    title: str
    requested: Decimal
    own_contribution: Decimal
    budget_lines: tuple[BudgetLine, ...]
    activity_plan: str
    target_group: str
    districts: str
    expected_participants: int
    submitted_at: datetime | None

    def columns(self) -> dict[str, Any]:
        """The application's own stored fields (the organisation is stored on its own)."""
        return {
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "title": self.title,
            "requested": self.requested,
            "own_contribution": self.own_contribution,
            "budget_lines": budget_json(self.budget_lines),
            "activity_plan": self.activity_plan,
            "target_group": self.target_group,
            "districts": self.districts,
            "expected_participants": self.expected_participants,
        }


def parse_budget_lines(
    problems: ProblemCollector,
    text: str,
    location: str,
) -> tuple[BudgetLine, ...]:
    """Lines "description; amount"."""
    lines: list[BudgetLine] = []
    for number, line in enumerate((t for t in text.splitlines() if t.strip()), 1):
        description, _, amount = line.rpartition(";")
        inner = ProblemCollector()
        value = read_amount(inner, {"amount": amount}, "amount")
        if not description.strip() or value is None:
            problems.add(
                location, N_('Budget line {number} is not "description; amount"'), number=number
            )
            continue
        lines.append(BudgetLine(description.strip(), value))
    return tuple(lines)


def _moment(
    problems: ProblemCollector,
    value: Any,
    location: str,
    zone: str,
) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC)
            if value.tzinfo
            else local_to_utc(value.date(), value.time(), zone)
        )
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        problems.add(
            location, N_("{value} is not a date and time (YYYY-MM-DD HH:MM)"), value=str(value)
        )
        return None
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    return local_to_utc(moment.date(), moment.time(), zone)


def read_participants(problems: ProblemCollector, form: Mapping[str, Any], location: str) -> int:
    """The expected number of participants (0 when not given); a problem at ``location``."""
    text = fields.text(form, "expected_participants")
    if not text:
        return 0
    try:
        participants = int(text)
        if participants < 0:
            raise ValueError
    except ValueError:
        problems.add(location, N_("{value} is not a number of people"), value=text[:20])
        return 0
    return participants


def validate_application(
    form: Mapping[str, Any], zone: str = "Europe/Amsterdam", prefix: str = ""
) -> ApplicationData:
    """Every problem with its field (``prefix`` + field name)."""
    problems = ProblemCollector()
    organisation: OrganisationData | None = None
    try:
        organisation = validate_organisation(
            {
                "name": form.get("name") or form.get("organisation"),
                "country": form.get("country"),
                "registration_number": fields.text(form, "registration_number"),
                "iban": form.get("iban"),
                "address": form.get("address"),
                "contact_name": form.get("contact_name"),
                "email": form.get("contact_email"),
                "contact_form_of_address": form.get("contact_form_of_address"),
                "contact_surname": form.get("contact_surname"),
                "phone": form.get("phone"),
                "natural_person": form.get("natural_person"),
            },
            prefix,
        )
    except ValidationFailed as exc:
        for problem in exc.problems:
            location = problem.location or ""
            if location == f"{prefix}email":
                location = f"{prefix}contact_email"
            problems.add(location, problem.message, **problem.params)
    requested = read_amount(
        problems, {f"{prefix}requested": form.get("requested")}, f"{prefix}requested"
    )
    if requested is not None and requested <= 0:
        problems.add(f"{prefix}requested", N_("The requested amount must be above 0.00"))
    own = read_amount(
        problems,
        {f"{prefix}own_contribution": form.get("own_contribution")},
        f"{prefix}own_contribution",
        required=False,
    )
    budget = parse_budget_lines(
        problems, fields.text(form, "budget_lines"), f"{prefix}budget_lines"
    )
    activity_plan = fields.text(form, "activity_plan")
    if not activity_plan:
        problems.add(f"{prefix}activity_plan", N_("An activity plan is required"))
    target_group = fields.text(form, "target_group")
    if not target_group:
        problems.add(f"{prefix}target_group", N_("A target group is required"))
    elif len(target_group) > 300:
        problems.add(f"{prefix}target_group", N_("At most {limit} characters"), limit=300)
    participants = read_participants(problems, form, f"{prefix}expected_participants")
    title = fields.text(form, "title")
    if len(title) > 300:
        problems.add(f"{prefix}title", N_("At most {limit} characters"), limit=300)
    submitted_at = _moment(problems, form.get("submitted_at"), f"{prefix}submitted_at", zone)
    problems.raise_if_any()
    assert organisation is not None and requested is not None
    return ApplicationData(
        organisation,
        fields.text(form, "contact_name"),
        fields.text(form, "contact_email").lower(),
        title,
        requested,
        own or Decimal("0.00"),
        budget,
        activity_plan,
        target_group,
        fields.text(form, "districts")[:500],
        participants,
        submitted_at,
    )


# --- reading a portal's export ---------------------------------------------------------------


def _header_key(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def check_upload(filename: str, data: bytes) -> str:
    """The kind of file ("xlsx" or "csv"), or a DomainError before anything is parsed."""
    name = (filename or "").lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(
            N_("The file is larger than {limit} MB"), limit=MAX_UPLOAD_BYTES // (1024 * 1024)
        )
    if not data:
        raise DomainError(N_("The file is empty"))
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xlsx"):
        xlsx_guard.check_container(filename, data)
        return "xlsx"
    raise DomainError(
        N_("Upload an .xlsx or a .csv file; {filename} is neither"),
        filename=quoted(filename) or "(no name)",
    )


def _csv_table(data: bytes) -> list[tuple[int, list[Any]]]:
    """The CSV's records, numbered, within the limits (rows, columns, text per value)."""
    text = data.decode("utf-8-sig", errors="replace")
    if "\0" in text:
        raise DomainError(N_("The file is not a CSV text file"))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text), dialect)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            _check_record(number, len(values), max((len(v) for v in values), default=0))
            table.append((number, values))
    except csv.Error:
        raise DomainError(
            N_("Row {row} of the file cannot be read as CSV"), row=number + 1
        ) from None
    return table


def _check_record(number: int, columns: int, longest: int) -> None:
    if number > MAX_ROWS + 1:
        raise DomainError(N_("The file has more than {limit} rows"), limit=MAX_ROWS)
    if columns > MAX_COLUMNS:
        raise DomainError(
            N_("Row {row} has more than {limit} columns"), row=number, limit=MAX_COLUMNS
        )
    if longest > xlsx_guard.MAX_TEXT:
        raise DomainError(
            N_("Row {row} has a value longer than {limit} characters"),
            row=number,
            limit=xlsx_guard.MAX_TEXT,
        )


def _xlsx_table(filename: str, data: bytes) -> list[tuple[int, list[Any]]]:
    """The first visible sheet's rows that hold anything, numbered as the sheet shows them,
    read within bounds (:mod:`documents.xlsx_guard`); a formula is refused by its cell."""
    book = xlsx_guard.Book(filename, data)
    try:
        sheet = next((s for s in book.sheets.values() if s.state == "visible"), None)
        if sheet is None:
            return []
        book.load_strings((MAX_ROWS + 2) * MAX_COLUMNS, xlsx_guard.MAX_UNCOMPRESSED)
        book.load_styles()
        limits = xlsx_guard.Limits(
            rows=MAX_ROWS + 2,
            last_row=1_048_576,
            columns=MAX_COLUMNS,
            elements=(MAX_ROWS + 2) * MAX_COLUMNS * 4 + 20_000,
            bytes=xlsx_guard.MAX_UNCOMPRESSED,
        )
        table: list[tuple[int, list[Any]]] = []
        for count, row in enumerate(book.package.rows(sheet, limits), start=1):
            _check_record(count, 0, 0)
            values: list[Any] = [None] * max(row.cells)
            for column, cell in row.cells.items():
                values[column - 1] = book.value(cell)
                if isinstance(values[column - 1], xlsx_guard.Formula):
                    raise ValidationFailed(
                        [
                            Problem(
                                N_("the cell holds a formula; import values only"),
                                {},
                                f"{xlsx_guard.column_letters(column)}{row.number}",
                            )
                        ]
                    )
            table.append((row.number, values))
        return table
    finally:
        book.close()


def read_rows(filename: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the user sees it, values by column key) for every non-empty row."""
    kind = check_upload(filename, data)
    table = _csv_table(data) if kind == "csv" else _xlsx_table(filename, data)
    if not table:
        raise DomainError(N_("The file has no rows"))
    headers = [_header_key(h) for h in table[0][1]]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ValidationFailed(
            [Problem(N_("The column {column} is missing"), {"column": c}, c) for c in missing]
        )
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in table[1:]:
        if all(v in (None, "") for v in values):
            continue
        row = {COLUMNS[h]: v for h, v in zip(headers, values, strict=False) if h in COLUMNS}
        rows.append((number, row))
    return rows


@dataclass(frozen=True)
class ParsedRow:
    number: int
    data: ApplicationData | None
    problems: tuple[Problem, ...]


FIELD_COLUMNS = {field: column for column, field in COLUMNS.items()}


def parse_rows(
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    zone: str,
    known: Mapping[tuple[str, str], str] | None = None,
) -> list[ParsedRow]:
    """Validate every row; a problem's location is "Row 7, requested" (the file's column).

    ``known``: (country, registration number) → reference of an application already in the
    round; an organisation applies once per round (also within the file).
    """
    known = dict(known or {})
    seen: dict[tuple[str, str], int] = {}
    parsed: list[ParsedRow] = []
    for number, row in rows:
        problems: list[Problem] = []
        data: ApplicationData | None = None
        try:
            data = validate_application(row, zone)
        except ValidationFailed as exc:
            problems = [
                Problem(p.message, p.params, _row_location(number, p.location))
                for p in exc.problems
            ]
        if data is not None:
            key = (data.organisation.country, data.organisation.registration_number)
            if key in known:
                problems.append(
                    Problem(
                        N_("{name} has already applied in this round ({ref})"),
                        {"name": data.organisation.name, "ref": known[key]},
                        _row_location(number, "registration_number"),
                    )
                )
            elif key in seen:
                problems.append(
                    Problem(
                        N_("{name} appears again; first on row {row}"),
                        {"name": data.organisation.name, "row": seen[key]},
                        _row_location(number, "registration_number"),
                    )
                )
            seen.setdefault(key, number)
        parsed.append(ParsedRow(number, data if not problems else None, tuple(problems)))
    return parsed


def _row_location(number: int, field: str | None) -> str:
    column = FIELD_COLUMNS.get(field or "", field or "")
    return f"Row {number}, {column}" if column else f"Row {number}"
