"""Keeping the message catalogs complete: extract each package's messages, update, check.

Used by ``scripts/i18n.py`` (developers) and by the test that fails on untranslated text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from web.i18n import PROJECT_ROOT

CATALOG_LANGUAGES = ("nl", "da", "pl", "sv")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
METHOD_MAP = [("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2"), ("**.py", "python")]
OPTIONS_MAP = {
    pattern: {"extensions": "jinja2.ext.i18n"}
    for pattern in ("templates/**.html", "templates/**.txt")
}
PACKAGES = (
    "common",
    "config",
    "accounts",
    "authorities",
    "audit",
    "web",
    "organisations",
    "tenders",
    "subsidies",
    "scoring",
    "documents",
    "notifications",
    "jobs",
    "finance",
    "opendata",
    "portal",
)


def catalog_path(package: str, language: str) -> Path:
    return PROJECT_ROOT / package / "locales" / language / "LC_MESSAGES" / "messages.po"


def extract(package: str) -> Catalog:
    """Every translatable message used in ``package``'s code and templates."""
    catalog = Catalog()
    directory = PROJECT_ROOT / package
    for filename, lineno, message, comments, context in extract_from_dir(
        str(directory),
        METHOD_MAP,
        OPTIONS_MAP,
        keywords=KEYWORDS,
        callback=None,
        strip_comment_tags=True,
    ):
        if "piccolo_migrations" in filename or "locales" in filename:
            continue
        catalog.add(
            message,
            None,
            [(f"{package}/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def load(package: str, language: str) -> Catalog:
    path = catalog_path(package, language)
    if not path.exists():
        return Catalog(locale=language, project="tenderdesk")
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


Known = Mapping[tuple[Any, Any], Any]


def translations(language: str) -> dict[tuple[Any, Any], Any]:
    """Every (non-fuzzy) translation into ``language`` in any package's catalog, by message id
    and context: where a message moves with its code from one package to another, its
    translation follows it (``update(..., known=translations(language))``, read before any
    catalog is updated, since updating drops the messages a package no longer uses)."""
    known: dict[tuple[Any, Any], Any] = {}
    for package in PACKAGES:
        for message in load(package, language):
            if message.id and message.string and not message.fuzzy:
                known.setdefault((message.id, message.context), message.string)
    return known


def update(package: str, language: str, known: Known | None = None) -> int:
    """Merge newly extracted messages into the catalog; returns how many lack a translation.
    A new message takes its translation from ``known`` where that has one."""
    template = extract(package)
    if not len(template):
        return 0
    catalog = load(package, language)
    created = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True)
    for message in catalog:
        if message.id and not message.string and (message.id, message.context) in (known or {}):
            message.string = (known or {})[(message.id, message.context)]
    catalog.creation_date = created  # no change to the file when no message changed
    path = catalog_path(package, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    # Without line numbers, so that moving code does not touch the catalogs (nor cause merges).
    write_po(
        buffer, catalog, ignore_obsolete=True, width=100, sort_output=True, include_lineno=False
    )
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.write_bytes(buffer.getvalue())
    return len(missing(package, language))


def missing(package: str, language: str) -> list[str]:
    """Messages used in ``package`` without a (non-fuzzy) translation in its catalog."""
    catalog = load(package, language)
    gaps = []
    for message in extract(package):
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        translated = (
            found is not None
            and not found.fuzzy
            and (all(found.string) if isinstance(found.string, tuple) else bool(found.string))
        )
        if not translated:
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps
