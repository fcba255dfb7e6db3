"""Open house: the decision on every application, and a letter to each applicant saying so.

In an open house every provider meeting the published terms is admitted; nobody is ranked and
there is no standstill. The definitive award is the decision on the applications: in one
transaction the tender is awarded and each bidder on each lot gets a letter that its
application is approved or refused, with the reasons, and where to seek review (in Sweden a
valfrihetssystem under LOV: rättelse at the förvaltningsrätt within three weeks, 10 kap. 1 §),
stored under its lot and mailed. A ranked procedure is awarded as before, without letters (its
award decisions went out at the award intent).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from common import clock
from common.errors import DomainError
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from documents.letters.kinds import AdmissionDecision, LetterKind
from documents.letters.service import SentLetter
from scoring import service as scoring
from scoring.results import Ranking
from tenders import access, service
from tenders.access import bid_ref
from tenders.letter_context import (
    Context,
    addressee_of,
    letter_context,
    organisation_columns,
    record_and_mail,
    render_letters,
)
from tenders.procedures import PROCEDURE_TYPES
from tenders.tables import Bid


async def award(
    principal: Principal, tender_id: int, sent_at: datetime | None = None
) -> list[SentLetter]:
    """The definitive award; in an open house also the admission decision to every applicant
    (the letters are sent in the award's transaction: none without the other)."""
    moment = sent_at or clock.now()
    async with transaction():
        await service.award(principal, tender_id)
        tender = await access.load(tender_id)
        if PROCEDURE_TYPES[tender.row["procedure"]].ranked:
            return []
        ctx = await letter_context(principal, tender)
        sent: list[SentLetter] = []
        for lot in await access.lots_of(tender_id):
            if lot["unsuccessful_at"] is None:
                sent += await _lot_admissions(principal, ctx, lot, moment)
        return sent


def _reasons(ctx: Context, ranking: Ranking | None, ref: str) -> tuple[str, ...]:
    """Why an application was refused: the requirements it failed and the officer's reason
    for taking it out, as the ranking recorded them."""
    if ranking is None:
        return ()
    subject = next((s for s in ranking.subjects if s.ref == ref), None)
    if subject is None:
        return ()
    found = [p.text(ctx.gettext) for p in subject.reasons]
    return tuple(found + ([subject.excluded_reason] if subject.excluded_reason else []))


async def _lot_admissions(
    principal: Principal, ctx: Context, lot: Mapping[str, Any], moment: datetime
) -> list[SentLetter]:
    if lot["intent_at"] is None:
        label = f"{lot['number']}. {lot['title']}"
        raise DomainError(N_("No award intent yet for {lots}"), lots=label)
    rows = await Bid.select(Bid.id, Bid.winner, *organisation_columns(Bid.organisation)).where(
        (Bid.lot == lot["id"]) & Bid.withdrawn_at.is_null()
    )
    if not rows:
        return []
    ranking = None
    if lot["evaluation_id"]:
        ranking = await scoring.ranking(principal, lot["evaluation_id"], explain=None)
    addressees = {bid_ref(r["id"]): addressee_of(r, "organisation.") for r in rows}
    pairs = [
        (
            bid_ref(r["id"]),
            AdmissionDecision(
                sender=ctx.sender,
                addressee=addressees[bid_ref(r["id"])],
                date=ctx.local_day(moment),
                reference=ctx.reference(lot),
                procedure=ctx.procedure(lot),
                admitted=bool(r["winner"]),
                reasons=() if r["winner"] else _reasons(ctx, ranking, bid_ref(r["id"])),
            ),
        )
        for r in rows
    ]
    generated = await render_letters(ctx, pairs, (LetterKind.ADMISSION,))
    return await record_and_mail(principal, ctx, "lot", lot["id"], generated, addressees, moment)
