"""Paging through long lists: which slice to show and the links to the other pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil
from urllib.parse import urlencode

DEFAULT_PER_PAGE = 50


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int
    path: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_item(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def url(self, page: int) -> str:
        query = [(k, v) for k, v in self.params if k != "page"]
        if page > 1:
            query.append(("page", str(page)))
        return f"{self.path}?{urlencode(query)}" if query else self.path

    def window(self, size: int = 2) -> list[int | None]:
        """Page numbers to link, with None where a run is left out (1 … 4 5 6 … 20)."""
        shown = sorted(
            {1, self.pages, *range(max(1, self.page - size), min(self.pages, self.page + size) + 1)}
        )
        result: list[int | None] = []
        for number in shown:
            if result and number - (result[-1] or 0) > 1:
                result.append(None)
            result.append(number)
        return result


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else 1


def paginate(
    path: str, query: Mapping[str, str], total: int, per_page: int = DEFAULT_PER_PAGE
) -> Pagination:
    """The pagination of ``total`` items for a request to ``path`` with ``query``."""
    requested = page_number(query.get("page"))
    pages = max(1, ceil(total / per_page))
    params = tuple((k, v) for k, v in query.items() if v not in ("", None))
    return Pagination(min(requested, pages), per_page, total, path, params)
