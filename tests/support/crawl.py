"""Walking the app's pages as a signed-in user: links and GET forms, breadth first.

Used by the crawl test (tests/browser/test_crawl.py); the checks on each page's visible text
live here so they can be tested without the app.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from web.catalogs import PACKAGES, load

# Paths never followed: signing out, static assets, and files (downloads are not pages).
SKIPPED_PREFIXES = ("/logout", "/static/", "/schema", "/api/")
FILE_SUFFIXES = (".xlsx", ".docx", ".pdf", ".zip", ".csv", ".json", ".txt", ".odt")
# Routes that answer a file (a letter's preview is rendered, as PDF by LibreOffice).
FILE_ENDINGS = ("/preview", "/workbook", "/scoresheet", "/download")
# Pages per URL shape (digits replaced) and query: enough to see each kind of page over
# several objects in different phases without rendering all 42 applications of a round.
PER_SHAPE = 4
HOST = "testserver.local"  # the in-process client's
VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}
HIDDEN_TAGS = {"script", "style", "template", "title", "head", "noscript", "option"}

INTERNAL_REFERENCE = re.compile(
    r"\b(?:tender|lot|bid|round|application|evaluation|subject|payment):\d+\b"
)
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# Days and moments a page shows in a machine's format rather than the reader's one: an ISO day
# or timestamp (2026-03-01, 2026-03-01T10:05, 2026-03-01 10:05:00) or a time with seconds
# (10:05:00, Danish 10.05.00).
RAW_MOMENT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:\b|T)"
    r"|\b(?:[01]?\d|2[0-3]):[0-5]\d:[0-5]\d\b"
    r"|\b(?:[01]\d|2[0-3])\.[0-5]\d\.[0-5]\d\b"
)  # Danish: 10.05.00


@dataclass
class Page:
    """What a page offers to follow and what it shows."""

    links: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # Texts shown as code on purpose (<code>): identifiers a user types or reads back.
    codes: set[str] = field(default_factory=set)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._hidden = 0
        self._stack: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._closed_details = 0  # open <details> show all, closed ones their <summary>
        self._summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        hidden = tag in HIDDEN_TAGS or "hidden" in attributes
        if tag == "details" and "open" not in attributes:
            self._closed_details += 1
        elif tag == "summary" and self._closed_details:
            self._summary += 1
        if tag not in VOID:
            self._stack.append(tag)
            if hidden or self._hidden:
                self._hidden += 1
        if tag == "a" and "href" in attributes and "download" not in attributes:
            self.page.links.append(attributes["href"])
        elif tag == "form":
            method = attributes.get("method", "get").lower()
            self._form = (
                {"action": attributes.get("action", ""), "fields": []} if method == "get" else None
            )
        elif tag == "input" and self._form is not None and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("submit", "button", "file"):
                self._form["fields"].append((attributes["name"], attributes.get("value", "")))
        elif tag == "select" and self._form is not None:
            self._select = attributes.get("name")
        elif (
            tag == "option"
            and self._form is not None
            and self._select
            and (
                "selected" in attributes
                or not any(name == self._select for name, _ in self._form["fields"])
            )
        ):
            self._form["fields"] = [f for f in self._form["fields"] if f[0] != self._select]
            self._form["fields"].append((self._select, attributes.get("value", "")))
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button")
            and attributes.get("value")
            and not self._hidden
        ):
            self.page.texts.append(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag not in self._stack:
            return
        while self._stack:
            opened = self._stack.pop()
            if self._hidden:
                self._hidden -= 1
            if opened == "details" and self._closed_details:
                self._closed_details -= 1
            elif opened == "summary" and self._summary:
                self._summary -= 1
            if opened == tag:
                break
        if tag == "form" and self._form is not None:
            query = urlencode(self._form["fields"])
            self.page.links.append(
                f"{self._form['action']}?{query}" if query else self._form["action"]
            )
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        collapsed = self._closed_details and not self._summary
        if text and not self._hidden and not collapsed:
            self.page.texts.append(text)
            if self._stack and self._stack[-1] == "code":
                self.page.codes.add(text)


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def shape(url: str) -> str:
    """The kind of page a URL is: its path with ids replaced, and the names of its query."""
    parts = urlsplit(url)
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"/\d+", "/N", parts.path) + ("?" + "&".join(names) if names else "")


def followable(base: str, href: str) -> str | None:
    """The local URL to follow for a link, or None (another site, a file, signing out)."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != HOST:
        return None
    path = parts.path
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(FILE_SUFFIXES + FILE_ENDINGS):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


