"""Security headers on every response: pages, API, error pages and static files alike.

Added as a ``before_send`` hook, which Litestar runs for every message it sends, including the
answers of exception handlers and of paths no route matches.

- ``Content-Security-Policy``: scripts, styles, fonts and connections from this site only (htmx
  and app.js are static files; there is no inline script, handler or style attribute, and htmx
  is told not to inject its indicator styles: see ``web/base.html``), images also as ``data:``
  (the design system's icons), forms post only here, and no page may be framed.
- ``X-Frame-Options: DENY`` for browsers that predate ``frame-ancestors``.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (ids in our URLs stay
  here), ``Cross-Origin-Opener-Policy: same-origin``.
- ``Strict-Transport-Security`` when the public URL is https.
- ``Cache-Control: no-store`` on everything but static files: pages show personal and sealed
  data, and the one-time password page must never be kept by a browser or proxy.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
STATIC_PREFIX = "/static/"
HSTS = "max-age=31536000; includeSubDomains"


def headers_for(https: bool) -> dict[str, str]:
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "cross-origin-opener-policy": "same-origin",
    }
    if https:
        headers["strict-transport-security"] = HSTS
    return headers


def security_headers(https: bool) -> BeforeMessageSendHookHandler:
    fixed = headers_for(https)

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in fixed.items():
            headers[name] = value
        if not str(scope.get("path", "")).startswith(STATIC_PREFIX):
            headers["cache-control"] = "no-store"

    return add_headers
