"""The applicant's subsidy pages: applying through the forms (budget rows added and removed
without JavaScript, an attachment, problems shown with their fields), CSRF, another
organisation's draft, and what the officer then sees. (Two submissions at once:
tests/portal/test_applications.py, through the service, where the requests really overlap.)"""

from __future__ import annotations

from datetime import timedelta

from common.localtime import utc_to_local
from subsidies.service import applicant as applying
from subsidies.tables import Application, ApplicationFile, Report, SubsidyRound
from tests.portal.conftest import Scene
from tests.portal.subsidy import (  # noqa: F401 - fixtures
    PDF,
    SECRET_TITLE,
    PortalRounds,
    applicant,
    complete_form,
    portal_rounds_fixture,
)
from tests.portal.support import portal_sign_in
from tests.support.http import CSRF_COOKIE, post_form, sign_in, text_of


async def _start(client, round_id: int) -> int:
    response = await post_form(client, f"/portal/rounds/{round_id}/apply")
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def _row(application_id: int) -> dict:
    return await Application.select().where(Application.id == application_id).first()


async def test_an_applicant_applies_through_the_pages(
    scene: Scene, portal_rounds: PortalRounds, client_factory
) -> None:
    async with client_factory() as anna, client_factory() as officer:
        await portal_sign_in(anna, scene.emails["a"])
        listing = text_of((await anna.get("/portal/rounds")).text)
        assert "Mantelzorg 2027" in listing and "Ontmoeting 2026" not in listing  # closed
        application_id = await _start(anna, portal_rounds.open_round)
        assert await _start(anna, portal_rounds.open_round) == application_id
        url = f"/portal/applications/{application_id}"
        page = await anna.get(url)
        assert page.status_code == 200 and "Registered in the Netherlands" in page.text
        # A row added (the draft saved with it), then the first one removed.
        form = complete_form(budget_description=["Huur"], budget_amount=["12000"])
        response = await post_form(anna, url, {**form, "action": "add"})
        assert response.status_code == 200 and response.text.count('name="budget_amount"') == 2
        response = await post_form(
            anna,
            url,
            {
                **form,
                "budget_description": ["Huur", "Begeleiding"],
                "budget_amount": ["12000", "30000"],
                "action": "remove:0",
            },
        )
        assert response.status_code == 303
        assert '"Begeleiding"' in (await _row(application_id))["budget_lines"]
        assert "Huur" not in (await _row(application_id))["budget_lines"]
        # Submitting what does not add up: every problem with its field, nothing submitted.
        response = await post_form(anna, url, {**form, "declarations": [], "action": "submit"})
        assert response.status_code == 422
        shown = text_of(response.text)
        assert "The budget rows add up to 12000.00" in shown
        assert "Declare that the organisation meets this condition" in shown
        assert (await _row(application_id))["state"] == "draft"
        # An attachment, checked before it is stored.
        token = anna.cookies[CSRF_COOKIE]
        refused = await anna.post(
            f"{url}/files",
            data={"_csrf_token": token},
            files={"file": ("run.exe", b"MZ", "application/octet-stream")},
        )
        assert (
            refused.status_code == 422
            and await ApplicationFile.count().where(ApplicationFile.application == application_id)
            == 0
        )
        added = await anna.post(
            f"{url}/files",
            data={"_csrf_token": token},
            files={"file": ("plan.pdf", PDF, "application/pdf")},
        )
        assert added.status_code == 303
        response = await post_form(anna, url, {**complete_form(), "action": "submit"})
        assert response.status_code == 303, text_of(response.text)
        row = await _row(application_id)
        assert row["state"] == "submitted"
        assert row["submitted_by"] == f"portal:{scene.emails['a']}"
        page = text_of((await anna.get(url)).text)
        assert "Submitted" in page and "plan.pdf" in page
        # The officer sees who submitted it in the portal, and when.
        await sign_in(officer, scene.world.officer.email)
        listing = text_of(
            (await officer.get(f"/subsidies/rounds/{portal_rounds.open_round}/applications")).text
        )
        assert f"portal: {scene.emails['a']}" in listing
        assert SECRET_TITLE not in listing  # B's draft is not listed
        page = text_of((await officer.get(f"/subsidies/applications/{application_id}")).text)
        assert "Made in the portal" in page and scene.emails["a"] in page
        assert "plan.pdf (Attachment" in page
        assert (
            await officer.get(f"/subsidies/applications/{portal_rounds.b_draft}")
        ).status_code == 404


