"""``tenderdesk export``: a finance export written to a file, for scheduled jobs."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence

from config.settings import get_settings
from documents.tables_export import Sheet, csv_chunks, xlsx_file
from finance import sheets
from finance.filters import parse_query, parse_view
from web.i18n import language as in_language


async def export_sheets(view: str, params: Mapping[str, str], language: str | None) -> list[Sheet]:
    """The export over every authority (the command line is trusted like an administrator)."""
    from config.app import FINANCE_SOURCES

    query = parse_query(params)
    with in_language(language or get_settings().default_language):
        return await sheets.export_sheets(parse_view(view), FINANCE_SOURCES, query)


def write_file(
    exported: Sequence[Sheet], file_format: str, output: str, separator: str, decimal_comma: bool
) -> int:
    """Write xlsx (every sheet) or csv (the first); returns the first sheet's row count."""
    if file_format == "csv":
        with open(output, "wb") as handle:
            for chunk in csv_chunks(
                exported[0], separator=separator, decimal_comma=decimal_comma and separator == ";"
            ):
                handle.write(chunk)
    else:
        with xlsx_file(exported) as source, open(output, "wb") as handle:
            shutil.copyfileobj(source, handle)
    return len(list(exported[0].rows))
