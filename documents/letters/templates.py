"""The default letter templates that ship with tenderdesk, per language, and the fallback.

``documents/letter_templates/<language>/<kind>.docx``. Dutch, English and Danish are complete;
Polish and Swedish have their directory and fall back to English until their templates are
added (``scripts/build_letter_templates.py``). A letter in a fallback language is written and
formatted in English throughout, so that its text and its dates agree.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from documents.letters.kinds import LetterKind

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[1] / "letter_templates"
LETTER_LANGUAGES = ("nl", "en", "da", "pl", "sv")
FALLBACK_LANGUAGE = "en"


def letter_language(language: str | None) -> str:
    """The language an authority's letters are written in: its own where letters have it."""
    return language if language in LETTER_LANGUAGES else FALLBACK_LANGUAGE


def default_path(kind: LetterKind, language: str) -> Path:
    return DEFAULT_DIRECTORY / language / f"{LetterKind(kind).value}.docx"


def has_default(kind: LetterKind, language: str) -> bool:
    return default_path(kind, language).is_file()


def default_language(kind: LetterKind, language: str) -> str:
    """The language the default template of ``kind`` is written in for ``language``."""
    return language if has_default(kind, language) else FALLBACK_LANGUAGE


@cache
def _read(path: Path) -> bytes:
    return path.read_bytes()


def default_template(kind: LetterKind, language: str) -> tuple[bytes, str]:
    """The shipped template for ``language`` (or its fallback) and the language it is in."""
    used = default_language(kind, language)
    return _read(default_path(kind, used)), used
