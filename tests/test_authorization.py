"""Every route is guarded as its table says: anonymous, each role, allowed and refused.

Anonymous callers of a protected page are redirected to the login page, of the API get 401;
a signed-in user without the role gets 403; an allowed role is let through (its answer may be
404 or 422 for the made-up ids and empty bodies used here, but never 401, 403 or a 5xx).
"""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.routes import HTTPRoute

from common.identity import Role
from tests.authz import collect
from tests.support.http import csrf_token, sign_in

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
SCHEMA_PREFIX = "/schema"


def registered_routes(app: Litestar) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(SCHEMA_PREFIX):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method not in SKIPPED_METHODS:
                    found.add((method, route.path))
    return found


def concrete_path(template: str) -> str:
    def value(match: re.Match[str]) -> str:
        kind = match.group(2)
        return {
            "int": "987654",
            "path": "no/such/file.css",
            "uuid": "00000000-0000-0000-0000-000000000000",
        }.get(kind, "nonexistent")

    return re.sub(r"\{(\w+):(\w+)\}", value, template)


async def call(client, method: str, path: str):
    headers = {"x-csrftoken": await csrf_token(client)}
    if path.startswith("/api/"):
        return await client.request(
            method, path, headers=headers, json={} if method != "GET" else None
        )
    return await client.request(method, path, headers=headers, data={} if method != "GET" else None)


def sign_in_page(template: str) -> str:
    """Where an anonymous caller is sent: the portal has its own sign-in."""
    return "/portal/login" if template.startswith("/portal") else "/login"


def test_every_route_is_in_a_table(app: Litestar) -> None:
    table = collect()
    routes = registered_routes(app)
    missing = sorted(routes - table.keys())
    stale = sorted(table.keys() - routes)
    assert not missing, f"routes without an entry in tests/authz: {missing}"
    assert not stale, f"entries in tests/authz without a route: {stale}"


async def test_anonymous_callers_are_sent_to_login(app: Litestar, client) -> None:
    problems = []
    for (method, template), roles in sorted(collect().items()):
        path = concrete_path(template)
        response = await call(client, method, path)
        if "anonymous" in roles:
            if response.status_code in (401, 403) or response.status_code >= 500:
                problems.append(f"{method} {template}: public but answered {response.status_code}")
        elif template.startswith("/api/"):
            if response.status_code != 401:
                problems.append(f"{method} {template}: expected 401, got {response.status_code}")
        elif response.status_code != 303 or not response.headers.get("location", "").startswith(
            sign_in_page(template)
        ):
            problems.append(
                f"{method} {template}: expected a redirect to {sign_in_page(template)}, "
                f"got {response.status_code}"
            )
    assert not problems, "\n".join(problems)


async def test_each_role_gets_exactly_its_routes(app: Litestar, client_factory, make_user) -> None:
    problems = []
    table = collect()
    for role in Role:
        user = await make_user(role)
        async with client_factory() as client:
            await sign_in(client, user.email)
            for (method, template), roles in sorted(table.items()):
                if (method, template) == ("POST", "/logout"):
                    continue  # would end this client's session in the middle of the walk
                response = await call(client, method, concrete_path(template))
                status = response.status_code
                if role.value in roles:
                    if status in (401, 403) or status >= 500:
                        problems.append(
                            f"{role.value} {method} {template}: allowed but got {status}"
                        )
                elif status != 403:
                    problems.append(f"{role.value} {method} {template}: expected 403, got {status}")
    assert not problems, "\n".join(problems)


# The changes finance may make are to its own session and account only.
FINANCE_OWN_CHANGES = {
    ("POST", "/logout"),
    ("POST", "/language"),
    ("POST", "/login"),
    ("POST", "/account/password"),
    ("POST", "/account/language"),
}


async def test_finance_changes_nothing(app: Litestar, client, make_user) -> None:
    """Over every changing route (a table entry alone could be wrong): finance gets 403."""
    finance = await make_user(Role.FINANCE)
    await sign_in(client, finance.email)
    changing = sorted(
        key for key in registered_routes(app) if key[0] != "GET" and key not in FINANCE_OWN_CHANGES
    )
    assert changing, "there are changing routes to check"
    answers = {
        f"{method} {template}": (await call(client, method, concrete_path(template))).status_code
        for method, template in changing
    }
    assert {route: status for route, status in answers.items() if status != 403} == {}


async def test_every_route_with_real_ids_of_the_demo_data(
    app: Litestar, client_factory, make_user, make_authority
) -> None:
    """Every route with ids of real demo objects, for every demo role and for an officer and a
    finance user of another authority (on SQLite and PostgreSQL alike).

    Nobody ever gets a 5xx; a role the route's table leaves out gets 403; the demo users (who
    work for every demo authority) are let through; the users of the other authority get 403 or
    404 for every page and API answer about an object of an authority they do not serve, and
    change nothing there: no change of theirs succeeds (2xx) and the audit log, where every
    change is recorded, holds nothing of theirs but their sign-in. (An empty form may be refused
    for its content before the object is looked up: 400, 422, or a redirect with the message.)
    Users who must not change anything walk first, the officer and the administrator (whose
    empty forms are mostly refused, but may change a demo object) last.
    """
    from audit.tables import AuditEvent
    from config import demo
    from tests.support.demo_ids import demo_ids, fill, is_authority_bound

    passwords = await demo.load()
    elsewhere = await make_authority("Gemeente Elders")
    outsiders = {
        "officer of another authority": await make_user(
            Role.OFFICER, authorities=[elsewhere["id"]]
        ),
        "finance of another authority": await make_user(
            Role.FINANCE, authorities=[elsewhere["id"]]
        ),
    }
    ids = await demo_ids()
    walkers = [
        *((label, user.email, None, user.role.value) for label, user in outsiders.items()),
        ("evaluator", "evaluator@tenderdesk.example", passwords, "evaluator"),
        ("finance", "finance@tenderdesk.example", passwords, "finance"),
        ("officer", "officer@tenderdesk.example", passwords, "officer"),
        ("admin", "admin@tenderdesk.example", passwords, "admin"),
    ]
    problems = []
    table = collect()
    for label, email, known, role in walkers:
        async with client_factory() as client:
            if known is None:
                await sign_in(client, email)
            else:
                await sign_in(client, email, known[email])
            for (method, template), roles in sorted(table.items()):
                if (method, template) == ("POST", "/logout"):
                    continue
                path = fill(template, ids)
                status = (await call(client, method, path)).status_code
                where = f"{label} {method} {path} ({template})"
                if status >= 500:
                    problems.append(f"{where}: {status}")
                elif role not in roles:
                    if status != 403:
                        problems.append(f"{where}: expected 403, got {status}")
                elif status == 401:
                    problems.append(f"{where}: allowed but got 401")
                elif label in outsiders and is_authority_bound(template):
                    if method == "GET" and status not in (403, 404):
                        problems.append(
                            f"{where}: another authority's object answered {status}, not 403 or 404"
                        )
                    elif method != "GET" and 200 <= status < 300:
                        problems.append(
                            f"{where}: a change to another authority's object answered {status}"
                        )
    recorded = await AuditEvent.select(
        AuditEvent.actor_id, AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id
    ).where(AuditEvent.actor_id.is_in([user.id for user in outsiders.values()]))
    about_others = [
        row
        for row in recorded  # their sign-in and own account aside
        if (row["object_type"], row["object_id"]) != ("user", str(row["actor_id"]))
    ]
    assert about_others == []
    assert not problems, "\n".join(problems)
