"""Signed scoresheets from plain data, read back (no database)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import openpyxl.xml
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from common.errors import ValidationFailed
from common.numbers import parse_number
from documents import scoresheet_reader as reader
from documents import scoresheets as sheets

KEY = sheets.signing_key("test secret")
LEVELS = sheets.Scale(
    "0 = poor, 5 = fair, 10 = good",
    Decimal(0),
    Decimal(10),
    True,
    (Decimal(0), Decimal(5), Decimal(10)),
)
RANGE = sheets.Scale("0 to 10 in steps of 0.5", Decimal(0), Decimal(10), False)


def sheet(rows: list[sheets.Row], **extra) -> sheets.ScoreSheet:
    return sheets.ScoreSheet(
        "Day support 2027", "Eva Evaluator", 7, 42, 3, ((11, "aaaa"), (12, "bbbb")), rows, **extra
    )


def rows(count: int = 2) -> list[sheets.Row]:
    return [
        sheets.Row(
            100 + n,
            11 + n % 2,
            f"Provider {n // 2}",
            ["Method", "Team"][n % 2],
            "How the work is done",
            [LEVELS, RANGE][n % 2],
        )
        for n in range(count)
    ]


def identity(data: bytes) -> reader.Sheet:
    return reader.read(data, KEY)


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_written_sheet_reads_back_with_its_identity_and_cells() -> None:
    data = sheets.write(sheet(rows(4), due="1 December 2026 17:00"), KEY, str)
    found = identity(data)
    assert found.problems == []
    assert found.identity.kind == sheets.SCORES
    assert (
        found.identity.evaluation_id,
        found.identity.evaluator_id,
        found.identity.criteria_version,
    ) == (7, 42, 3)
    assert [
        (e.row, e.subject_id, e.criterion_id, e.value_cell, e.justification_cell)
        for e in found.entries
    ] == [
        (2, 100, 11, "Scores!E2", "Scores!F2"),
        (3, 101, 12, "Scores!E3", "Scores!F3"),
        (4, 102, 11, "Scores!E4", "Scores!F4"),
        (5, 103, 12, "Scores!E5", "Scores!F5"),
    ]
    wb = load_workbook(io.BytesIO(data))
    instructions = [c for r in wb["Instructions"].iter_rows(values_only=True) for c in r if c]
    assert "1 December 2026 17:00" in instructions
    assert "0 = poor, 5 = fair, 10 = good" in "\n".join(map(str, instructions))
    assert wb.security.lockStructure


def test_another_servers_key_is_refused() -> None:
    data = sheets.write(sheet(rows()), KEY, str)
    with pytest.raises(ValidationFailed) as refused:
        reader.read(data, sheets.signing_key("another server"))
    assert refused.value.problems[0].render().startswith("tenderdesk: The signature does not match")


def test_a_scoresheet_is_not_a_consensus_workbook() -> None:
    data = sheets.write(sheet(rows()), KEY, str)
    with pytest.raises(ValidationFailed, match="not a consensus workbook"):
        reader.read(data, KEY, sheets.CONSENSUS)


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    evil = [
        sheets.Row(
            1, 11, '=HYPERLINK("http://x")', "Method", "@SUM(1)", LEVELS, None, "-2 points for risk"
        )
    ]
    data = sheets.write(sheet(evil), KEY, str)
    ws = load_workbook(io.BytesIO(data))["Scores"]
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("'=")
    assert ws["C2"].value == "'@SUM(1)" and ws["F2"].value == "'-2 points for risk"
    assert identity(data).problems == []


def test_a_consensus_workbook_puts_evaluators_side_by_side() -> None:
    row = sheets.Row(
        1,
        11,
        "Provider",
        "Method",
        "",
        LEVELS,
        Decimal(5),
        "Agreed",
        ((Decimal(10), "Great"), (None, "")),
        Decimal(10),
        Decimal(0),
        True,
    )
    data = sheets.write(sheet([row], kind=sheets.CONSENSUS, evaluators=("Ann", "Bob")), KEY, str)
    ws = load_workbook(io.BytesIO(data))["Consensus"]
    assert [c.value for c in ws[1]] == [
        "Subject",
        "Criterion",
        "Scale",
        "Ann: score",
        "Ann: justification",
        "Bob: score",
        "Bob: justification",
        "Mean",
        "Spread",
        "Flagged",
        "Consensus score",
        "Justification",
    ]
    assert [c.value for c in ws[2]][3:] == [10, "Great", None, None, 10, 0, "yes", 5, "Agreed"]
    found = reader.read(data, KEY, sheets.CONSENSUS)
    assert [(e.value_cell, e.value, e.justification) for e in found.entries] == [
        ("Consensus!K2", 5, "Agreed")
    ]


labels = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda t: t.strip() == t and t
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subjects=st.lists(labels, min_size=1, max_size=4, unique=True),
    texts=st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60),
        min_size=1,
        max_size=4,
    ),
    values=st.lists(st.sampled_from([None, 0, 5, 10]), min_size=1, max_size=4),
)
def test_any_labels_and_texts_read_back_exactly(subjects, texts, values) -> None:
    written = [
        sheets.Row(
            n,
            11,
            subject,
            "Method",
            "",
            LEVELS,
            None if values[n % len(values)] is None else Decimal(values[n % len(values)]),
            texts[n % len(texts)],
        )
        for n, subject in enumerate(subjects)
    ]
    found = identity(sheets.write(sheet(written), KEY, str))
    assert found.problems == []
    assert [(e.subject_id, e.value, e.justification or "") for e in found.entries] == [
        (
            r.subject_id,
            None if r.value is None else int(r.value),
            sheets.escape_text(r.justification),
        )
        for r in written
    ]


# --- the reader's own XML handling: as openpyxl reads it, and guarded as defusedxml guards ---


def _rewrite(data: bytes, change: dict[str, Callable[[str], str]]) -> bytes:
    """The workbook with some parts' XML text changed (and others copied)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename in change:
                body = change[item.filename](body.decode()).encode()
            target.writestr(item, body)
    return buffer.getvalue()


