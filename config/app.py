"""The app factory: every bounded context's routes, templates and panels wired into one app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, Request
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.security.session_auth import SessionAuth
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from accounts import controllers as accounts_controllers
from accounts import dashboard as accounts_dashboard
from accounts.service import load_principal, names_by_email
from accounts.sessions import SESSION_COOKIE, DatabaseSessionStore, SessionBackend, SessionConfig
from audit import controllers as audit_controllers
from audit import dashboard as audit_dashboard
from audit import service as audit_service
from authorities import controllers as authorities_controllers
from authorities import dashboard as authorities_dashboard
from common import arrivals
from common.deadlines import DeadlineSource
from common.i18n import N_
from common.identity import Principal, Role
from config import database
from config.scheduler import Scheduler
from config.settings import Settings, get_settings
from config.shell import ShellController
from documents import controllers as documents_controllers
from documents.letters import bundle
from finance import controllers as finance_controllers
from finance.domain import FinanceSource
from jobs import controllers as jobs_controllers
from jobs.service import Handler
from jobs.worker import Worker
from notifications import controllers as notifications_controllers
from notifications import dashboard as notifications_dashboard
from opendata import controllers as opendata_controllers
from opendata.giving import controllers as giving_controllers
from portal import applications as portal_applications
from portal import bids as portal_bids
from portal import controllers as portal_controllers
from portal import pages as portal_pages
from portal import participation as portal_participation
from portal.guards import PortalSignInRequired, portal_sign_in_handler
from portal.service import arrivals as portal_arrivals
from scoring import api as scoring_api
from scoring import controllers as scoring_controllers
from scoring import dashboard as scoring_dashboard
from scoring import evaluator_pages as scoring_evaluator_pages
from scoring import scoresheet_controllers as scoring_scoresheets
from scoring.documents import SubjectDocuments
from scoring.reminders import ScoringReminders
from subsidies import api as subsidies_api
from subsidies import application_pages as subsidies_application_pages
from subsidies import controllers as subsidies_controllers
from subsidies import dashboard as subsidies_dashboard
from subsidies import deadlines as subsidies_deadlines
from subsidies import finance as subsidies_finance
from subsidies import jobs as subsidies_jobs
from subsidies import publication_pages as subsidies_publication
from tenders import api as tender_api
from tenders import award_pages as tender_award_pages
from tenders import bids as tender_bids
from tenders import controllers as tender_controllers
from tenders import dashboard as tender_dashboard
from tenders import deadlines as tender_deadlines
from tenders import finance as tender_finance
from tenders import participation_pages as tender_participation_pages
from tenders import procurement_pages as tender_procurement_pages
from web.csrf import CsrfFailed, SessionBoundCSRFMiddleware, csrf_failed_handler
from web.dashboard import PanelProvider
from web.deadlines import DeadlinesApiController, DeadlinesController, next_deadlines
from web.errors import EXCEPTION_HANDLERS
from web.i18n import request_language, set_current_language
from web.limits import IntegerBoundsMiddleware, out_of_range_handlers
from web.navigation import NavItem
from web.openapi import CompletedJsonRenderPlugin
from web.security import security_headers
from web.templating import create_environment

STATIC_DIRECTORY = Path(__file__).resolve().parents[1] / "web" / "static"
EVERYONE = frozenset(Role)

NAVIGATION: list[NavItem] = [
    NavItem(N_("Dashboard"), "/", EVERYONE),
    NavItem(N_("Scoring"), "/scoring", EVERYONE),
    NavItem(N_("Tenders"), "/tenders", frozenset({Role.OFFICER, Role.ADMIN, Role.FINANCE})),
    NavItem(
        N_("Subsidy rounds"), "/subsidies", frozenset({Role.OFFICER, Role.ADMIN, Role.FINANCE})
    ),
    NavItem(N_("Finance"), "/finance", frozenset({Role.ADMIN, Role.OFFICER, Role.FINANCE})),
    NavItem(N_("Deadlines"), "/deadlines", frozenset({Role.ADMIN, Role.OFFICER, Role.FINANCE})),
    NavItem(N_("Authorities"), "/admin/authorities", frozenset({Role.ADMIN})),
    NavItem(N_("Service types"), "/admin/service-types", frozenset({Role.ADMIN})),
    NavItem(N_("Users"), "/admin/users", frozenset({Role.ADMIN})),
    NavItem(N_("Outbox"), "/admin/outbox", frozenset({Role.ADMIN})),
    NavItem(N_("Audit log"), "/admin/audit", frozenset({Role.ADMIN})),
    NavItem(N_("Letter templates"), "/admin/letter-templates", frozenset({Role.ADMIN})),
]

DASHBOARD_PANELS: list[PanelProvider] = [
    tender_dashboard.running_tenders,
    subsidies_dashboard.officer_rounds,
    subsidies_dashboard.payments_due,
    next_deadlines([tender_deadlines.DEADLINES, subsidies_deadlines.SOURCE]),
    scoring_dashboard.evaluations,
    authorities_dashboard.my_authorities,
    accounts_dashboard.users_by_role,
    notifications_dashboard.outbox,
    audit_dashboard.recent_events,
]

# The audit log's pages tell who acted by name; the names are the users' (accounts).
audit_service.use_actor_names(names_by_email)
# Letters sent and notices published are mailed to the addressed organisations' portal members.
arrivals.listen(portal_arrivals.tell_members)

ROUTE_HANDLERS: list[Any] = [
    ShellController,
    DeadlinesController,
    DeadlinesApiController,
    *finance_controllers.CONTROLLERS,
    *accounts_controllers.CONTROLLERS,
    *authorities_controllers.CONTROLLERS,
    *audit_controllers.CONTROLLERS,
    *scoring_controllers.CONTROLLERS,
    *scoring_api.CONTROLLERS,
    *scoring_evaluator_pages.CONTROLLERS,
    *scoring_scoresheets.CONTROLLERS,
    *tender_controllers.CONTROLLERS,
    *tender_procurement_pages.CONTROLLERS,
    *tender_award_pages.CONTROLLERS,
    *tender_api.CONTROLLERS,
    *notifications_controllers.CONTROLLERS,
    *subsidies_controllers.CONTROLLERS,
    *subsidies_application_pages.CONTROLLERS,
    *subsidies_api.CONTROLLERS,
    *subsidies_publication.CONTROLLERS,
    *giving_controllers.CONTROLLERS,
    *documents_controllers.CONTROLLERS,
    *jobs_controllers.CONTROLLERS,
    *opendata_controllers.CONTROLLERS,
    *portal_controllers.ACCOUNT_CONTROLLERS,
    *portal_pages.CONTROLLERS,
    *portal_applications.CONTROLLERS,
    *portal_bids.CONTROLLERS,
    *portal_participation.CONTROLLERS,
    *tender_participation_pages.CONTROLLERS,
]


async def retrieve_principal(
    session: dict[str, Any], connection: ASGIConnection
) -> Principal | None:
    user_id = session.get("user_id")
    return await load_principal(user_id) if isinstance(user_id, int) else None


async def choose_language(request: Request) -> None:
    """The signed-in user's language; otherwise the cookie, the browser's wish or the default."""
    set_current_language(request_language(request))


# Contexts with deadline-driven steps (tenders, subsidy rounds, scoring reminders).
DEADLINE_SOURCES: list[DeadlineSource] = [
    tender_deadlines.DEADLINES,
    subsidies_deadlines.SOURCE,
    ScoringReminders(),
]
# Contexts whose awards, budgets and payments finance reads (tenders, subsidy rounds).
FINANCE_SOURCES: list[FinanceSource] = [tender_finance.SOURCE, subsidies_finance.SOURCE]
# Contexts whose evaluations' subjects have documents an evaluator reads (a tender's bids).
SUBJECT_DOCUMENTS: list[SubjectDocuments] = [tender_bids.BID_DOCUMENTS]


@asynccontextmanager
async def scheduler(app: Litestar) -> AsyncIterator[None]:
    """The deadline scheduler, in the leading process only (unless turned off)."""
    settings: Settings = app.state.settings
    if not settings.scheduler:
        yield
        return
    running = Scheduler(settings, DEADLINE_SOURCES)
    app.state.scheduler = running
    await running.start()
    try:
        yield
    finally:
        await running.stop()


# The long work of the contexts, run as jobs by any instance: kind -> handler.
JOB_HANDLERS: dict[str, Handler] = {
    bundle.PDF_ZIP: bundle.pdf_zip_job,
    **subsidies_jobs.HANDLERS,
}


@asynccontextmanager
async def job_worker(app: Litestar) -> AsyncIterator[None]:
    """This instance claims and runs queued jobs (unless turned off)."""
    if not app.state.settings.jobs:
        yield
        return
    worker = Worker(JOB_HANDLERS)
    await worker.start()
    try:
        yield
    finally:
        await worker.stop()


@asynccontextmanager
async def database_pool(app: Litestar) -> AsyncIterator[None]:
    """A PostgreSQL connection pool for the app's lifetime (unless turned off)."""
    if not app.state.settings.db_pool:
        yield
        return
    await database.open_pool()
    try:
        yield
    finally:
        await database.close_pool()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()

    environment = create_environment(NAVIGATION, settings.timezone)
    template_config = TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))

    session_config = SessionConfig(
        key=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        renew_on_access=True,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        exclude=["^/static/"],
        store="sessions",
    )
    session_auth = SessionAuth[Principal, SessionBackend](
        retrieve_user_handler=retrieve_principal,
        session_backend_config=session_config,
        # The portal's pages check its own sessions (portal.guards): a portal session names no
        # back-office user, so every other route refuses it.
        exclude=["^/login", "^/static/", "^/schema", "^/portal(/|$)"],
    )
    csrf = DefineMiddleware(
        SessionBoundCSRFMiddleware,
        secret=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        secure=settings.secure_cookies,
    )
    static_files = create_static_files_router(
        path="/static",
        directories=[STATIC_DIRECTORY],
        opt={"exclude_from_auth": True},
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=3600),
        name="static",
    )

    return Litestar(
        route_handlers=[*ROUTE_HANDLERS, static_files],
        on_app_init=[session_auth.on_app_init],
        lifespan=[database_pool, scheduler, job_worker],
        before_request=choose_language,
        stores={"sessions": DatabaseSessionStore()},
        # Inside the session and auth middleware: they see who signed in.
        middleware=[IntegerBoundsMiddleware, csrf],
        before_send=[security_headers(https=settings.secure_cookies)],
        template_config=template_config,
        plugins=[HTMXPlugin(), FlashPlugin(config=FlashConfig(template_config=template_config))],
        exception_handlers={
            **EXCEPTION_HANDLERS,
            **out_of_range_handlers(),
            CsrfFailed: csrf_failed_handler,
            PortalSignInRequired: portal_sign_in_handler,
        },
        openapi_config=OpenAPIConfig(
            title="tenderdesk API",
            version="1",
            path="/schema",
            # The document only (at /schema and /schema/openapi.json), with every error answer
            # and the files' media types (web.openapi); the HTML viewers load their scripts
            # from CDNs, which the Content-Security-Policy does not allow.
            render_plugins=[CompletedJsonRenderPlugin()],
            description="Subsidy rounds, tenders, scoring, letters and finance exports. "
            "Sign in through /login; send the value of the tenderdesk_csrf "
            "cookie in the x-csrftoken header with every change (the sign-in "
            "answer sets a new one, bound to the new session).",
        ),
        state=State(
            {
                "settings": settings,
                "dashboard_panels": DASHBOARD_PANELS,
                "deadline_sources": DEADLINE_SOURCES,
                "finance_sources": FINANCE_SOURCES,
                "subject_documents": SUBJECT_DOCUMENTS,
            }
        ),
        debug=settings.debug,
    )
