"""What finance reads of tenders: contracts as awards (split over a joint procurement's shares)
and each tender's estimated value against what was contracted."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from common import clock
from finance.domain import AwardRow, BudgetRow, FinanceQuery, PaymentRow, Share, cents
from tenders.tables import Contract, Tender, TenderAuthority
from web.i18n import current_language


def contract_status(start: date, end: date, today: date) -> str:
    if today < start:
        return "signed"
    return "ended" if today > end else "running"


def _type_name(row: dict[str, Any], prefix: str) -> str:
    name = row.get(f"{prefix}.name_nl" if current_language() == "nl" else f"{prefix}.name_en")
    return name or ""


async def _shares(tender_ids: list[int]) -> dict[int, tuple[Share, ...]]:
    shares: dict[int, list[Share]] = defaultdict(list)
    if tender_ids:
        for row in await TenderAuthority.select(
                TenderAuthority.tender, TenderAuthority.authority.id,
                TenderAuthority.authority.name, TenderAuthority.share).where(
                TenderAuthority.tender.is_in(tender_ids)).order_by(TenderAuthority.id):
            shares[row["tender"]].append(Share(row["authority.id"], row["authority.name"],
                                               Decimal(row["share"])))
    return {tender: tuple(found) for tender, found in shares.items()}


def _visible(query: FinanceQuery, lead: int, shares: tuple[Share, ...]) -> bool:
    ids = {lead, *(s.authority_id for s in shares)}
    return query.authority_ids is None or bool(query.authority_ids & ids)


class TenderFinance:
    name = "tenders"

    async def awards(self, query: FinanceQuery) -> list[AwardRow]:
        rows = await Contract.select(
            Contract.value, Contract.currency, Contract.start, Contract.end,
            Contract.tender.id, Contract.tender.title, Contract.tender.reference,
            Contract.tender.budget_line,
            Contract.tender.lead_authority.id, Contract.tender.lead_authority.name,
            Contract.tender.service_type.code, Contract.tender.service_type.name_en,
            Contract.tender.service_type.name_nl, Contract.lot.number, Contract.lot.title,
            Contract.organisation.name, Contract.organisation.registration_number,
            Contract.organisation.iban).order_by(Contract.id)
        shares = await _shares(sorted({r["tender.id"] for r in rows}))
        today = clock.now().date()
        awards = []
        for r in rows:
            joint = shares.get(r["tender.id"], ())
            if not _visible(query, r["tender.lead_authority.id"], joint):
                continue
            awards.append(AwardRow(
                kind="contract", authority_id=r["tender.lead_authority.id"],
                authority=r["tender.lead_authority.name"], procedure=r["tender.title"],
                reference=r["tender.reference"], lot=f"{r['lot.number']}. {r['lot.title']}",
                provider=r["organisation.name"],
                registration_number=r["organisation.registration_number"],
                iban=r["organisation.iban"] or "", service_type=_type_name(
                    r, "tender.service_type"), service_type_code=r["tender.service_type.code"]
                or "", amount=cents(r["value"]), currency=r["currency"],
                period_start=r["start"], period_end=r["end"], budget_line=r["tender.budget_line"],
                status=contract_status(r["start"], r["end"], today),
                shares=joint if len(joint) > 1 else ()))
        return awards

    async def budgets(self, query: FinanceQuery) -> list[BudgetRow]:
        tenders = await Tender.select(
            Tender.id, Tender.title, Tender.reference, Tender.budget_line, Tender.currency,
            Tender.estimated_value,
            Tender.contract_start, Tender.contract_end, Tender.lead_authority.id,
            Tender.lead_authority.name, Tender.service_type.code, Tender.service_type.name_en,
            Tender.service_type.name_nl).where(Tender.estimated_value.is_not_null())
        contracted: dict[int, Decimal] = defaultdict(Decimal)
        for c in await Contract.select(Contract.tender, Contract.value):
            contracted[c["tender"]] += cents(c["value"])
        shares = await _shares([t["id"] for t in tenders])
        return [BudgetRow(
            kind="tender", authority_id=t["lead_authority.id"],
            authority=t["lead_authority.name"], reference=t["reference"], procedure=t["title"],
            service_type=_type_name(t, "service_type"),
            service_type_code=t["service_type.code"] or "", currency=t["currency"],
            ceiling=cents(t["estimated_value"]), committed=contracted[t["id"]],
            paid=None, period_start=t["contract_start"], period_end=t["contract_end"],
            budget_line=t["budget_line"],
            authority_ids=frozenset({t["lead_authority.id"],
                                     *(s.authority_id for s in shares.get(t["id"], ()))}))
            for t in tenders
            if _visible(query, t["lead_authority.id"], shares.get(t["id"], ()))]

    async def payments(self, query: FinanceQuery) -> list[PaymentRow]:
        return []  # contracts are paid against invoices outside tenderdesk


SOURCE = TenderFinance()
