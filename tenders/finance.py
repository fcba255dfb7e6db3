"""What finance reads of tenders: contracts as awards (split over a joint procurement's shares)
and each tender's estimated value against what was contracted.

The contracts are read with one joined query as plain rows (an export may hold tens of
thousands of them); a tender's facts are worked out once per tender, not once per row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from authorities.domain import localized_name, name_column
from common import clock
from config.database import raw_rows
from finance.domain import AwardRow, BudgetRow, Days, FinanceQuery, PaymentRow, Share, cents
from tenders.access import SERVICE_TYPE_NAMES
from tenders.tables import Tender, TenderAuthority
from web.i18n import current_language


def contract_status(start: date, end: date, today: date) -> str:
    if today < start:
        return "signed"
    return "ended" if today > end else "running"


def _type_name(row: dict[str, Any], prefix: str) -> str:
    return localized_name(row, current_language(), f"{prefix}.")


async def _shares(tender_ids: list[int] | None) -> dict[int, tuple[Share, ...]]:
    """Each tender's authorities with their shares (None: of every tender)."""
    shares: dict[int, list[Share]] = defaultdict(list)
    if tender_ids == []:
        return {}
    select = TenderAuthority.select(
        TenderAuthority.tender,
        TenderAuthority.authority.id,
        TenderAuthority.authority.name,
        TenderAuthority.share,
    ).order_by(TenderAuthority.id)
    if tender_ids is not None:
        select = select.where(TenderAuthority.tender.is_in(tender_ids))
    for row in await select:
        shares[row["tender"]].append(
            Share(row["authority.id"], row["authority.name"], Decimal(row["share"]))
        )
    return {tender: tuple(found) for tender, found in shares.items()}


def _visible(query: FinanceQuery, lead: int, shares: tuple[Share, ...]) -> bool:
    ids = {lead, *(s.authority_id for s in shares)}
    return query.authority_ids is None or bool(query.authority_ids & ids)


CONTRACTS = """
SELECT CAST(t.id AS INTEGER), CAST(t.lead_authority AS INTEGER), a.name, t.title, t.reference,
       t.budget_line, st.code, COALESCE(NULLIF(st.{name}, ''), st.name_en),
       CAST(l.number AS INTEGER), l.title, o.name, o.registration_number,
       o.iban, c.value, c.currency, CAST(c.start AS TEXT), CAST(c."end" AS TEXT)
FROM tenders_contract c
JOIN tenders_tender t ON t.id = c.tender
JOIN authorities_authority a ON a.id = t.lead_authority
JOIN tenders_lot l ON l.id = c.lot
JOIN organisations_organisation o ON o.id = c.organisation
LEFT JOIN authorities_service_type st ON st.id = t.service_type
ORDER BY a.name, t.reference, l.number, o.name, c.id
"""


class TenderFinance:
    name = "tenders"

    async def awards(self, query: FinanceQuery) -> list[AwardRow]:
        rows = await raw_rows(CONTRACTS.replace("{name}", name_column(current_language())))
        shares = await _shares(None)
        today = clock.now().date()
        visible: dict[int, bool] = {}
        days = Days()
        awards = []
        append = awards.append
        for (
            tender,
            lead,
            authority,
            title,
            reference,
            budget_line,
            code,
            type_name,
            number,
            lot,
            provider,
            registration,
            iban,
            value,
            currency,
            start,
            end,
        ) in rows:
            joint = shares.get(tender, ())
            start, end = days[start], days[end]
            seen = visible.get(tender)
            if seen is None:
                seen = visible[tender] = _visible(query, lead, joint)
            if not seen:
                continue
            append(
                AwardRow(
                    "contract",
                    lead,
                    authority,
                    title,
                    reference,
                    f"{number}. {lot}",
                    provider,
                    registration,
                    iban or "",
                    type_name or "",
                    cents(value),
                    currency,
                    start,
                    end,
                    budget_line,
                    contract_status(start, end, today),
                    joint if len(joint) > 1 else (),
                    code or "",
                )
            )
        return awards

    async def budgets(self, query: FinanceQuery) -> list[BudgetRow]:
        tenders = await Tender.select(
            Tender.id,
            Tender.title,
            Tender.reference,
            Tender.budget_line,
            Tender.currency,
            Tender.estimated_value,
            Tender.contract_start,
            Tender.contract_end,
            Tender.lead_authority.id,
            Tender.lead_authority.name,
            Tender.service_type.code,
            *SERVICE_TYPE_NAMES,
        ).where(Tender.estimated_value.is_not_null())
        contracted: dict[int, Decimal] = defaultdict(Decimal)
        for tender, value in await raw_rows(
            "SELECT CAST(tender AS INTEGER), value FROM tenders_contract"
        ):
            contracted[tender] += cents(value)
        shares = await _shares([t["id"] for t in tenders])
        return [
            BudgetRow(
                kind="tender",
                authority_id=t["lead_authority.id"],
                authority=t["lead_authority.name"],
                reference=t["reference"],
                procedure=t["title"],
                service_type=_type_name(t, "service_type"),
                service_type_code=t["service_type.code"] or "",
                currency=t["currency"],
                ceiling=cents(t["estimated_value"]),
                committed=contracted[t["id"]],
                paid=None,
                period_start=t["contract_start"],
                period_end=t["contract_end"],
                budget_line=t["budget_line"],
                authority_ids=frozenset(
                    {t["lead_authority.id"], *(s.authority_id for s in shares.get(t["id"], ()))}
                ),
            )
            for t in tenders
            if _visible(query, t["lead_authority.id"], shares.get(t["id"], ()))
        ]

    async def payments(self, query: FinanceQuery) -> list[PaymentRow]:
        return []  # contracts are paid against invoices outside tenderdesk


SOURCE = TenderFinance()
