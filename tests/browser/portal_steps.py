"""Steps a portal user takes in Chromium, shared by the portal's browser journeys."""

from __future__ import annotations

from tests.portal.support import PORTAL_PASSWORD, last_mail, link_in
from tests.support.browser import serious_accessibility_violations


async def no_violations(page, where: str) -> None:
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{where}: " + "\n".join(violations)


async def register_in_browser(
    page, base_url: str, email: str, number: str, organisation: str, person: str
) -> None:
    """From the public tender list: register (keyboard: fields by their labels, Enter sends),
    follow the link in the verification mail and sign in; axe-core on each page."""
    await page.goto(f"{base_url}/portal/tenders")
    assert await page.locator("h1").inner_text() == "Published tenders"
    await no_violations(page, "tenders")
    await page.get_by_role("link", name="Register").click()
    await no_violations(page, "register")
    await page.get_by_label("Your name").fill(person)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PORTAL_PASSWORD)
    await page.get_by_label("Name of the organisation").fill(organisation)
    await page.get_by_label("Country of registration").select_option("NL")
    field = page.get_by_label("Registration number")
    await field.fill(number)
    await field.press("Enter")
    await page.wait_for_selector("h1:has-text('Check your mail')")

    link = link_in((await last_mail(email, "portal_verify"))["body"])
    await page.goto(f"{base_url}{link}")
    assert "/portal/login" in page.url
    await no_violations(page, "login")
    await sign_in_portal(page, email)


async def sign_in_portal(page, email: str) -> None:
    """On the portal's sign-in page: the address, the password, Enter."""
    await page.get_by_label("Email address").fill(email)
    password = page.get_by_label("Password")
    await password.fill(PORTAL_PASSWORD)
    await password.press("Enter")
    await page.wait_for_selector("h1:has-text('My account')")
