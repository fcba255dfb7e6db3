"""The letters of a round through the pages and /api/v1: send, list, download, zip, report."""

import hashlib
import io
import re
import zipfile
from contextlib import AsyncExitStack

from documents import office
from documents.letters import bundle
from subsidies import letters, service
from tests.subsidies.conftest import imported, round_form
from tests.subsidies.test_letters import decided_round, text_of_docx
from tests.support.browser import require_tool
from tests.support.http import post_form, sign_in, text_of
from tests.support.jobs import run_jobs

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _login(client_factory, stack, principal):
    client = await stack.enter_async_context(client_factory())
    await sign_in(client, principal.email)
    return client


def zipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


async def test_officers_send_and_readers_download_through_the_pages(
    setup, fixed_clock, client_factory, make_user, make_authority, monkeypatch
):
    s = setup
    names = await decided_round(s, fixed_clock)
    finance = await make_user("finance", authorities=[s.authority_id])
    stranger = await make_user("officer", authorities=[(await make_authority("Zeist"))["id"]])
    base = f"/subsidies/rounds/{s.round_id}"
    async with AsyncExitStack() as stack:
        officer = await _login(client_factory, stack, s.officer)
        reader = await _login(client_factory, stack, finance)
        other = await _login(client_factory, stack, stranger)
        before = text_of((await officer.get(f"{base}/letters")).text)
        assert "Send the decision letters" in before and "No letters have been sent" in before
        assert "Send the decision letters" not in text_of(
            (await reader.get(f"{base}/letters")).text
        )
        assert (await post_form(reader, f"{base}/letters")).status_code == 403
        assert (await other.get(f"{base}/letters")).status_code == 404

        unconfirmed = await post_form(officer, f"{base}/letters")
        assert unconfirmed.status_code == 303
        assert "Nothing was done" in text_of(
            (await officer.get(unconfirmed.headers["location"])).text
        )
        sent = await post_form(officer, f"{base}/letters", {"confirm": "yes"})
        # Sending runs as a job: the officer follows it on its page, which links back.
        assert sent.status_code == 303 and sent.headers["location"].startswith("/jobs/")
        job = sent.headers["location"]
        assert "Waiting to start" in text_of((await officer.get(job)).text)
        assert (await reader.get(job)).status_code == 404  # the officer's job, not theirs
        waiting = text_of((await officer.get(f"{base}/letters")).text)
        assert "The decision letters are being sent. Follow the progress" in waiting
        assert "Send the decision letters" not in waiting
        assert len(await run_jobs()) == 1
        done = (await officer.get(job)).text
        assert "5 decision letters have been sent." in text_of(done)
        assert f'href="{base}/letters"' in done
        page = (await reader.get(f"{base}/letters")).text
        shown = text_of(page)
        assert "{{ 7*7 }} Stichting Buurt" in shown and "<w:t> & Partners Zorg" in shown
        assert "Subsidy grant decision" in shown and "Subsidy refusal" in shown
        assert "&lt;w:t&gt; &amp; Partners Zorg" in page  # escaped in the HTML
        assert "Send the decision letters" not in shown
        file_ids = re.findall(rf'href="{base}/letters/(\d+)"', page)
        assert len(file_ids) == 5

        one = await reader.get(f"{base}/letters/{file_ids[0]}")
        assert one.status_code == 200 and one.headers["content-type"].startswith(DOCX)
        assert "attachment" in one.headers["content-disposition"]
        listed = await letters.round_letters(finance, s.round_id)
        assert hashlib.sha256(one.content).hexdigest() == listed[0].sha256
        assert (await other.get(f"{base}/letters/{file_ids[0]}")).status_code == 404
        assert (await reader.get(f"{base}/letters/999999")).status_code == 404

        archive = await reader.get(f"{base}/letters.zip")
        assert archive.status_code == 200
        assert archive.headers["content-type"].startswith("application/zip")
        files = zipped(archive.content)
        assert len(files) == 5
        assert any("{{ 7*7 }} Stichting Buurt" in text_of_docx(d) for d in files.values())

        # The application page lists its own letter, downloadable there only.
        first = names["{{ 7*7 }} Stichting Buurt"]
        application = (await reader.get(f"/subsidies/applications/{first}")).text
        [own] = re.findall(rf'href="/subsidies/applications/{first}/letters/(\d+)"', application)
        assert (
            await reader.get(f"/subsidies/applications/{first}/letters/{own}")
        ).status_code == 200
        others = [f for f in file_ids if f != own]
        assert (
            await reader.get(f"/subsidies/applications/{first}/letters/{others[0]}")
        ).status_code == 404

        report = await reader.get(f"{base}/evaluation-report.docx")
        assert report.status_code == 200 and "Quality of the plan" in text_of_docx(report.content)

        monkeypatch.setattr(office, "available", lambda: False)
        assert "PDF is unavailable" in text_of((await reader.get(f"{base}/letters")).text)
        assert (await reader.get(f"{base}/letters.zip?pdf=true")).status_code == 409


