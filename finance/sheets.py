"""The views as tables: columns with headers in the reader's language, rows as dicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from common.gcpause import paused_collection
from common.i18n import N_
from documents.tables_export import Column, Sheet
from finance import service
from finance.domain import FinanceQuery, FinanceSource, View
from web.i18n import gettext as _

AWARD_COLUMNS = (
    ("kind", N_("Kind"), "text", 10),
    ("authority", N_("Authority"), "text", 26),
    ("procedure", N_("Procedure or round"), "text", 36),
    ("reference", N_("Reference"), "text", 16),
    ("lot", N_("Lot"), "text", 20),
    ("provider", N_("Provider or applicant"), "text", 32),
    ("registration_number", N_("Registration number"), "text", 18),
    ("iban", N_("IBAN"), "text", 24),
    ("service_type", N_("Service type"), "text", 20),
    ("amount", N_("Amount"), "money", 16),
    ("currency", N_("Currency"), "text", 9),
    ("period_start", N_("From"), "date", 12),
    ("period_end", N_("Until"), "date", 12),
    ("budget_line", N_("Budget line"), "text", 18),
    ("status", N_("Status"), "text", 14),
    ("joint", N_("Joint procurement shares"), "text", 30),
)
SHARE_COLUMNS = (
    ("authority", N_("Authority"), "text", 26),
    ("reference", N_("Reference"), "text", 16),
    ("procedure", N_("Procedure or round"), "text", 36),
    ("lot", N_("Lot"), "text", 20),
    ("provider", N_("Provider or applicant"), "text", 32),
    ("award_amount", N_("Award amount"), "money", 16),
    ("percent", N_("Share"), "percent", 10),
    ("amount", N_("Share amount"), "money", 16),
    ("rounding", N_("Rounding rest"), "money", 12),
    ("currency", N_("Currency"), "text", 9),
    ("budget_line", N_("Budget line"), "text", 18),
)
BUDGET_COLUMNS = (
    ("kind", N_("Kind"), "text", 14),
    ("authority", N_("Authority"), "text", 26),
    ("reference", N_("Reference"), "text", 16),
    ("procedure", N_("Procedure or round"), "text", 36),
    ("service_type", N_("Service type"), "text", 20),
    ("budget_line", N_("Budget line"), "text", 18),
    ("ceiling", N_("Ceiling or estimated value"), "money", 18),
    ("committed", N_("Allocated or awarded"), "money", 18),
    ("paid", N_("Paid"), "money", 16),
    ("remaining", N_("Remaining"), "money", 16),
    ("currency", N_("Currency"), "text", 9),
)
PAYMENT_COLUMNS = (
    ("due_on", N_("Due"), "date", 12),
    ("authority", N_("Authority"), "text", 26),
    ("budget_line", N_("Budget line"), "text", 18),
    ("reference", N_("Reference"), "text", 16),
    ("payee", N_("Payee"), "text", 32),
    ("amount", N_("Amount"), "money", 16),
    ("currency", N_("Currency"), "text", 9),
    ("status", N_("Status"), "text", 14),
    ("paid_on", N_("Paid on"), "date", 12),
)
PIVOT_KEYS = (
    ("authority", N_("Authority"), "text", 26),
    ("budget_line", N_("Budget line"), "text", 18),
    ("currency", N_("Currency"), "text", 9),
    ("status", N_("Status"), "text", 14),
)
TITLES = {
    "awards": N_("Awards"),
    "shares": N_("Shares"),
    "budget": N_("Budget use"),
    "payments": N_("Payments"),
}


def columns(spec: Sequence[tuple[str, str, str, int]]) -> list[Column]:
    return [Column(key, _(header), kind, width) for key, header, kind, width in spec]  # type: ignore[arg-type]


async def view_rows(
    view: View, sources: Sequence[FinanceSource], query: FinanceQuery
) -> list[dict[str, Any]]:
    """The rows of one view (the first sheet of its export), as the page previews them."""
    if view in ("awards", "shares"):
        awards = await service.awards(sources, query)
        if view == "awards":
            return service.award_dicts(awards)
        return service.share_lines(awards, query)
    if view == "budget":
        return service.budget_dicts(await service.budgets(sources, query))
    return service.payment_dicts(await service.payments(sources, query))


def view_columns(view: View) -> list[Column]:
    return columns(
        {
            "awards": AWARD_COLUMNS,
            "shares": SHARE_COLUMNS,
            "budget": BUDGET_COLUMNS,
            "payments": PAYMENT_COLUMNS,
        }[view]
    )


async def export_sheets(
    view: View, sources: Sequence[FinanceSource], query: FinanceQuery
) -> list[Sheet]:
    """Every sheet of a view's export: the view itself, and for payments the pivots."""
    with paused_collection():
        return await _export_sheets(view, sources, query)


async def _export_sheets(
    view: View, sources: Sequence[FinanceSource], query: FinanceQuery
) -> list[Sheet]:
    if view == "payments":
        rows = await service.payments(sources, query)
        sheets = [
            Sheet(
                _(TITLES[view]),
                view_columns(view),
                service.payment_dicts(rows),
                totals=True,
                total_label=_("Total"),
            )
        ]
        for period, title in (("month", N_("By month")), ("year", N_("By year"))):
            periods, lines = service.payment_pivot(rows, period)
            pivot_columns = columns(PIVOT_KEYS) + [Column(p, p, "money", 14) for p in periods]
            pivot_columns.append(Column("total", _("Total"), "money", 16))
            sheets.append(
                Sheet(_(title), pivot_columns, lines, totals=True, total_label=_("Total"))
            )
        return sheets
    return [
        Sheet(
            _(TITLES[view]),
            view_columns(view),
            await view_rows(view, sources, query),
            totals=True,
            total_label=_("Total"),
        )
    ]
