"""Finance's page, downloads and API. Every route reads; none changes anything."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template

from authorities import service as authorities
from authorities.domain import localized_name
from common.errors import NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from documents.tables_export import csv_chunks, file_chunks, xlsx_file
from finance import service, sheets
from finance.domain import (
    VIEWS,
    AwardRow,
    BudgetRow,
    FinanceQuery,
    PaymentRow,
    View,
    totals_by_currency,
)
from finance.filters import FORMATS, parse_query, parse_view
from web.downloads import attachment_stream
from web.forms import field_errors
from web.guards import me, requires_role
from web.i18n import current_language, gettext

READERS = requires_role(Role.ADMIN, Role.OFFICER, Role.FINANCE)
PREVIEW_ROWS = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOTALLED = {
    "awards": ("amount",),
    "shares": ("amount",),
    "budget": ("ceiling", "committed", "paid", "remaining"),
    "payments": ("amount",),
}


def _query(request: Request) -> FinanceQuery:
    return service.for_principal(me(request), parse_query(request.query_params))


def _totals(view: View, rows: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(column key, currency, total) per totalled column and currency."""
    return [
        (key, currency, total)
        for key in TOTALLED[view]
        for currency, total in totals_by_currency((row["currency"], row[key]) for row in rows)
    ]


async def _authority_options(principal: Principal) -> list[tuple[int, str]]:
    return [
        (a["id"], a["name"])
        for a in await authorities.list_authorities()
        if principal.can_see_authority(a["id"])
    ]


class FinanceController(Controller):
    path = "/finance"
    include_in_schema = False
    guards = [READERS]

    @get("", name="finance")
    async def page(self, request: Request, view: FromQuery[str | None] = None) -> Template:
        chosen = parse_view(view)
        principal = me(request)
        errors: dict[str, list[str]] = {}
        try:
            query = _query(request)
        except ValidationFailed as exc:
            errors, query = field_errors(exc), service.for_principal(principal, FinanceQuery())
        sources = request.app.state.finance_sources
        unfiltered = await sheets.view_rows(chosen, sources, replace(query, status=""))
        rows = [r for r in unfiltered if not query.status or r.get("status_code") == query.status]
        return Template(
            "finance/index.html",
            status_code=422 if errors else 200,
            context={
                "view": chosen,
                "views": [(v, gettext(sheets.TITLES[v])) for v in VIEWS],
                "columns": sheets.view_columns(chosen),
                "rows": rows[:PREVIEW_ROWS],
                "count": len(rows),
                "totals": _totals(chosen, rows),
                "errors": errors,
                "filters": dict(request.query_params),
                "authorities": await _authority_options(principal),
                "service_types": [
                    (t["code"], localized_name(t, current_language()))
                    for t in await authorities.list_service_types()
                ],
                "statuses": sorted(
                    {(r["status_code"], r["status"]) for r in unfiltered if r.get("status_code")}
                ),
                "export_query": request.url.query or "",
            },
        )

    @get("/export/{filename:str}", name="finance_export")
    async def export(
        self,
        request: Request,
        filename: FromPath[str],
        separator: FromQuery[str] = ";",
        decimal_comma: FromQuery[bool] = True,
    ) -> Stream:
        """``awards.xlsx``, ``payments.csv`` …: the view (xlsx: one sheet per part), streamed."""
        view, _, file_format = filename.partition(".")
        if view not in VIEWS or file_format not in FORMATS:
            raise NotFound(N_("There is no export {name}"), name=filename)
        if separator not in (",", ";"):
            raise ValidationFailed(
                [Problem(N_("The separator must be , or ;"), location="separator")]
            )
        chosen: View = view  # type: ignore[assignment]
        exported = await sheets.export_sheets(
            chosen, request.app.state.finance_sources, _query(request)
        )
        name = f"{chosen}.{file_format}"
        if file_format == "csv":
            body: Any = csv_chunks(
                exported[0], separator=separator, decimal_comma=decimal_comma and separator == ";"
            )
            media_type = "text/csv; charset=utf-8"
        else:
            body = file_chunks(await asyncio.to_thread(xlsx_file, exported))
            media_type = XLSX_TYPE
        return attachment_stream(body, name, media_type)


class FinanceApiController(Controller):
    path = "/api/v1/finance"
    guards = [READERS]
    tags = ["finance"]

    @get("/awards", name="api_finance_awards")
    async def awards(
        self, request: Request, offset: FromQuery[int] = 0, limit: FromQuery[int] = 1000
    ) -> list[AwardRow]:
        """Awards (contracts and grants) the caller may see, filtered like the page."""
        rows = await service.awards(request.app.state.finance_sources, _query(request))
        return _window(rows, offset, limit)

    @get("/budget", name="api_finance_budget")
    async def budget(
        self, request: Request, offset: FromQuery[int] = 0, limit: FromQuery[int] = 1000
    ) -> list[BudgetRow]:
        """Budget use per round and tender: ceiling, committed, paid (remaining follows)."""
        rows = await service.budgets(request.app.state.finance_sources, _query(request))
        return _window(rows, offset, limit)

    @get("/payments", name="api_finance_payments")
    async def payments(
        self, request: Request, offset: FromQuery[int] = 0, limit: FromQuery[int] = 1000
    ) -> list[PaymentRow]:
        """Scheduled, approved and paid payments, soonest first."""
        rows = await service.payments(request.app.state.finance_sources, _query(request))
        return _window(rows, offset, limit)


def _window(rows: list, offset: int, limit: int) -> list:
    offset, limit = max(offset, 0), min(max(limit, 1), 10_000)
    return rows[offset : offset + limit]


CONTROLLERS = [FinanceController, FinanceApiController]