async def test_letters_through_the_api(setup, fixed_clock, client_factory, make_user):
    s = setup
    names = await decided_round(s, fixed_clock)
    finance = await make_user("finance", authorities=[s.authority_id])
    base = f"/api/v1/subsidies/rounds/{s.round_id}"
    async with AsyncExitStack() as stack:
        officer = await _login(client_factory, stack, s.officer)
        reader = await _login(client_factory, stack, finance)
        assert (await reader.get(f"{base}/letters")).json() == []
        assert (await reader.post(f"{base}/letters")).status_code == 403
        queued = await officer.post(f"{base}/letters")
        assert queued.status_code == 202, queued.text
        job = queued.json()
        assert job["state"] == "queued" and queued.headers["location"] == job["status_url"]
        # Asked twice while it waits: the same job, not a second sending.
        assert (await officer.post(f"{base}/letters")).json()["id"] == job["id"]
        await run_jobs()
        finished = (await officer.get(job["status_url"])).json()
        assert finished["state"] == "done" and finished["percent"] == 100
        assert finished["done"] == finished["total"] == 5
        assert finished["summary"] == "5 decision letters have been sent."
        again = await officer.post(f"{base}/letters")
        assert again.status_code == 409 and "already been sent" in again.text
        listed = (await reader.get(f"{base}/letters")).json()
        assert len(listed) == 5
        assert {x["kind"] for x in listed} == {"grant", "refusal"}
        first = next(x for x in listed if x["addressee"] == "{{ 7*7 }} Stichting Buurt")
        assert first["application_id"] == names["{{ 7*7 }} Stichting Buurt"]
        one = await reader.get(f"{base}/letters/{first['file_id']}")
        assert hashlib.sha256(one.content).hexdigest() == first["sha256"]
        app = f"/api/v1/subsidies/applications/{first['application_id']}"
        assert [x["file_id"] for x in (await reader.get(f"{app}/letters")).json()] == [
            first["file_id"]
        ]
        assert (await reader.get(f"{app}/letters/{first['file_id']}")).content == one.content
        files = zipped((await reader.get(f"{base}/letters.zip")).content)
        assert sorted(files) == sorted(x["filename"] for x in listed)
        report = await reader.get(f"{base}/evaluation-report.docx")
        assert report.status_code == 200 and "Clear plan" in text_of_docx(report.content)


async def test_the_letters_as_pdf_in_a_zip(client_factory, make_user, make_authority, fixed_clock):
    require_tool(bundle.pdf_available(), "LibreOffice")
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    created = await service.create_round(
        officer,
        round_form(
            authority["id"], method="pro_rata", ceiling="10000", closes_at="2020-09-16T12:00"
        ),
    )
    await service.open_round(officer, created.id)
    s = type("S", (), {"officer": officer, "round_id": created.id})
    await imported(s, [("Stichting & Zonen", "30000001", "", "5000")])
    await service.propose_allocation(officer, created.id)
    await service.decide(officer, created.id)
    await letters.send_decision_letters(officer, created.id)
    async with AsyncExitStack() as stack:
        client = await _login(client_factory, stack, officer)
        page = text_of((await client.get(f"/subsidies/rounds/{created.id}/letters")).text)
        assert "Download all as PDF (zip)" in page and "PDF is unavailable" not in page
        # LibreOffice takes a while per letter: the zip is built by a job, whose page offers
        # the file (kept in the shared storage) when it is done.
        queued = await client.get(f"/subsidies/rounds/{created.id}/letters.zip?pdf=true")
        assert queued.status_code == 303 and queued.headers["location"].startswith("/jobs/")
        await run_jobs()
        job = (await client.get(queued.headers["location"])).text
        assert "Done" in text_of(job) and "Download the file" in text_of(job)
        archive = await client.get(f"{queued.headers['location']}/result")
        assert archive.status_code == 200
        assert archive.headers["content-type"].startswith("application/zip")
        assert "-pdf.zip" in archive.headers["content-disposition"]
        [(name, data)] = zipped(archive.content).items()
        assert name.endswith(".pdf") and data.startswith(b"%PDF")
    [(cli_name, cli_data)] = await letters.letters_of_round(f"R{created.id}", pdf=True)
    assert cli_name == name and cli_data.startswith(b"%PDF")
