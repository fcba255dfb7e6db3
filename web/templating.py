"""The Jinja environment for pages: autoescaped, translated, with formatting filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from common.errors import Problem
from common.identity import ROLE_LABELS, Principal
from web import formatting
from web.i18n import (
    PROJECT_ROOT,
    UI_LANGUAGES,
    current_language,
    gettext,
    ngettext,
    translate_message,
    translate_problem,
)
from web.navigation import NavItem, items_for


def template_directories() -> list[str]:
    return [str(path) for path in sorted(PROJECT_ROOT.glob("*/templates")) if path.is_dir()]


def _principal(context: Any) -> Principal | None:
    request = context.get("request")
    user = request.scope.get("user") if request is not None else None
    return user if isinstance(user, Principal) else None


def _problem_text(problem: Problem) -> str:
    return translate_problem(problem)


def create_environment(navigation: Sequence[NavItem], default_timezone: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(template_directories()),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]

    @pass_context
    def current_user(context: Any) -> Principal | None:
        return _principal(context)

    @pass_context
    def nav_items(context: Any) -> list[NavItem]:
        return items_for(_principal(context), navigation)

    @pass_context
    def flashes(context: Any) -> list[dict[str, str]]:
        """Messages flashed by the previous request; pages without a session have none."""
        request = context.get("request")
        if request is None or "session" not in request.scope:
            return []
        return request.session.pop("_messages", [])

    def moment(value: Any, zone: str | None = None) -> str:
        return formatting.moment(value, zone or default_timezone)

    env.filters.update(
        money=formatting.money,
        number=formatting.number,
        percent=formatting.percent,
        day=formatting.day,
        moment=moment,
        problem=_problem_text,
        message=translate_message,
    )
    env.globals.update(
        current_user=current_user,
        flashes=flashes,
        nav_items=nav_items,
        current_language=current_language,
        ui_languages=UI_LANGUAGES,
        role_labels={role.value: label for role, label in ROLE_LABELS.items()},
        default_timezone=default_timezone,
    )
    return env
