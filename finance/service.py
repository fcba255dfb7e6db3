"""Finance's read-only use cases: the rows each view shows, for the principal, as tables.

Nothing here writes: finance reads everything it may see and changes nothing. Officers and
finance see the awards of their own authorities (in a joint procurement, every participating
authority sees the award and its own share); administrators see all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from operator import attrgetter
from typing import Any

import pandas as pd

from common.i18n import N_
from common.identity import Principal
from finance.domain import (
    HUNDRED,
    AwardRow,
    BudgetRow,
    FinanceQuery,
    FinanceSource,
    PaymentRow,
    Share,
    split_by_shares,
)
from web.i18n import gettext as _

KIND_LABELS = {
    "contract": N_("Contract"),
    "grant": N_("Grant"),
    "tender": N_("Tender"),
    "round": N_("Subsidy round"),
}
STATUS_LABELS = {
    "scheduled": N_("Scheduled"),
    "approved": N_("Approved"),
    "paid": N_("Paid"),
    "signed": N_("Signed, not started"),
    "running": N_("Running"),
    "ended": N_("Ended"),
    "granted": N_("Granted"),
    "partly_granted": N_("Partly granted"),
    "advance_paid": N_("Advance paid"),
    "report_due": N_("Report due"),
    "settled": N_("Settled"),
    "closed": N_("Closed"),
}


def status_label(code: str) -> str:
    return _(STATUS_LABELS[code]) if code in STATUS_LABELS else code


def for_principal(principal: Principal, query: FinanceQuery) -> FinanceQuery:
    """The query narrowed to the authorities the principal works for (admins: as asked)."""
    if principal.is_admin:
        return query
    own = frozenset(principal.authority_ids)
    wanted = own if query.authority_ids is None else own & query.authority_ids
    return replace(query, authority_ids=wanted)


AWARD_ORDER = attrgetter("authority", "reference", "lot", "provider")
BUDGET_ORDER = attrgetter("authority", "reference")
PAYMENT_ORDER = attrgetter("due_on", "authority", "reference", "payee")


async def awards(sources: Sequence[FinanceSource], query: FinanceQuery) -> list[AwardRow]:
    """Every source's awards the query matches, by authority, reference, lot and provider
    (sources that give theirs in about that order make the sort cheap)."""
    rows = [row for source in sources for row in await source.awards(query)]
    if not query.everything:
        rows = [row for row in rows if query.matches_award(row)]
    rows.sort(key=AWARD_ORDER)
    return rows


async def budgets(sources: Sequence[FinanceSource], query: FinanceQuery) -> list[BudgetRow]:
    rows = [
        row
        for source in sources
        for row in await source.budgets(query)
        if query.matches_budget(row)
    ]
    return sorted(rows, key=BUDGET_ORDER)


async def payments(sources: Sequence[FinanceSource], query: FinanceQuery) -> list[PaymentRow]:
    rows = [row for source in sources for row in await source.payments(query)]
    if not query.everything:
        rows = [row for row in rows if query.matches_payment(row)]
    rows.sort(key=PAYMENT_ORDER)
    return rows


def share_lines(rows: Sequence[AwardRow], query: FinanceQuery) -> list[dict[str, Any]]:
    """Every award split by the authorities' shares (a single authority pays 100 %)."""
    lines = []
    for row in rows:
        shares = row.shares or (Share(row.authority_id, row.authority, HUNDRED),)
        for part in split_by_shares(row.amount, shares):
            if query.authority_ids is not None and part.authority_id not in query.authority_ids:
                continue
            lines.append(
                {
                    "authority": part.authority,
                    "reference": row.reference,
                    "procedure": row.procedure,
                    "lot": row.lot,
                    "provider": row.provider,
                    "award_amount": row.amount,
                    "percent": part.percent / HUNDRED,
                    "amount": part.amount,
                    "rounding": part.rounding,
                    "currency": row.currency,
                    "budget_line": row.budget_line,
                }
            )
    return lines


