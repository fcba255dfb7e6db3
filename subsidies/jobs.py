"""The long work of subsidy rounds, run as jobs: sending a round's decision letters, a zip of
its letters as PDF, and importing the applications of an uploaded file.

A request checks what it can at once (so that a refusal is a message on the page, not a failed
job) and queues the work; any instance runs it (:data:`HANDLERS`, wired in ``config.app``).
"""

from __future__ import annotations

from common.errors import DomainError, Moment
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from config.settings import get_settings
from documents.letters import bundle
from jobs import service as jobs
from jobs.domain import Message
from jobs.service import JobContext, NewJob
from jobs.tables import Job
from subsidies import letters, service
from subsidies.letter_data import round_code

SEND_LETTERS = "subsidies.send_letters"
IMPORT = "subsidies.import_applications"


def _round_path(round_id: int) -> str:
    return f"/subsidies/rounds/{round_id}"


async def queue_decision_letters(principal: Principal, round_id: int) -> int:
    """Queue sending the decision letters of a decided round (once); the job's id. The round
    is locked while checking and queueing: a second request at the same moment waits, then
    finds the letters sent, or the job queued (its own: that job's id; someone else's: a
    refusal naming them); the job checks again under the same lock."""
    async with transaction():
        row = await letters.check_can_send(principal, round_id)
        queued = (
            await Job.select(Job.owner, Job.owner_label, Job.created_at)
            .where(Job.active_key == f"{SEND_LETTERS}:{round_id}")
            .first()
        )
        if queued is not None and queued["owner"] != principal.id:
            raise DomainError(
                N_("{who} is already sending the decision letters of this round (since {moment})"),
                who=queued["owner_label"],
                moment=Moment(queued["created_at"], get_settings().timezone),
            )
        return await jobs.queue(
            principal,
            NewJob(
                SEND_LETTERS,
                {"round_id": round_id},
                Message(N_("Sending the decision letters of {round}"), {"round": round_code(row)}),
                return_url=f"{_round_path(round_id)}/letters",
                key=f"{SEND_LETTERS}:{round_id}",
            ),
        )


async def sending(round_id: int) -> int | None:
    """The job sending the round's decision letters, while it is queued or running."""
    return await jobs.active(f"{SEND_LETTERS}:{round_id}")


async def send_letters_job(job: JobContext) -> None:
    await letters.send_decision_letters(await job.principal(), job.payload["round_id"], job)


async def queue_pdf_zip(principal: Principal, round_id: int) -> int:
    """Queue a zip of every letter of the round as PDF (LibreOffice converts them one by
    one, which takes a while); the job's id."""
    bundle.require_pdf()
    listed = await letters.round_letters(principal, round_id)
    if not listed:
        raise DomainError(N_("No letters have been sent in this round yet"))
    name = await letters.round_zip_name(principal, round_id, pdf=True)
    payload = bundle.pdf_zip_payload(listed, name, principal.as_actor().label)
    return await jobs.queue(
        principal,
        NewJob(
            bundle.PDF_ZIP,
            payload,
            Message(N_("The letters as PDF in one zip: {name}"), {"name": name}),
            return_url=f"{_round_path(round_id)}/letters",
            key=bundle.pdf_zip_key(payload),
        ),
    )


async def queue_import(principal: Principal, round_id: int, file_id: int) -> int:
    """Queue importing the applications of a file kept by ``service.upload_import``."""
    await service.uploaded_import(principal, file_id)
    await service.get_round(principal, round_id)
    return await jobs.queue(
        principal,
        NewJob(
            IMPORT,
            {"round_id": round_id, "file_id": file_id},
            Message(N_("Importing the applications of round {round}"), {"round": round_id}),
            return_url=f"{_round_path(round_id)}/applications",
            key=f"{IMPORT}:{file_id}",
        ),
    )


async def import_job(job: JobContext) -> None:
    principal = await job.principal()
    job.progress(0, 1)
    async with transaction():
        ids = await service.import_uploaded(
            principal, job.payload["round_id"], job.payload["file_id"]
        )
        job.progress(1)
        await job.finish(
            Message(N_("{count} applications have been imported."), {"count": len(ids)})
        )


HANDLERS = {SEND_LETTERS: send_letters_job, IMPORT: import_job}
