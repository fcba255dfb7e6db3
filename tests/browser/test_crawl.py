"""Every page reachable from the dashboard, for each demo role, in English and Dutch, over the
demo data (tenders, rounds and evaluations in each of their phases), answers without a 5xx,
shows no English message the Dutch catalog translates on a Dutch page, no internal reference
(``bid:38``) or raw code (``day_support``), and passes axe-core without a serious or critical
violation.

The pages are fetched through the app in process (links and GET forms, breadth first, at most
a few pages of each shape: :mod:`tests.support.crawl`); axe runs in Chromium on one page of
each shape per role, against a live server on the same database. It runs on SQLite only: what
it looks at is how pages render, which does not depend on the database, and the demo data
takes long enough to build once.
"""

from __future__ import annotations

import os

import pytest
from litestar.testing import AsyncTestClient

from accounts.tables import User
from config.app import create_app
from config.settings import load_settings
from tests.support.browser import serious_accessibility_violations, sign_in_page
from tests.support.crawl import crawl, internal_text, read_page, shape, untranslated
from tests.support.http import sign_in

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                 reason="renders pages; once, on SQLite, is enough")]

# One demo user per role, and the evaluator of the evaluation still being scored.
USERS = {"admin": "admin@tenderdesk.example", "officer": "officer@tenderdesk.example",
         "evaluator": "evaluator@tenderdesk.example", "finance": "finance@tenderdesk.example",
         "evaluator scoring": "evaluator5@tenderdesk.example"}
# Demo data that happens to read like a message (a criterion named "Price").
DATA = frozenset({"Price", "Plan of approach", "Cooperation with the district teams"})


@pytest.fixture
async def demo(db) -> dict[str, str]:
    from config import demo as demo_data

    return await demo_data.load()


async def crawl_as(app, email: str, password: str, language: str) -> dict[str, tuple[int, str]]:
    await User.update({User.language: language}).where(User.email == email)
    async with AsyncTestClient(app=app) as client:
        client.follow_redirects = False
        await sign_in(client, email, password)
        client.follow_redirects = True

        async def fetch(url: str) -> tuple[int, str, str]:
            response = await client.get(url)
            return (response.status_code, response.headers.get("content-type", ""),
                    response.text)

        return await crawl(fetch)


async def test_every_page_for_every_role_in_both_languages(demo, live_server, browser):
    app = create_app(load_settings())
    problems: list[str] = []
    to_check: dict[str, dict[str, str]] = {}  # role -> shape -> url, for axe
    for role, email in USERS.items():
        for language in ("en", "nl"):
            pages = await crawl_as(app, email, demo[email], language)
            assert len(pages) > 5, f"{role} reached only {list(pages)}"
            for url, (status, body) in pages.items():
                where = f"{role} [{language}] {url}"
                if status >= 500:
                    problems.append(f"{where}: {status}")
                    continue
                shown = read_page(body)
                texts = shown.texts
                for text in internal_text(texts, DATA | shown.codes):
                    problems.append(f"{where}: internal text {text!r}")
                if language == "nl":
                    for text in untranslated(texts, "nl", DATA):
                        problems.append(f"{where}: untranslated {text!r}")
                    to_check.setdefault(role, {}).setdefault(shape(url), url)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(sorted(set(problems)))

    for role, shapes in to_check.items():
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await sign_in_page(page, live_server, USERS[role], demo[USERS[role]])
        for url in shapes.values():
            await page.goto(f"{live_server.url}{url}")
            for violation in await serious_accessibility_violations(page):
                problems.append(f"{role} {url}: {violation}")
        await context.close()
    assert not problems, f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)