def _filled() -> bytes:
    data = sheets.write(sheet(rows(2)), KEY, str)
    wb = load_workbook(io.BytesIO(data))
    wb["Scores"]["E2"], wb["Scores"]["F2"] = 5, "Fine & clear"
    wb["Scores"]["E3"], wb["Scores"]["F3"] = 7.5, "Good <enough>"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _scores_part(data: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return next(n for n in archive.namelist() if b"Fine &amp; clear" in archive.read(n))


def _cells(found: reader.Sheet) -> list[tuple[str, object, object]]:
    return [(e.value_cell, e.value, e.justification) for e in found.entries]


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("prolog", [LAUGHS, EXTERNAL, '<?xml version="1.0"?><!DOCTYPE x>'])
@pytest.mark.parametrize("part", ["scores", "xl/workbook.xml"])
def test_xml_with_a_document_type_declaration_is_refused(prolog: str, part: str) -> None:
    data = _filled()
    name = _scores_part(data) if part == "scores" else part

    def declared(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return prolog + body.replace(
            "Fine &amp; clear",
            "&lol2;" if prolog == LAUGHS else "&secret;" if prolog == EXTERNAL else "Fine",
        )

    with pytest.raises(ValidationFailed) as refused:
        reader.read(_rewrite(data, {name: declared}), KEY)
    assert [p.render() for p in refused.value.problems] == [
        f"file: The part {name} of the workbook is not valid XML or declares entities"
    ]


def test_shared_and_rich_strings_read_as_written() -> None:
    """LibreOffice and Excel keep strings in the shared table, some as rich text runs (and
    Japanese phonetic runs, which are not part of the text); cells may lack references."""
    data = _filled()
    plain = reader.read(data, KEY)
    name = _scores_part(data)
    table: list[str] = []

    def shared(xml: str) -> str:
        def one(match: re.Match[str]) -> str:
            text = match.group(2)
            if text == "Fine &amp; clear":  # as rich text: two runs and a phonetic run
                item = (
                    "<si><r><t>Fine </t></r><r><rPr><b/></rPr><t>&amp; clear</t></r>"
                    '<rPh sb="0" eb="1"><t>ignored</t></rPh></si>'
                )
            else:
                item = f'<si><t xml:space="preserve">{text}</t></si>'
            table.append(item)
            return f'{match.group(1)} t="s"><v>{len(table) - 1}</v></c>'

        xml = re.sub(
            r'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t[^>]*>(.*?)</t>'
            r"</is></c>",
            one,
            xml,
        )
        return re.sub(r'<c r="[A-Z]+(\d+)"', "<c", xml)  # positions from the order alone

    changed = _rewrite(data, {name: shared})
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = (
        f'<sst xmlns="{main}" count="{len(table)}" uniqueCount="{len(table)}">'
        + "".join(table)
        + "</sst>"
    )
    source = zipfile.ZipFile(io.BytesIO(changed))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    (
                        b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
                        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                        b"</Relationships>"
                    ),
                )
            target.writestr(item, body)
        target.writestr("xl/sharedStrings.xml", strings)
    found = reader.read(buffer.getvalue(), KEY)
    assert found.problems == []
    assert (
        _cells(found)
        == _cells(plain)
        == [("Scores!E2", 5, "Fine & clear"), ("Scores!E3", 7.5, "Good <enough>")]
    )


def test_dates_booleans_and_errors_come_back_as_openpyxl_gives_them() -> None:
    data = sheets.write(sheet(rows(4)), KEY, str)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Scores"]
    ws["E2"] = datetime(2026, 12, 1)
    ws["E3"] = True
    ws["E4"] = "=1/0"
    ws["E5"] = "#N/A"
    ws["E5"].data_type = "e"
    buffer = io.BytesIO()
    wb.save(buffer)
    found = reader.read(buffer.getvalue(), KEY)
    assert [e.value for e in found.entries] == [
        datetime(2026, 12, 1),
        True,
        reader.Formula("=1/0"),
        "#N/A",
    ]


def test_validations_cover_runs_of_rows_as_ranges() -> None:
    """Rows sharing a scale are validated by one rule; runs of them as one range."""
    scales = [RANGE, RANGE, RANGE, LEVELS, RANGE, LEVELS]
    written = [
        sheets.Row(100 + n, 11, f"Provider {n}", "Method", "", scale)
        for n, scale in enumerate(scales)
    ]
    ws = load_workbook(io.BytesIO(sheets.write(sheet(written), KEY, str)))["Scores"]
    rules = {
        str(dv.sqref): (dv.type, dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
    }
    assert rules == {"E2:E4 E6": ("decimal", "0", "10"), "E5 E7": ("list", '"0,5,10"', None)}


scores = st.one_of(st.none(), st.integers(0, 20).map(lambda n: n / 2))
justifications = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80).filter(
    lambda t: not t.startswith("=")
)  # typed "=" is a formula


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fill=st.lists(st.tuples(scores, justifications), min_size=1, max_size=6), inserted=st.booleans()
)
def test_any_valid_fill_reads_back_as_typed(fill, inserted) -> None:
    """Issue 15: whatever an evaluator types into the open cells (with a column of their own
    inserted left of the score, or not) comes back exactly, as the number stored."""
    written = [
        sheets.Row(100 + n, 11, f"Provider {n}", "Method", "", RANGE) for n in range(len(fill))
    ]
    wb = load_workbook(io.BytesIO(sheets.write(sheet(written), KEY, str)))
    ws = wb["Scores"]
    if inserted:
        ws.insert_cols(5)
        ws["E1"] = "Notes"
    value_at, text_at = ("F", "G") if inserted else ("E", "F")
    for number, (value, text) in enumerate(fill, start=2):
        ws[f"{value_at}{number}"], ws[f"{text_at}{number}"] = value, text or None
    buffer = io.BytesIO()
    wb.save(buffer)
    found = identity(buffer.getvalue())
    assert found.problems == []
    assert [(parse_number(e.value), e.justification or "") for e in found.entries] == [
        (None if value is None else Decimal(str(value)), text) for value, text in fill
    ]


