"""Creating and editing a tender: its particulars, lots, authorities and documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from decimal import Decimal
from typing import Any

from audit import service as audit
from audit.domain import changes
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from documents import storage
from scoring import service as scoring
from scoring.domain import MAX_WINNERS
from tenders import access
from tenders.access import TenderRef, as_reader
from tenders.domain import (
    LotData,
    check_shares,
    parse_deadlines,
    parse_share,
    validate_lot,
    validate_tender,
)
from tenders.procedures import (
    FINAL_PHASES,
    PROCEDURE_TYPES,
    Phase,
)
from tenders.service.base import TENDER_FIELDS, check_service_type, lot_ref, row_data, tender_url
from tenders.service.phases import for_change
from tenders.tables import Lot, Tender, TenderAuthority, TenderDocument


async def create_tender(principal: Principal, form: Mapping[str, Any]) -> int:
    """A draft tender of one of the principal's authorities (``authority_id``)."""
    data = validate_tender(form)
    try:
        authority_id = int(str(form.get("authority_id") or ""))
    except ValueError:
        raise ValidationFailed([Problem(N_("Choose an authority"), {}, "authority_id")]) from None
    if not access.may_change(principal, (authority_id,)):
        raise ValidationFailed([Problem(N_("Choose one of your authorities"), {}, "authority_id")])
    async with transaction():
        authority = (
            await Authority.select(Authority.timezone).where(Authority.id == authority_id).first()
        )
        if authority is None:
            raise ValidationFailed([Problem(N_("Choose an authority"), {}, "authority_id")])
        await check_service_type(data.service_type_id)
        deadlines = parse_deadlines(form, authority["timezone"])
        now = clock.now()
        row = Tender(
            **row_data(data),
            phase=Phase.DRAFT.value,
            lead_authority=authority_id,
            lead_officer=principal.id,
            phase_changed_at=now,
            created_at=now,
            updated_at=now,
            **{f"deadline_{d.value}": m for d, m in deadlines.items()},
        )
        await row.save()
        await TenderAuthority(tender=row.id, authority=authority_id, share=Decimal(100)).save()
        await audit.record(
            principal.as_actor(),
            "tender.created",
            "tender",
            row.id,
            after={
                **data.as_dict(),
                "authority_id": authority_id,
                **{f"deadline_{d.value}": m for d, m in deadlines.items()},
            },
        )
    return int(row.id)


async def _require_draft(tender: TenderRef, message: str) -> None:
    if tender.phase is not Phase.DRAFT:
        raise await access.moved(DomainError(message), tender)


async def update_tender(principal: Principal, tender_id: int, form: Mapping[str, Any]) -> None:
    data = validate_tender(form)
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _require_draft(
            tender,
            N_(
                "The tender's particulars can only be changed in draft; "
                "after publication change its documents and deadlines"
            ),
        )
        await check_service_type(data.service_type_id)
        values = row_data(data)
        current = {name: tender.row[name] for name in TENDER_FIELDS}
        before, after = changes(current, values)
        await _sync_evaluations(principal, tender_id, values)  # locks them: before the audit
        if after:
            await Tender.update({**after, "updated_at": clock.now()}).where(Tender.id == tender_id)
            await audit.record(
                principal.as_actor(),
                "tender.updated",
                "tender",
                tender_id,
                before=before,
                after=after,
            )


async def _sync_evaluations(principal: Principal, tender_id: int, values: dict[str, Any]) -> None:
    """Keep the lots' evaluations in step with the tender's envelope setting and title."""
    lots = await Lot.select().where(Lot.tender == tender_id)
    for lot in lots:
        if lot["evaluation_id"]:
            await scoring.update_settings(
                principal,
                lot["evaluation_id"],
                {
                    "title": f"{values['title']}: {lot['title']}",
                    "two_envelope": values["two_envelope"],
                    "winners": _evaluation_winners(values["procedure"], lot["winners"]),
                },
                by_owner=True,
            )


