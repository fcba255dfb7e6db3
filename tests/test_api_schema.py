"""The JSON API against its own OpenAPI document, fuzzed with schemathesis.

Every operation under /api/ gets a few generated requests (valid and invalid parameters and
bodies) as the demo officer and as the demo administrator, over the demo data. The run fails on
any 5xx and on any answer the document does not describe: an undocumented status code, a
content type other than the documented one (files included), a body that does not match its
schema. Bounded (a few examples per operation, derandomised, no shrinking: about a minute on two
cores) and run on SQLite only: it tests the API's contract, which does not depend on the
database; the services themselves are tested on both.
"""

from __future__ import annotations

import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.app import create_app
from config.settings import load_settings

EXAMPLES = 3
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


@pytest.fixture
async def demo_passwords(db):
    if load_settings().is_postgres:
        pytest.skip("the schema fuzz runs on SQLite only (see the module doc)")
    from config import demo

    return await demo.load()


def _sign_in(app, email: str, password: str) -> dict[str, str]:
    with asgi.get_client(app) as client:
        client.get("/login")
        answer = client.post(
            "/login",
            allow_redirects=False,
            data={
                "email": email,
                "password": password,
                "_csrf_token": client.cookies["tenderdesk_csrf"],
            },
        )
        assert answer.status_code == 303, f"sign-in as {email}: {answer.status_code}"
        return dict(client.cookies)


def test_the_api_answers_as_its_document_says(demo_passwords):
    app = create_app(load_settings())
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    failures: dict[str, set[str]] = collections.defaultdict(set)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith("/api/")]
    assert len(operations) > 100, "the API's operations are in the document"
    try:
        for email in ("officer@tenderdesk.example", "admin@tenderdesk.example"):
            cookies = _sign_in(app, email, demo_passwords[email])
            headers = {"x-csrftoken": cookies["tenderdesk_csrf"]}
            for operation in operations:
                _fuzz(operation, email, cookies, headers, failures)
    finally:
        asgi.shutdown_lifespans()
    report = [
        f"{where}: {'; '.join(sorted(found)[:3])}" for where, found in sorted(failures.items())
    ]
    assert not report, "\n".join(report)


def _fuzz(operation, email, cookies, headers, failures) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case) -> None:
        answer = case.call(headers=headers, cookies=cookies)
        for check in CHECKS:
            try:
                case.validate_response(answer, checks=[check])
            except BaseException as failure:  # schemathesis raises groups of failures
                first = str(failure).strip().splitlines()[:4]
                failures[f"{email} {operation.label} {check.__name__}"].add(
                    f"{answer.status_code} {' / '.join(first)} ({case.as_curl_command()})"
                )

    run()