def test_printer_settings_and_a_typed_hyperlink_are_allowed() -> None:
    """Excel writes printer settings when the page setup is set (the sheet sets landscape
    and fit to width); a link typed into a cell is an external hyperlink relationship."""
    data = _filled()
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/printerSettings" Target="../printerSettings/'
        'printerSettings1.bin"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        'Target="https://example.org/" TargetMode="External"/></Relationships>'
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/printerSettings/printerSettings1.bin", b"\0" * 4000)
        target.writestr(f"xl/worksheets/_rels/{_scores_part(data).rsplit('/', 1)[1]}.rels", rels)
    assert _cells(reader.read(buffer.getvalue(), KEY)) == _cells(reader.read(data, KEY))


def test_a_sheet_of_the_earlier_format_is_refused_by_name() -> None:
    data = _filled()
    identity_part = next(
        n
        for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
        if b"tenderdesk scoresheet 2" in zipfile.ZipFile(io.BytesIO(data)).read(n)
    )
    old = _rewrite(
        data,
        {
            identity_part: lambda xml: xml.replace(
                "tenderdesk scoresheet 2", "tenderdesk scoresheet 1"
            )
        },
    )
    with pytest.raises(ValidationFailed) as refused:
        reader.read(old, KEY)
    assert [p.render() for p in refused.value.problems] == [
        "tenderdesk: This sheet was made by an earlier version of tenderdesk; download a new sheet"
    ]


def test_rows_only_formatted_below_the_sheet_are_ignored() -> None:
    """An evaluator may set the height of rows (the protection allows it): LibreOffice and
    Excel then write those rows, empty; they count as elements, not as rows added."""
    data = _filled()
    styled = "".join(
        f'<row r="{n}" ht="30" customHeight="1"><c r="E{n}" s="1"/></row>' for n in range(4, 2_000)
    )
    changed = _rewrite(
        data, {_scores_part(data): lambda xml: xml.replace("</sheetData>", styled + "</sheetData>")}
    )
    assert _cells(reader.read(changed, KEY)) == _cells(reader.read(data, KEY))
