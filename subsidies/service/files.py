"""An application's files and a round's regulation document."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from audit import service as audit
from common import clock
from common.errors import NotFound
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from documents import storage
from subsidies import access
from subsidies.tables import (
    ApplicationFile,
    SubsidyRound,
)


@dataclass(frozen=True)
class FileView:
    id: int
    filename: str
    size: int
    created_at: datetime
    purpose: str = "attachment"  # subsidies.applicant.FilePurpose
    added_by: str = ""  # portal:<email> when the applicant sent it in the portal


async def attach_file(
    principal: Principal, application_id: int, filename: str, content_type: str, data: bytes
) -> int:
    """A file sent with the application (budget, activity plan, statutes)."""
    async with transaction():
        await access.application_row(principal, application_id, run=True)
        info = await storage.store(principal.as_actor(), filename, content_type, data)
        await ApplicationFile(
            application=application_id, file=info.id, created_at=clock.now()
        ).save()
        await audit.record(
            principal.as_actor(),
            "application.file_added",
            "application",
            application_id,
            after={"file": info.id, "filename": info.filename, "sha256": info.sha256},
        )
        return info.id


async def files(principal: Principal, application_id: int) -> list[FileView]:
    await access.application_row(principal, application_id)
    rows = (
        await ApplicationFile.select(
            ApplicationFile.file,
            ApplicationFile.file.filename,
            ApplicationFile.file.size,
            ApplicationFile.created_at,
            ApplicationFile.purpose,
            ApplicationFile.added_by,
        )
        .where(ApplicationFile.application == application_id)
        .order_by(ApplicationFile.id)
    )
    return [
        FileView(
            r["file"],
            r["file.filename"],
            r["file.size"],
            r["created_at"],
            r["purpose"],
            r["added_by"],
        )
        for r in rows
    ]


async def read_file(
    principal: Principal,
    application_id: int,
    file_id: int,
) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    await access.application_row(principal, application_id)
    if not await ApplicationFile.exists().where(
        (ApplicationFile.application == application_id) & (ApplicationFile.file == file_id)
    ):
        raise NotFound(N_("File {id} does not exist"), id=file_id)
    return await storage.stream(file_id)


async def set_regulation_document(
    principal: Principal, round_id: int, filename: str, content_type: str, data: bytes
) -> int:
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        info = await storage.store(principal.as_actor(), filename, content_type, data)
        await SubsidyRound.update({SubsidyRound.regulation_document: info.id}).where(
            SubsidyRound.id == round_id
        )
        await audit.record(
            principal.as_actor(),
            "round.regulation_document",
            "subsidy_round",
            round_id,
            before={"file": row["regulation_document"]},
            after={"file": info.id, "filename": info.filename},
        )
        return info.id


async def regulation_document(
    principal: Principal,
    round_id: int,
) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    row = await access.round_row(principal, round_id)
    if row["regulation_document"] is None:
        raise NotFound(N_("The round has no regulation document"))
    return await storage.stream(row["regulation_document"])
