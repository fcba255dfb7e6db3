"""Every page reachable from the dashboard, for each demo role, in English and Dutch, and for
the Danish, Polish and Swedish officers and an evaluator of each country in their language,
over the demo data (tenders, rounds and evaluations in each of their phases), answers without a
5xx, shows no English message the page's catalog translates, no internal reference (``bid:38``)
or raw code (``day_support``), no day or time in a machine's format (ISO, or with seconds), and
passes axe-core without a serious or critical violation; no page is wider than a 390 px phone.

The pages are fetched through the app in process (links and GET forms, breadth first, at most
a few pages of each shape: :mod:`tests.support.crawl`); axe runs in Chromium on one page of
each shape per role, against a live server on the same database, and the same page is then
narrowed to 390 px. It runs on SQLite only: what
it looks at is how pages render, which does not depend on the database, and the demo data
takes long enough to build once.
"""

from __future__ import annotations

import os
import time

import pytest
from litestar.testing import AsyncTestClient

from accounts.tables import User
from config.app import create_app
from config.settings import load_settings
from tests.support.browser import serious_accessibility_violations, sign_in_page
from tests.support.crawl import (
    crawl,
    internal_text,
    raw_moments,
    read_page,
    run_together,
    shape,
    untranslated,
)
from tests.support.http import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="renders pages; once, on SQLite, is enough",
    ),
]

