"""Reading finance's filters from a query string, naming every bad value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from common.errors import ProblemCollector
from common.i18n import N_
from finance.domain import VIEWS, FinanceQuery, View

FORMATS = ("xlsx", "csv")


def parse_view(value: str | None) -> View:
    return value if value in VIEWS else "awards"  # type: ignore[return-value]


def parse_query(params: Mapping[str, str]) -> FinanceQuery:
    """The filters of a request; raises ValidationFailed naming each bad field."""
    problems = ProblemCollector()
    dates: dict[str, date | None] = {}
    for name in ("from", "to"):
        text = (params.get(name) or "").strip()
        try:
            dates[name] = date.fromisoformat(text) if text else None
        except ValueError:
            problems.add(name, N_("{value} is not a date (YYYY-MM-DD)"), value=text)
            dates[name] = None
    if dates["from"] and dates["to"] and dates["to"] < dates["from"]:
        problems.add("to", N_("The end of the period lies before its start"))
    authority_ids = None
    authority = (params.get("authority") or "").strip()
    if authority:
        if authority.isdigit():
            authority_ids = frozenset({int(authority)})
        else:
            problems.add("authority", N_("Choose an authority from the list"))
    status = (params.get("status") or "").strip()
    problems.raise_if_any()
    return FinanceQuery(
        authority_ids=authority_ids,
        period_from=dates["from"],
        period_to=dates["to"],
        service_type=(params.get("service_type") or "").strip(),
        reference=(params.get("reference") or "").strip()[:200],
        status=status[:40],
    )
