"""Reading submitted forms and turning refused input into messages per field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Request

from common.errors import DomainError
from web.i18n import translate_message


async def read_form(request: Request, lists: Iterable[str] = ()) -> dict[str, Any]:
    """The submitted fields; those named in ``lists`` keep all their values (checkboxes)."""
    form = await request.form()
    multi = set(lists)
    data: dict[str, Any] = {}
    for key in form:
        if key == "_csrf_token":
            continue
        data[key] = form.getall(key) if key in multi else form.get(key)
    for key in multi:
        data.setdefault(key, [])
    return data


def field_errors(error: DomainError) -> dict[str, list[str]]:
    """Translated messages grouped by field (``_`` for those that belong to no field)."""
    grouped: dict[str, list[str]] = {}
    for problem in error.problems:
        grouped.setdefault(problem.location or "_", []).append(translate_message(problem))
    return grouped
