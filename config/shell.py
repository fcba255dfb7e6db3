"""The shell's own routes: dashboard, health, language switch."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from accounts import service as accounts
from common.identity import ROLE_LABELS
from config import database
from web.dashboard import panels_for
from web.errors import back_to_referrer, safe_local_path
from web.guards import ANY_ROLE, current_principal
from web.i18n import LANGUAGE_COOKIE, UI_LANGUAGES


class ShellController(Controller):
    @get("/", guards=[ANY_ROLE], name="dashboard", include_in_schema=False)
    async def dashboard(self, request: Request) -> Template:
        principal = current_principal(request)
        assert principal is not None
        panels = await panels_for(principal, request.app.state.dashboard_panels)
        return Template(
            template_name="web/dashboard.html",
            context={"panels": panels, "role_label": ROLE_LABELS[principal.role]},
        )

    @get("/health", exclude_from_auth=True, exclude_from_csrf=True, name="health")
    async def health(self, request: Request) -> Response[dict[str, Any]]:
        """Whether the service can serve; which database engine (and its error) only for a
        signed-in administrator, not for anyone who asks."""
        db = await database.status()
        running = getattr(request.app.state, "scheduler", None)
        scheduler = "off" if running is None else "leader" if running.is_leader else "standby"
        principal = await _signed_in(request)
        shown = db if principal is not None and principal.is_admin else {"ok": db["ok"]}
        return Response(
            {
                "status": "ok" if db["ok"] else "unavailable",
                "database": shown,
                "scheduler": scheduler,
            },
            status_code=200 if db["ok"] else 503,
        )

    @get("/health/live", exclude_from_auth=True, exclude_from_csrf=True, name="health_live")
    async def live(self) -> dict[str, str]:
        """For the load balancer: the process is up and answers (nothing else is checked)."""
        return {"status": "alive"}

    @get("/health/ready", exclude_from_auth=True, exclude_from_csrf=True, name="health_ready")
    async def ready(self, request: Request) -> Response[dict[str, Any]]:
        """For the load balancer: send this instance traffic only when its database answers,
        has every migration this code needs, and knows this instance's keys. Says which check
        failed, never which database or where (anyone may ask)."""
        checks = await readiness(request.app.state.settings)
        ready = all(value == "ok" for value in checks.values())
        return Response(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @post("/language", exclude_from_auth=True, name="language", include_in_schema=False)
    async def switch_language(
        self,
        request: Request,
        data: URLEncodedBody[dict[str, str]],
    ) -> Redirect:
        language = data.get("language", "")
        target = (
            safe_local_path(data.get("next")) if data.get("next") else back_to_referrer(request)
        )
        response = Redirect(target, status_code=303)
        if language not in UI_LANGUAGES:
            return response
        principal = await _signed_in(request)
        if principal is not None and principal.language != language:
            await accounts.set_language(principal, language)
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.secure_cookies,
        )
        return response


async def readiness(settings: Any) -> dict[str, str]:
    """Each readiness check: "ok" or what is wrong, in words that reveal no detail."""
    from config import keys

    checks = {"database": "ok", "migrations": "ok", "keys": "ok"}
    if not (await database.status())["ok"]:
        return {name: "unavailable" for name in checks}
    try:
        if await database.pending_migrations():
            checks["migrations"] = "pending"
        if await keys.check(settings):
            checks["keys"] = "mismatch"
    except Exception:  # the database went away halfway
        return {name: "unavailable" for name in checks}
    return checks


async def _signed_in(request: Request) -> Any:
    """The principal on a public route (where authentication middleware did not run)."""
    user_id = request.session.get("user_id") if request.session else None
    return await accounts.load_principal(user_id) if user_id else None
