"""Login, logout, the user's own account, and the administration of users (pages and API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_201_CREATED

from accounts import service
from accounts.domain import UI_LANGUAGES
from accounts.sessions import DatabaseSessionStore, rotate_session_id, session_key
from authorities.service import list_authorities
from common.errors import ValidationFailed
from common.identity import ROLE_LABELS, Role
from web.csrf import bind_to_new_session
from web.errors import safe_local_path
from web.forms import field_errors, read_form
from web.guards import ADMIN, ANY_ROLE, current_principal
from web.i18n import LANGUAGE_COOKIE, gettext

FormData = URLEncodedBody[dict[str, str]]


def client_address(request: Request) -> str | None:
    """The client's address (behind a proxy, uvicorn takes it from X-Forwarded-For when the
    proxy is trusted: --forwarded-allow-ips)."""
    return request.client.host if request.client else None


async def begin_session(request: Request, data: dict[str, Any]) -> None:
    """At sign-in (here and in the portal): a new session id (an id planted before is
    worthless), a CSRF token bound to it, and the session's data."""
    store: DatabaseSessionStore = request.app.stores.get("sessions")  # type: ignore[assignment]
    await store.delete_expired()
    bind_to_new_session(request.scope, rotate_session_id(request.scope))
    request.set_session(data)


def set_language_cookie(request: Request, response: Response, language: str) -> None:
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )


class LoginController(Controller):
    include_in_schema = False

    @get("/login", name="login")
    async def login_page(self, request: Request) -> Template | Redirect:
        if request.session.get("user_id"):
            return Redirect("/")
        return Template(
            "accounts/login.html",
            context={"next": request.query_params.get("next", ""), "error": None, "email": ""},
        )

    @post("/login", name="login_submit")
    async def login(self, request: Request, data: FormData) -> Template | Redirect:
        email = data.get("email", "")
        principal = await service.authenticate(
            email, data.get("password", ""), client_address(request)
        )
        target = safe_local_path(data.get("next"))
        if principal is None:
            # One answer for an unknown address, a wrong password and a throttled attempt.
            error = gettext(
                "The email address or password is not right. After several failed "
                "attempts, each further attempt has to wait a little longer."
            )
            return Template(
                "accounts/login.html",
                status_code=400,
                context={"next": data.get("next", ""), "error": error, "email": email},
            )
        await begin_session(request, {"user_id": principal.id})
        response = Redirect(target, status_code=303)
        set_language_cookie(request, response, principal.language)
        return response

    @post("/logout", guards=[ANY_ROLE], name="logout")
    async def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return Redirect("/login", status_code=303)


class AccountController(Controller):
    path = "/account"
    guards = [ANY_ROLE]
    include_in_schema = False

    async def _page(
        self, request: Request, errors: dict[str, list[str]] | None = None, status: int = 200
    ) -> Template:
        principal = current_principal(request)
        assert principal is not None
        authorities = await list_authorities(ids=principal.authority_ids)
        own = (await service.get_user(principal.id))["language"]
        return Template(
            "accounts/account.html",
            status_code=status,
            context={
                "authorities": authorities,
                "errors": errors or {},
                "language_choices": _language_choices(),
                "own_language": own,
            },
        )

    @get("", name="account")
    async def account(self, request: Request) -> Template:
        return await self._page(request)

    @post("/language", name="account_language")
    async def change_language(self, request: Request, data: FormData) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        try:
            await service.set_language(principal, data.get("language", ""))
        except ValidationFailed as exc:
            return await self._page(request, field_errors(exc), status=422)
        flash(request, gettext("Your language has been saved."), category="success")
        return Redirect("/account", status_code=303)

    @post("/password", name="account_password")
    async def change_password(self, request: Request, data: FormData) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        try:
            await service.change_own_password(
                principal,
                data.get("current_password", ""),
                data.get("new_password", ""),
                address=client_address(request),
                keep_session=session_key(request),
            )
        except ValidationFailed as exc:
            return await self._page(request, field_errors(exc), status=422)
        flash(request, gettext("Your password has been changed."), category="success")
        return Redirect("/account", status_code=303)


def _language_choices() -> list[tuple[str, str]]:
    return [("", gettext("The authority's language")), *UI_LANGUAGES.items()]


def _role_options() -> list[tuple[str, str]]:
    return [(role.value, gettext(ROLE_LABELS[role])) for role in Role]


