"""What every letter of a tender shares: its sender, language and procedure as the letters
name them (:class:`Context`), its addressees, and writing, storing and mailing a batch of
letters. The letters of each use case (:mod:`tenders.letters`, :mod:`tenders.admissions`)
build on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from authorities.tables import Authority
from common.i18n import N_
from common.identity import Principal
from common.jurisdictions import jurisdiction_for
from common.localtime import utc_to_local
from documents.letters import bundle
from documents.letters import service as letters
from documents.letters.kinds import Addressee, Letter, LetterKind, Procedure, Sender
from documents.letters.service import GeneratedLetter, SentLetter
from documents.letters.templates import letter_language
from notifications.letters import LetterMail, mail_letters
from tenders import service
from tenders.access import TenderRef
from tenders.procedures import PROCEDURE_TYPES
from web.i18n import translations


@dataclass(frozen=True)
class Context:
    """The tender's sender, language and procedure as its letters name them."""

    tender: TenderRef
    authority: str
    language: str
    sender: Sender
    gettext: Callable[[str], str]
    electronic: bool = True  # every decision goes out by e-mail
    above_thresholds: bool = True  # the contract reaches the EU threshold for its kind

    @property
    def standstill_days(self) -> int:
        """The standstill period the letters state: the tender's, or the law's for the case
        where longer (not every decision sent electronically; the contract's value)."""
        law = jurisdiction_for(self.sender.country)
        return law.standstill_period(
            self.tender.standstill_days, self.electronic, self.above_thresholds
        ).amount

    def procedure(self, lot: Mapping[str, Any] | None = None) -> Procedure:
        row = self.tender.row
        kind = self.gettext(PROCEDURE_TYPES[row["procedure"]].label)
        return Procedure(
            row["title"], row["reference"], f"{lot['number']}. {lot['title']}" if lot else "", kind
        )

    def reference(self, lot: Mapping[str, Any] | None = None) -> str:
        base = self.tender.row["reference"]
        return f"{base}/{lot['number']}" if lot else base

    def local_day(self, moment: datetime) -> date:
        return utc_to_local(moment, self.tender.zone).date()

    def remedies_end(self, moment: datetime) -> date:
        """The last day to go to court against a decision sent at ``moment`` (the
        jurisdiction's time limit, counted by its calendar)."""
        return jurisdiction_for(self.sender.country).remedies_last_day(
            self.local_day(moment),
            self.tender.row["procedure"],
            above_thresholds=self.above_thresholds,
            electronic=self.electronic,
        )


async def letter_context(principal: Principal, tender: TenderRef) -> Context:
    row = await Authority.select().where(Authority.id == tender.row["lead_authority"]).first()
    assert row is not None
    language = letter_language(row["language"])
    gettext = translations(language).gettext
    sender = Sender.of_authority(
        row,
        signatory=principal.name,
        signatory_title=gettext(N_("Procurement officer")),
        contact=principal.email,
    )
    above = await service.reaches_thresholds(tender)
    return Context(tender, row["name"], language, sender, gettext, above_thresholds=above)


def addressee_of(row: Mapping[str, Any], prefix: str) -> Addressee:
    address = tuple(
        line.strip() for line in (row[f"{prefix}address"] or "").splitlines() if line.strip()
    )
    return Addressee(
        row[f"{prefix}name"],
        row[f"{prefix}contact_name"] or "",
        address,
        row[f"{prefix}email"] or "",
        row[f"{prefix}registration_number"] or "",
        row[f"{prefix}contact_form_of_address"] or "",
        row[f"{prefix}contact_surname"] or "",
    )


def organisation_columns(column: Any) -> list[Any]:
    return [
        column.name,
        column.contact_name,
        column.address,
        column.email,
        column.registration_number,
        column.contact_form_of_address,
        column.contact_surname,
    ]


async def render_letters(
    ctx: Context, pairs: Iterable[tuple[str, Letter]], kinds: Iterable[LetterKind]
) -> list[GeneratedLetter]:
    templates = await letters.templates_for(
        ctx.tender.row["lead_authority"], [(k, ctx.language) for k in kinds]
    )
    pairs = list(pairs)
    return await asyncio.to_thread(lambda: list(bundle.letters_for(templates, pairs, ctx.language)))


async def record_and_mail(
    principal: Principal,
    ctx: Context,
    object_type: str,
    object_id: int,
    generated: list[GeneratedLetter],
    addressees: Mapping[str, Addressee],
    moment: datetime,
) -> list[SentLetter]:
    actor = principal.as_actor()
    sent = await letters.record_sent(
        actor,
        object_type,
        object_id,
        generated,
        keep=True,
        extra={"tender": ctx.tender.id},
        sent_at=moment,
    )
    nobody = Addressee("")
    await mail_letters(
        actor,
        object_type,
        object_id,
        [
            LetterMail(
                s,
                addressees.get(s.ref, nobody).email,
                s.addressee,
                ctx.language,
                ctx.tender.row["title"],
                ctx.authority,
                addressees.get(s.ref, nobody).worded(ctx.language)["greeting"],
            )
            for s in sent
        ],
    )
    return sent
