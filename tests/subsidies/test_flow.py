"""The round's use cases against the real database, from settings to settlement."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from audit.tables import AuditEvent
from common.errors import DomainError, Forbidden, NotFound, ValidationFailed
from documents import storage
from organisations.tables import Organisation
from scoring.tables import Evaluation
from subsidies import service
from subsidies.lifecycle import State
from subsidies.tables import AllocationLine, Application, Payment, Report, SubsidyRound
from tests.subsidies.conftest import (
    APPLICANTS,
    HEADERS,
    NOVEMBER,
    csv_bytes,
    imported,
    review,
    round_form,
    row,
    xlsx,
)

D = Decimal


async def actions(object_type: str | None = None) -> list[str]:
    query = AuditEvent.select(AuditEvent.action).order_by(AuditEvent.seq)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    return [r["action"] for r in await query]


async def test_method_and_ceiling_are_fixed_once_the_round_opens(setup):
    s = setup
    view = await service.get_round(s.officer, s.round_id)
    assert view.ceiling == D("100000.00") and view.phase.value == "open"
    with pytest.raises(ValidationFailed) as refused:
        await service.update_round(
            s.officer, s.round_id, round_form(s.authority_id, ceiling="120000", method="pro_rata")
        )
    assert sorted(p.location for p in refused.value.problems) == ["ceiling", "method"]
    assert "can no longer change" in refused.value.problems[0].text()
    stored = await SubsidyRound.select(SubsidyRound.ceiling, SubsidyRound.method).first()
    assert stored == {"ceiling": D("100000.00"), "method": "ranking"}
    renamed = await service.update_round(
        s.officer, s.round_id, round_form(s.authority_id, title="SPD 2021 (herzien)")
    )
    assert renamed.title == "SPD 2021 (herzien)"
    assert await actions("subsidy_round") == ["round.created", "round.opened", "round.updated"]
    with pytest.raises(DomainError, match="already open"):
        await service.open_round(s.officer, s.round_id)


async def test_other_authorities_do_not_see_the_round(setup, make_user, make_authority):
    s = setup
    other = await make_authority("Gemeente Zeist")
    stranger = await make_user("officer", authorities=[other["id"]])
    with pytest.raises(NotFound):
        await service.get_round(stranger, s.round_id)
    assert await service.list_rounds(stranger) == []
    finance = await make_user("finance", authorities=[s.authority_id])
    assert (await service.get_round(finance, s.round_id)).title.startswith("Sociale")
    with pytest.raises(Forbidden):
        await service.open_round(finance, s.round_id)
    with pytest.raises(NotFound):
        await service.get_round(s.evaluator, s.round_id)


async def test_an_import_with_bad_rows_stores_nothing_and_names_every_bad_row(setup):
    s = setup
    rows = [
        row(*APPLICANTS[0]),
        row("Buurtteam Overvecht", "3012345", "NL91ABNA0417164399", "-5"),
        row("", "30123453", "", "30000", **{"Activity plan": ""}),
        row(*APPLICANTS[0][:3], "100"),
    ]
    with pytest.raises(ValidationFailed) as refused:
        await service.import_applications(s.officer, s.round_id, "portal.xlsx", xlsx(rows))
    assert [p.render() for p in refused.value.problems] == [
        "Row 3, registration_number: 3012345 is not a valid KvK number",
        "Row 3, iban: NL91ABNA0417164399 is not a valid IBAN",
        "Row 3, requested: -5 is negative",
        "Row 4, organisation: A name is required",
        "Row 4, activity_plan: An activity plan is required",
        "Row 5, registration_number: Stichting Mantelzorg Utrecht appears again; first on row 2",
    ]
    assert await Application.count() == 0 and await Organisation.count() == 0
    assert await actions("application") == [] and await actions("organisation") == []
    preview = await service.preview_import(s.officer, s.round_id, "portal.xlsx", xlsx(rows))
    assert preview.good == 1 and len(preview.problems) == 6


async def test_a_good_file_stores_every_row(setup):
    s = setup
    ids = await service.import_applications(
        s.officer, s.round_id, "portal.csv", csv_bytes([row(*a) for a in APPLICANTS])
    )
    assert len(ids) == 4
    stored = await Application.select(
        Application.reference, Application.requested, Application.state, Application.submitted_at
    ).order_by(Application.id)
    assert [r["reference"] for r in stored] == [f"R{s.round_id}-000{n}" for n in range(1, 5)]
    assert stored[0]["requested"] == D("40000.00") and stored[0]["state"] == "submitted"
    # 10:00 in Amsterdam in September is 08:00 UTC.
    assert stored[0]["submitted_at"] == datetime(2020, 9, 15, 8, 0, tzinfo=UTC)
    assert (
        await Organisation.select(Organisation.iban)
        .where(Organisation.name == "Stichting Mantelzorg Utrecht")
        .first()
    )["iban"] == ("NL91ABNA0417164300")
    assert (await actions()).count("application.registered") == 4
    with pytest.raises(ValidationFailed, match="already applied in this round"):
        await service.import_applications(
            s.officer, s.round_id, "again.csv", csv_bytes([row(*APPLICANTS[0])])
        )


async def test_files_are_checked_before_parsing(setup):
    s = setup
    with pytest.raises(DomainError, match="not an Excel workbook"):
        await service.preview_import(s.officer, s.round_id, "x.xlsx", b"not a zip")
    with pytest.raises(DomainError, match=r"Upload an \.xlsx or a \.csv"):
        await service.preview_import(s.officer, s.round_id, "x.xlsm", b"PK")
    with pytest.raises(DomainError, match="larger than 5 MB"):
        await service.preview_import(s.officer, s.round_id, "x.csv", b"a" * (6 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="The column requested is missing"):
        await service.preview_import(
            s.officer, s.round_id, "x.csv", csv_bytes([], [h for h in HEADERS if h != "Requested"])
        )


async def test_a_late_application_is_audited_with_its_delay(setup, fixed_clock):
    s = setup
    fixed_clock.set(datetime(2020, 10, 1, 12, 30, tzinfo=UTC))  # 14:30 local, 2.5 h late
    form = dict(
        zip(
            [
                "name",
                "country",
                "registration_number",
                "iban",
                "contact_name",
                "contact_email",
                "title",
                "requested",
                "own_contribution",
                "activity_plan",
                "target_group",
                "districts",
                "expected_participants",
            ],
            row(*APPLICANTS[1])[:13],
            strict=True,
        )
    )
    application_id = await service.register_application(s.officer, s.round_id, form)
    view = await service.get_application(s.officer, application_id)
    assert view.late_by_seconds == 9000 and view.state is State.SUBMITTED
    [late] = await AuditEvent.select().where(AuditEvent.action == "application.late")
    assert '"late_by_seconds":9000' in late["after"]


async def test_life_cycle_steps_are_audited_and_refusals_say_what_is_missing(setup):
    s = setup
    ids = await service.import_applications(
        s.officer, s.round_id, "p.csv", csv_bytes([row(*APPLICANTS[0])])
    )
    application_id = ids[0]
    with pytest.raises(DomainError) as refused:
        await service.mark_eligibility(s.officer, application_id, ["Registered in the Netherlands"])
    assert str(refused.value) == (
        "Mark ineligible needs an application that is complete; this one is Submitted"
    )
    await service.act(s.officer, application_id, "ask_information", "Budget is missing")
    await service.act(s.officer, application_id, "complete")
    state = await service.mark_eligibility(
        s.officer, application_id, ["Registered in the Netherlands"], "Only Zeist"
    )
    assert state is State.INELIGIBLE
    view = await service.get_application(s.officer, application_id)
    assert view.state_reason == "Activities in Utrecht; Only Zeist"
    assert view.eligibility == {
        "Registered in the Netherlands": True,
        "Activities in Utrecht": False,
    }
    assert view.complete_at is not None
    assert (
        await service.mark_eligibility(
            s.officer, application_id, ["Registered in the Netherlands", "Activities in Utrecht"]
        )
        is State.ELIGIBLE
    )
    history = [e["action"] for e in await service.history(s.officer, application_id)]
    assert history == [
        "application.registered",
        "application.ask_information",
        "application.complete",
        "application.mark_ineligible",
        "application.mark_eligible",
    ]


async def test_ranking_allocation_decision_payments_and_settlement(setup, fixed_clock):
    s = setup
    ids = await imported(s)
    with pytest.raises(DomainError, match="Start the review first"):
        await service.propose_allocation(s.officer, s.round_id)
    names = list(ids)
    evaluation_id = await review(
        s, {ids[names[0]]: "9", ids[names[1]]: "8", ids[names[2]]: "7", ids[names[3]]: "6"}
    )
    evaluation = await Evaluation.select().where(Evaluation.id == evaluation_id).first()
    assert evaluation["owner_ref"] == f"round:{s.round_id}"
    summary = await service.propose_allocation(s.officer, s.round_id)
    assert summary["total"] == "100000.00" and summary["seed"] == "seed-2021"
    proposal = await service.allocation(s.officer, s.round_id)
    assert [(line.organisation, line.proposed, line.outcome) for line in proposal.lines] == [
        ("Stichting Mantelzorg Utrecht", D("40000.00"), "granted"),
        ("Buurtteam Overvecht", D("35000.00"), "granted"),
        ("Vrijwilligers Centrale Zuid", D("25000.00"), "partly_granted"),
        ("Stichting Dagbesteding Leidsche Rijn", D("0.00"), "refused"),
    ]
    assert [p.text() for p in proposal.lines[3].reasons] == [
        "place 4 in the ranking",
        "ceiling reached",
    ]
    budget = await service.budget(s.round_id, D("100000.00"))
    assert budget.allocated == D("100000.00") and budget.proposed

    # The officer moves 5,000 from the third to the fourth, with reasons.
    with pytest.raises(DomainError, match="above the ceiling"):
        await service.adjust_line(s.officer, s.round_id, ids[names[3]], "5000", "Small reach")
    await service.adjust_line(s.officer, s.round_id, ids[names[2]], "20000", "Two districts")
    await service.adjust_line(s.officer, s.round_id, ids[names[3]], "5000", "Small reach")
    with pytest.raises(ValidationFailed, match="Give a reason"):
        await service.adjust_line(s.officer, s.round_id, ids[names[3]], "4000", " ")

    with pytest.raises(DomainError, match="window is still open"):
        await service.decide(s.officer, s.round_id)
    fixed_clock.set(NOVEMBER)
    result = await service.decide(s.officer, s.round_id)
    assert result == {"granted": 2, "partly_granted": 2, "refused": 0}
    decided = {r["id"]: (r["state"], r["granted"]) for r in await Application.select()}
    assert decided[ids[names[2]]] == ("partly_granted", D("20000.00"))
    assert decided[ids[names[3]]] == ("partly_granted", D("5000.00"))
    # 80% advance when the period starts (after the decision), the rest as the one yearly
    # instalment of a one-year period.
    first = await service.payments(s.officer, s.round_id, application_id=ids[names[0]])
    assert [(p.kind, p.due_on, p.amount) for p in first] == [
        ("advance", date(2021, 1, 1), D("32000.00")),
        ("instalment", date(2021, 1, 1), D("8000.00")),
    ]
    assert sum(p.amount for p in await service.payments(s.officer, s.round_id)) == D("100000")
    # Reports per tier: 40,000 → activity report three months after the period.
    assert [(r.kind, r.due_on) for r in await service.reports(s.officer, ids[names[0]])] == [
        ("activity", date(2022, 3, 31))
    ]
    assert await service.reports(s.officer, ids[names[3]]) == []  # 5,000: none
    with pytest.raises(DomainError, match="already been decided"):
        await service.decide(s.officer, s.round_id)

    advance = first[0]
    with pytest.raises(DomainError, match="A payment that is Scheduled cannot become Paid"):
        await service.set_payment_status(s.officer, advance.id, "paid")
    await service.set_payment_status(s.officer, advance.id, "approved")
    await service.set_payment_status(s.officer, advance.id, "paid")
    assert (await service.get_application(s.officer, ids[names[0]])).state is (State.ADVANCE_PAID)
    budget = await service.budget(s.round_id, D("100000.00"))
    assert budget.allocated == D("100000.00") and budget.paid == D("32000.00")

    # Activities cost less: final 30,000 after an advance of 32,000 → reclaim 2,000.
    with pytest.raises(DomainError, match=r"more than the 40,000\.00 granted"):
        await service.settle_application(s.officer, ids[names[0]], "40000.01")
    # Less than the grant: only with the reasons the decision must give.
    with pytest.raises(ValidationFailed) as refused:
        await service.settle_application(s.officer, ids[names[0]], "30000", " \n ")
    assert [p.location for p in refused.value.problems] == ["reasons"]
    settled = await service.settle_application(
        s.officer, ids[names[0]], "30000", "Fewer meetings than planned"
    )
    assert settled == {
        "final": D("30000.00"),
        "paid": D("32000.00"),
        "reclaim": D("2000.00"),
        "to_pay": D("0.00"),
    }
    assert (
        await Payment.count().where(
            (Payment.application == ids[names[0]]) & (Payment.status != "paid")
        )
        == 0
    )
    # Still owed on the second: its whole grant, as one settlement payment.
    owed = await service.settle_application(s.officer, ids[names[1]], "35000")
    assert owed["to_pay"] == D("35000.00")
    [payment] = await service.payments(s.officer, s.round_id, application_id=ids[names[1]])
    assert payment.kind == "settlement" and payment.amount == D("35000.00")
    history = [e["action"] for e in await service.history(s.officer, ids[names[0]])]
    assert history[-6:] == [
        "application.decide",
        "payment.approved",
        "payment.paid",
        "application.pay_advance",
        "application.settle",
        "letter.sent",
    ]
    assert await Report.count() == 3


async def test_pro_rata_and_withdrawal(make_user, make_authority, fixed_clock):
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    created = await service.create_round(
        officer, round_form(authority["id"], method="pro_rata", ceiling="10000")
    )
    await service.open_round(officer, created.id)
    s = type("S", (), {"officer": officer, "round_id": created.id})
    ids = await imported(
        s,
        [
            ("A", "30000001", "", "30000"),
            ("B", "30000002", "", "20000"),
            ("C", "30000003", "", "50000.01"),
            ("D", "30000004", "", "1000"),
        ],
    )
    await service.act(officer, ids["D"], "withdraw", "Merged with A")
    await service.propose_allocation(officer, created.id)
    proposal = await service.allocation(officer, created.id)
    assert [line.proposed for line in proposal.lines] == [D("2999.99"), D("1999.99"), D("5000.00")]
    assert proposal.summary["rounding_rest"] == "0.02"
    assert await AllocationLine.count() == 3


async def test_files_of_an_application_and_the_regulation(setup, make_user, make_authority):
    s = setup
    [application_id] = await service.import_applications(
        s.officer, s.round_id, "p.csv", csv_bytes([row(*APPLICANTS[0])])
    )
    file_id = await service.attach_file(
        s.officer, application_id, "begroting 2021.pdf", "application/pdf", b"%PDF-1.7 begroting"
    )
    [listed] = await service.files(s.officer, application_id)
    assert (listed.id, listed.filename, listed.size) == (file_id, "begroting 2021.pdf", 18)
    info, chunks = await service.read_file(s.officer, application_id, file_id)
    data = await storage.collect(chunks)
    assert data == b"%PDF-1.7 begroting" and info.content_type == "application/pdf"
    stranger = await make_user("officer", authorities=[(await make_authority("Zeist"))["id"]])
    with pytest.raises(NotFound):
        await service.read_file(stranger, application_id, file_id)
    with pytest.raises(NotFound):
        await service.read_file(s.officer, application_id, file_id + 1)
    with pytest.raises(DomainError, match="no regulation document"):
        await service.regulation_document(s.officer, s.round_id)
    await service.set_regulation_document(
        s.officer, s.round_id, "nadere regel.pdf", "application/pdf", b"%PDF regel"
    )
    info, chunks = await service.regulation_document(s.officer, s.round_id)
    assert await storage.collect(chunks) == b"%PDF regel" and info.filename == "nadere regel.pdf"
    assert (await service.get_round(s.officer, s.round_id)).regulation_document == info.id
    assert "application.file_added" in await actions("application")


async def test_the_application_list_pages_and_filters(setup):
    s = setup
    rows = [
        row(f"Stichting Buurt {n:02d}", f"{31000000 + n:08d}", "", str(1000 + n)) for n in range(60)
    ]
    ids = await service.import_applications(s.officer, s.round_id, "p.csv", csv_bytes(rows))
    await service.complete_many(s.officer, s.round_id, ids[:5])
    second = await service.list_applications(s.officer, s.round_id, page=2, limit=50)
    assert second.total == 60 and second.page == 2 and len(second.items) == 10
    assert second.items[0].reference == f"R{s.round_id}-0051" and second.counts == {}
    past = await service.list_applications(s.officer, s.round_id, page=99, limit=50)
    assert past.page == 2
    complete = await service.list_applications(s.officer, s.round_id, state="complete", counts=True)
    assert complete.total == 5 and complete.counts == {"complete": 5, "submitted": 55}
    found = await service.list_applications(s.officer, s.round_id, text="buurt 07")
    assert [a.organisation for a in found.items] == ["Stichting Buurt 07"]