def _evaluation_winners(procedure: str, lot_winners: int) -> int:
    """How many bids the lot's evaluation selects: the lot's winners, or every bid that
    meets the terms where the procedure does not rank (open house)."""
    return lot_winners if PROCEDURE_TYPES[procedure].ranked else MAX_WINNERS


async def set_authorities(principal: Principal, tender_id: int, shares: Mapping[int, Any]) -> None:
    """The contracting authorities of a (joint) procurement and each one's share in percent;
    the lead authority stays one of them."""
    problems = ProblemCollector()
    parsed: dict[int, Decimal] = {}
    for authority_id, raw_share in shares.items():
        try:
            parsed[int(authority_id)] = parse_share(raw_share)
        except DomainError as exc:
            problems.add(f"share_{authority_id}", exc.problem.message, **exc.problem.params)
    problems.raise_if_any()
    try:
        check_shares(parsed)
    except DomainError as exc:
        raise ValidationFailed(
            [Problem(exc.problem.message, exc.problem.params, "shares")]
        ) from None
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _require_draft(tender, N_("The authorities can only be changed in draft"))
        if tender.row["lead_authority"] not in parsed:
            raise ValidationFailed([Problem(N_("The lead authority must take part"), {}, "shares")])
        known = {
            r["id"]
            for r in await Authority.select(Authority.id).where(Authority.id.is_in(list(parsed)))
        }
        unknown = sorted(set(parsed) - known)
        if unknown:
            raise ValidationFailed(
                [Problem(N_("Authority {id} does not exist"), {"id": unknown[0]}, "shares")]
            )
        before = {
            str(r["authority"]): r["share"]
            for r in await TenderAuthority.select(
                TenderAuthority.authority, TenderAuthority.share
            ).where(TenderAuthority.tender == tender_id)
        }
        await TenderAuthority.delete().where(TenderAuthority.tender == tender_id)
        await TenderAuthority.insert(
            *[
                TenderAuthority(tender=tender_id, authority=a, share=s)
                for a, s in sorted(parsed.items())
            ]
        )
        await audit.record(
            principal.as_actor(),
            "tender.authorities_set",
            "tender",
            tender_id,
            before=before,
            after={str(a): s for a, s in parsed.items()},
        )


async def add_lot(principal: Principal, tender_id: int, form: Mapping[str, Any]) -> int:
    """A lot with its own evaluation in the scoring engine (criteria set there)."""
    data = validate_lot(form)
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase not in (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE):
            raise await access.moved(
                DomainError(N_("Lots can only be added before bidding starts")), tender
            )
        await _require_free_number(tender_id, data.number)
        row = Lot(
            tender=tender_id,
            number=data.number,
            title=data.title,
            description=data.description,
            winners=data.winners,
            estimated_value=data.estimated_value,
        )
        await row.save()
        await _create_evaluation(principal, tender, row.id, data)
        await audit.record(
            principal.as_actor(),
            "lot.created",
            "tender",
            tender_id,
            after={"lot": row.id, **data.__dict__},
        )
    return int(row.id)


async def _require_free_number(tender_id: int, number: int, except_id: int | None = None) -> None:
    query = Lot.exists().where((Lot.tender == tender_id) & (Lot.number == number))
    if except_id is not None:
        query = query.where(Lot.id != except_id)
    if await query:
        raise ValidationFailed(
            [Problem(N_("Lot {number} already exists"), {"number": number}, "number")]
        )


async def _create_evaluation(
    principal: Principal, tender: TenderRef, lot_id: int, data: LotData
) -> None:
    row = tender.row
    evaluation = await scoring.create_evaluation(
        principal,
        scoring.EvaluationSpec(
            title=f"{row['title']}: {data.title}",
            authority_id=row["lead_authority"],
            currency=row["currency"],
            owner_ref=lot_ref(tender.id, lot_id),
            owner_url=f"{tender_url(tender.id)}/lots/{lot_id}",
            two_envelope=row["two_envelope"],
            winners=_evaluation_winners(row["procedure"], data.winners),
        ),
    )
    await Lot.update({Lot.evaluation_id: evaluation.id}).where(Lot.id == lot_id)


