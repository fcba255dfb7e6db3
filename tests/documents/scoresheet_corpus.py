"""The bad-scoresheet corpus: the evaluation its signed files belong to, and how each is made.

``scripts/build_bad_scoresheets.py`` builds the files into ``tests/documents/bad_scoresheets/``
on an empty database; ``tests/documents/test_scoresheet_corpus.py`` sets up the same evaluation
on the empty test database (so the ids match) and uploads each file. Files are signed with the
key of :data:`CORPUS_SECRET`, which the test uses in place of the server's.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from accounts.domain import Principal, Role
from accounts.tables import Membership, User
from audit.domain import Actor
from authorities import service as authorities
from common import clock
from documents import scoresheets as workbook
from scoring import service, sheets

CORPUS = Path(__file__).resolve().parent / "bad_scoresheets"
CORPUS_SECRET = "bad-scoresheet-corpus-secret"
KEY = workbook.signing_key(CORPUS_SECRET)
SUBJECTS = (("bid:1", "Zorg Plus BV"), ("bid:2", "Thuishulp West"), ("bid:3", "Samen Sterk"))
TREE = [
    {"name": "Plan of approach", "kind": "quality", "weight": "40", "children": [
        {"name": "Method", "kind": "quality", "weight": "25", "scale_type": "levels",
         "levels": "0 = insufficient\n2 = poor\n4 = moderate\n6 = sufficient\n8 = good\n"
                   "10 = excellent"},
        {"name": "Team", "kind": "quality", "weight": "15", "scale_type": "range",
         "scale_min": "0", "scale_max": "10", "scale_step": "1"},
    ]},
    {"name": "Staffing", "kind": "quality", "weight": "20", "scale_type": "range",
     "scale_min": "0", "scale_max": "10", "scale_step": "0.5"},
    {"name": "Certified", "kind": "pass_fail"},
    {"name": "Price", "kind": "price", "weight": "40", "formula": "relative_lowest"},
]
# Rows of an evaluator's sheet: subject s (0-2) × criterion c (0-3) on row 2 + 4s + c.
CRITERIA = ("Method", "Team", "Staffing", "Certified")
VALID = {0: (8, "Clear method"), 1: (7, "Good team"), 2: (6.5, "Enough staff"), 3: (1, "")}


def row(subject: int, criterion: int) -> int:
    return 2 + 4 * subject + criterion


def complete_values() -> dict[int, tuple[Any, Any]]:
    return {row(s, c): VALID[c] for s in range(3) for c in range(4)}


@dataclass
class Corpus:
    officer: Principal
    evaluators: list[Principal]
    evaluation_id: int


async def _user(role: Role, email: str, name: str, authority_ids: frozenset[int]) -> Principal:
    user = User(email=email, name=name, role=role.value, language="en", password_hash="-",
                created_at=clock.now())
    await user.save()
    if authority_ids:
        await Membership.insert(*[Membership(user=user.id, authority=a) for a in authority_ids])
    return Principal(user.id, email, name, role, "en", authority_ids)


async def build_evaluation() -> Corpus:
    """The evaluation every corpus file belongs to, on an empty database (ids from 1)."""
    authority = await authorities.create_authority(Actor.system("corpus"), {
        "name": "Gemeente Utrecht", "country": "NL", "registration_number": "00000001"})
    ids = frozenset({authority["id"]})
    officer = await _user(Role.OFFICER, "officer@example.org", "Olga Officer", ids)
    evaluators = [await _user(Role.EVALUATOR, f"evaluator{n}@example.org", name, frozenset())
                  for n, name in ((1, "Eva Evaluator"), (2, "Erik Evaluator"))]
    evaluation = await service.create_evaluation(officer, {
        "title": "Household help, lot 1", "authority_id": authority["id"], "currency": "EUR",
        "owner_ref": "tender:12/lot:1", "lottery_seed": "corpus", "total_points": "100"})
    await service.replace_criteria(officer, evaluation.id, TREE)
    await service.register_subjects(officer, evaluation.id,
                                    [{"ref": ref, "name": name, "code": f"C{n}"}
                                     for n, (ref, name) in enumerate(SUBJECTS, start=1)])
    subject_ids = [s.id for s in await service.list_subjects(officer, evaluation.id)]
    for person in evaluators:
        await service.assign(officer, evaluation.id, person.id)
        await sheets.declare(person, evaluation.id, {sid: ("none", "") for sid in subject_ids})
    await service.freeze_criteria(officer, evaluation.id)
    return Corpus(officer, evaluators, evaluation.id)


# --- editing workbooks ----------------------------------------------------------------------


def _save(wb: Any) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def filled(data: bytes, values: dict[int, tuple[Any, Any]], sheet: str = "Scores",
           columns: tuple[str, str] = ("E", "F"), change: Callable[[Any], None] | None = None,
           ) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for number, (value, text) in values.items():
        ws[f"{columns[0]}{number}"] = value
        ws[f"{columns[1]}{number}"] = text
    if change is not None:
        change(wb)
    return _save(wb)


def _with_member(data: bytes, name: str, content: bytes, types: bytes | None = None,
                 compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and types is not None:
                body = body.replace(b"</Types>", types + b"</Types>")
            target.writestr(item, body)
        target.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return buffer.getvalue()


def _move_rows(wb: Any) -> None:
    ws = wb["Scores"]
    for column in "ABCD":
        a, b = ws[f"{column}{row(0, 1)}"], ws[f"{column}{row(1, 1)}"]
        a.value, b.value = b.value, a.value


def _add_row(wb: Any) -> None:
    ws = wb["Scores"]
    ws.append(["Extra BV", "Plan of approach › Method", "", "", 8, "Added by hand"])


def _remove_row(wb: Any) -> None:
    wb["Scores"].delete_rows(row(2, 3))


def _drop_signature(wb: Any) -> None:
    del wb[workbook.IDENTITY_SHEET]


def _identity_cells(wb: Any) -> list[Any]:
    """The cells of the identity sheet holding (pieces of) its JSON lists."""
    return [cells[0] for cells in wb[workbook.IDENTITY_SHEET].iter_rows()
            if isinstance(cells[0].value, str) and cells[0].value.startswith("#")]


def _tamper_ids(wb: Any) -> None:
    """The first row's subject id 1 made 2 (another subject's)."""
    for cell in _identity_cells(wb):
        if cell.value.startswith("#[[1,"):
            cell.value = cell.value.replace("#[[1,", "#[[2,", 1)
            return
    raise AssertionError("no row list in the identity sheet")


def _tamper_label(wb: Any) -> None:
    """A subject renamed in both the visible and the identity sheet."""
    for cell in _identity_cells(wb):
        cell.value = cell.value.replace('"Samen Sterk"', '"Samen Sterker"')
    for cells in wb["Scores"].iter_rows(min_row=2):
        if cells[0].value == "Samen Sterk":
            cells[0].value = "Samen Sterker"


def build(sheet: bytes, other_sheet: bytes, consensus: bytes) -> dict[str, bytes]:
    """Every corpus file by name, from the first evaluator's blank sheet, the second
    evaluator's and a consensus workbook."""
    valid = complete_values()
    bomb = _with_member(sheet, "xl/media/padding.bin", b"\0" * (60 * 2**20))
    return {
        "not_a_zip.xlsx": b"Subject;Criterion;Score\nZorg Plus BV;Method;8\n",
        "zip_without_workbook.xlsx": _zip({"hello.txt": b"not a workbook"}),
        "macros.xlsm": sheet,
        "vba_inside.xlsx": _with_member(
            sheet, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba project",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'),
        "too_large.xlsx": b"PK\x03\x04" + b"\0" * (5 * 2**20),
        "zip_bomb.xlsx": bomb,
        "compression_ratio.xlsx": _with_member(sheet, "xl/media/padding.txt",
                                               b"a" * (3 * 2**20)),
        "no_signature.xlsx": filled(sheet, valid, change=_drop_signature),
        "tampered_ids.xlsx": filled(sheet, valid, change=_tamper_ids),
        "tampered_labels.xlsx": filled(sheet, valid, change=_tamper_label),
        "other_evaluator.xlsx": filled(other_sheet, valid),
        "consensus_as_scoresheet.xlsx": consensus,
        "criteria_changed.xlsx": filled(sheet, valid),
        "rows_moved.xlsx": filled(sheet, valid, change=_move_rows),
        "row_added.xlsx": filled(sheet, valid, change=_add_row),
        "row_removed.xlsx": filled(sheet, valid, change=_remove_row),
        "text_and_formulas.xlsx": filled(sheet, {
            **valid, row(0, 0): ("good", "Clear method"), row(0, 1): ("=7+1", "Good team"),
            row(0, 2): (6.5, "=A1")}),
        "decimals_on_whole_scale.xlsx": filled(sheet, {**valid, row(1, 1): (7.5, "Good team")}),
        "off_the_scale.xlsx": filled(sheet, {
            **valid, row(1, 1): (11, "Good team"), row(1, 2): (-1, "Few staff"),
            row(1, 0): (5, "Between levels"), row(1, 3): (2, "Certified twice"),
            row(2, 2): (6.25, "Quarter")}),
        "justification_missing.xlsx": filled(sheet, {**valid, row(1, 2): (6.5, None),
                                                     row(2, 3): (0, None)}),
        "conflict.xlsx": filled(sheet, valid),
        "no_longer_assigned.xlsx": filled(sheet, valid),
        "already_submitted.xlsx": filled(sheet, valid),
        "every_problem_at_once.xlsx": filled(sheet, {
            **valid, row(1, 1): (11, "Good team"), row(1, 3): (1, ""), row(1, 2): (6, None),
            row(2, 0): ("=SUM(E2:E4)", "x"), row(2, 1): (6.5, "Half")}),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
