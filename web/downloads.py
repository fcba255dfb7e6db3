"""Files the browser saves: one way to name them in the response.

A name goes into ``Content-Disposition`` twice where it must (RFC 6266): as plain ASCII for
old clients and, when that differs, in UTF-8 (RFC 8187). Names with Polish, Danish or Swedish
letters, quotes or backslashes then survive the header instead of breaking it (Latin-1 cannot
hold "ł", and a quote would end the name early).
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterable, Iterable
from urllib.parse import quote

from litestar.response import Response, Stream


def content_disposition(filename: str) -> str:
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = "".join(ch if ch.isprintable() and ch not in '"\\' else "_" for ch in plain)
    if plain == filename:
        return f'attachment; filename="{filename}"'
    return (
        f'attachment; filename="{plain or "download"}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    )


def attachment_headers(filename: str, no_store: bool = False) -> dict[str, str]:
    headers = {
        "content-disposition": content_disposition(filename),
        "x-content-type-options": "nosniff",
    }
    if no_store:  # drafts and templates: never from a shared cache
        headers["cache-control"] = "no-store"
    return headers


def attachment(
    data: bytes, filename: str, media_type: str, no_store: bool = False
) -> Response[bytes]:
    return Response(data, media_type=media_type, headers=attachment_headers(filename, no_store))


def attachment_stream(
    chunks: Iterable[bytes] | AsyncIterable[bytes], filename: str, media_type: str
) -> Stream:
    """A file sent as it is built (a zip of letters, a large export)."""
    return Stream(chunks, media_type=media_type, headers=attachment_headers(filename))
