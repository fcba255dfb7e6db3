"""Reading the fields of what users send (a page's form, an API body, a spreadsheet's row):
one rule for text and flags everywhere. Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from common.errors import ProblemCollector
from common.i18n import N_

# What a checkbox, a JSON boolean or a spreadsheet cell says when it means "no".
NO = (None, False, "", "0", "false", "off")


def text(form: Mapping[str, Any], name: str) -> str:
    """The field's text without surrounding spaces; "" when it is missing. A whole number a
    spreadsheet gives as a float (12.0) reads as it was typed (12)."""
    value = form.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def flag(value: Any) -> bool:
    """A checkbox's, JSON boolean's or cell's yes or no."""
    return value not in NO


def flag_of(form: Mapping[str, Any], name: str, default: bool = False) -> bool:
    """The field read as a flag; ``default`` when it is missing."""
    return flag(form.get(name, default))


def count(
    problems: ProblemCollector,
    form: Mapping[str, Any],
    name: str,
    default: int | None = None,
    required: bool = False,
) -> int | None:
    """A whole number of at least 1 (a lot's number, how many winners); ``default`` when the
    field is empty and not ``required``, a problem under its name when it is not such a
    number."""
    raw = text(form, name)
    if not raw and not required:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        problems.add(name, N_("Enter a whole number of at least 1"))
        return default
    return number