async def test_forms_need_the_csrf_token(
    scene: Scene, portal_rounds: PortalRounds, client_factory
) -> None:
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        anna.headers.pop("x-csrftoken", None)
        response = await anna.post(f"/portal/rounds/{portal_rounds.open_round}/apply", data={})
        assert response.status_code == 403
        assert (
            await Application.count().where(Application.organisation == scene.organisations["a"])
            == 0
        )


async def test_another_organisations_draft_is_not_found(
    scene: Scene, portal_rounds: PortalRounds, client_factory
) -> None:
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        url = f"/portal/applications/{portal_rounds.b_draft}"
        assert (await anna.get(url)).status_code == 404
        response = await post_form(anna, url, {**complete_form(), "action": "submit"})
        assert response.status_code == 404
        assert SECRET_TITLE not in (await anna.get("/portal/applications")).text
    row = await _row(portal_rounds.b_draft)
    assert row["state"] == "draft" and row["title"] == SECRET_TITLE


async def test_a_late_submission_is_refused_with_both_moments(
    scene: Scene, portal_rounds: PortalRounds, client_factory
) -> None:
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        application_id = await _start(anna, portal_rounds.open_round)
        url = f"/portal/applications/{application_id}"
        await anna.get(url)
        [round_] = await SubsidyRound.select().where(SubsidyRound.id == portal_rounds.open_round)
        scene.world.clock.set(round_["closes_at"] + timedelta(seconds=1))
        await portal_sign_in(anna, scene.emails["a"])  # the session of 20 days ago has expired
        await anna.get(url)
        response = await post_form(
            anna,
            url,
            {**complete_form(), "action": "submit"},
            headers={"referer": str(anna.base_url).rstrip("/") + url},
        )
        assert response.status_code == 303
        assert response.headers["location"] == url  # back to the page, with the message
        shown = text_of((await anna.get(url)).text)
        closes = utc_to_local(round_["closes_at"], "Europe/Amsterdam")
        assert f"The round closed at {closes:%H:%M:%S}" in shown
        assert f"arrived at {closes + timedelta(seconds=1):%H:%M:%S}.000000" in shown
        assert "1 seconds too late" in shown
        assert "The round does not take submissions now" in shown
    assert (await _row(application_id))["state"] == "draft"


async def test_the_officer_sees_what_the_applicant_sent(
    scene: Scene, portal_rounds: PortalRounds, client_factory
) -> None:
    """The report and the settlement request sent in the portal, on the officer's page of
    the application: the report received with its file, the request with its amount."""
    b = applicant(scene.organisations["b"], scene.emails["b"])
    granted = portal_rounds.b_granted
    await applying.send_report(b, granted, portal_rounds.b_report, "verslag-b.pdf", "", PDF)
    await applying.request_settlement(b, granted, "39000", "afrekening-b.pdf", "", PDF)
    async with client_factory() as officer:
        await sign_in(officer, scene.world.officer.email)
        page = await officer.get(f"/subsidies/applications/{granted}")
        shown = text_of(page.text)
        assert "verslag-b.pdf (Report" in shown and "afrekening-b.pdf (Settlement request" in shown
        assert "Settlement requested €39,000.00" in shown
        assert "Activity report: due" in shown and "; received" in shown
        report_file = (
            await Report.select(Report.file).where(Report.id == portal_rounds.b_report).first()
        )["file"]
        served = await officer.get(f"/subsidies/applications/{granted}/files/{report_file}")
        assert served.status_code == 200 and served.content == PDF