class _Labels(dict):
    """Translated labels of codes, each translated once per export rather than once per row."""

    def __missing__(self, code: str) -> str:
        label = self[code] = _(KIND_LABELS[code]) if code in KIND_LABELS else status_label(code)
        return label


def _joint(shares: tuple[Share, ...], seen: dict[int, str]) -> str:
    """The shares as text, once per tender (its awards share one tuple of shares)."""
    text = seen.get(id(shares))
    if text is None:
        text = seen[id(shares)] = ", ".join(f"{s.authority} {s.percent}%" for s in shares)
    return text


def award_dicts(rows: Sequence[AwardRow]) -> list[dict[str, Any]]:
    labels, joint = _Labels(), {id(()): ""}
    return [
        {
            "kind": labels[row.kind],
            "authority": row.authority,
            "procedure": row.procedure,
            "reference": row.reference,
            "lot": row.lot,
            "provider": row.provider,
            "registration_number": row.registration_number,
            "iban": row.iban,
            "service_type": row.service_type,
            "amount": row.amount,
            "currency": row.currency,
            "period_start": row.period_start,
            "period_end": row.period_end,
            "budget_line": row.budget_line,
            "status": labels[row.status],
            "status_code": row.status,
            "joint": _joint(row.shares, joint),
        }
        for row in rows
    ]


def budget_dicts(rows: Sequence[BudgetRow]) -> list[dict[str, Any]]:
    return [
        {
            "kind": _(KIND_LABELS[row.kind]),
            "authority": row.authority,
            "reference": row.reference,
            "procedure": row.procedure,
            "service_type": row.service_type,
            "budget_line": row.budget_line,
            "ceiling": row.ceiling,
            "committed": row.committed,
            "paid": row.paid,
            "remaining": row.remaining,
            "currency": row.currency,
        }
        for row in rows
    ]


def payment_dicts(rows: Sequence[PaymentRow]) -> list[dict[str, Any]]:
    labels = _Labels()
    return [
        {
            "due_on": row.due_on,
            "authority": row.authority,
            "budget_line": row.budget_line,
            "reference": row.reference,
            "payee": row.payee,
            "amount": row.amount,
            "currency": row.currency,
            "status": labels[row.status],
            "status_code": row.status,
            "paid_on": row.paid_on,
        }
        for row in rows
    ]


def payment_pivot(rows: Sequence[PaymentRow], period: str) -> tuple[list[str], list[dict]]:
    """Payments summed per authority, budget line, currency and status by month or year.

    Returns the period labels (``2026-03`` or ``2026``) and one dict per line. Amounts stay
    Decimal (pandas sums the objects), and currencies stay apart: currency is part of the line.
    """
    if not rows:
        return [], []
    frame = pd.DataFrame(
        {
            "authority": [r.authority for r in rows],
            "budget_line": [r.budget_line for r in rows],
            "currency": [r.currency for r in rows],
            "status": [r.status for r in rows],
            "period": [
                f"{r.due_on:%Y-%m}" if period == "month" else f"{r.due_on:%Y}" for r in rows
            ],
            "amount": pd.Series([r.amount for r in rows], dtype=object),
        }
    )
    table = frame.pivot_table(
        index=["authority", "budget_line", "currency", "status"],
        columns="period",
        values="amount",
        aggfunc="sum",
        fill_value=Decimal(0),
        observed=True,
    )
    periods = [str(p) for p in table.columns]
    lines = []
    for (authority, budget_line, currency, status), values in table.iterrows():
        line: dict[str, Any] = {
            "authority": authority,
            "budget_line": budget_line,
            "currency": currency,
            "status": status_label(status),
        }
        line.update({p: Decimal(v) for p, v in zip(periods, values, strict=True)})
        line["total"] = sum((Decimal(v) for v in values), Decimal(0))
        lines.append(line)
    return periods, lines
