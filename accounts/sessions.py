"""Server-side sessions in the database, and a session backend that writes only when needed.

Litestar's server-side backend stores the session on every response. This backend skips the
write when the session did not change, stores nothing for anonymous visitors, and gives the
session a new id at login so that an id planted before login is worthless (session fixation).
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message, Scope, ScopeSession

from accounts.tables import WebSession
from common import clock

SESSION_COOKIE = "tenderdesk_session"
_ROTATE = "tenderdesk.rotate_session"
_NEW_ID = "tenderdesk.new_session_id"
_LOADED = "tenderdesk.loaded_session"
# An idle session's expiry is pushed back at most once per this interval (not on every request).
RENEW_GRANULARITY = timedelta(minutes=5)


def rotate_session_id(scope: Scope) -> str:
    """Give the session a fresh id when the response is sent (call at login); returns it, so
    that what is bound to the session (the CSRF token) can be bound to the new id."""
    new_id = secrets.token_hex(32)
    scope[_ROTATE] = True  # type: ignore[literal-required]
    scope[_NEW_ID] = new_id  # type: ignore[literal-required]
    return new_id


def _seconds(value: int | timedelta | None) -> timedelta | None:
    if value is None:
        return None
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def session_user_id(data: bytes) -> int | None:
    """The signed-in user a stored session belongs to (None before sign-in)."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    user_id = value.get("user_id") if isinstance(value, dict) else None
    return user_id if isinstance(user_id, int) else None


def session_key(connection: ASGIConnection) -> str | None:
    """The id of the session this request came with (the session cookie's value)."""
    return connection.cookies.get(SESSION_COOKIE)


class DatabaseSessionStore(Store):
    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        expires_at = clock.now() + (_seconds(expires_in) or timedelta(days=1))
        row = WebSession(key=key, data=data, expires_at=expires_at, user_id=session_user_id(data))
        await WebSession.insert(row).on_conflict(
            target=WebSession.key,
            action="DO UPDATE",
            values=[WebSession.data, WebSession.expires_at, WebSession.user_id],
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = (
            await WebSession.select(WebSession.data, WebSession.expires_at)
            .where(WebSession.key == key)
            .first()
        )
        if row is None:
            return None
        now = clock.now()
        if row["expires_at"] <= now:
            await self.delete(key)
            return None
        renew = _seconds(renew_for)
        if renew is not None and row["expires_at"] < now + renew - RENEW_GRANULARITY:
            await WebSession.update({WebSession.expires_at: now + renew}).where(
                WebSession.key == key
            )
        return bytes(row["data"])

    async def delete(self, key: str) -> None:
        await WebSession.delete().where(WebSession.key == key)

    async def delete_all(self) -> None:
        await WebSession.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await WebSession.exists().where(
            (WebSession.key == key) & (WebSession.expires_at > clock.now())
        )

    async def expires_in(self, key: str) -> int | None:
        row = await WebSession.select(WebSession.expires_at).where(WebSession.key == key).first()
        if row is None:
            return None
        return max(0, int((row["expires_at"] - clock.now()).total_seconds()))

    async def delete_expired(self) -> None:
        await WebSession.delete().where(WebSession.expires_at <= clock.now())


class SessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection) -> str:
        scope: Any = connection.scope
        if scope.get(_ROTATE):
            if not scope.get(_NEW_ID):
                scope[_NEW_ID] = self.generate_session_id()
            return scope[_NEW_ID]
        return super().get_session_id(connection)

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        scope: Any = connection.scope
        scope[_LOADED] = self.serialize_data(data, connection.scope) if data else None
        return data

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        scope: Any = connection.scope
        loaded = scope.get(_LOADED)
        empty = scope_session is Empty or not scope_session
        if scope.get(_ROTATE):
            old_id = connection.cookies.get(self.config.key)
            if old_id:
                await self.delete(old_id, store=self.config.get_store_from_app(scope["app"]))
        elif empty and loaded is None:
            return  # nothing stored before, nothing to store now
        elif not empty and loaded == self.serialize_data(scope_session, connection.scope):
            return  # unchanged; the cookie the browser holds stays valid
        await super().store_in_message(Empty if empty else scope_session, message, connection)


class SessionConfig(ServerSideSessionConfig):
    _backend_class = SessionBackend
