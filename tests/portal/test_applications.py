"""Applying in the portal, as the services do it (subsidies.service.applicant): drafts that
only their organisation sees, the window to the second (across a change of summer time),
the first-come moment, accepting a grant, the report and the settlement request."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from audit.tables import AuditEvent
from common.errors import Conflict, DomainError, NotFound, ValidationFailed
from subsidies import service
from subsidies.applicant import TooLate
from subsidies.service import applicant as applying
from subsidies.tables import Application, ApplicationFile, Payment
from tests.portal.subsidy import (  # noqa: F401 - fixtures
    CLOSES,
    Round,
    complete_form,
    granted,
    open_round,
    september_fixture,
    subsidy_round_fixture,
)

PDF = b"%PDF-1.4 the plan"


async def _row(application_id: int) -> dict:
    return await Application.select().where(Application.id == application_id).first()


async def _actions(application_id: int) -> list[str]:
    rows = (
        await AuditEvent.select(AuditEvent.action)
        .where(
            (AuditEvent.object_type == "application")
            & (AuditEvent.object_id == str(application_id))
        )
        .order_by(AuditEvent.seq)
    )
    return [r["action"] for r in rows]


async def test_a_draft_is_its_organisations_alone_until_submitted(subsidy_round: Round):
    s = subsidy_round
    draft = await applying.start(s.a, s.round_id)
    assert await applying.start(s.a, s.round_id) == draft  # once per round
    await applying.save_draft(s.a, draft, {"title": "Half af", "requested": "1000"})
    assert (await _row(draft))["title"] == "Half af"
    # Not the other organisation's, nor the officer's to see yet.
    with pytest.raises(NotFound):
        await applying.own_application(s.b, draft)
    with pytest.raises(NotFound):
        await applying.save_draft(s.b, draft, {"title": "Overgenomen"})
    with pytest.raises(NotFound):
        await service.get_application(s.officer, draft)
    listing = await service.list_applications(s.officer, s.round_id, counts=True)
    assert listing.total == 0 and "draft" not in listing.counts
    assert (await _row(draft))["title"] == "Half af"
    # Submitted, it is the officer's too, marked as made in the portal.
    await applying.submit(s.a, draft, complete_form())
    view = await service.get_application(s.officer, draft)
    assert view.via_portal and view.submitted_by == "portal:anna@zorgplus.example"
    assert [a.id for a in (await service.list_applications(s.officer, s.round_id)).items] == [draft]


async def test_a_draft_keeps_nothing_unreadable_and_a_submission_asks_everything(
    subsidy_round: Round,
):
    s = subsidy_round
    draft = await applying.start(s.a, s.round_id)
    with pytest.raises(ValidationFailed) as refused:
        await applying.save_draft(
            s.a, draft, {"title": "X", "requested": "veel", "budget_amount": ["12,50"]}
        )
    assert {p.location for p in refused.value.problems} == {"requested", "budget_lines.1"}
    assert (await _row(draft))["title"] == ""
    with pytest.raises(ValidationFailed) as refused:
        await applying.submit(
            s.a, draft, complete_form(declarations=["Registered in the Netherlands"])
        )
    assert [p.location for p in refused.value.problems] == ["declarations.2"]
    with pytest.raises(ValidationFailed) as refused:
        await applying.submit(s.a, draft, complete_form(budget_amount=["30000", "11999.99"]))
    [problem] = refused.value.problems
    assert problem.location == "budget_lines"
    assert problem.params == {"total": "41999.99", "expected": "42000.00"}
    row = await _row(draft)
    assert row["state"] == "draft" and row["submitted_at"] is None and row["title"] == ""
    assert "application.submit" not in await _actions(draft)


async def test_the_last_second_is_accepted_and_one_second_later_is_refused(
    subsidy_round: Round, september
):
    s = subsidy_round
    on_time = await applying.start(s.a, s.round_id)
    late = await applying.start(s.b, s.round_id)
    september.set(CLOSES)
    assert await applying.submit(s.a, on_time, complete_form()) == CLOSES
    september.set(CLOSES + timedelta(seconds=1))
    with pytest.raises(TooLate) as refused:
        await applying.submit(s.b, late, complete_form())
    text = refused.value.problem.text()
    assert "12:00:00" in text and "12:00:01" in text and "Europe/Amsterdam" in text
    assert refused.value.seconds == 1
    assert (await _row(late))["state"] == "draft"
    assert (await _row(on_time))["submitted_at"] == CLOSES
    event = (
        await AuditEvent.select(AuditEvent.after)
        .where(AuditEvent.action == "application.submission_refused")
        .first()
    )
    assert json.loads(event["after"])["late_by_seconds"] == 1


async def test_the_close_is_wall_clock_time_across_the_change_of_summer_time(
    subsidy_round: Round, september
):
    """Summer time ends on 25 October 2020 at 03:00: a round closing at 12:00 that day
    closes at 11:00 UTC (not 10:00, as it would with the summer offset)."""
    s = subsidy_round
    round_id = await open_round(
        s.officer, s.authority_id, title="Najaar", closes_at="2020-10-25T12:00"
    )
    a, b = await applying.start(s.a, round_id), await applying.start(s.b, round_id)
    close = datetime(2020, 10, 25, 11, 0, tzinfo=UTC)
    september.set(close)
    await applying.submit(s.a, a, complete_form())
    september.set(close + timedelta(seconds=1))
    with pytest.raises(TooLate) as refused:
        await applying.submit(s.b, b, complete_form())
    assert "12:00:00" in refused.value.problem.text()


async def test_first_come_rounds_go_by_the_moment_of_receipt_to_the_microsecond(
    subsidy_round: Round, september
):
    s = subsidy_round
    round_id = await open_round(
        s.officer, s.authority_id, title="Wie het eerst komt", method="first_come"
    )
    first, second = await applying.start(s.b, round_id), await applying.start(s.a, round_id)
    moment = datetime(2020, 9, 21, 8, 0, 0, 250, tzinfo=UTC)
    september.set(moment)
    await applying.submit(s.b, first, complete_form())
    september.set(moment + timedelta(microseconds=1))
    await applying.submit(s.a, second, complete_form())
    rows = (
        await Application.select(Application.id, Application.submitted_at)
        .where(Application.round == round_id)
        .order_by(Application.submitted_at)
    )
    assert [(r["id"], r["submitted_at"]) for r in rows] == [
        (first, moment),
        (second, moment + timedelta(microseconds=1)),
    ]
    # The officer finds them complete later, the second first: each is complete from its
    # moment of receipt, so the first come is still first in the allocation's order.
    september.set(moment + timedelta(days=2))
    await service.act(s.officer, second, "complete")
    await service.complete_many(s.officer, round_id, [first])
    rows = (
        await Application.select(Application.id, Application.complete_at)
        .where(Application.round == round_id)
        .order_by(Application.complete_at)
    )
    assert [(r["id"], r["complete_at"]) for r in rows] == [
        (first, moment),
        (second, moment + timedelta(microseconds=1)),
    ]


async def test_one_application_per_organisation_and_round(subsidy_round: Round):
    s = subsidy_round
    draft = await applying.start(s.a, s.round_id)
    await service.register_application(
        s.officer,
        s.round_id,
        {
            "name": "Zorg Plus BV",
            "country": "NL",
            "registration_number": "30123451",
            "requested": "1000",
            "activity_plan": "Op papier",
            "target_group": "Buren",
        },
    )
    with pytest.raises(DomainError, match="already applied"):
        await applying.submit(s.a, draft, complete_form())
    assert (await _row(draft))["state"] == "draft"


async def test_the_grant_is_accepted_once_and_only_when_granted(subsidy_round: Round, september):
    s = subsidy_round
    application_id = await applying.start(s.a, s.round_id)
    await applying.attach(s.a, application_id, "plan.pdf", "application/pdf", PDF)
    await applying.submit(s.a, application_id, complete_form())
    with pytest.raises(DomainError, match="Only a grant"):
        await applying.accept_grant(s.a, application_id)
    with pytest.raises(DomainError, match="no longer be changed"):
        await applying.attach(s.a, application_id, "later.pdf", "application/pdf", PDF)
    await granted(s.officer, s.round_id, application_id, september)
    assert (await _row(application_id))["granted"] == D("40000.00")
    with pytest.raises(NotFound):
        await applying.accept_grant(s.b, application_id)
    moment = await applying.accept_grant(s.a, application_id)
    row = await _row(application_id)
    assert row["accepted_at"] == moment and row["accepted_by"] == "portal:anna@zorgplus.example"
    with pytest.raises(Conflict, match="already been accepted"):
        await applying.accept_grant(s.a, application_id)
    assert (await _actions(application_id)).count("application.accepted") == 1


async def test_a_grant_the_round_asks_to_accept_is_not_paid_before_it_is_accepted(
    subsidy_round: Round, september
):
    s = subsidy_round
    application_id = await applying.start(s.a, s.round_id)
    await applying.attach(s.a, application_id, "plan.pdf", "application/pdf", PDF)
    await applying.submit(s.a, application_id, complete_form())
    await granted(s.officer, s.round_id, application_id, september)
    [first, *_] = (
        await Payment.select().where(Payment.application == application_id).order_by(Payment.due_on)
    )
    with pytest.raises(DomainError, match="accept the grant before it is paid"):
        await service.set_payment_status(s.officer, first["id"], "approved")
    assert (await Payment.select().where(Payment.id == first["id"]).first())["status"] == (
        "scheduled"
    )
    assert "payment.approved" not in await _actions(application_id)
    await applying.accept_grant(s.a, application_id)
    await service.set_payment_status(s.officer, first["id"], "approved")
    assert (await Payment.select().where(Payment.id == first["id"]).first())["status"] == (
        "approved"
    )


async def test_a_round_that_does_not_ask_for_acceptance_refuses_it(subsidy_round: Round, september):
    s = subsidy_round
    round_id = await open_round(s.officer, s.authority_id, title="Zonder", method="pro_rata")
    application_id = await applying.start(s.a, round_id)
    await applying.submit(s.a, application_id, complete_form())
    await granted(s.officer, round_id, application_id, september)
    with pytest.raises(DomainError, match="does not ask"):
        await applying.accept_grant(s.a, application_id)
    assert (await _row(application_id))["accepted_at"] is None


async def test_the_report_upload_marks_the_report_received(subsidy_round: Round, september):
    s = subsidy_round
    application_id = await applying.start(s.a, s.round_id)
    await applying.submit(s.a, application_id, complete_form())
    await granted(s.officer, s.round_id, application_id, september)
    [report] = await service.reports(s.officer, application_id)
    assert report.kind == "activity" and report.received_at is None
    with pytest.raises(ValidationFailed, match="kinds"):
        await applying.send_report(s.a, application_id, report.id, "r.exe", "", b"MZ")
    with pytest.raises(NotFound):
        await applying.send_report(s.b, application_id, report.id, "r.pdf", "", PDF)
    await applying.send_report(s.a, application_id, report.id, "verslag.pdf", "", PDF)
    [report] = await service.reports(s.officer, application_id)
    assert report.received_at is not None and report.file is not None
    files = await service.files(s.officer, application_id)
    assert [(f.filename, f.purpose) for f in files] == [("verslag.pdf", "report")]
    with pytest.raises(Conflict, match="already been received"):
        await applying.send_report(s.a, application_id, report.id, "again.pdf", "", PDF)
    assert await ApplicationFile.count() == 1


async def test_the_settlement_request_is_kept_for_the_officer(subsidy_round: Round, september):
    s = subsidy_round
    application_id = await applying.start(s.a, s.round_id)
    with pytest.raises(DomainError, match="not yet settled"):
        await applying.request_settlement(s.a, application_id, "100", "a.pdf", "", PDF)
    await applying.submit(s.a, application_id, complete_form())
    await granted(s.officer, s.round_id, application_id, september)
    with pytest.raises(ValidationFailed, match=r"between 0\.00 and the grant"):
        await applying.request_settlement(s.a, application_id, "40000.01", "a.pdf", "", PDF)
    await applying.request_settlement(s.a, application_id, "38500", "afrekening.pdf", "", PDF)
    view = await service.get_application(s.officer, application_id)
    assert view.settlement_requested == D("38500.00") and view.settlement_requested_at
    assert [f.purpose for f in await service.files(s.officer, application_id)] == ["settlement"]
    with pytest.raises(Conflict):
        await applying.request_settlement(s.a, application_id, "1", "b.pdf", "", PDF)
    # The officer settles on it as before.
    result = await service.settle_application(
        s.officer, application_id, "38500", "Minder bijeenkomsten"
    )
    assert result["final"] == D("38500.00")


async def test_two_submissions_at_once_submit_once(subsidy_round: Round):
    """Two submissions of one draft at the same moment (a double click, two colleagues): the
    application's row is locked before its state is checked, so the second waits and is
    refused, naming the first (on PostgreSQL both would otherwise find the draft)."""
    s = subsidy_round
    draft = await applying.start(s.a, s.round_id)
    results = await asyncio.gather(
        *(applying.submit(s.a, draft, complete_form()) for _ in range(2)),
        return_exceptions=True,
    )
    [refused] = [r for r in results if isinstance(r, BaseException)]
    assert isinstance(refused, Conflict) and "can no longer be changed" in str(refused)
    assert (await _actions(draft)).count("application.submit") == 1
