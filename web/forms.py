"""Reading submitted forms and turning refused input into messages per field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from litestar import Request
from litestar.plugins.flash import flash
from litestar.response import Redirect

from common.errors import DomainError
from common.i18n import N_
from web.i18n import gettext, translate_message


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


CONFIRM_FIELD = "confirm"
CONFIRMED = frozenset({"yes", "on", "1", "true"})


def confirmed(form: Mapping[str, Any]) -> bool:
    return str(form.get(CONFIRM_FIELD) or "").strip().lower() in CONFIRMED


def require_confirmation(form: Mapping[str, Any]) -> None:
    """An irreversible step (publish, open, send letters, award, cancel, submit a sheet...) is
    taken only with its confirmation box ticked (``forms.confirm`` in the page's form): the
    browser asks for it (``required``), and without JavaScript or with a hand-made request
    nothing happens and the page says why."""
    if not confirmed(form):
        raise DomainError(
            N_("Nothing was done: tick the box to confirm this step; it cannot be undone")
        )


def done(request: Request, message: str, target: str, **params: Any) -> Redirect:
    """After a change: ``message`` (translated, then filled in) flashed, and a 303 to ``target``."""
    flash(request, gettext(message).format(**params), category="success")
    return Redirect(target, status_code=303)
