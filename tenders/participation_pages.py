"""The officers' side of the requests to participate that came through the portal: opening
their sealed files once the requests deadline has passed, and downloading them (audited)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response

from common.i18n import N_
from tenders import participation
from tenders.controllers import READERS, download, me
from web.forms import done
from web.guards import OFFICER


class ParticipationPages(Controller):
    path = "/tenders/{tender_id:int}/candidates"
    include_in_schema = False

    @post("/open", guards=[OFFICER], name="tender_requests_open")
    async def open_requests(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        count = await participation.open_requests(me(request), tender_id)
        return done(
            request,
            N_("The requests to participate have been opened ({count} files)."),
            f"/tenders/{tender_id}/candidates",
            count=count,
        )

    @get(
        "/{candidate_id:int}/files/{file_id:int}",
        guards=[READERS],
        name="tender_candidate_file",
    )
    async def file(
        self,
        request: Request,
        tender_id: FromPath[int],
        candidate_id: FromPath[int],
        file_id: FromPath[int],
    ) -> Response:
        return download(
            *await participation.candidate_file(me(request), tender_id, candidate_id, file_id)
        )


CONTROLLERS = [ParticipationPages]
