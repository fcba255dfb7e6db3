"""The foundation as users meet it in Chromium: sign in per role, switch language, accessibility."""

import pytest

from tests.support.browser import (
    console_errors,
    screenshot,
    serious_accessibility_violations,
    sign_in_page,
)

pytestmark = pytest.mark.browser

ROLE_HEADINGS = {
    "admin@tenderdesk.example": "Administrator",
    "officer@tenderdesk.example": "Procurement officer",
    "evaluator@tenderdesk.example": "Evaluator",
    "finance@tenderdesk.example": "Finance",
}


async def test_each_demo_role_lands_on_its_dashboard(db, live_server, page):
    credentials = live_server.demo()
    for email, role_label in ROLE_HEADINGS.items():
        await page.context.clear_cookies()
        await sign_in_page(page, live_server, email, credentials[email])
        assert page.url == f"{live_server.url}/"
        heading = await page.locator("h1").inner_text()
        pre_heading = await page.locator(".utrecht-pre-heading").inner_text()
        assert heading == "Dashboard"
        # Demo users other than the admin read Dutch; the role label is in their language.
        assert pre_heading in (
            role_label,
            {
                "Procurement officer": "Inkoper",
                "Evaluator": "Beoordelaar",
                "Finance": "Financiën",
            }.get(role_label),
        )
        await screenshot(page, f"dashboard-{email.split('@')[0]}")
        violations = await serious_accessibility_violations(page)
        assert not violations, f"{email}: " + "\n".join(violations)
    # No script, style or frame the Content-Security-Policy refused, on any dashboard.
    assert console_errors(page) == []


async def test_switching_language_on_the_login_page_and_after(db, live_server, page):
    credentials = live_server.demo()
    await page.goto(f"{live_server.url}/login")
    assert await page.locator("h1").inner_text() == "Sign in"
    violations = await serious_accessibility_violations(page)
    assert not violations, "\n".join(violations)

    await page.click("button[name=language][value=nl]")
    assert await page.locator("h1").inner_text() == "Inloggen"
    assert await page.get_attribute("html", "lang") == "nl"

    await sign_in_page(
        page, live_server, "admin@tenderdesk.example", credentials["admin@tenderdesk.example"]
    )
    assert await page.locator("nav[aria-label] a[aria-current=page]").inner_text() == "Dashboard"
    await page.click("button[name=language][value=nl]")
    assert "Welkom" in await page.locator("main").inner_text()
    await page.goto(f"{live_server.url}/admin/users")
    assert await page.locator("h1").inner_text() == "Gebruikers"
    await page.click("button[name=language][value=en]")
    assert await page.locator("h1").inner_text() == "Users"
    assert console_errors(page) == []


async def test_a_wrong_password_is_announced_and_keyboard_usable(db, live_server, page):
    live_server.demo()
    await page.goto(f"{live_server.url}/login")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    await page.fill("#f-email", "officer@tenderdesk.example")
    await page.fill("#f-password", "not the password")
    await page.press("#f-password", "Enter")
    await page.wait_for_load_state("networkidle")
    alert = page.locator("[role=alert]")
    assert "The email address or password is not right." in await alert.inner_text()
    assert await page.evaluate("document.activeElement.id") == "problems"
    violations = await serious_accessibility_violations(page)
    assert not violations, "\n".join(violations)


async def test_the_browser_enforces_the_content_security_policy(db, live_server, page):
    """The control for the console checks above: what the policy forbids is refused, and
    that shows as a console error."""
    await page.goto(f"{live_server.url}/login")
    assert console_errors(page) == []
    ran = await page.evaluate("""() => {
        window.injected = false;
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.head.appendChild(script);
        return window.injected;
    }""")
    assert ran is False
    assert any("Content Security Policy" in text for text in console_errors(page))
