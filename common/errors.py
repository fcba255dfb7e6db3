"""Errors raised by domain rules and services, translated and rendered at the edge.

Each error carries a message id (English, marked with ``N_``) and named parameters, so that the
web layer can translate the message into the user's language before filling in the values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime

from common.i18n import N_, format_locale, moment_pattern


@dataclass(frozen=True)
class Problem:
    """One thing wrong with some input: where (a field, a row, a cell) and what."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    location: str | None = None

    def text(self, translate: Any = None) -> str:
        """The message with its parameters filled in, translated when ``translate`` is given
        (a parameter that is itself a :class:`Problem` or a :class:`Moment` is rendered the
        same way)."""
        template = translate(self.message) if translate else self.message
        if not self.params:
            return template
        return template.format(
            **{
                name: value.text(translate) if isinstance(value, Problem | Moment) else value
                for name, value in self.params.items()
            }
        )

    def render(self, translate: Any = None) -> str:
        """The message preceded by its location (``Scores!E7: ...``) when it has one."""
        text = self.text(translate)
        return f"{self.location}: {text}" if self.location else text


@dataclass(frozen=True)
class Moment:
    """A UTC moment as a message parameter: wall-clock time in ``zone``, written the way the
    reader's language writes it (the current language when the message is rendered)."""

    at: datetime
    zone: str

    def text(self, translate: Any = None) -> str:
        locale = Locale.parse(format_locale())
        return format_datetime(
            self.at, moment_pattern(locale), tzinfo=ZoneInfo(self.zone), locale=locale
        )


def plain(value: Any) -> Any:
    """A message parameter as JSON-ready data (:func:`revived` turns it back)."""
    if isinstance(value, Problem):
        return {
            "problem": value.message,
            "params": {name: plain(v) for name, v in value.params.items()},
        }
    if isinstance(value, Moment):
        return {"moment": value.at.isoformat(), "zone": value.zone}
    return value


def revived(value: Any) -> Any:
    """A message parameter stored by :func:`plain`, as it was."""
    if isinstance(value, dict) and "problem" in value:
        return Problem(
            value["problem"], {name: revived(v) for name, v in value.get("params", {}).items()}
        )
    if isinstance(value, dict) and "moment" in value:
        return Moment(datetime.fromisoformat(value["moment"]), value["zone"])
    return value


class DomainError(Exception):
    """A rule refused the action; the message says what is missing or wrong (HTTP 409)."""

    status_code = 409

    def __init__(self, message: str, **params: Any) -> None:
        self.problem = Problem(message, params)
        super().__init__(self.problem.render())

    @property
    def problems(self) -> list[Problem]:
        return [self.problem]

    @property
    def whole(self) -> Problem:
        """The refusal as one message (kept where only one fits, such as a failed job)."""
        return self.problem


class ValidationFailed(DomainError):
    """Input was refused; every problem found is listed, each with its location (HTTP 422)."""

    status_code = 422

    def __init__(self, problems: Iterable[Problem]) -> None:
        self._problems = list(problems)
        if not self._problems:
            raise ValueError("ValidationFailed needs at least one problem")
        self.problem = self._problems[0]
        Exception.__init__(self, "; ".join(p.render() for p in self._problems))

    @property
    def problems(self) -> list[Problem]:
        return self._problems

    def for_location(self, location: str) -> list[Problem]:
        return [p for p in self._problems if p.location == location]


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it does (HTTP 404)."""

    status_code = 404


class Forbidden(DomainError):
    """The user may not do this to this object (HTTP 403)."""

    status_code = 403


class Conflict(DomainError):
    """Someone changed the object first, so the action no longer fits it (HTTP 409): the
    first problem names who changed what and when, the second why the action is refused now.
    Built by :func:`audit.service.conflict` from the object's latest audited change."""

    def __init__(self, change: Problem, reason: Problem) -> None:
        self.problem = change
        self._problems = [change, reason]
        Exception.__init__(self, self.whole.render())

    @property
    def problems(self) -> list[Problem]:
        return self._problems

    @property
    def whole(self) -> Problem:
        """The reason, then the change: Your sheet has already been submitted (Eva Jansen
        submitted their scores in evaluation 3 on 7 Dec 2026, 10:15:02)."""
        return Problem(
            N_("{problem} ({change})"), {"problem": self._problems[1], "change": self._problems[0]}
        )


class ProblemCollector:
    """Collects problems while validating, so that all of them are reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, location: str | None, message: str, **params: Any) -> None:
        self.problems.append(Problem(message, params, location))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationFailed(self.problems)
