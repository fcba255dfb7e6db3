"""The portal's account pages (register, verify, sign in, organisation) and the officer's page
of an organisation's portal accounts (invite, approve)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from accounts.controllers import begin_session, client_address, set_language_cookie
from accounts.domain import UI_LANGUAGES
from common.errors import DomainError, NotFound, ValidationFailed
from common.i18n import N_
from common.identity import Role
from common.registration import COUNTRIES, REGISTRATION_LABELS
from organisations import service as organisations
from organisations.domain import read_yes
from portal.domain import ORG_ROLE_LABELS, STATUS_LABELS, OrgRole
from portal.guards import (
    NOT_BACK_OFFICE,
    PORTAL,
    PORTAL_MEMBER,
    PORTAL_SESSION_KEY,
    portal_user,
    signed_in_portal_user,
)
from portal.service import accounts as service
from web.errors import safe_local_path
from web.forms import field_errors
from web.guards import current_principal, requires_role
from web.i18n import gettext, request_language

FormData = URLEncodedBody[dict[str, str]]
OFFICER_OR_ADMIN = requires_role(Role.OFFICER, Role.ADMIN)


def _role_options() -> list[tuple[str, str]]:
    return [(role.value, gettext(ORG_ROLE_LABELS[role])) for role in OrgRole]


async def page(request: Request, template: str, status: int = 200, **context: Any) -> Template:
    """A portal page: the signed-in portal account (if any) for the header."""
    return Template(
        template,
        status_code=status,
        context={
            "portal_user": await signed_in_portal_user(request),
            "org_role_labels": ORG_ROLE_LABELS,
            "status_labels": STATUS_LABELS,
            **context,
        },
    )


def _register_context(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "countries": [(code, gettext(label)) for code, label in COUNTRIES.items()],
        "registration_labels": REGISTRATION_LABELS,
    }


class PortalAccountController(Controller):
    path = "/portal"
    include_in_schema = False

    @get("", guards=[PORTAL], name="portal_home")
    async def home(self, request: Request) -> Template:
        return await page(request, "portal/home.html")

    @get("/register", guards=[NOT_BACK_OFFICE], name="portal_register")
    async def register_page(self, request: Request) -> Template:
        return await page(
            request, "portal/register.html", **_register_context({"country": "NL"}, {})
        )

    @post("/register", guards=[NOT_BACK_OFFICE], name="portal_register_submit")
    async def register(self, request: Request, data: FormData) -> Template:
        values = {k: v for k, v in data.items() if k not in ("password", "_csrf_token")}
        try:
            await service.register(values, data.get("password", ""), request_language(request))
        except ValidationFailed as exc:
            return await page(
                request, "portal/register.html", 422, **_register_context(values, field_errors(exc))
            )
        return await page(request, "portal/check_mail.html", email=values.get("email", ""))

    @get("/verify/{token:str}", guards=[NOT_BACK_OFFICE], name="portal_verify")
    async def verify(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        try:
            await service.verify_email(token)
        except DomainError as exc:
            return await page(request, "portal/link_refused.html", 400, problem=exc.problem)
        # No flash: it would start a session before sign-in (and its CSRF token with it).
        return Redirect("/portal/login?welcome=verified", status_code=303)

    @get("/login", guards=[NOT_BACK_OFFICE], name="portal_login")
    async def login_page(
        self,
        request: Request,
        next: FromQuery[str] = "",
        welcome: FromQuery[str] = "",
    ) -> Template:
        notice = {
            "verified": gettext("Your email address is confirmed. Sign in to continue."),
            "invited": gettext("Your account is ready. Sign in to continue."),
        }.get(welcome)
        return await page(
            request, "portal/login.html", next=next, error=None, email="", notice=notice
        )

    @post("/login", guards=[NOT_BACK_OFFICE], name="portal_login_submit")
    async def login(self, request: Request, data: FormData) -> Template | Redirect:
        email = data.get("email", "")
        try:
            user = await service.authenticate(
                email, data.get("password", ""), client_address(request)
            )
            error = None
        except DomainError as exc:
            user, error = None, exc.problem.text(gettext)
        if user is None:
            error = error or gettext(
                "The email address or password is not right. After several failed "
                "attempts, each further attempt has to wait a little longer."
            )
            return await page(
                request,
                "portal/login.html",
                400,
                next=data.get("next", ""),
                error=error,
                email=email,
                notice=None,
            )
        await begin_session(request, {PORTAL_SESSION_KEY: user.id})
        target = safe_local_path(data.get("next"))
        response = Redirect(target if target.startswith("/portal") else "/portal", status_code=303)
        if user.language in UI_LANGUAGES:
            set_language_cookie(request, response, user.language)
        return response

    @post("/logout", guards=[PORTAL], name="portal_logout")
    async def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return Redirect("/portal/login", status_code=303)

    @get("/organisation", guards=[PORTAL_MEMBER], name="portal_organisation")
    async def organisation(self, request: Request) -> Template:
        user = portal_user(request)
        assert user.organisation_id is not None
        return await page(
            request,
            "portal/organisation.html",
            organisation=await organisations.get_organisation(user.organisation_id),
            members=await service.members(user.organisation_id),
            roles=_role_options(),
        )

    @post(
        "/organisation/members/{membership_id:int}/{decision:str}",
        guards=[PORTAL_MEMBER],
        name="portal_member_decide",
    )
    async def decide(
        self,
        request: Request,
        membership_id: FromPath[int],
        decision: FromPath[str],
        data: FormData,
    ) -> Redirect:
        user = portal_user(request)
        approve = _decision(decision)
        await service.decide_as_member(user, membership_id, approve, data.get("role"))
        flash(request, _decided_message(approve), category="success")
        return Redirect("/portal/organisation", status_code=303)

    @get("/invitations/{token:str}", guards=[NOT_BACK_OFFICE], name="portal_invitation")
    async def invitation(self, request: Request, token: FromPath[str]) -> Template:
        try:
            invitation = await service.read_invitation(token)
        except DomainError as exc:
            return await page(request, "portal/link_refused.html", 400, problem=exc.problem)
        return await page(
            request,
            "portal/invitation.html",
            invitation=invitation,
            token=token,
            errors={},
            name="",
        )

    @post("/invitations/{token:str}", guards=[NOT_BACK_OFFICE], name="portal_invitation_accept")
    async def accept(
        self, request: Request, token: FromPath[str], data: FormData
    ) -> Template | Redirect:
        try:
            invitation = await service.read_invitation(token)
            await service.accept_invitation(
                token, data.get("name", ""), data.get("password", ""), request_language(request)
            )
        except ValidationFailed as exc:
            return await page(
                request,
                "portal/invitation.html",
                422,
                invitation=invitation,
                token=token,
                errors=field_errors(exc),
                name=data.get("name", ""),
            )
        except DomainError as exc:
            return await page(request, "portal/link_refused.html", 400, problem=exc.problem)
        return Redirect("/portal/login?welcome=invited", status_code=303)


def _decision(value: str) -> bool:
    if value not in ("approve", "refuse"):
        raise NotFound(N_("There is no such request"))
    return value == "approve"


def _decided_message(approve: bool) -> str:
    if approve:
        return gettext("The request has been approved.")
    return gettext("The request has been refused.")


class OrganisationAccessController(Controller):
    """The officer's view of an organisation's portal accounts: invite people, approve
    requests (the first person of an organisation is admitted by an officer)."""

    path = "/organisations"
    guards = [OFFICER_OR_ADMIN]
    include_in_schema = False

    @get("", name="organisations")
    async def search(self, request: Request, q: FromQuery[str] = "") -> Template:
        found = await organisations.search(q.strip(), limit=50) if q.strip() else []
        return Template("portal/officer/organisations.html", context={"q": q, "found": found})

    async def _page(
        self, organisation_id: int, values: dict[str, Any], errors: dict, status: int = 200
    ) -> Template:
        return Template(
            "portal/officer/organisation.html",
            status_code=status,
            context={
                "organisation": await organisations.get_organisation(organisation_id),
                "members": await service.members(organisation_id),
                "roles": _role_options(),
                "org_role_labels": ORG_ROLE_LABELS,
                "status_labels": STATUS_LABELS,
                "values": values,
                "errors": errors,
            },
        )

    @get("/{organisation_id:int}", name="organisation_access")
    async def organisation(self, organisation_id: FromPath[int]) -> Template:
        return await self._page(organisation_id, {"role": OrgRole.MEMBER.value}, {})

    @post("/{organisation_id:int}/invite", name="organisation_invite")
    async def invite(
        self, request: Request, organisation_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        principal = current_principal(request)
        assert principal is not None
        try:
            await service.invite(principal, organisation_id, data)
        except ValidationFailed as exc:
            return await self._page(organisation_id, dict(data), field_errors(exc), 422)
        flash(request, gettext("The invitation has been sent."), category="success")
        return Redirect(f"/organisations/{organisation_id}", status_code=303)

    @post("/{organisation_id:int}/natural-person", name="organisation_natural_person")
    async def natural_person(
        self, request: Request, organisation_id: FromPath[int], data: FormData
    ) -> Redirect:
        """Mark the organisation as a sole trader (a natural person) or not: open data then
        leaves its name out or pseudonymises it."""
        principal = current_principal(request)
        assert principal is not None
        wanted = read_yes(data.get("natural_person"))
        await organisations.set_natural_person(principal.as_actor(), organisation_id, wanted)
        flash(request, gettext("The organisation has been saved."), category="success")
        return Redirect(f"/organisations/{organisation_id}", status_code=303)

    @post(
        "/{organisation_id:int}/members/{membership_id:int}/{decision:str}",
        name="organisation_member_decide",
    )
    async def decide(
        self,
        request: Request,
        organisation_id: FromPath[int],
        membership_id: FromPath[int],
        decision: FromPath[str],
        data: FormData,
    ) -> Redirect:
        principal = current_principal(request)
        assert principal is not None
        approve = _decision(decision)
        await service.decide_as_officer(
            principal, organisation_id, membership_id, approve, data.get("role")
        )
        flash(request, _decided_message(approve), category="success")
        return Redirect(f"/organisations/{organisation_id}", status_code=303)


ACCOUNT_CONTROLLERS = [PortalAccountController, OrganisationAccessController]
