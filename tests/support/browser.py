"""Page tests in headless Chromium (Playwright's async API) against a live server.

Chromium is looked for at /usr/bin/chromium (or TENDERDESK_CHROMIUM). Where it is missing the
browser tests are skipped locally, but fail when TENDERDESK_REQUIRE_TOOLS=1 (as in CI).
"""

from __future__ import annotations

import functools
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("TENDERDESK_CHROMIUM", "/usr/bin/chromium")


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def require_tool(available: bool, what: str) -> None:
    if available:
        return
    if os.environ.get("TENDERDESK_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{what} is required (TENDERDESK_REQUIRE_TOOLS=1) but not installed")
    pytest.skip(f"{what} is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class LiveServer:
    url: str

    def demo(self) -> dict[str, str]:
        """Load the demo data through the CLI; returns the demo users' passwords by email."""
        subprocess.run(
            [sys.executable, "-m", "config", "demo"], cwd=ROOT, check=True, capture_output=True
        )
        data_dir = Path(os.environ["TENDERDESK_DATA_DIR"])
        return json.loads((data_dir / "demo-credentials.json").read_text())


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "config", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        env={**os.environ, "TENDERDESK_DB_POOL": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a loaded machine (CI) can take a while to migrate
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the app did not start (run `tenderdesk serve` to see why)")
        time.sleep(0.2)
    yield LiveServer(url)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    require_tool(Path(CHROMIUM).exists(), "Chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser) -> AsyncIterator[object]:
    """A tab; every console error it logs (a script or style the Content-Security-Policy
    refused is one) is kept in ``tab.console_errors`` for :func:`console_errors`."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = await context.new_page()
    tab.console_errors = []
    tab.on(
        "console",
        lambda message: (
            tab.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    await context.close()


def console_errors(page) -> list[str]:
    """Console errors logged so far, but for answers a test provoked on purpose (4xx)."""
    return [
        text
        for text in page.console_errors
        if not text.startswith("Failed to load resource: the server responded with a status of 4")
    ]


async def sign_in_page(page, server: LiveServer, email: str, password: str) -> None:
    await page.goto(f"{server.url}/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", password)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, as readable lines."""
    # Evaluated through the DevTools protocol, not as a <script> in the page, so the page's
    # Content-Security-Policy (no inline script) lets it run and stays what users get.
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(axe_source())
    violations = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


async def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
