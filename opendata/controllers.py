"""The public, unauthenticated open-data endpoints and the page that lists them.

- ``/open-data``: what is published where, under which licence.
- ``/open-data/ocds/releases.json``: an OCDS release package, oldest first, ``page`` (from 1)
  and ``per_page`` (at most 100), ``since`` (an ISO 8601 moment: releases dated then or later);
  ``links.next`` names the next page.
- ``/open-data/ocds/records/{ocid}.json``: a record package with the tender's releases and its
  compiled release.

A tender withheld from open data (or never published) is in none of them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from common import clock
from common.errors import NotFound, Problem, ValidationFailed
from common.i18n import N_
from opendata.ocds import packages, service
from opendata.ocds.build import ocid as make_ocid

JSON = "application/json"
PER_PAGE = 100
PUBLIC = {"exclude_from_auth": True, "exclude_from_csrf": True, "include_in_schema": False}
RELEASES_PATH = "/open-data/ocds/releases.json"
GIVING_PATH = "/open-data/360giving/grants.json"


def _since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise ValidationFailed(
            [
                Problem(
                    N_("Give a date and time in ISO 8601, such as {example}"),
                    {"example": "2026-03-01T00:00:00Z"},
                    "since",
                )
            ]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json(head: dict, key: str, items: list[bytes]) -> Response[bytes]:
    """``head`` with ``key`` holding the already serialised ``items``, as one JSON body."""
    text = json.dumps({**head, key: []}, ensure_ascii=False, separators=(",", ":")).encode()
    marker = f'"{key}":[]'.encode()
    before, _, after = text.partition(marker)
    body = before + f'"{key}":['.encode() + b",".join(items) + b"]" + after
    return Response(body, media_type=JSON)


class OpenDataController(Controller):
    path = "/open-data"
    tags = ["open data"]

    @get("", name="open_data", **PUBLIC)
    async def index(self, request: Request) -> Template:
        settings = request.app.state.settings
        return Template(
            "opendata/index.html",
            context={
                "licence": settings.open_data_licence,
                "releases": RELEASES_PATH,
                "records": "/open-data/ocds/records/{ocid}.json",
                "example": make_ocid(settings.ocid_prefix, "2026-001"),
                "grants": GIVING_PATH,
                "natural_persons": settings.open_data_natural_persons,
            },
        )

    @get("/ocds/releases.json", name="open_data_ocds_releases", **PUBLIC)
    async def releases(
        self,
        request: Request,
        page: FromQuery[int] = 1,
        per_page: FromQuery[int] = PER_PAGE,
        since: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        moment = _since(since)
        page = max(1, page)
        per_page = max(1, min(per_page, PER_PAGE))
        found = await service.page(page, per_page, moment)
        settings = request.app.state.settings
        query = {"per_page": per_page, **({"since": since} if since else {})}
        base = f"{settings.public_url}{RELEASES_PATH}"
        links = (
            {"next": f"{base}?{urlencode({**query, 'page': page + 1})}"} if found.has_next else {}
        )
        if page > 1:
            links["prev"] = f"{base}?{urlencode({**query, 'page': page - 1})}"
        head = packages.release_package(
            service.publication(settings),
            [],
            f"{base}?{urlencode({**query, 'page': page})}",
            clock.now(),
            links or None,
        )
        return _json(head, "releases", found.releases)

    @get("/ocds/records/{record:str}", name="open_data_ocds_record", **PUBLIC)
    async def record(self, request: Request, record: FromPath[str]) -> Response[dict]:
        the_ocid = record.removesuffix(".json")
        found = await service.tender_releases(the_ocid) if record.endswith(".json") else []
        if not found:
            raise NotFound(N_("No published tender has this ocid"))
        settings = request.app.state.settings
        package = packages.record_package(
            service.publication(settings),
            the_ocid,
            found,
            f"{settings.public_url}/open-data/ocds/records/{record}",
            clock.now(),
        )
        return Response(package, media_type=JSON)


CONTROLLERS = [OpenDataController]
