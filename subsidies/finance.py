"""What finance reads of the subsidy rounds: grants, each round's ceiling use, payments.

Rows are narrowed to the query's authorities in SQL; finance applies the other filters.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from authorities.tables import Authority
from finance.domain import AwardRow, BudgetRow, FinanceQuery, PaymentRow
from subsidies.lifecycle import HOLDING_A_GRANT
from subsidies.tables import Application, Payment, SubsidyRound

ZERO = Decimal("0.00")


def _authorities_filter(column: Any, query: FinanceQuery) -> Any:
    if query.authority_ids is None:
        return None
    return column.is_in(sorted(query.authority_ids) or [-1])


async def _names() -> dict[int, str]:
    return {r["id"]: r["name"] for r in await Authority.select(Authority.id, Authority.name)}


class SubsidyFinance:
    name = "subsidies"

    async def awards(self, query: FinanceQuery) -> list[AwardRow]:
        select = Application.select(
            Application.reference, Application.granted, Application.state,
            Application.organisation.name, Application.organisation.registration_number,
            Application.organisation.iban, Application.round.authority,
            Application.round.title, Application.round.currency,
            Application.round.service_types, Application.round.regulation_reference,
            Application.round.period_start, Application.round.period_end,
        ).where(Application.state.is_in([s.value for s in HOLDING_A_GRANT]))
        narrowed = _authorities_filter(Application.round.authority, query)
        if narrowed is not None:
            select = select.where(narrowed)
        names = await _names()
        return [AwardRow(
            "grant", r["round.authority"], names[r["round.authority"]], r["round.title"],
            r["reference"], "", r["organisation.name"], r["organisation.registration_number"],
            r["organisation.iban"] or "", r["round.service_types"], r["granted"] or ZERO,
            r["round.currency"], r["round.period_start"], r["round.period_end"],
            r["round.regulation_reference"], r["state"]) for r in await select]

    async def budgets(self, query: FinanceQuery) -> list[BudgetRow]:
        select = SubsidyRound.select()
        narrowed = _authorities_filter(SubsidyRound.authority, query)
        if narrowed is not None:
            select = select.where(narrowed)
        rounds = await select
        committed: dict[int, Decimal] = defaultdict(lambda: ZERO)
        paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
        ids = [r["id"] for r in rounds]
        if ids:
            for row in await Application.select(Application.round, Application.granted).where(
                    Application.round.is_in(ids)
                    & Application.state.is_in([s.value for s in HOLDING_A_GRANT])):
                committed[row["round"]] += row["granted"] or ZERO
            for row in await Payment.select(Payment.application.round, Payment.amount).where(
                    Payment.application.round.is_in(ids) & (Payment.status == "paid")):
                paid[row["application.round"]] += row["amount"]
        names = await _names()
        return [BudgetRow("round", r["authority"], names[r["authority"]],
                          r["regulation_reference"] or f"R{r['id']}", r["title"],
                          r["service_types"], r["currency"], r["ceiling"], committed[r["id"]],
                          paid[r["id"]], r["period_start"], r["period_end"],
                          frozenset({r["authority"]})) for r in rounds]

    async def payments(self, query: FinanceQuery) -> list[PaymentRow]:
        select = Payment.select(
            Payment.due_on, Payment.amount, Payment.status, Payment.paid_at,
            Payment.application.reference, Payment.application.organisation.name,
            Payment.application.round.authority, Payment.application.round.currency,
            Payment.application.round.service_types,
            Payment.application.round.regulation_reference)
        narrowed = _authorities_filter(Payment.application.round.authority, query)
        if narrowed is not None:
            select = select.where(narrowed)
        names = await _names()
        return [PaymentRow(
            r["application.round.authority"], names[r["application.round.authority"]],
            r["application.reference"], r["application.organisation.name"],
            r["application.round.regulation_reference"], r["application.round.service_types"],
            r["due_on"], r["amount"], r["application.round.currency"], r["status"],
            r["paid_at"].date() if r["paid_at"] else None) for r in await select]


SOURCE = SubsidyFinance()