Fetch = Callable[[str], Awaitable[tuple[int, str, str]]]


async def crawl(fetch: Fetch, start: str = "/") -> dict[str, tuple[int, str]]:
    """Every page reachable from ``start`` (at most PER_SHAPE of a shape): url -> (status,
    html). ``fetch`` answers (status, content type, body)."""
    seen: set[str] = {start}
    per_shape: dict[str, int] = {shape(start): 1}
    queue = deque([start])
    pages: dict[str, tuple[int, str]] = {}
    while queue:
        url = queue.popleft()
        status, content_type, body = await fetch(url)
        if not content_type.startswith("text/html"):
            continue
        pages[url] = (status, body)
        for href in read_page(body).links:
            found = followable(f"http://{HOST}{url}", href)
            if found is None or found in seen:
                continue
            seen.add(found)
            kind = shape(found)
            if per_shape.get(kind, 0) >= PER_SHAPE:
                continue
            per_shape[kind] = per_shape.get(kind, 0) + 1
            queue.append(found)
    return pages


@cache
def translated_messages(language: str) -> tuple[frozenset[str], re.Pattern[str]]:
    """English messages that read differently in ``language``: the plain ones as they are,
    the ones with placeholders as one pattern of a whole text."""
    plain: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for package in PACKAGES:
        for message in load(package, language):
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for english, translated in zip(ids, strings, strict=False):
                if not english or not translated or english == translated:
                    continue
                text = " ".join(english.split())
                if not re.search(r"%\(\w+\)[sd]|\{\w+\}|%[sd]", text):
                    plain.add(text)
                    continue
                pieces = re.split(r"%\(\w+\)[sd]|\{\w+\}|%[sd]", text)
                if sum(len(piece) for piece in pieces) >= 12:
                    patterns.append(re.compile(".+?".join(re.escape(piece) for piece in pieces)))
    return frozenset(plain), re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def untranslated(
    texts: Iterable[str], language: str, allowed: frozenset[str] = frozenset()
) -> list[str]:
    """Texts shown verbatim as an English message that ``language`` translates."""
    plain, pattern = translated_messages(language)
    found = []
    for text in texts:
        if text in allowed:
            continue
        if text in plain or pattern.fullmatch(text):
            found.append(text)
    return found


def internal_text(texts: Iterable[str], allowed: frozenset[str] = frozenset()) -> list[str]:
    """Internal references (``bid:38``) and raw codes (``day_support``) in visible text."""
    return [
        text
        for text in texts
        if text not in allowed and (INTERNAL_REFERENCE.search(text) or RAW_CODE.search(text))
    ]


# Two sentences without a space between them ("left out.An authority"): a template whose block
# tag swallowed the line break between two messages.
RUN_TOGETHER = re.compile(r"[a-zà-ÿ]{2}[.!?][A-ZÀ-Þ][a-zà-ÿ]")


def run_together(texts: Iterable[str], allowed: frozenset[str] = frozenset()) -> list[str]:
    """Texts in which one sentence runs into the next without a space."""
    return [text for text in texts if text not in allowed and RUN_TOGETHER.search(text)]


def raw_moments(texts: Iterable[str], allowed: frozenset[str] = frozenset()) -> list[str]:
    """Texts that show a day or a time as a machine writes it (ISO, or with seconds)."""
    return [text for text in texts if text not in allowed and RAW_MOMENT.search(text)]


__all__ = [
    "PACKAGES",
    "Page",
    "crawl",
    "followable",
    "internal_text",
    "raw_moments",
    "read_page",
    "run_together",
    "shape",
    "untranslated",
]
