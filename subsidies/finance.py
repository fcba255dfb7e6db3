"""What finance reads of subsidy rounds: grants as awards, each round's ceiling against what was
granted and paid, and every payment of every grant."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from authorities.service import service_type_names
from finance.domain import AwardRow, BudgetRow, FinanceQuery, PaymentRow, cents
from subsidies.lifecycle import HOLDING_A_GRANT
from subsidies.tables import Application, Payment, SubsidyRound
from web.i18n import current_language

GRANTED = sorted(state.value for state in HOLDING_A_GRANT)


def _visible(query: FinanceQuery, authority_id: int) -> bool:
    return query.authority_ids is None or authority_id in query.authority_ids


def _narrowed(select: Any, column: Any, query: FinanceQuery) -> Any:
    """The query's authorities in SQL already (the rows are checked again in Python)."""
    if query.authority_ids is None:
        return select
    return select.where(column.is_in(sorted(query.authority_ids) or [-1]))


def _codes(row: dict[str, Any], key: str) -> str:
    return ",".join(c.strip() for c in (row.get(key) or "").split(",") if c.strip())


def _names(codes: str, names: dict[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in codes.split(",") if code)


class SubsidyFinance:
    name = "subsidies"

    async def awards(self, query: FinanceQuery) -> list[AwardRow]:
        rows = await _narrowed(Application.select(
            Application.reference, Application.title, Application.state, Application.granted,
            Application.final_amount, Application.round.title,
            Application.round.regulation_reference, Application.round.currency,
            Application.round.period_start, Application.round.period_end,
            Application.round.service_types, Application.round.budget_line,
            Application.round.authority.id,
            Application.round.authority.name, Application.organisation.name,
            Application.organisation.registration_number, Application.organisation.iban,
        ).where(Application.state.is_in(GRANTED) & Application.granted.is_not_null()
                ).order_by(Application.id), Application.round.authority, query)
        names = await service_type_names(current_language())
        return [AwardRow(
            kind="grant", authority_id=r["round.authority.id"],
            authority=r["round.authority.name"], procedure=r["round.title"],
            reference=r["reference"], lot=r["title"], provider=r["organisation.name"],
            registration_number=r["organisation.registration_number"],
            iban=r["organisation.iban"] or "",
            service_type=_names(_codes(r, "round.service_types"), names),
            service_type_code=_codes(r, "round.service_types"),
            amount=cents(r["final_amount"] if r["final_amount"] is not None
                         else r["granted"]),
            currency=r["round.currency"], period_start=r["round.period_start"],
            period_end=r["round.period_end"], budget_line=r["round.budget_line"],
            status=r["state"])
            for r in rows if _visible(query, r["round.authority.id"])]

    async def budgets(self, query: FinanceQuery) -> list[BudgetRow]:
        rounds = [r for r in await _narrowed(SubsidyRound.select(
            SubsidyRound.id, SubsidyRound.title, SubsidyRound.regulation_reference,
            SubsidyRound.currency, SubsidyRound.ceiling, SubsidyRound.period_start,
            SubsidyRound.period_end, SubsidyRound.service_types, SubsidyRound.budget_line,
            SubsidyRound.authority.id,
            SubsidyRound.authority.name).order_by(SubsidyRound.id), SubsidyRound.authority, query)
            if _visible(query, r["authority.id"])]
        names = await service_type_names(current_language())
        granted: dict[int, Decimal] = defaultdict(Decimal)
        for a in await Application.select(Application.round, Application.granted).where(
                Application.state.is_in(GRANTED) & Application.granted.is_not_null()):
            granted[a["round"]] += cents(a["granted"])
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for p in await Payment.select(Payment.application.round, Payment.amount).where(
                Payment.status == "paid"):
            paid[p["application.round"]] += cents(p["amount"])
        return [BudgetRow(
            kind="round", authority_id=r["authority.id"], authority=r["authority.name"],
            reference=r["regulation_reference"] or f"R{r['id']}", procedure=r["title"],
            service_type=_names(_codes(r, "service_types"), names), service_type_code=_codes(
                r, "service_types"), currency=r["currency"], ceiling=cents(r["ceiling"]),
            committed=granted[r["id"]], paid=paid[r["id"]], period_start=r["period_start"],
            period_end=r["period_end"], budget_line=r["budget_line"]) for r in rounds]

    async def payments(self, query: FinanceQuery) -> list[PaymentRow]:
        rows = await _narrowed(Payment.select(
            Payment.due_on, Payment.amount, Payment.status, Payment.paid_at,
            Payment.application.reference, Payment.application.organisation.name,
            Payment.application.round.currency, Payment.application.round.service_types,
            Payment.application.round.budget_line,
            Payment.application.round.authority.id,
            Payment.application.round.authority.name).order_by(Payment.due_on, Payment.id),
            Payment.application.round.authority, query)
        names = await service_type_names(current_language())
        return [PaymentRow(
            authority_id=r["application.round.authority.id"],
            authority=r["application.round.authority.name"],
            reference=r["application.reference"], payee=r["application.organisation.name"],
            budget_line=r["application.round.budget_line"],
            service_type=_names(_codes(r, "application.round.service_types"), names),
            service_type_code=_codes(r, "application.round.service_types"),
            due_on=r["due_on"], amount=cents(r["amount"]),
            currency=r["application.round.currency"], status=r["status"],
            paid_on=r["paid_at"].date() if r["paid_at"] else None)
            for r in rows if _visible(query, r["application.round.authority.id"])]


SOURCE = SubsidyFinance()
