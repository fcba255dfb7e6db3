"""Who may use the portal's pages: a portal session only, never a back-office one.

The portal's paths are left out of the back office's session authentication (config.app):
its guard reads the session itself. A back-office session (``user_id``) is refused here with
403; a portal session (``portal_account_id``) names no back-office user, so every back-office
route refuses it (the session authentication finds no user: 401, pages redirect to /login).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect

from portal.domain import PortalUser
from portal.service.accounts import load_portal_user

PORTAL_SESSION_KEY = "portal_account_id"
_SCOPE_KEY = "tenderdesk.portal_user"


class PortalSignInRequired(NotAuthorizedException):
    """No portal session: the page sends the visitor to the portal's sign-in."""


def _session(connection: ASGIConnection) -> dict[str, Any]:
    session = connection.scope.get("session")
    return session if isinstance(session, dict) else {}


async def signed_in_portal_user(connection: ASGIConnection) -> PortalUser | None:
    """The portal account of this session (loaded once per request), or None."""
    scope: Any = connection.scope
    if _SCOPE_KEY in scope:
        return scope[_SCOPE_KEY]
    account_id = _session(connection).get(PORTAL_SESSION_KEY)
    user = await load_portal_user(account_id) if isinstance(account_id, int) else None
    scope[_SCOPE_KEY] = user
    return user


def portal_user(request: Request) -> PortalUser:
    """The portal account a guard has let through."""
    user = request.scope.get(_SCOPE_KEY)  # type: ignore[call-overload]
    assert isinstance(user, PortalUser)
    return user


async def PORTAL(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A signed-in portal account (approved or not)."""
    user = await signed_in_portal_user(connection)
    if user is not None:
        return
    if isinstance(_session(connection).get("user_id"), int):
        raise PermissionDeniedException()  # a back-office session: never a portal account
    raise PortalSignInRequired()


async def PORTAL_MEMBER(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """A portal account approved to act for its organisation."""
    await PORTAL(connection, handler)
    user = await signed_in_portal_user(connection)
    if user is None or not user.active_member:
        raise PermissionDeniedException()


def NOT_BACK_OFFICE(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Registering and signing in to the portal: not from a back-office session (an officer
    account is never a supplier account)."""
    if isinstance(_session(connection).get("user_id"), int):
        raise PermissionDeniedException()


def portal_sign_in_handler(request: Request, exc: PortalSignInRequired) -> Response:
    target = "/portal/login?next=" + quote(
        request.url.path + (f"?{request.url.query}" if request.url.query else "")
    )
    return Redirect(target, status_code=303)
