"""A job's status for the user who queued it: a page (and its htmx fragment), JSON, the file.

``GET /jobs/{id}`` is the page a request that queued work redirects to; with ``HX-Request`` it
answers only the status fragment, which polls itself while the job runs (a progress bar can
build on it). ``GET /api/v1/jobs/{id}`` gives the same as JSON, ``GET /jobs/{id}/result`` the
file a finished job made (a zip of PDF letters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Response, Stream, Template
from litestar.status_codes import HTTP_202_ACCEPTED

from documents import storage
from jobs import service
from jobs.domain import STATE_LABELS, JobState
from jobs.service import JobView
from web.downloads import attachment_stream
from web.guards import ANY_ROLE, me
from web.i18n import gettext


def job_path(job_id: int) -> str:
    return f"/jobs/{job_id}"


@dataclass(frozen=True)
class JobOut:
    """A job as JSON: what it does, its state, how far (``done`` of ``total``), how it ended."""

    id: int
    kind: str
    title: str
    state: JobState
    state_label: str
    done: int
    total: int
    percent: int | None
    attempts: int
    summary: str | None
    error: str | None
    result_url: str | None
    status_url: str
    return_url: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_out(job: JobView) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        title=job.title.as_problem().text(gettext),
        state=job.state,
        state_label=gettext(STATE_LABELS[job.state]),
        done=job.done,
        total=job.total,
        percent=job.percent,
        attempts=job.attempts,
        summary=job.summary.as_problem().text(gettext) if job.summary else None,
        error=job.error.as_problem().text(gettext) if job.error else None,
        result_url=f"{job_path(job.id)}/result"
        if job.result_file and (job.state is JobState.DONE)
        else None,
        status_url=f"/api/v1/jobs/{job.id}",
        return_url=job.return_url,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def accepted(job: JobView) -> Response[JobOut]:
    """202 Accepted for an API call that queued work: the job, and where to ask after it."""
    found = job_out(job)
    return Response(found, status_code=HTTP_202_ACCEPTED, headers={"location": found.status_url})


class JobsController(Controller):
    path = "/jobs"
    include_in_schema = False
    guards = [ANY_ROLE]

    @get("/{job_id:int}", name="job")
    async def job(self, request: Request, job_id: FromPath[int]) -> Template:
        found = job_out(await service.status(me(request), job_id))
        template = "jobs/_status.html" if request.headers.get("hx-request") else "jobs/job.html"
        return Template(template, context={"job": found})

    @get("/{job_id:int}/result", name="job_result")
    async def result(self, request: Request, job_id: FromPath[int]) -> Stream:
        info, chunks = await storage.stream(await service.result_file(me(request), job_id))
        return attachment_stream(chunks, info.filename, info.content_type)


class JobsApi(Controller):
    """Long work queued by another request (sending a round's letters, a zip of PDF letters,
    an import): its state and progress, for the user who queued it."""

    path = "/api/v1/jobs"
    tags = ["jobs"]
    guards = [ANY_ROLE]

    @get("/{job_id:int}", name="api_job")
    async def job(self, request: Request, job_id: FromPath[int]) -> JobOut:
        return job_out(await service.status(me(request), job_id))


CONTROLLERS = [JobsController, JobsApi]
