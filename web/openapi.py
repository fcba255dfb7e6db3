"""The OpenAPI document as the API really answers: every error status and the files' types.

Litestar documents what a handler's signature says: its success answer (as JSON, even where
the handler returns a file) and 400 for bad parameters. Every operation under ``/api/`` may also
answer 401 (not signed in), 403 (role, or CSRF token), 404 (unknown or someone else's object),
409 (a rule refuses the change) and 422 (every problem of the input, with its place), all with the
same error body; and a file answer has the file's own media type. Both are added to the document
as it is served (``/schema`` and ``/schema/openapi.json``), from the table below, so that clients
and the schema test in the suite (schemathesis) hold the API to it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ZIP = "application/zip"

# (path pattern of a GET under /api/, media types of its 200 answer)
FILE_ANSWERS: list[tuple[re.Pattern[str], list[str]]] = [
    (re.compile(r"\.zip$"), [ZIP]),
    (re.compile(r"\.docx$|/lots/\{lot_id\}/report$"), [DOCX]),
    (re.compile(r"/letters/\{file_id\}$"), [DOCX, PDF]),
    (re.compile(r"/(scoresheet|consensus/workbook)$"), [XLSX]),
    (re.compile(r"/files/\{file_id\}$"), ["*/*"]),  # an uploaded file keeps its own type
]

ERROR_STATUSES = {
    "400": "The request is malformed: a parameter or the body does not fit its type or range",
    "401": "Not signed in",
    "403": "The role does not give access, or the CSRF token is missing or outdated",
    "404": "No such object, or one of an authority the caller does not serve",
    "409": "A rule refuses this change now (the detail says which)",
    "422": "The input has problems; each is listed with its place",
}
ERROR_SCHEMA_NAME = "ErrorAnswer"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status_code", "detail"],
    "properties": {
        "status_code": {"type": "integer"},
        "detail": {},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "location": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
        "extra": {},
    },
}
_DONE = "x-tenderdesk-completed"


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the error answers and file media types added (a copy)."""
    if document.get(_DONE):
        return document
    completed = copy.deepcopy(document)
    completed[_DONE] = True
    schemas = completed.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    error_content = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}
    }
    for path, item in completed.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": error_content})
            if method == "get":
                _file_answer(path, responses)
    return completed


def _file_answer(path: str, responses: dict[str, Any]) -> None:
    for pattern, media_types in FILE_ANSWERS:
        if pattern.search(path):
            ok = responses.setdefault("200", {"description": "The file"})
            ok["content"] = {
                media: {"schema": {"type": "string", "format": "binary"}} for media in media_types
            }
            return


class CompletedJsonRenderPlugin(JsonRenderPlugin):
    """Serves :func:`complete`'s document as JSON (built once per app)."""

    def __init__(self) -> None:
        super().__init__()
        self._completed: dict[int, dict[str, Any]] = {}

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        key = id(openapi_schema)
        if key not in self._completed:
            self._completed = {key: complete(openapi_schema)}
        return self.render_json(request, self._completed[key])
