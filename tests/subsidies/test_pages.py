"""The subsidy pages through the app: forms, import, allocation, decision, payments, access."""

import re
from contextlib import AsyncExitStack

from audit.tables import AuditEvent
from subsidies.tables import Application, SubsidyRound
from tests.subsidies.conftest import APPLICANTS, round_form, row, xlsx
from tests.support.http import csrf_token, post_form, sign_in, text_of
from tests.support.jobs import run_jobs


async def _login(client_factory, stack, principal):
    client = await stack.enter_async_context(client_factory())
    await sign_in(client, principal.email)
    return client


async def upload(client, url: str, filename: str, data: bytes):
    return await client.post(
        url, files={"file": (filename, data)}, headers={"x-csrftoken": await csrf_token(client)}
    )


async def test_an_officer_runs_a_pro_rata_round_through_the_pages(
    client_factory, make_user, make_authority, fixed_clock
):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    finance = await make_user("finance", authorities=[authority["id"]])
    other = await make_user("officer", authorities=[(await make_authority("Zeist"))["id"]])
    async with AsyncExitStack() as stack:
        client = await _login(client_factory, stack, officer)
        new = (await client.get("/subsidies/rounds/new")).text
        assert "New subsidy round" in text_of(new)
        assert '<label class="utrecht-form-label" for="f-budget_line"' in new
        refused = await post_form(
            client,
            "/subsidies/rounds",
            round_form(
                authority["id"], title="", ceiling="abc", method="pro_rata", budget_line="6" * 101
            ),
        )
        assert refused.status_code == 422
        assert "A title is required" in text_of(refused.text)
        assert "The budget line is longer than 100 characters" in text_of(refused.text)
        assert "abc is not an amount" in text_of(refused.text)
        assert await SubsidyRound.count() == 0
        # The window has closed by the time of the test's clock (20 September).
        created = await post_form(
            client,
            "/subsidies/rounds",
            round_form(
                authority["id"],
                method="pro_rata",
                ceiling="10000",
                closes_at="2020-09-16T12:00",
                budget_line="6.1.2 Wmo dagbesteding",
            ),
        )
        assert created.status_code == 303
        base = created.headers["location"]
        round_id = int(base.rsplit("/", 1)[1])
        await post_form(client, f"{base}/open", {"confirm": "yes"})
        page = text_of((await client.get(base)).text)
        assert "Ceiling € 10,000.00" in page or "Ceiling €10,000.00" in page
        assert "Pro rata" in page and "Budget line 6.1.2 Wmo dagbesteding" in page

        bad = await upload(
            client,
            f"{base}/import",
            "portal.xlsx",
            xlsx([row(*APPLICANTS[0]), row("Buurtteam", "123", "", "x")]),
        )
        assert bad.status_code == 422
        text = text_of(bad.text)
        assert "nothing has been imported" in text
        assert "Row 3, registration_number: 123 is not a valid KvK number" in text
        assert "Row 3, requested: x is not an amount" in text
        assert await Application.count() == 0
        good = await upload(
            client, f"{base}/import", "portal.xlsx", xlsx([row(*a) for a in APPLICANTS])
        )
        assert good.status_code == 200 and "4 applications are ready to import" in text_of(
            good.text
        )
        file_id = re.search(
            rf'action="/subsidies/rounds/{round_id}/import/(\d+)"', good.text
        ).group(1)
        stranger = await _login(client_factory, stack, other)
        assert (await post_form(stranger, f"{base}/import/{file_id}")).status_code == 404
        done = await post_form(client, f"{base}/import/{file_id}")
        # The import runs as a job; its page says how it went and links to the applications.
        assert done.status_code == 303 and done.headers["location"].startswith("/jobs/")
        assert await Application.count() == 0
        await run_jobs()
        assert await Application.count() == 4
        job = (await client.get(done.headers["location"])).text
        assert "4 applications have been imported." in text_of(job)
        assert f'href="{base}/applications"' in job

        listing = (await client.get(f"{base}/applications")).text
        ids = re.findall(r'name="ids" value="(\d+)"', listing)
        assert len(ids) == 4 and "Stichting Mantelzorg Utrecht" in text_of(listing)
        await post_form(client, f"{base}/applications/bulk", {"ids": ids, "action": "complete"})
        await post_form(client, f"{base}/applications/bulk", {"ids": ids[:3], "action": "eligible"})
        last = f"/subsidies/applications/{ids[3]}"
        await post_form(
            client,
            f"{last}/eligibility",
            {"passed": ["Registered in the Netherlands"], "note": "Outside Utrecht"},
        )
        filtered = text_of((await client.get(f"{base}/applications?state=ineligible")).text)
        assert "1 application" in filtered and "Stichting Dagbesteding Leidsche Rijn" in filtered
        page = text_of((await client.get(last)).text)
        assert "Ineligible Activities in Utrecht; Outside Utrecht" in page
        assert "application.mark_ineligible" in page

        # A refused step comes back as a message on the page it came from.
        refused_step = await post_form(
            client,
            f"{last}/step",
            {"action": "complete"},
            headers={"referer": f"http://testserver.local{last}"},
        )
        assert refused_step.status_code == 303

        await post_form(client, f"{base}/allocation")
        allocation = text_of((await client.get(f"{base}/allocation")).text)
        assert "pro rata: 9.5238% of 40,000.00, rounded down to the cent" in allocation
        adjusted = await post_form(
            client,
            f"{base}/allocation/{ids[0]}",
            {"amount": "3000", "reason": "Fewer participants"},
        )
        assert adjusted.status_code == 303
        allocation = text_of((await client.get(f"{base}/allocation")).text)
        assert "changed by the officer: Fewer participants" in allocation

        decided = await post_form(client, f"{base}/decision", {"confirm": "yes"})
        assert decided.status_code == 303
        assert (await SubsidyRound.select(SubsidyRound.phase).first())["phase"] == "decided"
        payments = (await client.get(f"{base}/payments")).text
        payment_id = re.search(r'action="/subsidies/payments/(\d+)"', payments).group(1)
        await post_form(
            client,
            f"/subsidies/payments/{payment_id}",
            {"status": "approved", "back": f"{base}/payments"},
        )
        await post_form(
            client,
            f"/subsidies/payments/{payment_id}",
            {"status": "paid", "back": f"{base}/payments"},
        )
        assert "Paid" in text_of((await client.get(f"{base}/payments?status=paid")).text)
        overview = text_of((await client.get("/subsidies")).text)
        assert "Sociale Prestatie en Dagondersteuning 2021" in overview

        reader = await _login(client_factory, stack, finance)
        seen = (await reader.get(base)).text
        assert "Open the round" not in seen and "Propose the allocation" not in seen
        assert (await reader.get(f"{base}/allocation")).status_code == 200
        assert (await post_form(reader, f"{base}/decision")).status_code == 403
        assert (await stranger.get(base)).status_code == 404
        assert (await stranger.get(last)).status_code == 404
    assert await AuditEvent.count().where(AuditEvent.action == "payment.paid") == 1


