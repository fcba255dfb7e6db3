"""What finance reads of subsidy rounds: grants as awards, each round's ceiling against what was
granted and paid, and every payment of every grant.

Grants and payments are read with one joined query each as plain rows (an export may hold tens
of thousands); a round's service type names are worked out once per round, not once per row.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from authorities.service import service_type_names
from config.database import raw_rows
from finance.domain import AwardRow, BudgetRow, Days, FinanceQuery, PaymentRow, cents
from subsidies.lifecycle import HOLDING_A_GRANT
from subsidies.tables import SubsidyRound
from web.i18n import current_language

GRANTED = sorted(state.value for state in HOLDING_A_GRANT)


def _visible(query: FinanceQuery, authority_id: int) -> bool:
    return query.authority_ids is None or authority_id in query.authority_ids


def _narrowed(select: Any, column: Any, query: FinanceQuery) -> Any:
    """The query's authorities in SQL already (the rows are checked again in Python)."""
    if query.authority_ids is None:
        return select
    return select.where(column.is_in(sorted(query.authority_ids) or [-1]))


def _in(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """``column IN (…)`` with a placeholder per value (never empty)."""
    values = values or [-1]
    return f"{column} IN ({', '.join('{}' for _ in values)})", values


def _where(query: FinanceQuery, *conditions: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
    """A WHERE clause of the conditions and the query's authorities."""
    if query.authority_ids is not None:
        conditions = (*conditions, _in("r.authority", sorted(query.authority_ids)))
    if not conditions:
        return "", []
    return (
        "WHERE " + " AND ".join(sql for sql, _ in conditions),
        [value for _, values in conditions for value in values],
    )


def _codes(row: dict[str, Any], key: str) -> str:
    return ",".join(c.strip() for c in (row.get(key) or "").split(",") if c.strip())


def _names(codes: str, names: dict[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in codes.split(",") if code)


class _ServiceTypes:
    """A round's service types as codes and as names, worked out once per distinct text."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names, self.seen = names, {}

    def __call__(self, stored: str | None) -> tuple[str, str]:
        found = self.seen.get(stored)
        if found is None:
            codes = _codes({"codes": stored}, "codes")
            found = self.seen[stored] = (codes, _names(codes, self.names))
        return found


GRANTS = """
SELECT CAST(r.authority AS INTEGER), a.name, r.title, ap.reference, ap.title, o.name,
       o.registration_number, o.iban, r.service_types, ap.final_amount, ap.granted, r.currency,
       CAST(r.period_start AS TEXT), CAST(r.period_end AS TEXT), r.budget_line, ap.state
FROM subsidies_application ap
JOIN subsidies_round r ON r.id = ap.round
JOIN authorities_authority a ON a.id = r.authority
JOIN organisations_organisation o ON o.id = ap.organisation
{where}
ORDER BY a.name, ap.reference, ap.title, o.name, ap.id
"""
PAYMENTS = """
SELECT CAST(r.authority AS INTEGER), a.name, ap.reference, o.name, r.budget_line,
       r.service_types, CAST(p.due_on AS TEXT), p.amount, r.currency, p.status, p.paid_at
FROM subsidies_payment p
JOIN subsidies_application ap ON ap.id = p.application
JOIN subsidies_round r ON r.id = ap.round
JOIN authorities_authority a ON a.id = r.authority
JOIN organisations_organisation o ON o.id = ap.organisation
{where}
ORDER BY p.due_on, p.id
"""


class SubsidyFinance:
    name = "subsidies"

    async def awards(self, query: FinanceQuery) -> list[AwardRow]:
        where, values = _where(query, _in("ap.state", GRANTED), ("ap.granted IS NOT NULL", []))
        rows = await raw_rows(GRANTS.replace("{where}", where), *values)
        types = _ServiceTypes(await service_type_names(current_language()))
        days = Days()
        awards = []
        append = awards.append
        for (
            authority_id,
            authority,
            title,
            reference,
            lot,
            provider,
            registration,
            iban,
            service_types,
            final_amount,
            granted,
            currency,
            start,
            end,
            budget_line,
            state,
        ) in rows:
            codes, names = types(service_types)
            append(
                AwardRow(
                    "grant",
                    authority_id,
                    authority,
                    title,
                    reference,
                    lot,
                    provider,
                    registration,
                    iban or "",
                    names,
                    cents(final_amount if final_amount is not None else granted),
                    currency,
                    days[start],
                    days[end],
                    budget_line,
                    state,
                    (),
                    codes,
                )
            )
        return awards

    async def budgets(self, query: FinanceQuery) -> list[BudgetRow]:
        rounds = [
            r
            for r in await _narrowed(
                SubsidyRound.select(
                    SubsidyRound.id,
                    SubsidyRound.title,
                    SubsidyRound.regulation_reference,
                    SubsidyRound.currency,
                    SubsidyRound.ceiling,
                    SubsidyRound.period_start,
                    SubsidyRound.period_end,
                    SubsidyRound.service_types,
                    SubsidyRound.budget_line,
                    SubsidyRound.authority.id,
                    SubsidyRound.authority.name,
                ).order_by(SubsidyRound.id),
                SubsidyRound.authority,
                query,
            )
            if _visible(query, r["authority.id"])
        ]
        names = await service_type_names(current_language())
        granted: dict[int, Decimal] = defaultdict(Decimal)
        state, values = _in("state", GRANTED)
        for round_id, amount in await raw_rows(
            "SELECT CAST(round AS INTEGER), granted FROM subsidies_application "
            "WHERE {state} AND granted IS NOT NULL".replace("{state}", state),
            *values,
        ):
            granted[round_id] += cents(amount)
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for round_id, amount in await raw_rows(
            "SELECT CAST(ap.round AS INTEGER), p.amount FROM subsidies_payment p "
            "JOIN subsidies_application ap ON ap.id = p.application "
            "WHERE p.status = 'paid'"
        ):
            paid[round_id] += cents(amount)
        return [
            BudgetRow(
                kind="round",
                authority_id=r["authority.id"],
                authority=r["authority.name"],
                reference=r["regulation_reference"] or f"R{r['id']}",
                procedure=r["title"],
                service_type=_names(_codes(r, "service_types"), names),
                service_type_code=_codes(r, "service_types"),
                currency=r["currency"],
                ceiling=cents(r["ceiling"]),
                committed=granted[r["id"]],
                paid=paid[r["id"]],
                period_start=r["period_start"],
                period_end=r["period_end"],
                budget_line=r["budget_line"],
            )
            for r in rounds
        ]

    async def payments(self, query: FinanceQuery) -> list[PaymentRow]:
        where, values = _where(query)
        rows = await raw_rows(PAYMENTS.replace("{where}", where), *values)
        types = _ServiceTypes(await service_type_names(current_language()))
        days = Days()
        payments = []
        append = payments.append
        for (
            authority_id,
            authority,
            reference,
            payee,
            budget_line,
            service_types,
            due_on,
            amount,
            currency,
            status,
            paid_at,
        ) in rows:
            codes, names = types(service_types)
            append(
                PaymentRow(
                    authority_id,
                    authority,
                    reference,
                    payee,
                    budget_line,
                    names,
                    days[due_on],
                    cents(amount),
                    currency,
                    status,
                    paid_at.date() if paid_at else None,
                    codes,
                )
            )
        return payments


SOURCE = SubsidyFinance()
