"""Guards: every route states which roles may call it; objects are checked in the services."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from common.identity import Principal, Role


def current_principal(connection: ASGIConnection) -> Principal | None:
    user = connection.scope.get("user")
    return user if isinstance(user, Principal) else None


def me(connection: ASGIConnection) -> Principal:
    """The signed-in principal, on a route whose guard lets only signed-in users through."""
    principal = current_principal(connection)
    assert principal is not None
    return principal


def requires_role(*roles: Role) -> Guard:
    """A guard that lets only users with one of ``roles`` through (403 otherwise)."""
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = current_principal(connection)
        if principal is None:
            raise NotAuthorizedException()
        if principal.role not in allowed:
            raise PermissionDeniedException()

    guard.allowed_roles = allowed  # type: ignore[attr-defined]
    return guard


ANY_ROLE = requires_role(*Role)
ADMIN = requires_role(Role.ADMIN)
OFFICER = requires_role(Role.OFFICER)
