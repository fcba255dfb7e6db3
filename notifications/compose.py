"""Writing a message in its reader's language from a plain-text template.

A template's first line is ``Subject: ...``; the rest is the body. Templates use ``_()`` like
page templates and the same filters (money, day, moment), rendered in the recipient's language.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from web import formatting
from web.i18n import gettext, language, ngettext
from web.templating import template_directories


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(template_directories()),
        autoescape=False,  # noqa: S701 - plain-text mail; no markup is ever interpreted
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        money=formatting.money,
        number=formatting.number,
        day=formatting.day,
        moment=formatting.moment,
    )
    return env


def compose(template: str, reader_language: str, **context: Any) -> tuple[str, str]:
    """The subject and body of ``template`` written for a reader of ``reader_language``."""
    with language(reader_language):
        text = _environment().get_template(template).render(**context)
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{template} must start with a 'Subject:' line")
    return first.removeprefix("Subject:").strip(), rest.strip("\n") + "\n"
