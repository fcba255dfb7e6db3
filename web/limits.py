"""Whole numbers from the outside stay within what the database can hold, for every route.

Python's ints have no limit; the databases' do (PostgreSQL's ids are 32-bit ``integer``,
SQLite's and ``bigint`` are 64-bit), and a number beyond them used to end in a 500. Checked in
one place, before any handler runs:

- a path parameter declared ``int`` (always an id here) outside the 32-bit range names nothing
  that can exist: 404;
- a query parameter declared ``int`` outside the 32-bit range, or negative where that means
  nothing (offsets, limits, pages, days), is refused with 400 naming it.

Numbers inside bodies and forms are many and parsed in many places; as a safety net, a driver's
"out of range" (SQLite's OverflowError, asyncpg's DataError about an int range or a negative
OFFSET/LIMIT) answers 400 rather than 500.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from litestar import Request, Response
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import ParameterKwarg
from litestar.types import ASGIApp, Receive, Scope, Send

from web.i18n import gettext

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
NON_NEGATIVE = frozenset({"offset", "limit", "page", "per_page", "days", "before"})
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


def _int_query_parameters(handler: BaseRouteHandler, path_names: Collection[str] = ()) -> list[str]:
    """The query-string name of each ``int`` query parameter (a few per handler: cheap)."""
    found = []
    for name, field in handler.parsed_fn_signature.parameters.items():
        if name in path_names or name in (
            "request",
            "scope",
            "data",
            "state",
            "headers",
            "cookies",
            "query",
            "body",
            "socket",
        ):
            continue
        kwarg = field.kwarg_definition
        if kwarg is not None and not isinstance(kwarg, ParameterKwarg):
            continue  # a body or a dependency
        if isinstance(kwarg, ParameterKwarg) and (kwarg.header or kwarg.cookie):
            continue
        types = (
            [inner.annotation for inner in field.inner_types]
            if field.is_union
            else [field.annotation]
        )
        if int in types and bool not in types:
            alias = kwarg.query if isinstance(kwarg, ParameterKwarg) and kwarg.query else name
            found.append(alias)
    return found


def _query_problem(alias: str, raw: str) -> str | None:
    if not _INTEGER.match(raw):
        return None  # not a number at all: the usual validation answers
    value = int(raw)
    low = 0 if alias in NON_NEGATIVE else INT_MIN
    if low <= value <= INT_MAX:
        return None
    return gettext("The parameter {name} must be a whole number from {low} to {high}.").format(
        name=alias, low=low, high=INT_MAX
    )


class IntegerBoundsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path_params = scope.get("path_params") or {}
            for value in path_params.values():
                if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
                    raise NotFoundException()
            handler = scope.get("route_handler")
            if handler is not None:
                parameters = _int_query_parameters(handler, path_params)
                if parameters:
                    query = Request(scope).query_params
                    for alias in parameters:
                        for raw in query.getall(alias, []):
                            problem = _query_problem(alias, str(raw))
                            if problem:
                                raise ValidationException(detail=problem)
        await self.app(scope, receive, send)


def _out_of_range(exc: Exception) -> bool:
    if isinstance(exc, OverflowError):
        return True
    text = str(exc)
    return ("out of int" in text and "range" in text) or "must not be negative" in text


def out_of_range_handler(request: Request, exc: Exception) -> Response[Any]:
    """A number from the request the database could not take: 400, not 500."""
    from web.errors import http_exception_handler, internal_error_handler

    if not _out_of_range(exc):
        return internal_error_handler(request, exc)
    return http_exception_handler(
        request, ValidationException(detail=gettext("A number in this request is out of range."))
    )


def out_of_range_handlers() -> dict[type[Exception], Any]:
    handlers: dict[type[Exception], Any] = {OverflowError: out_of_range_handler}
    try:
        from asyncpg.exceptions import DataError
    except ImportError:  # pragma: no cover - asyncpg comes with piccolo[postgres]
        return handlers
    handlers[DataError] = out_of_range_handler
    return handlers
