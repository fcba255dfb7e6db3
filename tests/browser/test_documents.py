"""Letter templates in Chromium: an administrator replaces an authority's grant decision
template, meets the refusal of a broken one with its location, and then uses a good one."""

import io

import pytest
from docx import Document

from tests.support.browser import screenshot, serious_accessibility_violations, sign_in_page
from tests.support.fixtures import TEST_PASSWORD

pytestmark = pytest.mark.browser
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def template(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def accessible(page, name: str) -> None:
    await screenshot(page, name)
    violations = await serious_accessibility_violations(page)
    assert not violations, f"{name}: " + "\n".join(violations)


async def upload_grant_template(page, greeting: str) -> None:
    """Upload beschikking.docx (``greeting``, then the amount) as the grant letter's template."""
    await page.select_option("#f-kind", "grant")
    await page.set_input_files(
        "#f-file",
        files=[
            {
                "name": "beschikking.docx",
                "mimeType": DOCX,
                "buffer": template(greeting, "Bedrag: {{ granted }}"),
            }
        ],
    )
    await page.get_by_role("button", name="Check and use").click()
    await page.wait_for_load_state("networkidle")


async def test_admin_replaces_a_letter_template(db, live_server, page, make_user, make_authority):
    authority = await make_authority("Gemeente Utrecht")
    admin = await make_user("admin")
    await sign_in_page(page, live_server, admin.email, TEST_PASSWORD)
    await page.get_by_role("link", name="Letter templates").first.click()
    assert await page.locator("h1").inner_text() == "Letter templates"
    await page.get_by_role("link", name="Gemeente Utrecht").click()
    assert await page.locator("h1").inner_text() == "Letter templates of Gemeente Utrecht"
    assert authority["language"] == "nl"
    await accessible(page, "documents-letter-templates")

    await upload_grant_template(page, "Geachte {{ adressee.name }},")
    problems = page.locator("#problems")
    assert "The template was not stored" in await problems.inner_text()
    assert (
        "document ¶1: Unknown placeholder adressee in “Geachte {{ adressee.name }},”"
        in await problems.inner_text()
    )
    await accessible(page, "documents-letter-template-refused")

    await upload_grant_template(page, "Geachte {{ addressee.name }},")
    assert (
        "is now used for this authority's letters" in await page.locator("#messages").inner_text()
    )
    row = page.locator("tr", has_text="Subsidy grant decision").filter(has_text="Nederlands")
    assert "Own template: beschikking.docx" in await row.inner_text()
    async with page.expect_download() as download:
        await row.get_by_role("link", name="Sample letter (.docx)").click()
    assert (await download.value).suggested_filename == "preview-grant-nl.docx"
