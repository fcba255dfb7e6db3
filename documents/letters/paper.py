"""What every generated Word document shares: A4 paper and the language its text is in (for
spelling, hyphenation and the reader's voice in Word and LibreOffice)."""

from __future__ import annotations

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm

from documents.letters.present import locale_of


def a4(document: Document) -> None:
    """Every section on A4 (python-docx starts from US Letter), 2.5 cm left and right."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2.5)


def set_language(document: Document, tag: str) -> None:
    """Mark every run of the document as written in ``tag`` ("nl-NL"): the style defaults."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), tag)
    document.core_properties.language = tag


def language_tag(language: str) -> str:
    """ "nl" → "nl-NL", "en" → "en-GB": the document language of a letter's language."""
    return locale_of(language).replace("_", "-")
