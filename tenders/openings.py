"""Opening the bids (four eyes): the bid opening, and with two envelopes the opening of a lot's
prices once its quality is final. Each decrypts what it opens (:mod:`tenders.vault`), hands it
to the lots' evaluations and puts on record what was opened; a seal that does not open leaves
everything sealed and the attempt on record.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import Any

from audit import service as audit
from common import clock
from common.deadlines import deadline_changes
from common.errors import DomainError
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from scoring import service as scoring
from scoring.envelope import Envelope
from tenders import access, vault
from tenders.access import TenderRef, bid_ref, seals
from tenders.machine import Action, missing
from tenders.procedures import Phase
from tenders.sealing import SealBroken
from tenders.service import for_change, get_lot_row, refuse, transition
from tenders.tables import (
    Bid,
    Lot,
    OpeningApproval,
)

# --- opening (four eyes) ----------------------------------------------------------------------

FOUR_EYES = N_("Opening the bids needs two different officers; a second officer must confirm")


async def _unsealing_audited(principal: Principal, tender_id: int, work: Awaitable[bool]) -> bool:
    """``work`` (an opening); when sealed material does not decrypt (another master key,
    damaged ciphertext) the opening rolls back, everything stays sealed, and the failed
    attempt goes on record in a transaction of its own."""
    try:
        return await work
    except SealBroken as exc:
        async with transaction():
            await audit.record(
                principal.as_actor(),
                "tender.unsealing_failed",
                "tender",
                tender_id,
                after={"reason": exc.problem.render()},
            )
        raise


async def approve_opening(principal: Principal, tender_id: int) -> bool:
    """One officer's part in opening the bids. The first records their approval; a second,
    different officer opens: the bids are decrypted, unsealed and handed to each lot's
    evaluation. Returns True once opened."""
    return await _unsealing_audited(principal, tender_id, _approve_opening(principal, tender_id))


async def _approve_opening(principal: Principal, tender_id: int) -> bool:
    now = clock.now()
    async with transaction():
        tender = await for_change(principal, tender_id)  # bids close first if due
        facts = await access.facts(tender)
        problems = missing(Action.OPEN_BIDS, facts, now, principal.id)
        if problems and problems[0].message == FOUR_EYES:
            if principal.id in facts.opening_approvals:
                raise await access.changed(
                    DomainError(
                        N_(
                            "You have already approved the opening; a second, different officer "
                            "must confirm"
                        )
                    ),
                    tender,
                    "tender.opening_approved",
                    officer=principal.id,
                )
            await OpeningApproval(tender=tender_id, officer=principal.id, approved_at=now).save()
            await audit.record(
                principal.as_actor(),
                "tender.opening_approved",
                "tender",
                tender_id,
                after={"officer": principal.id},
            )
            return False
        refuse(problems, tender.zone)
        officers = [*facts.opening_approvals, principal.id]
        await OpeningApproval(tender=tender_id, officer=principal.id, approved_at=now).save()
        await transition(
            principal,
            tender_id,
            Action.OPEN_BIDS,
            extra={"opened_at": now},
            details={"officers": officers},
        )
        await _unseal(principal, tender)
    deadline_changes.changed(tender.key)
    return True


async def _hand_prices(
    principal: Principal, evaluation_id: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    await scoring.set_prices(
        principal,
        evaluation_id,
        {bid_ref(r["id"]): None if r["price"] is None else str(r["price"]) for r in rows},
        by_owner=True,
    )


async def _unseal(principal: Principal, tender: TenderRef) -> None:
    """Decrypt what the opening opens (:mod:`tenders.vault`: the quality envelope; with one
    envelope the prices and price documents too), hand every live bid to its lot's evaluation
    with its price where it is opened now, and put on record what was opened. Withdrawn bids
    are never opened (nor decrypted): listed as withdrawn."""
    tender_id = tender.id
    rows = (
        await Bid.select(Bid.id, Bid.lot, Bid.price, Bid.organisation.name)
        .where((Bid.tender == tender_id) & Bid.withdrawn_at.is_null())
        .order_by(Bid.id)
    )
    withdrawn = (
        await Bid.select(Bid.id, Bid.lot, Bid.organisation.name)
        .where((Bid.tender == tender_id) & Bid.withdrawn_at.is_not_null())
        .order_by(Bid.id)
    )
    state = await seals(tender, opened=True)
    one_envelope = not state.two_envelope
    decrypted = await vault.unseal(
        tender_id,
        [r["id"] for r in rows],
        [Envelope.QUALITY, Envelope.PRICE] if one_envelope else [Envelope.QUALITY],
        prices=one_envelope,
    )
    rows = [{**r, "price": decrypted.prices.get(r["id"], r["price"])} for r in rows]
    evaluations = {
        r["id"]: r["evaluation_id"]
        for r in await Lot.select(Lot.id, Lot.evaluation_id).where(Lot.tender == tender_id)
    }
    for lot_id, evaluation_id in evaluations.items():
        lot_bids = [r for r in rows if r["lot"] == lot_id]
        if not evaluation_id or not lot_bids:
            continue
        await scoring.register_subjects(
            principal,
            evaluation_id,
            [{"ref": bid_ref(r["id"]), "name": r["organisation.name"]} for r in lot_bids],
        )
        if one_envelope:  # two envelopes: handed over when the prices are opened
            await _hand_prices(principal, evaluation_id, lot_bids)
    opened = []
    for r in rows:
        entry = {"bid": r["id"], "lot": r["lot"], "organisation": r["organisation.name"]}
        if not state.sealed(r["lot"], False, Envelope.PRICE):
            entry["price"] = r["price"]
        opened.append(entry)
    await audit.record(
        principal.as_actor(),
        "bid.unsealed",
        "tender",
        tender_id,
        after={
            "bids": opened,
            "prices_sealed": state.two_envelope,
            "decrypted": {"prices": len(decrypted.prices), "files": decrypted.files},
            "withdrawn": [
                {"bid": r["id"], "lot": r["lot"], "organisation": r["organisation.name"]}
                for r in withdrawn
            ],
        },
    )


async def approve_price_opening(principal: Principal, tender_id: int, lot_id: int) -> bool:
    """Two envelopes: one officer's part in opening the sealed prices of a lot once its quality
    is final (the engine's four-eyes step, :func:`scoring.service.approve_price_opening`). The
    second, different officer opens them: the lot's prices and price documents are decrypted,
    become readable and go on the tender's record ("lot.prices_opened"). Returns True once
    opened."""
    return await _unsealing_audited(
        principal, tender_id, _approve_price_opening(principal, tender_id, lot_id)
    )


async def _approve_price_opening(principal: Principal, tender_id: int, lot_id: int) -> bool:
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase is not Phase.EVALUATION:
            raise await access.moved(
                DomainError(N_("The prices are opened during the evaluation")), tender
            )
        lot = await get_lot_row(tender_id, lot_id)
        if not lot["evaluation_id"]:
            raise DomainError(N_("This lot has no evaluation"))
        evaluation = await scoring.get_evaluation(principal, lot["evaluation_id"])
        decrypted = None
        if _opens_prices(evaluation, principal.id):  # decrypted and handed over first, so
            decrypted = await _unseal_prices(principal, tender_id, lot)  # the engine opens them
        done = await scoring.approve_price_opening(principal, lot["evaluation_id"])
        if not done.opened:
            await audit.record(
                principal.as_actor(),
                "lot.price_opening_approved",
                "tender",
                tender_id,
                after={"lot": lot_id, "officer": principal.id},
            )
            return False
        rows = (
            await Bid.select(Bid.id, Bid.price, Bid.organisation.name)
            .where((Bid.lot == lot_id) & Bid.withdrawn_at.is_null())
            .order_by(Bid.id)
        )
        await audit.record(
            principal.as_actor(),
            "lot.prices_opened",
            "tender",
            tender_id,
            after={
                "lot": lot_id,
                "officers": list(done.officers),
                "decrypted": {
                    "prices": len(decrypted.prices) if decrypted else 0,
                    "files": decrypted.files if decrypted else 0,
                },
                "bids": [
                    {"bid": r["id"], "organisation": r["organisation.name"], "price": r["price"]}
                    for r in rows
                ],
            },
        )
    return True


def _opens_prices(evaluation: scoring.EvaluationView, officer_id: int) -> bool:
    """Whether this officer's approval is the second one, which opens the sealed prices."""
    first = evaluation.price_opening_approved_by
    return (
        evaluation.prices_sealed
        and evaluation.quality_final
        and first is not None
        and first != officer_id
    )


async def _unseal_prices(
    principal: Principal, tender_id: int, lot: Mapping[str, Any]
) -> vault.Unsealed:
    """The lot's sealed prices and price documents decrypted (live bids only) and the prices
    handed to its evaluation, just before the engine opens them."""
    rows = (
        await Bid.select(Bid.id, Bid.price)
        .where((Bid.lot == lot["id"]) & Bid.withdrawn_at.is_null())
        .order_by(Bid.id)
    )
    decrypted = await vault.unseal(
        tender_id, [r["id"] for r in rows], [Envelope.PRICE], prices=True
    )
    if decrypted.prices:
        opened = [r for r in rows if r["id"] in decrypted.prices]
        await _hand_prices(
            principal,
            lot["evaluation_id"],
            [{**r, "price": decrypted.prices[r["id"]]} for r in opened],
        )
    return decrypted


async def opening_approvals(tender_id: int) -> list[dict[str, Any]]:
    return (
        await OpeningApproval.select(OpeningApproval.all_columns(), OpeningApproval.officer.name)
        .where(OpeningApproval.tender == tender_id)
        .order_by(OpeningApproval.id)
    )