async def test_the_round_form_in_dutch(client_factory, make_user, make_authority):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]], language="nl")
    async with AsyncExitStack() as stack:
        client = await _login(client_factory, stack, officer)
        page = text_of((await client.get("/subsidies/rounds/new")).text)
        assert "Nieuwe subsidieronde" in page and "Subsidieplafond" in page
        refused = await post_form(
            client, "/subsidies/rounds", round_form(authority["id"], ceiling="-1")
        )
        assert "-1 is negatief" in text_of(refused.text)


async def test_files_are_uploaded_and_served_to_readers_only(
    client_factory, make_user, make_authority, setup
):
    s = setup
    from subsidies import service

    [application_id] = await service.import_applications(
        s.officer, s.round_id, "p.xlsx", xlsx([row(*APPLICANTS[0])])
    )
    async with AsyncExitStack() as stack:
        client = await _login(client_factory, stack, s.officer)
        path = f"/subsidies/applications/{application_id}"
        sent = await upload(client, f"{path}/files", "plan.txt", b"activiteitenplan")
        assert sent.status_code == 303
        page = (await client.get(path)).text
        href = re.search(rf'href="({path}/files/\d+)"', page).group(1)
        served = await client.get(href)
        assert served.content == b"activiteitenplan"
        assert 'filename="plan.txt"' in served.headers["content-disposition"]
        # A Polish name with a quote in it: saved under its own name, not a server error.
        await upload(client, f"{path}/files", 'Opis "łódź" ż.txt', b"opis")
        page = (await client.get(path)).text
        polish = re.findall(rf'href="({path}/files/\d+)"', page)[-1]
        served = await client.get(polish)
        assert served.status_code == 200 and served.content == b"opis"
        assert served.headers["content-disposition"] == (
            'attachment; filename="Opis _odz_ z.txt"; '
            "filename*=UTF-8''Opis%20%22%C5%82%C3%B3d%C5%BA%22%20%C5%BC.txt"
        )
        other = await make_user("officer", authorities=[(await make_authority("Zeist"))["id"]])
        stranger = await _login(client_factory, stack, other)
        assert (await stranger.get(href)).status_code == 404


async def test_dutch_amounts_on_the_round_form(client_factory, make_user, make_authority):
    """Issue 14: a ceiling typed "1.000,00" in the Dutch UI was stored as 1.00; the page shows
    amounts as "€ 12.500.000,00" and must read them back so."""
    from decimal import Decimal

    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]], language="nl")
    async with AsyncExitStack() as stack:
        client = await _login(client_factory, stack, officer)
        created = await post_form(
            client,
            "/subsidies/rounds",
            round_form(
                authority["id"],
                ceiling="1.000,00",
                maximum_per_applicant="€ 250,50",
                minimum_score="5,5",
                advance_share="12,5",
            ),
        )
        assert created.status_code == 303, text_of(created.text)
        row = await SubsidyRound.select().first()
        assert row["ceiling"] == Decimal("1000.00")
        assert row["maximum_per_applicant"] == Decimal("250.50")
        assert row["minimum_score"] == Decimal("5.5") and row["advance_share"] == Decimal("12.5")
        for typed, stored in (("€ 12.500.000,00", "12500000.00"), ("12500000,5", "12500000.50")):
            changed = await post_form(
                client, f"/subsidies/rounds/{row['id']}", round_form(authority["id"], ceiling=typed)
            )
            assert changed.status_code == 303, text_of(changed.text)
            again = await SubsidyRound.select(SubsidyRound.ceiling).first()
            assert again["ceiling"] == Decimal(stored)
        refused = await post_form(
            client, f"/subsidies/rounds/{row['id']}", round_form(authority["id"], ceiling="1,000")
        )
        assert refused.status_code == 422
        assert "1,000 is dubbelzinnig: het kan 1000,00 of 1,00 zijn; typ een van beide" in text_of(
            refused.text
        )
        assert (await SubsidyRound.select(SubsidyRound.ceiling).first())["ceiling"] == Decimal(
            "12500000.50"
        )
