"""Finance reads the grants, each round's ceiling use and the payments, per authority."""

from decimal import Decimal

from finance.domain import FinanceQuery
from subsidies.finance import SOURCE
from tests.subsidies.conftest import decided_and_advance_paid, imported, review

D = Decimal


async def test_grants_budgets_and_payments_for_finance(setup, fixed_clock):
    s = setup
    ids = await imported(s)
    await review(s, dict(zip(ids.values(), ("9", "8", "7", "6"), strict=True)))
    await decided_and_advance_paid(s, ids, fixed_clock)

    mine = FinanceQuery(authority_ids=frozenset({s.authority_id}))
    awards = await SOURCE.awards(mine)
    assert sorted((a.provider, a.amount, a.status) for a in awards) == [
        ("Buurtteam Overvecht", D("35000.00"), "granted"),
        ("Stichting Mantelzorg Utrecht", D("40000.00"), "advance_paid"),
        ("Vrijwilligers Centrale Zuid", D("25000.00"), "partly_granted"),
    ]
    assert {a.iban for a in awards if a.provider == "Stichting Mantelzorg Utrecht"} == {
        "NL91ABNA0417164300"
    }
    [budget] = await SOURCE.budgets(mine)
    assert (budget.ceiling, budget.committed, budget.paid, budget.remaining) == (
        D("100000.00"),
        D("100000.00"),
        D("32000.00"),
        D("0.00"),
    )
    payments = await SOURCE.payments(mine)
    assert len(payments) == 6 and sum(p.amount for p in payments) == D("100000.00")
    assert [p.status for p in payments if p.paid_on] == ["paid"]
    nobody = FinanceQuery(authority_ids=frozenset())
    assert await SOURCE.awards(nobody) == [] and await SOURCE.budgets(nobody) == []
    assert await SOURCE.payments(nobody) == []
