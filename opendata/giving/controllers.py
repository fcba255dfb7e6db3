"""The public 360Giving endpoint: every published grant as one 360Giving package, no sign-in.

``GET /open-data/360giving/grants.json``: the whole package, streamed (what 360Giving's data
registry fetches). ``?limit=N`` (1–5000; a number outside is brought inside) answers one page
of N grants instead, ``after`` the application id the page starts after; the next page's
address is in the ``Link`` header (``rel="next"``), absent on the last page. A page may hold
fewer than N grants when grants to natural persons are omitted (``open_data_natural_persons``).
"""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.params import FromQuery
from litestar.response import Stream

from opendata.giving import service

MEDIA_TYPE = "application/json"
MAX_LIMIT = 5000
CACHE = "public, max-age=300"


class GivingController(Controller):
    path = "/open-data/360giving"
    tags = ["open data"]

    @get(
        "/grants.json",
        exclude_from_auth=True,
        exclude_from_csrf=True,
        name="opendata_360giving_grants",
        summary="Grants of decided subsidy rounds as a 360Giving package (public)",
    )
    async def grants(
        self, after: FromQuery[int] = 0, limit: FromQuery[int | None] = None
    ) -> Response | Stream:
        if limit is None:
            return Stream(
                service.package_chunks(), media_type=MEDIA_TYPE, headers={"Cache-Control": CACHE}
            )
        limit = min(max(limit, 1), MAX_LIMIT)
        found = await service.page(max(after, 0), limit)
        headers = {"Cache-Control": CACHE}
        if found.next_after is not None:
            headers["Link"] = f'<{service.PATH}?after={found.next_after}&limit={limit}>; rel="next"'
        return Response(found.package, media_type=MEDIA_TYPE, headers=headers)


CONTROLLERS = [GivingController]
