"""A letter template is checked before it is used: every problem with its location."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from documents.letters.checks import check_template, template_names
from documents.letters.kinds import LetterKind
from documents.letters.present import context_of
from documents.letters.render import render
from documents.letters.samples import sample_letter
from documents.letters.templates import LETTER_LANGUAGES, default_template
from tests.documents.letters_support import docx_text


def docx(*paragraphs: str, header: str = "", table: list[str] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=1, cols=len(table))
        for cell, text in zip(grid.rows[0].cells, table, strict=True):
            cell.text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def problems(data: bytes, kind: LetterKind = LetterKind.GRANT) -> list[tuple[str, str]]:
    return [
        (p.location or "", p.text()) for p in check_template(data, kind, sample_letter(kind), "nl")
    ]


@pytest.mark.parametrize("language", LETTER_LANGUAGES)
@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_default_template_passes_its_own_check(kind, language):
    data, written_in = default_template(kind, language)
    assert check_template(data, kind, sample_letter(kind), written_in) == []


def test_a_good_custom_template_passes_and_renders():
    data = docx(
        "Gemeente Letterhead",
        "Beste {{ addressee.name }},",
        "{%p for p in payments %}",
        "{{ p.due }}: {{ p.amount }}",
        "{%p endfor %}",
        header="{{ sender.name }}",
    )
    assert problems(data) == []
    text = docx_text(render(data, context_of(sample_letter(LetterKind.GRANT), "nl")))
    assert "Beste Zorggroep De Linde B.V.," in text
    assert "15 januari 2027: € 34.000,00" in text


def test_unknown_placeholders_are_reported_with_their_paragraph():
    data = docx(
        "Letterhead",
        "Dear {{ adressee.name }},",
        "Amount: {{ granted.amount }}",
        "{%p for p in payments %}",
        "{{ p.date }}",
        "{%p endfor %}",
        "{{ winner }}",
        header="{{ sender.nmae }}",
    )
    assert problems(data) == [
        ("document ¶2", "Unknown placeholder adressee in “Dear {{ adressee.name }},”"),
        # an amount is given formatted, as text: it has no parts
        ("document ¶3", "Unknown placeholder granted.amount in “Amount: {{ granted.amount }}”"),
        ("document ¶5", "Unknown placeholder p.date in “{{ p.date }}”"),  # a payment has .due
        ("document ¶7", "Unknown placeholder winner in “{{ winner }}”"),  # not in a grant
        ("header1 ¶1", "Unknown placeholder sender.nmae in “{{ sender.nmae }}”"),
    ]


def test_placeholders_in_table_cells_are_found():
    data = docx("One", "Two", table=["{{ sender.name }}", "{{ bad }}"])
    assert problems(data) == [("document ¶4", "Unknown placeholder bad in “{{ bad }}”")]


def test_a_syntax_error_is_reported_with_its_paragraph_and_nothing_else_runs():
    data = docx("One", "Two", "Total: {{ granted * }}", "Four {{ addressee.name }}")
    [(location, text)] = problems(data)
    assert location == "document ¶3"
    assert text.startswith("Template error") and "“Total: {{ granted * }}”" in text


def test_an_unclosed_block_is_reported_where_it_opens():
    data = docx("{%p if partly %}", "Less than asked", "The end")
    [(location, text)] = problems(data)
    assert location == "document ¶1"
    assert "'endif'" in text and "“{%p if partly %}”" in text


def test_an_unknown_filter_is_reported_where_it_is_used():
    data = docx("One", "{{ addressee.name | shout }}")
    [(location, text)] = problems(data)
    assert location == "document ¶2" and "shout" in text


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ addressee.__class__.__mro__ }}", "Unknown placeholder addressee.__class__"),
        (
            "{{ addressee.name.__class__ }}",
            "access to attribute '__class__' of 'str' object is unsafe",
        ),
        ("{{ conditions.append('x') }}", "access to attribute 'append' of 'list' object is unsafe"),
        ("{{ range(10**9) | list }}", "Range too big"),
    ],
)
def test_the_sandbox_refuses_reaching_python(source, message):
    [(location, text)] = problems(docx("Hello", source))
    assert location == "document ¶2" and message in text


def test_errors_only_the_sample_data_reveals_name_their_paragraph():
    data = docx(
        "One",
        "Two",
        "{%p for x in payments %}",
        "{{ x.due }}",
        "{%p endfor %}",
        "{{ 1 / (payments | length - 2) }}",
    )
    [(location, text)] = problems(data)
    assert location == "document ¶6" and "division by zero" in text


def test_the_names_a_template_can_use_are_the_letters_fields():
    names = template_names(LetterKind.REJECTION)
    assert {
        "winner",
        "scores",
        "standstill_end",
        "objection_end",
        "sender",
        "addressee",
        "language",
    } <= set(names)
    assert "granted" not in names


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a Word document"),
        (b"%PDF-1.4 not a docx", "not a Word document"),
        (b"PK\x05\x06" + b"\0" * 18, "not a Word document"),
    ],
)
def test_files_that_are_not_word_documents_are_refused(data, message):
    [(location, text)] = problems(data)
    assert location == "file" and message in text


def test_a_zip_that_is_not_a_docx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    [(location, text)] = problems(out.getvalue())
    assert (location, text) == ("file", "The file is not a Word document (.docx)")


def test_a_template_with_macros_is_refused():
    source = io.BytesIO(docx("Hello"))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for item in original.infolist():
            archive.writestr(item, original.read(item))
        archive.writestr("word/vbaProject.bin", b"\0" * 10)
    [(location, text)] = problems(out.getvalue())
    assert location == "file" and "macros" in text


def test_a_zip_bomb_is_refused_before_it_is_opened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (70 * 1024 * 1024))
    [(location, text)] = problems(out.getvalue())
    assert location == "file" and "unpacks to more than 60 MB" in text
