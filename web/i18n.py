"""Translations (Babel message catalogs) and the language of the current request.

Each package keeps its own catalog in ``<package>/locales/<lang>/LC_MESSAGES/messages.po``;
they are compiled in memory and merged when first needed. English is the source language.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from common.errors import Problem
from common.i18n import (  # the request language lives in common, read by its parsers
    FORMAT_LOCALES,
    UI_LANGUAGES,
    _language,
    current_language,
    format_locale,
)
from config.settings import get_settings
from web.formatting import readable_problem

__all__ = [
    "FORMAT_LOCALES",
    "LANGUAGE_COOKIE",
    "UI_LANGUAGES",
    "catalog_files",
    "current_language",
    "format_locale",
    "gettext",
    "language",
    "negotiate",
    "ngettext",
    "request_language",
    "set_current_language",
    "translate_message",
    "translate_problem",
    "translations",
]

# The language chosen with the switch, or the signed-in user's (set at sign-in): pages that
# answer before the session is read (no route matched: 404, 405) still speak it.
LANGUAGE_COOKIE = "tenderdesk_language"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def catalog_files(language: str) -> list[Path]:
    return sorted(PROJECT_ROOT.glob(f"*/locales/{language}/LC_MESSAGES/messages.po"))


@cache
def translations(language: str) -> NullTranslations:
    merged: Translations | None = None
    for path in catalog_files(language):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        compiled = Translations(buffer)
        merged = compiled if merged is None else merged.merge(compiled)
    return merged or NullTranslations()


def set_current_language(language: str) -> None:
    _language.set(language if language in UI_LANGUAGES else "en")


@contextmanager
def language(code: str) -> Iterator[None]:
    token = _language.set(code)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language()).ngettext(singular, plural, count)


def translate_problem(problem: Problem) -> str:
    """The problem in the user's language, with its location."""
    return _readable(problem).render(gettext)


def translate_message(problem: Problem) -> str:
    """The problem in the user's language, without its location."""
    return _readable(problem).text(gettext)


def _readable(problem: Problem) -> Problem:
    return readable_problem(problem, get_settings().timezone)


def request_language(request: Any) -> str:
    """The signed-in user's language; otherwise the cookie, the browser's wish or the default."""
    language = getattr(request.scope.get("user"), "language", None)
    if language in UI_LANGUAGES:
        return language
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in UI_LANGUAGES:
        return chosen
    return negotiate(
        request.headers.get("accept-language"), request.app.state.settings.default_language
    )


def negotiate(accept_language: str | None, default: str) -> str:
    """The best UI language for an Accept-Language header."""
    if not accept_language:
        return default
    preferred: list[str] = []
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag and tag != "*":
            preferred.append(tag)
    try:
        found = Locale.negotiate(preferred, list(UI_LANGUAGES), sep="_")
    except (UnknownLocaleError, ValueError):
        return default
    return str(found.language) if found else default
