"""Requests to participate submitted through the portal: the deadline (server clock, across a
daylight-saving change), replace and withdraw, one per organisation (also when two come at
once), sealed files until the officer opens them, the receipt, and the pages on both sides."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from hashlib import sha256

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError, NotFound, ValidationFailed
from config.database import raw
from documents import storage
from documents.tables import StoredFile
from portal.service import participation as portal_participation
from portal.service.accounts import load_portal_user
from portal.tables import PortalAccount
from tenders import letters, participation, procurement, service
from tenders.participation import DOCUMENT, ESPD, RequestFile
from tenders.tables import Candidate, CandidateFile, CandidateRequest, Declaration
from tests.portal.conftest import Scene
from tests.portal.support import portal_sign_in
from tests.support.http import CSRF_COOKIE, text_of
from tests.tenders.conftest import bidder

# 29 March 2026: Amsterdam moves from CET to CEST at 02:00; 12:00 local is 10:00 UTC.
DEADLINE_LOCAL = "2026-03-29T12:00"
DEADLINE = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
PLAN = b"%PDF-1.4 ons plan van aanpak, vertrouwelijk"
ESPD_XML = b"<ESPDResponse>Zorg Plus BV: geen uitsluitingsgronden</ESPDResponse>"


def _files(plan: bytes = PLAN, espd: bytes = ESPD_XML) -> list[RequestFile]:
    return [
        RequestFile(DOCUMENT, "plan-van-aanpak.pdf", "application/pdf", plan),
        RequestFile(ESPD, "espd.xml", "text/xml", espd),
    ]


async def _restricted(scene: Scene) -> tuple[int, list[int]]:
    """A published restricted procedure with an exclusion ground and a suitability
    requirement; requests close at 12:00 Amsterdam time on the day summer time starts."""
    officer = scene.world.officer
    tender_id = await scene.world.tender(
        lots=1,
        procedure="restricted",
        reference="UTR-SEL",
        title="Dagbesteding met preselectie",
        deadline_requests=DEADLINE_LOCAL,
        deadline_questions="2026-04-10T12:00",
        deadline_bids="2026-05-20T12:00",
    )
    requirements = [
        await procurement.add_requirement(officer, tender_id, "exclusion", "Geen faillissement"),
        await procurement.add_requirement(officer, tender_id, "suitability", "ISO 9001"),
    ]
    await service.publish(officer, tender_id)
    return tender_id, requirements


async def _user(scene: Scene, key: str):
    account = (
        await PortalAccount.select(PortalAccount.id)
        .where(PortalAccount.email == scene.emails[key])
        .first()
    )
    user = await load_portal_user(account["id"])
    assert user is not None and user.active_member
    return user


async def requested_by_b(scene: Scene) -> tuple[int, participation.Receipt]:
    """A restricted procedure in which organisation B requested to participate."""
    tender_id, requirements = await _restricted(scene)
    espd = b"<ESPDResponse>Thuishulp West</ESPDResponse>"
    receipt = await portal_participation.submit(
        await _user(scene, "b"), tender_id, _files(espd=espd), requirements
    )
    return tender_id, receipt


async def _candidates(tender_id: int) -> list[dict]:
    return await Candidate.select().where(Candidate.tender == tender_id).order_by(Candidate.id)


# --- the service --------------------------------------------------------------------------------


async def test_the_last_second_is_accepted_one_second_late_is_refused_across_dst(
    scene: Scene,
) -> None:
    tender_id, requirements = await _restricted(scene)
    anna, carl = await _user(scene, "a"), await _user(scene, "b")
    scene.world.clock.set(DEADLINE - timedelta(seconds=1))
    receipt = await portal_participation.submit(anna, tender_id, _files(), [requirements[0]])
    assert receipt.received_at == DEADLINE - timedelta(seconds=1)
    assert receipt.version == 1
    assert [(f.kind, f.size, f.sha256) for f in receipt.files] == [
        (DOCUMENT, len(PLAN), sha256(PLAN).hexdigest()),
        (ESPD, len(ESPD_XML), sha256(ESPD_XML).hexdigest()),
    ]
    [row] = await _candidates(tender_id)
    assert (row["organisation"], row["status"]) == (scene.organisations["a"], "pending")
    assert row["received_at"] == DEADLINE - timedelta(seconds=1)
    request = await CandidateRequest.select().where(CandidateRequest.candidate == row["id"]).first()
    assert request["submitted_by"] == f"portal:{scene.emails['a']}"
    assert request["account_id"] == anna.id
    declared = await Declaration.select(Declaration.requirement, Declaration.met).where(
        Declaration.candidate == row["id"]
    )
    assert {d["requirement"]: d["met"] for d in declared} == {
        requirements[0]: True,
        requirements[1]: False,
    }
    stored = await CandidateFile.select(CandidateFile.sha256).where(
        CandidateFile.candidate == row["id"]
    )
    assert sorted(f["sha256"] for f in stored) == sorted(f.sha256 for f in receipt.files)
    event = await AuditEvent.select().where(AuditEvent.action == "candidate.requested").first()
    assert event["actor"] == f"portal:{scene.emails['a']}"
    assert "plan-van-aanpak" not in event["after"] and sha256(PLAN).hexdigest() in event["after"]

    scene.world.clock.set(DEADLINE + timedelta(seconds=1))
    with pytest.raises(DomainError) as late:
        await portal_participation.submit(carl, tender_id, _files(), [])
    assert late.value.problem.params == {
        "deadline": "2026-03-29 12:00:00 (CEST)",
        "received": "2026-03-29 12:00:01 (CEST)",
    }
    assert [r["organisation"] for r in await _candidates(tender_id)] == [scene.organisations["a"]]


async def test_at_the_deadline_itself_nothing_is_received(
    scene: Scene,
) -> None:
    tender_id, _ = await _restricted(scene)
    carl = await _user(scene, "b")
    scene.world.clock.set(DEADLINE)
    with pytest.raises(DomainError) as late:
        await portal_participation.submit(carl, tender_id, _files(), [])
    assert late.value.problem.params["received"] == "2026-03-29 12:00:00 (CEST)"
    assert await _candidates(tender_id) == []


async def test_replace_and_withdraw_until_the_deadline_never_after(scene: Scene) -> None:
    tender_id, requirements = await _restricted(scene)
    anna = await _user(scene, "a")
    first = await portal_participation.submit(anna, tender_id, _files(), requirements)
    [candidate] = await _candidates(tender_id)
    files_before = await StoredFile.count()

    scene.world.travel(timedelta(days=1))
    newer = b"%PDF-1.4 herzien plan"
    second = await portal_participation.submit(
        anna, tender_id, _files(plan=newer), [requirements[1]], replace=True
    )
    assert (second.candidate_id, second.version) == (first.candidate_id, 2)
    assert second.received_at == first.received_at + timedelta(days=1)
    [row] = await _candidates(tender_id)
    assert row["id"] == candidate["id"] and row["received_at"] == second.received_at
    digests = [f["sha256"] for f in await CandidateFile.select(CandidateFile.sha256)]
    assert sorted(digests) == sorted([sha256(newer).hexdigest(), sha256(ESPD_XML).hexdigest()])
    assert await StoredFile.count() == files_before  # the replaced files are gone
    declared = await Declaration.select(Declaration.requirement, Declaration.met).where(
        Declaration.candidate == row["id"]
    )
    assert {d["requirement"]: d["met"] for d in declared} == {
        requirements[0]: False,
        requirements[1]: True,
    }

    await portal_participation.withdraw(anna, tender_id)
    assert await _candidates(tender_id) == []
    assert await CandidateFile.count() == 0 and await Declaration.count() == 0
    assert await AuditEvent.exists().where(AuditEvent.action == "candidate.request_withdrawn")
    with pytest.raises(NotFound):
        await portal_participation.withdraw(anna, tender_id)

    # Submitted again; at the deadline neither replacing nor withdrawing is possible.
    await portal_participation.submit(anna, tender_id, _files(), [])
    scene.world.clock.set(DEADLINE)
    with pytest.raises(DomainError) as late:
        await portal_participation.withdraw(anna, tender_id)
    assert late.value.problem.message == participation.WITHDRAW_LATE
    assert late.value.problem.params["deadline"] == "2026-03-29 12:00:00 (CEST)"
    with pytest.raises(DomainError):
        await portal_participation.submit(anna, tender_id, _files(plan=newer), [], replace=True)
    [row] = await _candidates(tender_id)
    assert row["received_at"] < DEADLINE
    assert [f["sha256"] for f in await CandidateFile.select(CandidateFile.sha256)].count(
        sha256(newer).hexdigest()
    ) == 0


async def test_an_open_procedure_takes_no_requests(scene: Scene) -> None:
    anna = await _user(scene, "a")
    with pytest.raises(DomainError) as refused:
        await portal_participation.submit(anna, scene.tender_id, _files(), [])
    assert "no requests to participate" in refused.value.problem.message
    with pytest.raises(NotFound):  # a draft is not there at all
        await portal_participation.submit(anna, scene.draft_id, _files(), [])
    assert await Candidate.count() == 0


async def test_one_request_per_organisation_whoever_registers_it(scene: Scene) -> None:
    tender_id, _ = await _restricted(scene)
    anna, carl = await _user(scene, "a"), await _user(scene, "b")
    await portal_participation.submit(anna, tender_id, _files(), [])
    with pytest.raises(DomainError) as twice:
        await portal_participation.submit(anna, tender_id, _files(), [])
    assert "replace or withdraw" in twice.value.problem.message
    # The officer's path refuses the organisation too ...
    with pytest.raises(ValidationFailed) as by_officer:
        await procurement.register_candidate(scene.world.officer, tender_id, bidder(0))
    assert by_officer.value.problems[0].message == "{name} is already a candidate"
    # ... and the portal refuses an organisation an officer registered (also as a
    # "replacement": the officer's registration is not the supplier's to replace).
    await procurement.register_candidate(scene.world.officer, tender_id, bidder(1))
    for replace in (False, True):
        with pytest.raises(ValidationFailed):
            await portal_participation.submit(carl, tender_id, _files(), [], replace=replace)
    assert len(await _candidates(tender_id)) == 2
    assert await CandidateRequest.count() == 1


async def test_a_request_without_its_files_is_refused_and_nothing_is_written(
    scene: Scene,
) -> None:
    tender_id, requirements = await _restricted(scene)
    anna = await _user(scene, "a")
    files_before = await StoredFile.count()
    cases = {
        "no files": ([], {"documents", "espd"}),
        "no ESPD": (_files()[:1], {"espd"}),
        "two ESPDs": ([*_files(), _files()[1]], {"espd"}),
        "an empty document": (_files(plan=b""), {"documents"}),
    }
    for name, (files, fields) in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            await portal_participation.submit(anna, tender_id, files, [])
        assert {p.location for p in refused.value.problems} == fields, name
    with pytest.raises(NotFound):  # a requirement of another tender
        await portal_participation.submit(anna, tender_id, _files(), [requirements[1] + 1000])
    assert await Candidate.count() == 0 and await StoredFile.count() == files_before


async def test_the_files_are_ciphertext_until_an_officer_opens_them_after_the_deadline(
    scene: Scene,
) -> None:
    tender_id, _ = await _restricted(scene)
    officer = scene.world.officer
    anna = await _user(scene, "a")
    receipt = await portal_participation.submit(anna, tender_id, _files(), [])
    rows = await CandidateFile.select(CandidateFile.file).order_by(CandidateFile.id)
    for row in rows:
        stored = await StoredFile.select().where(StoredFile.id == row["file"]).first()
        assert stored["filename"] == "sealed"
        _, content = await storage.read(row["file"])
        assert b"plan van aanpak" not in content and b"ESPDResponse" not in content
        assert sha256(content).hexdigest() not in [f.sha256 for f in receipt.files]
    dump = str(await raw("SELECT * FROM tenders_candidate_file"))
    assert "plan-van-aanpak" not in dump and "espd.xml" not in dump
    # Before the deadline an officer can neither open them nor read one.
    with pytest.raises(DomainError):
        await participation.open_requests(officer, tender_id)
    with pytest.raises(DomainError):
        await participation.candidate_file(
            officer, tender_id, receipt.candidate_id, rows[0]["file"]
        )
    assert await AuditEvent.exists().where(AuditEvent.action == "candidate.sealed_access_refused")

    scene.world.clock.set(DEADLINE)
    assert await participation.open_requests(officer, tender_id) == 2
    assert await participation.open_requests(officer, tender_id) == 0  # once
    info, chunks = await participation.candidate_file(
        officer, tender_id, receipt.candidate_id, rows[0]["file"]
    )
    assert info.filename == "plan-van-aanpak.pdf"
    assert await storage.collect(chunks) == PLAN
    _, espd = await storage.read(rows[1]["file"])
    assert sha256(espd).hexdigest() == receipt.files[1].sha256
    assert await AuditEvent.exists().where(AuditEvent.action == "candidate.requests_opened")
    assert await AuditEvent.exists().where(AuditEvent.action == "candidate.file_downloaded")
    views = await participation.portal_requests(officer, tender_id)
    assert [f["filename"] for f in views[receipt.candidate_id].files] == [
        "plan-van-aanpak.pdf",
        "espd.xml",
    ]
    # Another authority's officer does not reach them.
    with pytest.raises(NotFound):
        await participation.candidate_file(
            scene.world.stranger, tender_id, receipt.candidate_id, rows[0]["file"]
        )


# --- the pages ----------------------------------------------------------------------------------


def _upload(plan: bytes = PLAN) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("documents", ("plan-van-aanpak.pdf", plan, "application/pdf")),
        ("documents", ("referenties.pdf", b"%PDF-1.4 referenties", "application/pdf")),
        ("espd", ("espd.xml", ESPD_XML, "text/xml")),
    ]


async def test_a_member_requests_through_the_page_and_gets_its_receipt(
    scene: Scene, client_factory
) -> None:
    tender_id, requirements = await _restricted(scene)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        tender_page = text_of((await anna.get(f"/portal/tenders/{tender_id}")).text)
        assert "Your organisation has not requested to participate." in tender_page
        form = await anna.get(f"/portal/tenders/{tender_id}/participation")
        assert form.status_code == 200
        assert 'enctype="multipart/form-data"' in form.text and "ISO 9001" in form.text
        response = await anna.post(
            f"/portal/tenders/{tender_id}/participation",
            data={"met": [str(requirements[0])]},
            files=_upload(),
        )
        assert response.status_code == 303, response.text
        page = text_of((await anna.get(f"/portal/tenders/{tender_id}/participation")).text)
        tender_page = text_of((await anna.get(f"/portal/tenders/{tender_id}")).text)
    assert "Awaiting decision" in page
    assert sha256(PLAN).hexdigest() in page and sha256(ESPD_XML).hexdigest() in page
    assert "Replace the request" in page and "Withdraw the request" in page
    assert "Geen faillissement: declared met" in page
    assert "ISO 9001: not declared met" in page
    assert "Your request to participate Status Awaiting decision" in tender_page
    [candidate] = await _candidates(tender_id)
    assert await CandidateFile.count().where(CandidateFile.candidate == candidate["id"]) == 3


async def test_the_officer_sees_the_portal_request_and_opens_it_after_the_deadline(
    scene: Scene, login
) -> None:
    tender_id, requirements = await _restricted(scene)
    receipt = await portal_participation.submit(
        await _user(scene, "a"), tender_id, _files(), [requirements[0]]
    )
    officer = await login(scene.world.officer)
    listing = text_of((await officer.get(f"/tenders/{tender_id}/candidates")).text)
    assert f"Through the portal by portal:{scene.emails['a']}" in listing
    assert "sealed" in listing and "plan-van-aanpak.pdf" not in listing
    assert "Registered by an officer" not in listing
    scene.world.clock.set(DEADLINE + timedelta(hours=1))
    officer = await login(scene.world.officer)  # the session ended meanwhile
    opened = await officer.post(
        f"/tenders/{tender_id}/candidates/open",
        headers={"x-csrftoken": officer.cookies[CSRF_COOKIE]},
    )
    assert opened.status_code == 303, opened.text
    listing = (await officer.get(f"/tenders/{tender_id}/candidates")).text
    assert "plan-van-aanpak.pdf" in listing
    [first] = (
        await CandidateFile.select(CandidateFile.file)
        .where(CandidateFile.candidate == receipt.candidate_id)
        .order_by(CandidateFile.id)
        .limit(1)
    )
    download = await officer.get(
        f"/tenders/{tender_id}/candidates/{receipt.candidate_id}/files/{first['file']}"
    )
    assert download.status_code == 200 and download.content == PLAN
    selection = text_of((await officer.get(f"/tenders/{tender_id}/selection")).text)
    assert "The candidate declares: met" in selection
    assert "The candidate declares: not met" in selection


async def test_the_supplier_sees_its_admission_and_a_late_request_is_refused(
    scene: Scene, client_factory
) -> None:
    tender_id, requirements = await _restricted(scene)
    receipt = await portal_participation.submit(await _user(scene, "a"), tender_id, _files(), [])
    scene.world.clock.set(DEADLINE + timedelta(hours=1))
    officer = scene.world.officer
    await procurement.assess(
        officer, tender_id, receipt.candidate_id, {rid: (True, "") for rid in requirements}
    )
    await procurement.decide(officer, tender_id, receipt.candidate_id, True, "")
    [sent] = await letters.send_selection_letters(officer, tender_id)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        tender_page = text_of((await anna.get(f"/portal/tenders/{tender_id}")).text)
        inbox = (await anna.get("/portal/inbox")).text
        letter = await anna.get(f"/portal/inbox/letters/{sent.file_id}")
        late = await anna.post(
            f"/portal/tenders/{tender_id}/participation", data={"replace": "1"}, files=_upload()
        )
    assert "Your request to participate Status Admitted" in tender_page
    assert f"/portal/inbox/letters/{sent.file_id}" in inbox  # the selection letter
    assert letter.status_code == 200
    assert late.status_code == 409
    assert "closed at 2026-03-29 12:00:00 (CEST); this one came at 2026-03-29 13:00:00" in (
        text_of(late.text)
    )


async def test_a_post_without_the_csrf_token_changes_nothing(scene: Scene, client_factory) -> None:
    tender_id, _ = await _restricted(scene)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        anna.headers.pop("x-csrftoken")
        response = await anna.post(f"/portal/tenders/{tender_id}/participation", files=_upload())
        assert response.status_code == 403
    assert await Candidate.count() == 0 and await CandidateFile.count() == 0


async def test_a_refused_request_is_shown_on_the_form_and_nothing_is_kept(
    scene: Scene, client_factory
) -> None:
    tender_id, _ = await _restricted(scene)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        response = await anna.post(
            f"/portal/tenders/{tender_id}/participation", files=_upload()[:1]
        )
        assert response.status_code == 422
        assert "Attach the UEA/ESPD as one file" in text_of(response.text)
        refused = await anna.post(
            f"/portal/tenders/{scene.tender_id}/participation", files=_upload()
        )
        assert refused.status_code == 404
    assert await Candidate.count() == 0


async def test_two_requests_at_once_make_one_candidate(
    scene: Scene, parallel_client_factory
) -> None:
    """The tender's row lock: the second request waits and finds the first (PostgreSQL)."""
    tenders = [(await _restricted(scene))[0] for _ in range(3)]
    async with parallel_client_factory() as first, parallel_client_factory() as second:
        await portal_sign_in(first, scene.emails["a"])
        await portal_sign_in(second, scene.emails["a"])
        for tender_id in tenders:
            answers = await asyncio.gather(
                *[
                    client.post(f"/portal/tenders/{tender_id}/participation", files=_upload())
                    for client in (first, second)
                ]
            )
            assert sorted(a.status_code for a in answers) == [303, 409], [
                (a.status_code, text_of(a.text)[:300]) for a in answers
            ]
            assert len(await _candidates(tender_id)) == 1
            assert (
                await CandidateRequest.count().where(CandidateRequest.candidate.tender == tender_id)
                == 1
            )