# One demo user per role, and the evaluator of the evaluation still being scored, in English
# and Dutch; each country's officer and another role in its language (the Danish and Polish
# demo evaluators are assigned nothing, so finance and the administrator instead).
USERS = {
    "admin": "admin@tenderdesk.example",
    "officer": "officer@tenderdesk.example",
    "evaluator": "evaluator@tenderdesk.example",
    "finance": "finance@tenderdesk.example",
    "evaluator scoring": "evaluator5@tenderdesk.example",
}
COUNTRY_USERS = {
    "da": {
        "officer dk": "officer.dk@tenderdesk.example",
        "finance dk": "finance@tenderdesk.example",
    },
    "pl": {"officer pl": "officer.pl@tenderdesk.example", "admin pl": "admin@tenderdesk.example"},
    "sv": {
        "officer se": "officer.se@tenderdesk.example",
        "evaluator se": "evaluator5@tenderdesk.example",
    },
}
# Demo data that happens to read like a message (a criterion named "Price").
DATA = frozenset({"Price", "Plan of approach", "Cooperation with the district teams"})
PHONE = 390  # px: no page may be wider than this viewport
# The first elements that stick out on the right (outside a scroll region), to name the culprit.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const element of document.querySelectorAll("body *")) {
    const right = element.getBoundingClientRect().right;
    const positioned = getComputedStyle(element).position === "absolute";
    if (right > width + 1 && (positioned || !element.parentElement.closest(".table-scroll"))) {
      found.push(`${element.tagName.toLowerCase()}.${[...element.classList].join(".")} ${right}`);
    }
  }
  return found.slice(0, 4);
}"""


def walks() -> list[tuple[str, str, str]]:
    """(role, email, language) for every crawl."""
    walks = [(role, email, language) for role, email in USERS.items() for language in ("en", "nl")]
    return walks + [
        (role, email, language)
        for language, users in COUNTRY_USERS.items()
        for role, email in users.items()
    ]


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
            return (response.status_code, response.headers.get("content-type", ""), response.text)

        return await crawl(fetch)


def page_problems(where: str, language: str, status: int, body: str) -> list[str]:
    """What is wrong with one page as a reader sees it."""
    if status >= 500:
        return [f"{where}: {status}"]
    shown = read_page(body)
    texts = shown.texts
    problems = [
        f"{where}: internal text {text!r}" for text in internal_text(texts, DATA | shown.codes)
    ]
    problems += [f"{where}: raw day or time {text!r}" for text in raw_moments(texts, shown.codes)]
    problems += [f"{where}: sentences run together {text!r}" for text in run_together(texts)]
    if language != "en":
        problems += [
            f"{where}: untranslated {text!r}" for text in untranslated(texts, language, DATA)
        ]
    return problems


async def browser_problems(
    browser, live_server, role: str, language: str, email: str, password: str, urls: list[str]
) -> list[str]:
    """Each page in Chromium: axe on the Dutch ones (the markup is the same in every language),
    and in every language no wider than a phone (the words are not)."""
    await User.update({User.language: language}).where(User.email == email)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await sign_in_page(page, live_server, email, password)
    problems: list[str] = []
    if language != "nl":
        await page.set_viewport_size({"width": PHONE, "height": 800})
    for url in urls:
        await page.goto(f"{live_server.url}{url}")
        if language == "nl":
            await page.set_viewport_size({"width": 1280, "height": 900})
            for violation in await serious_accessibility_violations(page):
                problems.append(f"{role} [{language}] {url}: {violation}")
            await page.set_viewport_size({"width": PHONE, "height": 800})
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            problems.append(
                f"{role} [{language}] {url}: {width} px wide at {PHONE} px: "
                + ", ".join(await page.evaluate(STICKING_OUT))
            )
        if language == "nl":
            await page.set_viewport_size({"width": 1280, "height": 900})
    await context.close()
    return problems


async def test_every_page_for_every_role_in_every_language(demo, live_server, browser):
    app = create_app(load_settings())
    problems: list[str] = []
    to_check: dict[tuple[str, str], dict[str, str]] = {}  # (role, language) -> shape -> url
    started = time.monotonic()
    for role, email, language in walks():
        walked = time.monotonic()
        pages = await crawl_as(app, email, demo[email], language)
        print(f"\n{role} [{language}]: {len(pages)} pages, {time.monotonic() - walked:.0f} s")
        if len(pages) <= 5:
            problems.append(f"{role} [{language}] reached only {list(pages)}")
        for url, (status, body) in pages.items():
            problems += page_problems(f"{role} [{language}] {url}", language, status, body)
            if language != "en":
                to_check.setdefault((role, language), {}).setdefault(shape(url), url)
    crawled = time.monotonic()
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(sorted(set(problems)))

    for (role, language), shapes in to_check.items():
        email = USERS.get(role) or COUNTRY_USERS[language][role]
        walked = time.monotonic()
        problems += await browser_problems(
            browser, live_server, role, language, email, demo[email], list(shapes.values())
        )
        print(
            f"\n{role} [{language}] in Chromium: {len(shapes)} pages, "
            f"{time.monotonic() - walked:.0f} s"
        )
    print(
        f"\ncrawl {crawled - started:.0f} s, browser {time.monotonic() - crawled:.0f} s, "
        f"{sum(len(s) for s in to_check.values())} pages in Chromium"
    )
    assert not problems, f"{len(problems)} browser problem(s):\n" + "\n".join(problems)


LANGUAGES = ("en", "nl", "da", "pl", "sv")


async def portal_crawl(email: str, password: str, start: str) -> dict[str, dict]:
    """The pages a demo portal account reaches from ``start``, in each language (its own
    language set to each in turn): {language: {url: (status, body)}}."""
    from portal.tables import PortalAccount
    from tests.portal.support import portal_sign_in

    app = create_app(load_settings())
    reached = {}
    for language in LANGUAGES:
        await PortalAccount.update({PortalAccount.language: language}).where(
            PortalAccount.email == email
        )
        async with AsyncTestClient(app=app) as client:
            client.follow_redirects = False
            await portal_sign_in(client, email, password)
            client.follow_redirects = True

            async def fetch(url: str, client=client) -> tuple[int, str, str]:
                response = await client.get(url)
                return (
                    response.status_code,
                    response.headers.get("content-type", ""),
                    response.text,
                )

            reached[language] = await crawl(fetch, start=start)
    await PortalAccount.update({PortalAccount.language: "nl"}).where(PortalAccount.email == email)
    return reached


async def portal_in_chromium(
    browser, live_server, email: str, password: str, urls, who: str
) -> list[str]:
    """Signed in as a (Dutch) portal account: axe on each page, and none wider than a phone."""
    problems = []
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{live_server.url}/portal/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", password)
    await page.press("#f-password", "Enter")
    await page.wait_for_url(f"{live_server.url}/portal")
    for url in urls:
        await page.set_viewport_size({"width": 1280, "height": 900})
        await page.goto(f"{live_server.url}{url}")
        for violation in await serious_accessibility_violations(page):
            problems.append(f"{who} [nl] {url}: {violation}")
        await page.set_viewport_size({"width": PHONE, "height": 800})
        width = await page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            problems.append(
                f"{who} {url}: {width} px wide at {PHONE} px: "
                + ", ".join(await page.evaluate(STICKING_OUT))
            )
    await context.close()
    return problems


async def test_the_portal_for_the_demo_supplier_in_every_language(demo, live_server, browser):
    """The supplier's portal (its pages and the public tender pages reached from them), the
    same checks in each language; in Chromium axe on the Dutch pages, every page at phone
    width."""
    from portal.demo import DEMO_SUPPLIER

    password = demo[DEMO_SUPPLIER]
    problems: list[str] = []
    shapes: dict[str, str] = {}
    for language, pages in (await portal_crawl(DEMO_SUPPLIER, password, "/portal")).items():
        if not any(url.startswith("/portal/inbox") for url in pages):
            problems.append(f"supplier [{language}] reached only {list(pages)}")
        for url, (status, body) in pages.items():
            if not url.startswith("/portal"):
                problems.append(f"supplier [{language}] left the portal for {url}")
            problems += page_problems(f"supplier [{language}] {url}", language, status, body)
            shapes.setdefault(shape(url), url)
    assert not problems, "\n".join(sorted(set(problems)))
    problems = await portal_in_chromium(
        browser, live_server, DEMO_SUPPLIER, password, shapes.values(), "supplier"
    )
    assert not problems, "\n".join(problems)