async def update_lot(
    principal: Principal, tender_id: int, lot_id: int, form: Mapping[str, Any]
) -> None:
    data = validate_lot(form)
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _require_draft(tender, N_("A lot can only be changed in draft"))
        lot = await get_lot_row(tender_id, lot_id)
        await _require_free_number(tender_id, data.number, except_id=lot_id)
        values = {
            "number": data.number,
            "title": data.title,
            "description": data.description,
            "winners": data.winners,
            "estimated_value": data.estimated_value,
        }
        before, after = changes({k: lot[k] for k in values}, values)
        if after:
            if lot["evaluation_id"]:  # locks the evaluation: before the audit (CONTRIBUTING)
                await scoring.update_settings(
                    principal,
                    lot["evaluation_id"],
                    {
                        "title": f"{tender.row['title']}: {data.title}",
                        "two_envelope": tender.row["two_envelope"],
                        "winners": _evaluation_winners(tender.row["procedure"], data.winners),
                    },
                    by_owner=True,
                )
            await Lot.update(after).where(Lot.id == lot_id)
            await audit.record(
                principal.as_actor(),
                "lot.updated",
                "tender",
                tender_id,
                before={"lot": lot_id, **before},
                after={"lot": lot_id, **after},
            )


async def get_lot_row(tender_id: int, lot_id: int) -> dict[str, Any]:
    lot = await Lot.select().where((Lot.id == lot_id) & (Lot.tender == tender_id)).first()
    if lot is None:
        raise NotFound(N_("Lot {id} does not exist"), id=lot_id)
    return lot


async def lots(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    await as_reader(principal, tender_id)
    return await Lot.select().where(Lot.tender == tender_id).order_by(Lot.number)


async def upload_document(
    principal: Principal, tender_id: int, name: str, filename: str, content_type: str, data: bytes
) -> int:
    """A tender document; a file under a name already used becomes its next version."""
    name = (name or "").strip() or storage.safe_filename(filename)
    if len(name) > 200:
        raise ValidationFailed(
            [Problem(N_("The name is longer than {limit} characters"), {"limit": 200}, "name")]
        )
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase in FINAL_PHASES:
            raise await access.moved(
                DomainError(N_("The documents of a closed tender cannot change")), tender
            )
        stored = await storage.store(principal.as_actor(), filename, content_type, data)
        versions = await TenderDocument.select(TenderDocument.version).where(
            (TenderDocument.tender == tender_id) & (TenderDocument.name == name)
        )
        version = max((v["version"] for v in versions), default=0) + 1
        row = TenderDocument(
            tender=tender_id,
            name=name,
            version=version,
            file=stored.id,
            uploaded_at=clock.now(),
            uploaded_by=principal.as_actor().label,
        )
        await row.save()
        await audit.record(
            principal.as_actor(),
            "tender.document_uploaded",
            "tender",
            tender_id,
            after={
                "name": name,
                "version": version,
                "file": stored.filename,
                "sha256": stored.sha256,
            },
        )
    return int(row.id)


async def documents(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    await as_reader(principal, tender_id)
    return await documents_of(tender_id)


async def documents_of(tender_id: int) -> list[dict[str, Any]]:
    """The documents of a tender the caller has already been let into."""
    return (
        await TenderDocument.select(
            TenderDocument.all_columns(),
            TenderDocument.file.filename,
            TenderDocument.file.size,
        )
        .where(TenderDocument.tender == tender_id)
        .order_by(TenderDocument.name)
        .order_by(TenderDocument.version, ascending=False)
    )


async def document_file(
    principal: Principal, tender_id: int, document_id: int
) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    await as_reader(principal, tender_id)
    row = (
        await TenderDocument.select(TenderDocument.file)
        .where((TenderDocument.id == document_id) & (TenderDocument.tender == tender_id))
        .first()
    )
    if row is None:
        raise NotFound(N_("Document {id} does not exist"), id=document_id)
    return await storage.stream(row["file"])
