"""A decided subsidy round's letters in Chromium: the officer sends them, follows the job's
progress to the end and downloads every letter as PDF in one zip."""

import zipfile

import pytest

from common import clock
from documents import office
from subsidies import service
from tests.subsidies.conftest import SEPTEMBER, Setup, round_form
from tests.subsidies.test_letters import decided_round
from tests.support.browser import require_tool, sign_in_page
from tests.support.fixtures import TEST_PASSWORD
from tests.support.jobs import run_jobs

pytestmark = pytest.mark.browser


async def submit(page, selector: str) -> None:
    await page.click(selector)
    await page.wait_for_load_state("networkidle")


async def test_officer_sends_letters_and_downloads_them_as_pdf(
    db, live_server, page, make_user, make_authority
):
    require_tool(office.available(), "LibreOffice")
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    evaluator = await make_user("evaluator")
    moment = clock.FixedClock(SEPTEMBER)
    with clock.use_clock(moment):
        created = await service.create_round(officer, round_form(authority["id"]))
        await service.open_round(officer, created.id)
        await decided_round(Setup(officer, evaluator, authority["id"], created.id), moment)

    await sign_in_page(page, live_server, officer.email, TEST_PASSWORD)
    await page.goto(f"{live_server.url}/subsidies/rounds/{created.id}/letters")
    await page.check("#f-confirm-letters")  # an irreversible step: confirmed
    await submit(page, "button:has-text('Send the decision letters')")
    status = page.locator("#job-status")
    assert await status.locator(".job-state").get_attribute("data-state") == "queued"
    assert await status.locator("progress").count() == 1
    await run_jobs()
    # The fragment polls /jobs/{id} itself: no reload, the progress bar gives way to the end.
    await page.wait_for_selector("#job-status .job-state[data-state=done]", timeout=15000)
    assert await status.locator("progress").count() == 0
    assert "5 decision letters have been sent." in await status.inner_text()

    await submit(page, "text=Back")
    await submit(page, "text=Download all as PDF (zip)")
    assert "/jobs/" in page.url
    await run_jobs()
    await page.wait_for_selector("#job-status .job-state[data-state=done]", timeout=15000)
    async with page.expect_download() as download:
        await page.click("#job-status >> text=Download the file")
    zipped = await (await download.value).path()
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        assert len(names) == 5 and all(name.endswith(".pdf") for name in names)
        for name in names:
            assert archive.read(name).startswith(b"%PDF-"), name
    assert (await download.value).suggested_filename.endswith(".zip")
