"""Every state-changing API route, sent twice at the same moment on the demo data.

For each POST, PUT, PATCH and DELETE under ``/api/v1`` (walked from the app's route table,
with real ids of the demo data as in ``tests/test_authorization.py``), a user of a role the
route allows sends the same request twice at once, then once more on its own:

- none of the three answers 5xx (a lost race is a refusal, never a crash);
- when the request repeated on its own is refused with 409 (the change happens once), the two
  sent at once did not both succeed;
- when one of the two succeeded and the repeat is refused with 409, the refusal names who
  made the change (the sender, by name) and when (``audit.service.conflict``).

PostgreSQL only: on SQLite every transaction takes the database's write lock when it begins
(``config.database.transaction``), so two requests never interleave between their checks and
their writes and the walk proves nothing there; the races it looks for are those of
PostgreSQL's READ COMMITTED transactions. The walk takes about a minute.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from litestar import Litestar

from config.database import is_sqlite, raw
from tests.authz import collect
from tests.support.http import sign_in

CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# The end of a refusal that tells a change: "… (Olga de Vries … op 7 dec 2026, 08:12)".
TOLD_AT = re.compile(r"\d\d:\d\d\)$")
# The demo user that sends a route's requests: the first role of these the route allows.
SENDERS = (
    ("officer", "officer@tenderdesk.example"),
    ("evaluator", "evaluator@tenderdesk.example"),
    ("admin", "admin@tenderdesk.example"),
)
# Bodies that get past the input checks to the state change (others send an empty object).
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/subsidies/rounds/{round_id:int}/open-data"): {
        "withheld": True,
        "reason": "Sent twice at once",
    },
    ("POST", "/api/v1/tenders/{tender_id:int}/actions/{action:str}"): {
        "reason": "Sent twice at once"
    },
    ("POST", "/api/v1/tenders/{tender_id:int}/questions"): {
        "asker": "Zorg Plus BV",
        "question": "May we subcontract?",
    },
    ("POST", "/api/v1/tenders/{tender_id:int}/questions/{question_id:int}/answer"): {
        "answer": "Yes, up to half."
    },
    ("POST", "/api/v1/tenders/{tender_id:int}/objections"): {
        "objector": "Thuishulp West",
        "grounds": "The price was weighed wrongly",
    },
    ("POST", "/api/v1/tenders/{tender_id:int}/objections/{objection_id:int}/resolve"): {
        "resolution": "Rejected"
    },
    ("POST", "/api/v1/tenders/{tender_id:int}/candidates/{candidate_id:int}/decision"): {
        "admit": True
    },
    ("POST", "/api/v1/tenders/{tender_id:int}/lots/{lot_id:int}/unsuccessful"): {
        "reason": "No acceptable bid"
    },
    ("POST", "/api/v1/subsidies/applications/{application_id:int}/steps"): {"action": "complete"},
    ("POST", "/api/v1/subsidies/applications/{application_id:int}/settlement"): {
        "final_amount": "1000.00",
        "reasons": "Fewer meetings than planned",
    },
    ("PUT", "/api/v1/subsidies/payments/{payment_id:int}"): {"status": "approved"},
    ("POST", "/api/v1/users"): {
        "email": "twice@example.org",
        "name": "Sent Twice",
        "role": "finance",
    },
    ("POST", "/api/v1/service-types"): {
        "code": "sent_twice",
        "name_en": "Sent twice",
        "name_nl": "Twee keer",
    },
    ("POST", "/api/v1/authorities"): {
        "name": "Gemeente Tweemaal",
        "country": "NL",
        "registration_number": "12345678",
    },
}
# Routes that end the objects the others work on (the tender cancelled, the round decided)
# go last, so that the routes before them still find something to change.
LAST = ("/actions/", "/decision", "/letters", "/award-decisions", "/unsuccessful")


def _routes() -> list[tuple[str, str, str]]:
    """(method, template, role) of every state-changing API route, the ending ones last."""
    found = []
    for (method, template), roles in collect().items():
        if method in CHANGING and template.startswith("/api/v1/"):
            role = next((r for r, _ in SENDERS if r in roles), None)
            if role is not None:
                found.append((method, template, role))
    return sorted(found, key=lambda r: (any(part in r[1] for part in LAST), r[1], r[0]))


async def _send(client: Any, method: str, path: str, body: Any) -> tuple[int, str]:
    answer = await client.request(method, path, json=body)
    detail = answer.json().get("detail", "") if answer.status_code == 409 else ""
    return answer.status_code, str(detail)


def _problem(
    where: str, together: list[tuple[int, str]], alone: tuple[int, str], name: str
) -> str | None:
    """What is wrong with the answers to a route sent twice at once, then once alone."""
    statuses = [status for status, _ in together]
    if any(status >= 500 for status in (*statuses, alone[0])):
        return f"{where}: {statuses} at once, then {alone[0]}"
    if alone[0] != 409 or not any(200 <= status < 300 for status in statuses):
        return None
    if all(200 <= status < 300 for status in statuses):
        return f"{where}: both succeeded at once ({statuses}) though a repeat is refused (409)"
    if name not in alone[1] or not TOLD_AT.search(alone[1]):
        return f"{where}: the repeat's refusal does not name {name} and when: {alone[1]}"
    return None


async def test_no_route_succeeds_twice_at_once_where_a_repeat_is_refused(
    app: Litestar, parallel_client_factory
) -> None:
    if is_sqlite():
        pytest.skip("SQLite serialises every transaction from its start (see the docstring)")
    from config import demo
    from tests.support.demo_ids import demo_ids, fill

    passwords = await demo.load()
    names = {
        email: (await raw("SELECT name FROM accounts_user WHERE email = {}", email))[0]["name"]
        for _, email in SENDERS
    }
    ids = await demo_ids()
    routes = _routes()
    assert len(routes) > 40, "the walk finds the API's changing routes"
    problems: list[str] = []
    refused_after_a_change: list[str] = []
    clients = {role: (parallel_client_factory(), parallel_client_factory()) for role, _ in SENDERS}
    try:
        for role, email in SENDERS:
            for client in clients[role]:
                await client.__aenter__()
                await sign_in(client, email, passwords[email])
        for method, template, role in routes:
            path = fill(template, ids)
            body = BODIES.get((method, template), {})
            one, two = clients[role]
            together = await asyncio.gather(
                _send(one, method, path, body), _send(two, method, path, body)
            )
            alone = await _send(one, method, path, body)
            email = dict(SENDERS)[role]
            problem = _problem(f"{role} {method} {path}", together, alone, names[email])
            if alone[0] == 409 and any(200 <= status < 300 for status, _ in together):
                refused_after_a_change.append(f"{method} {path}")
            if problem:
                problems.append(problem)
    finally:
        for pair in clients.values():
            for client in pair:
                await client.__aexit__(None, None, None)
    assert not problems, "\n".join(problems)
    assert len(refused_after_a_change) >= 2, "the walk reaches refusals that name someone"