class UserAdminController(Controller):
    path = "/admin/users"
    guards = [ADMIN]
    include_in_schema = False

    async def _form(
        self,
        request: Request,
        user: dict[str, Any] | None,
        values: dict[str, Any],
        errors: dict[str, list[str]],
        status: int = 200,
    ) -> Template:
        authorities = await list_authorities()
        return Template(
            "accounts/user_form.html",
            status_code=status,
            context={
                "user": user,
                "values": values,
                "errors": errors,
                "roles": _role_options(),
                "languages": _language_choices(),
                "authorities": [(a["id"], a["name"]) for a in authorities],
            },
        )

    @get("", name="users")
    async def users(self, request: Request) -> Template:
        role = request.query_params.get("role") or None
        text = request.query_params.get("q") or None
        users = await service.list_users(role=role, text=text)
        names = {a["id"]: a["name"] for a in await list_authorities()}
        return Template(
            "accounts/users.html",
            context={
                "users": users,
                "authority_names": names,
                "roles": _role_options(),
                "role": role or "",
                "q": text or "",
            },
        )

    @get("/new", name="user_new")
    async def new_user(self, request: Request) -> Template:
        return await self._form(
            request,
            None,
            {"role": "evaluator", "language": "", "authority_ids": [], "active": True},
            {},
        )

    @post("", name="user_create")
    async def create_user(self, request: Request) -> Template:
        principal = current_principal(request)
        assert principal is not None
        values = await read_form(request, lists=("authority_ids",))
        try:
            user, password = await service.create_user(principal.as_actor(), values)
        except ValidationFailed as exc:
            return await self._form(request, None, values, field_errors(exc), status=422)
        return Template(
            "accounts/password_once.html",
            context={"user": user, "password": password, "created": True},
        )

    @get("/{user_id:int}", name="user")
    async def user(self, request: Request, user_id: FromPath[int]) -> Template:
        user = await service.get_user(user_id)
        return await self._form(request, user, user, {})

    @post("/{user_id:int}", name="user_update")
    async def update_user(self, request: Request, user_id: FromPath[int]) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        user = await service.get_user(user_id)
        values = await read_form(request, lists=("authority_ids",))
        values.setdefault("active", "")
        try:
            await service.update_user(principal.as_actor(), user_id, values)
        except ValidationFailed as exc:
            return await self._form(request, user, values, field_errors(exc), status=422)
        flash(request, gettext("The user has been saved."), category="success")
        return Redirect("/admin/users", status_code=303)

    @post("/{user_id:int}/password", name="user_password_reset")
    async def reset_password(self, request: Request, user_id: FromPath[int]) -> Template:
        principal = current_principal(request)
        assert principal is not None
        password = await service.reset_password(
            principal.as_actor(), user_id, keep_session=session_key(request)
        )
        user = await service.get_user(user_id)
        return Template(
            "accounts/password_once.html",
            context={"user": user, "password": password, "created": False},
        )

    @post("/{user_id:int}/unlock", name="user_unlock")
    async def unlock(self, request: Request, user_id: FromPath[int]) -> Redirect:
        principal = current_principal(request)
        assert principal is not None
        await service.unlock(principal.as_actor(), user_id)
        flash(request, gettext("The user can sign in again at once."), category="success")
        return Redirect(f"/admin/users/{user_id}", status_code=303)


@dataclass
class UserOut:
    id: int
    email: str
    name: str
    role: str
    language: str
    active: bool
    authority_ids: list[int]
    sign_in_waits_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> UserOut:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass
class UserIn:
    email: str
    name: str
    role: Role
    language: str = "en"
    authority_ids: list[int] = field(default_factory=list)
    active: bool = True
    password: str | None = None


@dataclass
class CreatedUser:
    user: UserOut
    password: str | None


@dataclass
class MeOut:
    id: int
    email: str
    name: str
    role: str
    language: str
    authority_ids: list[int]


class UserApiController(Controller):
    path = "/api/v1/users"
    guards = [ADMIN]
    tags = ["users"]

    @get("", name="api_users")
    async def list_users(self, role: FromQuery[str | None] = None) -> list[UserOut]:
        return [UserOut.of(row) for row in await service.list_users(role=role)]

    @get("/{user_id:int}", name="api_user")
    async def get_user(self, user_id: FromPath[int]) -> UserOut:
        return UserOut.of(await service.get_user(user_id))

    @post("", status_code=HTTP_201_CREATED, name="api_user_create")
    async def create_user(self, request: Request, data: JSONBody[UserIn]) -> CreatedUser:
        """Create a user. Without a password one is generated and returned once."""
        principal = current_principal(request)
        assert principal is not None
        form = {**data.__dict__, "role": data.role.value}
        user, password = await service.create_user(principal.as_actor(), form, data.password)
        return CreatedUser(UserOut.of(user), None if data.password else password)


class MeApiController(Controller):
    path = "/api/v1/me"
    guards = [ANY_ROLE]
    tags = ["users"]

    @get("", name="api_me")
    async def me(self, request: Request) -> MeOut:
        principal = current_principal(request)
        assert principal is not None
        return MeOut(
            principal.id,
            principal.email,
            principal.name,
            principal.role.value,
            principal.language,
            sorted(principal.authority_ids),
        )


CONTROLLERS = [
    LoginController,
    AccountController,
    UserAdminController,
    UserApiController,
    MeApiController,
]
