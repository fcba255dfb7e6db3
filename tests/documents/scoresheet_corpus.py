"""The bad-scoresheet corpus: the evaluation its signed files belong to, and how each is made.

``scripts/build_bad_scoresheets.py`` builds the files into ``tests/documents/bad_scoresheets/``
on an empty database; ``tests/documents/test_scoresheet_corpus.py`` sets up the same evaluation
on the empty test database (so the ids match) and uploads each file. Files are signed with the
key of :data:`CORPUS_SECRET`, which the test uses in place of the server's. :func:`hostile`
makes the hostile files of issue 15 from a good sheet by editing its zip or its XML;
tests/documents/test_scoresheet_limits.py reads every file under memory and time limits.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from accounts.tables import Membership, User
from authorities import service as authorities
from common import clock
from common.identity import Actor, Principal, Role
from documents import scoresheets as workbook
from scoring import service, sheets
from tests.support.criteria import levelled, price, quality

CORPUS = Path(__file__).resolve().parent / "bad_scoresheets"
CORPUS_SECRET = "bad-scoresheet-corpus-secret"
KEY = workbook.signing_key(CORPUS_SECRET)
SUBJECTS = (("bid:1", "Zorg Plus BV"), ("bid:2", "Thuishulp West"), ("bid:3", "Samen Sterk"))
TREE = [
    {
        "name": "Plan of approach",
        "kind": "quality",
        "weight": "40",
        "children": [levelled("Method", "25"), quality("Team", "15")],
    },
    quality("Staffing", "20", scale_step="0.5"),
    {"name": "Certified", "kind": "pass_fail"},
    price("40"),
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
    user = User(
        email=email,
        name=name,
        role=role.value,
        language="en",
        password_hash="-",
        created_at=clock.now(),
    )
    await user.save()
    if authority_ids:
        await Membership.insert(*[Membership(user=user.id, authority=a) for a in authority_ids])
    return Principal(user.id, email, name, role, "en", authority_ids)


async def build_evaluation() -> Corpus:
    """The evaluation every corpus file belongs to, on an empty database (ids from 1)."""
    authority = await authorities.create_authority(
        Actor.system("corpus"),
        {"name": "Gemeente Utrecht", "country": "NL", "registration_number": "00000001"},
    )
    ids = frozenset({authority["id"]})
    officer = await _user(Role.OFFICER, "officer@example.org", "Olga Officer", ids)
    evaluators = [
        await _user(Role.EVALUATOR, f"evaluator{n}@example.org", name, frozenset())
        for n, name in ((1, "Eva Evaluator"), (2, "Erik Evaluator"))
    ]
    evaluation = await service.create_evaluation(
        officer,
        {
            "title": "Household help, lot 1",
            "authority_id": authority["id"],
            "currency": "EUR",
            "owner_ref": "tender:12/lot:1",
            "lottery_seed": "corpus",
            "total_points": "100",
        },
    )
    await service.replace_criteria(officer, evaluation.id, TREE)
    await service.register_subjects(
        officer,
        evaluation.id,
        [
            {"ref": ref, "name": name, "code": f"C{n}"}
            for n, (ref, name) in enumerate(SUBJECTS, start=1)
        ],
    )
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


def filled(
    data: bytes,
    values: dict[int, tuple[Any, Any]],
    sheet: str = "Scores",
    columns: tuple[str, str] = ("E", "F"),
    change: Callable[[Any], None] | None = None,
) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for number, (value, text) in values.items():
        ws[f"{columns[0]}{number}"] = value
        ws[f"{columns[1]}{number}"] = text
    if change is not None:
        change(wb)
    return _save(wb)


def _with_member(
    data: bytes,
    name: str,
    content: bytes,
    types: bytes | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
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
    return [
        cells[0]
        for cells in wb[workbook.IDENTITY_SHEET].iter_rows()
        if isinstance(cells[0].value, str) and cells[0].value.startswith("#")
    ]


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
            sheet,
            "xl/vbaProject.bin",
            b"\xd0\xcf\x11\xe0 fake vba project",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        ),
        "too_large.xlsx": b"PK\x03\x04" + b"\0" * (5 * 2**20),
        "zip_bomb.xlsx": bomb,
        "compression_ratio.xlsx": _with_member(sheet, "xl/media/padding.txt", b"a" * (3 * 2**20)),
        "no_signature.xlsx": filled(sheet, valid, change=_drop_signature),
        "tampered_ids.xlsx": filled(sheet, valid, change=_tamper_ids),
        "tampered_labels.xlsx": filled(sheet, valid, change=_tamper_label),
        "other_evaluator.xlsx": filled(other_sheet, valid),
        "consensus_as_scoresheet.xlsx": consensus,
        "criteria_changed.xlsx": filled(sheet, valid),
        "rows_moved.xlsx": filled(sheet, valid, change=_move_rows),
        "row_added.xlsx": filled(sheet, valid, change=_add_row),
        "row_removed.xlsx": filled(sheet, valid, change=_remove_row),
        "text_and_formulas.xlsx": filled(
            sheet,
            {
                **valid,
                row(0, 0): ("good", "Clear method"),
                row(0, 1): ("=7+1", "Good team"),
                row(0, 2): (6.5, "=A1"),
            },
        ),
        "decimals_on_whole_scale.xlsx": filled(sheet, {**valid, row(1, 1): (7.5, "Good team")}),
        "off_the_scale.xlsx": filled(
            sheet,
            {
                **valid,
                row(1, 1): (11, "Good team"),
                row(1, 2): (-1, "Few staff"),
                row(1, 0): (5, "Between levels"),
                row(1, 3): (2, "Certified twice"),
                row(2, 2): (6.25, "Quarter"),
            },
        ),
        "justification_missing.xlsx": filled(
            sheet, {**valid, row(1, 2): (6.5, None), row(2, 3): (0, None)}
        ),
        "conflict.xlsx": filled(sheet, valid),
        "no_longer_assigned.xlsx": filled(sheet, valid),
        "already_submitted.xlsx": filled(sheet, valid),
        **hostile(filled(sheet, valid)),
        "every_problem_at_once.xlsx": filled(
            sheet,
            {
                **valid,
                row(1, 1): (11, "Good team"),
                row(1, 3): (1, ""),
                row(1, 2): (6, None),
                row(2, 0): ("=SUM(E2:E4)", "x"),
                row(2, 1): (6.5, "Half"),
            },
        ),
    }


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- hostile files (issue 15): made from a good sheet by editing its zip or XML -------------

SCORES_PART, IDENTITY_PART, INSTRUCTIONS_PART = (
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet1.xml",
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rewrite(
    data: bytes,
    change: dict[str, Callable[[str], str]],
    add: dict[str, bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The workbook with some parts' XML text changed and some parts added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename in change:
                body = change[item.filename](body.decode()).encode()
            target.writestr(item.filename, body)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def _central(data: bytes, name: str, offset: int, value: bytes) -> bytes:
    """The zip with ``value`` written at ``offset`` of ``name``'s central directory entry
    (flags at 8, method at 10, CRC at 16)."""
    at = data.index(b"PK\x01\x02")
    while True:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name.encode():
            break
        extra = int.from_bytes(data[at + 30 : at + 32], "little")
        comment = int.from_bytes(data[at + 32 : at + 34], "little")
        at = at + 46 + length + extra + comment
    return data[: at + offset] + value + data[at + offset + len(value) :]


def _sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def change(xml: str) -> str:
        if old not in xml:
            raise AssertionError(f"{old!r} not in the part")
        return xml.replace(old, new, count)

    return change


def _row(number: int, cells: str) -> str:
    return f'<row r="{number}">{cells}</row>'


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _before_end(part_end: str, xml: str) -> Callable[[str], str]:
    return _sub(part_end, xml + part_end)


def _type(extension: str, content_type: str) -> Callable[[str], str]:
    return _sub(
        "</Types>", f'<Default Extension="{extension}" ContentType="{content_type}"/></Types>'
    )


def _strings(items: str, count: int) -> tuple[dict[str, Callable[[str], str]], dict[str, bytes]]:
    """A shared strings part with ``items`` added to the workbook."""
    rel = (
        f'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/>'
        "</Relationships>"
    )
    return (
        {"xl/_rels/workbook.xml.rels": _sub("</Relationships>", rel)},
        {"xl/sharedStrings.xml": (f'<sst xmlns="{MAIN}" count="{count}">{items}</sst>').encode()},
    )


def hostile(good: bytes) -> dict[str, bytes]:
    """Every hostile file by name, from a good, complete sheet (``good``)."""
    scores, identity = SCORES_PART, IDENTITY_PART
    e2 = '<c r="E2" s="5" t="n"><v>8</v></c>'
    files = {
        "zip_bad_crc.xlsx": _central(good, scores, 16, b"\0\0\0\0"),
        "zip_encrypted_member.xlsx": _central(good, scores, 8, b"\x01\x00"),
        "zip_deflate64.xlsx": _central(good, scores, 10, b"\x09\x00"),
        "zip_bzip2.xlsx": rewrite(good, {}, compression=zipfile.ZIP_BZIP2),
        "zip_truncated.xlsx": good[: len(good) // 2],
        "zip_duplicate_member.xlsx": rewrite(good, {}, {scores: b"<worksheet/>"}),
        "zip_too_many_members.xlsx": rewrite(
            good, {}, {f"customXml/item{n}.xml": b"<a/>" for n in range(1, 200)}
        ),
        "external_link_part.xlsx": rewrite(
            good, {}, {"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}
        ),
        "ole_object.xlsx": rewrite(good, {}, {"xl/embeddings/oleObject1.bin": b"\xd0\xcf"}),
        "activex.xlsx": rewrite(good, {}, {"xl/activeX/activeX1.xml": b"<ax/>"}),
        "macro_content_type.xlsx": rewrite(
            good,
            {
                "[Content_Types].xml": _type(
                    "bin", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                )
            },
        ),
        "vba_data.xlsx": rewrite(good, {}, {"xl/vbaData.xml": b"<v/>"}),
        "unknown_part.xlsx": rewrite(good, {}, {"xl/media/image1.png": b"\x89PNG"}),
        "comments_part.xlsx": rewrite(good, {}, {"xl/comments1.xml": b"<comments/>"}),
        "external_relationship.xlsx": rewrite(
            good,
            {},
            {
                "xl/worksheets/_rels/sheet2.xml.rels": (
                    f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    f'relationships"><Relationship Id="rId1" Type="{REL}/oleObject" '
                    f'Target="file:///c:/evil.xls" TargetMode="External"/></Relationships>'
                ).encode()
            },
        ),
        "attached_template.xlsx": rewrite(
            good,
            {
                "xl/_rels/workbook.xml.rels": _sub(
                    "</Relationships>",
                    f'<Relationship Id="rIdT" Type="{REL}/attachedTemplate" '
                    'Target="http://example.org/t.xltm" TargetMode="External"/></Relationships>',
                )
            },
        ),
        "dtd_in_styles.xlsx": rewrite(
            good, {"xl/styles.xml": lambda x: '<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">]>' + x}
        ),
        "dtd_in_identity.xlsx": rewrite(
            good, {identity: lambda x: '<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">]>' + x}
        ),
        "strict_open_xml.xlsx": rewrite(
            good, {"xl/workbook.xml": _sub(MAIN, "http://purl.oclc.org/ooxml/spreadsheetml/main")}
        ),
        "invalid_xml.xlsx": rewrite(good, {scores: _sub("</sheetData>", "<row></sheetData>")}),
        "identity_count_huge.xlsx": rewrite(
            good,
            {
                identity: _sub(
                    '<c r="A7" t="inlineStr"><is><t>criteria</t></is></c><c r="B7" t="n"><v>1</v>',
                    '<c r="A7" t="inlineStr"><is><t>criteria</t></is></c>'
                    '<c r="B7" t="n"><v>1000000000000</v>',
                )
            },
        ),
        "identity_row_far_away.xlsx": rewrite(
            good,
            {
                identity: _before_end(
                    "</sheetData>", _row(999999999999999, _inline("A999999999999999", "x"))
                )
            },
        ),
        "identity_formula.xlsx": rewrite(
            good, {identity: _sub('<c r="B2" t="n"><v>1</v>', '<c r="B2" t="n"><f>0+1</f><v>1</v>')}
        ),
        "identity_long_text.xlsx": rewrite(
            good,
            {identity: _before_end("</sheetData>", _row(200, _inline("A200", "#" + "x" * 20_000)))},
        ),
        "empty_row_far_away.xlsx": rewrite(
            good, {scores: _before_end("</sheetData>", '<row r="4000000000"/>')}
        ),
        "cell_row_far_away.xlsx": rewrite(
            good,
            {scores: _before_end("</sheetData>", _row(4000000000, _inline("A4000000000", "x")))},
        ),
        "wide_row.xlsx": rewrite(
            good,
            {
                scores: _before_end(
                    "</sheetData>",
                    _row(14, "".join(f'<c r="{_letters(n)}14" s="1"/>' for n in range(1, 5001))),
                )
            },
        ),
        "cell_beyond_last_column.xlsx": rewrite(
            good, {scores: _sub(e2, e2 + _inline("Z2", "far right"))}
        ),
        "many_styles.xlsx": rewrite(
            good,
            {
                "xl/styles.xml": lambda x: re.sub(
                    r"<cellXfs count=\"\d+\">",
                    '<cellXfs count="5001">' + '<xf numFmtId="0"/>' * 5000,
                    x,
                )
            },
        ),
        "many_rows_added.xlsx": rewrite(
            good,
            {
                scores: _before_end(
                    "</sheetData>",
                    "".join(_row(n, _inline(f"A{n}", "Extra BV")) for n in range(14, 1014)),
                )
            },
        ),
        "sixty_two_problems.xlsx": rewrite(
            good,
            {
                scores: lambda x: re.sub(
                    r'(<c r="E\d+" s="5" t="n"><v>)[^<]*', r"\g<1>99", x
                ).replace(
                    "</sheetData>",
                    "".join(_row(n, _inline(f"A{n}", "Extra BV")) for n in range(14, 64))
                    + "</sheetData>",
                )
            },
        ),
        "rows_added_up_to_the_limit.xlsx": rewrite(
            good,
            {
                scores: _before_end(
                    "</sheetData>",
                    "".join(_row(n, _inline(f"A{n}", "Extra BV")) for n in range(14, 64)),
                )
            },
        ),
        "many_shared_strings.xlsx": rewrite(
            good, *_strings("".join(f"<si><t>{n}</t></si>" for n in range(10_000)), 10_000)
        ),
        "huge_shared_string.xlsx": rewrite(
            good, *_strings("<si><t>" + "x" * 40_000 + "</t></si>", 1)
        ),
        "shared_string_missing.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E2" s="5" t="s"><v>7</v></c>')}
        ),
        "huge_inline_text.xlsx": rewrite(good, {scores: _sub(e2, _inline("E2", "9" * 40_000))}),
        "overflow_text.xlsx": rewrite(good, {scores: _sub(e2, _inline("E2", "1e1000000"))}),
        "overflow_number.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E2" s="5" t="n"><v>1e1000000</v></c>')}
        ),
        "infinite_number.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E2" s="5" t="n"><v>9e999</v></c>')}
        ),
        "huge_number.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E2" s="5" t="n"><v>1e300</v></c>')}
        ),
        "megabyte_number.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E2" s="5" t="n"><v>' + "9" * 1_000_000 + "</v></c>")}
        ),
        "number_as_text_30k.xlsx": rewrite(good, {scores: _sub(e2, _inline("E2", "1" * 30_000))}),
        "hidden_second_scores.xlsx": rewrite(
            good,
            {
                "xl/workbook.xml": _sub(
                    "</sheets>",
                    f'<sheet xmlns:r="{REL}" name="Scores" sheetId="9" state="hidden" '
                    'r:id="rId2"/></sheets>',
                )
            },
        ),
        "second_scores_other_case.xlsx": rewrite(
            good,
            {
                "xl/workbook.xml": _sub(
                    "</sheets>",
                    f'<sheet xmlns:r="{REL}" name="SCORES" sheetId="9" r:id="rId2"/></sheets>',
                )
            },
        ),
        "scores_hidden.xlsx": rewrite(
            good,
            {
                "xl/workbook.xml": _sub(
                    'name="Scores" sheetId="2" state="visible"',
                    'name="Scores" sheetId="2" state="hidden"',
                )
            },
        ),
        "extra_sheet.xlsx": rewrite(
            good,
            {
                "xl/workbook.xml": _sub(
                    "</sheets>",
                    f'<sheet xmlns:r="{REL}" name="Notes" sheetId="9" r:id="rId1"/></sheets>',
                )
            },
        ),
        "sheet_not_a_worksheet.xlsx": rewrite(
            good,
            {
                "xl/workbook.xml": _sub('r:id="rId2"', 'r:id="rIdX"'),
                "xl/_rels/workbook.xml.rels": _sub(
                    "</Relationships>",
                    f'<Relationship Id="rIdX" Type="{REL}/chartsheet" '
                    'Target="/xl/worksheets/sheet2.xml"/></Relationships>',
                ),
            },
        ),
        "data_sheet_part_missing.xlsx": rewrite(
            good,
            {
                "xl/_rels/workbook.xml.rels": _sub(
                    "/xl/worksheets/sheet2.xml", "/xl/worksheets/sheet9.xml"
                )
            },
        ),
        "duplicated_row.xlsx": rewrite(
            good,
            {
                scores: _sub(
                    '<row r="3">',
                    '<row r="2">' + _inline("A2", "Zorg Plus BV") + '</row><row r="3">',
                )
            },
        ),
        "rows_out_of_order.xlsx": rewrite(
            good, {scores: _before_end("</sheetData>", _row(5, _inline("A5", "again")))}
        ),
        "duplicated_cell.xlsx": rewrite(
            good, {scores: _sub(e2, e2 + '<c r="E2" s="5" t="n"><v>2</v></c>')}
        ),
        "cell_of_another_row.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E3" s="5" t="n"><v>8</v></c>')}
        ),
        "cell_without_number.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E" s="5" t="n"><v>8</v></c>')}
        ),
        "row_number_not_a_number.xlsx": rewrite(
            good, {scores: _sub('<row r="3">', '<row r="three">')}
        ),
        "merged_over_scores.xlsx": rewrite(
            good,
            {
                scores: _sub(
                    "</sheetData>",
                    '</sheetData><mergeCells count="1"><mergeCell ref="E2:F3"/></mergeCells>',
                )
            },
        ),
        "dde_formula_in_label.xlsx": rewrite(
            good,
            {
                scores: _sub(
                    '<c r="A2" s="2" t="inlineStr"><is><t>Zorg Plus BV</t></is></c>',
                    '<c r="A2" s="2" t="str"><f>cmd|\' /C calc\'!A0</f><v>Zorg Plus BV</v></c>',
                )
            },
        ),
        "formula_in_description.xlsx": rewrite(
            good,
            {scores: _sub('<c r="C3" s="2" t="n"></c>', '<c r="C3" s="2"><f>1+1</f><v>2</v></c>')},
        ),
        "webservice_in_instructions.xlsx": rewrite(
            good,
            {
                INSTRUCTIONS_PART: lambda x: re.sub(
                    r'<c r="B3".*?</c>',
                    '<c r="B3" t="str"><f>WEBSERVICE("http://example.org/x")</f><v>x</v></c>',
                    x,
                    count=1,
                )
            },
        ),
        "header_removed.xlsx": rewrite(
            good, {scores: _sub('<c r="E1" s="3" t="inlineStr"><is><t>Score</t></is></c>', "")}
        ),
        "header_twice.xlsx": rewrite(
            good,
            {
                scores: _sub(
                    '<c r="F1" s="3" t="inlineStr"><is><t>Justification</t></is></c>',
                    '<c r="F1" s="3" t="inlineStr"><is><t>Justification</t></is></c>'
                    + _inline("G1", "Score"),
                )
            },
        ),
        "headers_swapped.xlsx": rewrite(
            good,
            {
                scores: lambda x: (
                    x.replace("<t>Score</t>", "<t>@@</t>")
                    .replace("<t>Justification</t>", "<t>Score</t>")
                    .replace("<t>@@</t>", "<t>Justification</t>")
                )
            },
        ),
        "many_elements.xlsx": rewrite(
            good,
            {
                scores: _sub(
                    "<cols>",
                    "<cols>" + "".join(f'<col min="{n}" max="{n}"/>' for n in range(30_000)),
                )
            },
        ),
        "score_as_date.xlsx": rewrite(
            good,
            {
                scores: _sub(e2, '<c r="E2" s="99" t="n"><v>8</v></c>'),
                "xl/styles.xml": lambda x: re.sub(
                    r"<cellXfs count=\"(\d+)\">(.*?)</cellXfs>",
                    lambda m: (
                        '<cellXfs count="100">'
                        + m.group(2)
                        + '<xf numFmtId="14"/>' * (100 - int(m.group(1)))
                        + "</cellXfs>"
                    ),
                    x,
                    flags=re.S,
                ),
            },
        ),
        "score_as_boolean.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E2" s="5" t="b"><v>1</v></c>')}
        ),
        "score_as_error.xlsx": rewrite(
            good, {scores: _sub(e2, '<c r="E2" s="5" t="e"><v>#N/A</v></c>')}
        ),
        "justification_too_long.xlsx": rewrite(
            good, {scores: _sub("<t>Clear method</t>", "<t>" + "y" * 12_000 + "</t>")}
        ),
    }
    return files


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
