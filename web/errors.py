"""Errors as users see them: a page with a message for people, JSON for the API.

- A rule that refuses an action (:class:`DomainError`) answers with its message: JSON with the
  status of the error for the API; on pages, a form post goes back where it came from with the
  message at the top, and an htmx request gets the message swapped into the message area.
- Not signed in: the API answers 401, pages redirect to the login page.
- Unexpected errors are logged and answered with a plain 500 page, never a stack trace.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from asyncpg.exceptions import DeadlockDetectedError
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from common.errors import DomainError, Forbidden, NotFound
from common.i18n import N_
from common.paths import local_path_or
from web.i18n import (
    gettext,
    request_language,
    set_current_language,
    translate_message,
    translate_problem,
)

log = logging.getLogger("tenderdesk")


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def safe_local_path(target: str | None, fallback: str = "/") -> str:
    """``target`` when it is a path on this site, else ``fallback`` (no open redirects; the
    rule is :func:`common.paths.is_local_path`)."""
    return local_path_or(target, fallback)


def back_to_referrer(request: Request) -> str:
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.url.netloc:
            return safe_local_path(parts.path + (f"?{parts.query}" if parts.query else ""))
    return "/"


def _error_page(status: int, title: str, messages: list[str]) -> Response:
    return Template(
        template_name="web/error.html",
        context={"status": status, "title": title, "messages": messages},
        status_code=status,
        media_type=MediaType.HTML,
    )


def _messages_fragment(messages: list[str], status: int) -> Response:
    return Template(
        template_name="web/_messages.html",
        context={"errors": messages},
        status_code=status,
        headers={"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"},
        media_type=MediaType.HTML,
    )


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    messages = [translate_problem(problem) for problem in exc.problems]
    if is_api(request):
        return Response(
            {
                "status_code": exc.status_code,
                "detail": translate_problem(exc.whole),
                "problems": [
                    {"location": problem.location, "message": translate_message(problem)}
                    for problem in exc.problems
                ],
            },
            status_code=exc.status_code,
        )
    if is_htmx(request):
        return _messages_fragment(messages, exc.status_code)
    if isinstance(exc, NotFound):
        return _error_page(exc.status_code, gettext("Not found"), messages)
    if isinstance(exc, Forbidden):
        return _error_page(exc.status_code, gettext("No access"), messages)
    if request.method == "GET":
        return _error_page(exc.status_code, gettext("This cannot be done"), messages)
    for message in messages:
        flash(request, message, category="error")
    return Redirect(back_to_referrer(request), status_code=303)


def deadlock_handler(request: Request, exc: Exception) -> Response:
    """PostgreSQL broke a deadlock between two transactions by rolling this one back: nothing
    was done, and trying again works. A refusal (409), not a crash. Use cases avoid it by
    taking their locks first (CONTRIBUTING.md, "Concurrent changes")."""
    log.warning("Deadlock on %s %s: rolled back", request.method, request.url.path)
    return domain_error_handler(
        request,
        DomainError(
            N_("Someone else changed this at the same moment, so nothing was done; try again")
        ),
    )


def not_authorized_handler(request: Request, exc: NotAuthorizedException) -> Response:
    if is_api(request):
        return Response({"status_code": 401, "detail": gettext("Sign in first")}, status_code=401)
    target = "/login?next=" + quote(
        request.url.path + (f"?{request.url.query}" if request.url.query else "")
    )
    if is_htmx(request):
        return Response(b"", status_code=401, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def permission_denied_handler(request: Request, exc: PermissionDeniedException) -> Response:
    message = gettext("Your role does not give access to this page or action.")
    if is_api(request):
        return Response({"status_code": 403, "detail": message}, status_code=403)
    if is_htmx(request):
        return _messages_fragment([message], 403)
    return _error_page(403, gettext("No access"), [message])


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if request.url.path.startswith("/static/"):
        return Response(str(exc.detail), status_code=status, media_type=MediaType.TEXT)
    if is_api(request):
        body: dict[str, Any] = {"status_code": status, "detail": exc.detail}
        if isinstance(exc, ValidationException) and exc.extra:
            body["extra"] = exc.extra
        return Response(body, status_code=status, headers=exc.headers)
    titles = {404: gettext("Page not found"), 405: gettext("Not allowed here")}
    title = titles.get(status, gettext("Something is wrong with this request"))
    detail = [] if status == 404 else [str(exc.detail)]
    if is_htmx(request):
        return _messages_fragment([title, *detail], status)
    return _error_page(status, title, detail)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    message = gettext("Something went wrong on our side. The error has been logged.")
    if is_api(request):
        return Response(
            {"status_code": 500, "detail": message}, status_code=HTTP_500_INTERNAL_SERVER_ERROR
        )
    return _error_page(500, gettext("Something went wrong"), [message])


def in_users_language(
    handler: Callable[[Request, Any], Response],
) -> Callable[[Request, Any], Response]:
    """The handler, answering in the user's language: an error can come before the app's
    ``before_request`` chose it (a guard refused, or no route matched)."""

    @functools.wraps(handler)
    def answer(request: Request, exc: Any) -> Response:
        set_current_language(request_language(request))
        return handler(request, exc)

    return answer


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: in_users_language(domain_error_handler),
    DeadlockDetectedError: in_users_language(deadlock_handler),
    NotAuthorizedException: in_users_language(not_authorized_handler),
    PermissionDeniedException: in_users_language(permission_denied_handler),
    HTTPException: in_users_language(http_exception_handler),
    HTTP_500_INTERNAL_SERVER_ERROR: in_users_language(internal_error_handler),
}
