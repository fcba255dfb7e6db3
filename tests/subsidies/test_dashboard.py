"""The officer's dashboard shows their subsidy rounds in every phase with what each needs now;
finance's shows the payments due, the earliest first, overdue ones marked, linked to the round's
payments."""

from datetime import UTC, datetime

from subsidies import service
from subsidies.dashboard import officer_rounds, payments_due
from tests.subsidies.conftest import APPLICANTS, NOVEMBER, imported, review, round_form, row, xlsx
from tests.support.http import sign_in, text_of


async def test_the_officer_sees_each_round_with_what_it_needs(setup, client, fixed_clock):
    s = setup
    draft = await service.create_round(s.officer, round_form(s.authority_id, title="Next year"))
    await service.import_applications(
        s.officer, s.round_id, "portal.xlsx", xlsx([row(*a) for a in APPLICANTS])
    )
    panel = await officer_rounds(s.officer)
    assert panel is not None
    rounds = {r.title: r for r in panel.context["rounds"]}
    assert [r.phase.value for r in panel.context["rounds"]] == ["open", "draft"]
    assert rounds["Next year"].id == draft.id and rounds["Next year"].applications == 0
    opened = rounds["Sociale Prestatie en Dagondersteuning 2021"]
    assert opened.applications == 4
    assert [p.text() for p in opened.steps] == ["applications to check for completeness: 4"]
    assert [p.text() for p in rounds["Next year"].steps] == [
        "check the settings and open the round"
    ]
    assert await payments_due(s.officer) is None

    await sign_in(client, s.officer.email)
    page = text_of((await client.get("/")).text)
    assert "Your subsidy rounds" in page and "Next year" in page
    assert "applications to check for completeness: 4" in page


async def test_finance_sees_the_payments_due_with_the_overdue_marked(
    setup, client, fixed_clock, make_user
):
    s = setup
    ids = await imported(s)
    await review(s, dict(zip(ids.values(), ("9", "8", "7", "6"), strict=True)))
    await service.propose_allocation(s.officer, s.round_id)
    fixed_clock.set(NOVEMBER)
    await service.decide(s.officer, s.round_id)
    first = ids["Stichting Mantelzorg Utrecht"]
    [advance, instalment] = await service.payments(s.officer, s.round_id, application_id=first)
    await service.set_payment_status(s.officer, advance.id, "approved")
    await service.set_payment_status(s.officer, advance.id, "paid")
    finance = await make_user("finance", email="femke@example.org", authorities=[s.authority_id])
    fixed_clock.set(datetime(2021, 1, 2, 12, 0, tzinfo=UTC))
    panel = await payments_due(finance)
    assert panel is not None and await officer_rounds(finance) is None
    due = panel.context["payments"]
    assert len(due) == 5 and advance.id not in {p.id for p in due}
    assert [p.due_on for p in due] == sorted(p.due_on for p in due)
    assert all(p.overdue == (p.due_on < datetime(2021, 1, 2).date()) for p in due)
    assert any(p.overdue for p in due)
    mine = next(p for p in due if p.id == instalment.id)
    assert (mine.organisation, mine.amount, mine.currency) == (
        "Stichting Mantelzorg Utrecht",
        instalment.amount,
        "EUR",
    )

    await sign_in(client, "femke@example.org")
    html = (await client.get("/")).text
    page = text_of(html)
    assert "Payments due" in page and "Stichting Mantelzorg Utrecht" in page
    assert "overdue" in page  # the real clock is years past these due dates
    assert f'href="/subsidies/rounds/{s.round_id}/payments?status=scheduled"' in html
    assert (
        await client.get(f"/subsidies/rounds/{s.round_id}/payments?status=scheduled")
    ).status_code == 200
