"""CSRF tokens bound to the session, and a failed check answered as what it is.

Litestar's own CSRF middleware signs a random token with the secret key and compares the form's
(or header's) copy with the cookie's: any valid token works for any session, so a token planted
in a victim's browser (a cookie set from a sibling domain) would pass. Here the token's
signature also covers the session cookie's value (the session id; empty before sign-in):

    token = nonce + HMAC(secret, "csrf" | nonce | session id)

A change is let through only when the submitted token equals the cookie's *and* is signed for
the session it comes with. A page (GET) whose cookie token belongs to another session gets a
fresh one; the sign-in hands out one for the new session id it creates.

A refused check answers 403 with "this form has expired" (in the user's language), not with the
message for a role that lacks access.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from litestar import MediaType, Request, Response
from litestar.datastructures import MutableScopeHeaders
from litestar.datastructures.cookie import Cookie
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware._utils import should_bypass_middleware
from litestar.response import Template
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from web.i18n import gettext, request_language, set_current_language

CSRF_COOKIE = "tenderdesk_csrf"
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXCLUDE_OPT_KEY = "exclude_from_csrf"
_NONCE_HEX = 32
_STATIC = re.compile("^/static/")
_NEW_TOKEN = "tenderdesk.csrf_token_for_new_session"  # noqa: S105 - a scope key


class CsrfFailed(PermissionDeniedException):
    """The form's token is missing, forged, or belongs to another (older) session."""

    detail = "CSRF token verification failed"


def _signature(secret: str, nonce: str, session_id: str) -> str:
    message = "\x1f".join(("csrf", nonce, session_id)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def new_token(secret: str, session_id: str) -> str:
    nonce = secrets.token_hex(_NONCE_HEX // 2)
    return nonce + _signature(secret, nonce, session_id)


def token_is_valid(secret: str, token: str | None, session_id: str) -> bool:
    if not token or len(token) != _NONCE_HEX + 64:
        return False
    nonce, signature = token[:_NONCE_HEX], token[_NONCE_HEX:]
    return hmac.compare_digest(signature, _signature(secret, nonce, session_id))


def bind_to_new_session(scope: Scope, session_id: str) -> None:
    """At sign-in: send a token for the session id that the response creates."""
    app_secret = scope["app"].state.settings.secret_key
    token = new_token(app_secret, session_id)
    scope[_NEW_TOKEN] = token  # type: ignore[literal-required]
    ScopeState.from_scope(scope).csrf_token = token


class SessionBoundCSRFMiddleware:
    """Double-submit cookie whose token is signed for the session (see the module doc)."""

    def __init__(self, app: ASGIApp, secret: str, session_cookie: str, secure: bool) -> None:
        self.app = app
        self.secret = secret
        self.session_cookie = session_cookie
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or should_bypass_middleware(
            scope=scope,
            scopes={ScopeType.HTTP},
            exclude_opt_key=EXCLUDE_OPT_KEY,
            exclude_path_pattern=_STATIC,
        ):
            await self.app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(
            scope=scope, receive=receive
        )
        session_id = request.cookies.get(self.session_cookie, "")
        cookie_token = request.cookies.get(CSRF_COOKIE)
        state = ScopeState.from_scope(scope)
        if request.method in SAFE_METHODS:
            token = (
                cookie_token
                if token_is_valid(self.secret, cookie_token, session_id)
                else new_token(self.secret, session_id)
            )
            state.csrf_token = token
            await self.app(scope, receive, self._sending(send, scope, cookie_token))
            return
        submitted = request.headers.get(CSRF_HEADER)
        content_type, _ = request.content_type
        if not submitted and content_type in (
            RequestEncodingType.URL_ENCODED,
            RequestEncodingType.MULTI_PART,
        ):
            submitted = (await request.form()).get(CSRF_FIELD)
        if not (
            isinstance(submitted, str)
            and cookie_token
            and hmac.compare_digest(submitted, cookie_token)
            and token_is_valid(self.secret, submitted, session_id)
        ):
            raise CsrfFailed()
        state.csrf_token = submitted
        await self.app(scope, receive, self._sending(send, scope, cookie_token))

    def _sending(self, send: Send, scope: Scope, cookie_token: str | None) -> Send:
        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                token = scope.get(_NEW_TOKEN) or ScopeState.from_scope(scope).csrf_token
                if isinstance(token, str) and token != cookie_token:
                    cookie = Cookie(
                        key=CSRF_COOKIE,
                        value=token,
                        path="/",
                        httponly=True,
                        secure=self.secure,
                        samesite="lax",
                    )
                    MutableScopeHeaders.from_message(message).add(
                        "set-cookie", cookie.to_header(header="")
                    )
            await send(message)

        return send_wrapper


def _use_the_users_language(request: Request) -> None:
    """Exceptions from middleware come before the app picks the language: pick it here."""
    set_current_language(request_language(request))


def csrf_failed_handler(request: Request, exc: CsrfFailed) -> Response:
    _use_the_users_language(request)
    title = gettext("This form has expired")
    message = gettext(
        "The page was open too long, or you signed in or out in another tab. "
        "Go back, reload the page and try again."
    )
    if request.url.path.startswith("/api/"):
        return Response(
            {
                "status_code": 403,
                "detail": gettext(
                    "Missing or outdated CSRF token: send the value of the tenderdesk_csrf cookie "
                    "of this session in the x-csrftoken header."
                ),
            },
            status_code=403,
        )
    if request.headers.get("hx-request") == "true":
        return Template(
            "web/_messages.html",
            context={"errors": [title, message]},
            status_code=403,
            media_type=MediaType.HTML,
            headers={"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"},
        )
    return Template(
        "web/error.html",
        context={"status": 403, "title": title, "messages": [message]},
        status_code=403,
        media_type=MediaType.HTML,
    )
