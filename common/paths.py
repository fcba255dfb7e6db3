"""Paths of this application taken from input: the one check against links and redirects that
lead off-site. Pure.

Wherever a URL comes from a user or a client (``next=`` after signing in or switching the
language, the referrer a refused form goes back to, an evaluation's ``owner_url`` that the
scoring pages link to), only a path on this site is accepted. Browsers are lenient in ways that
turn innocent-looking text into another host: ``//evil.example`` and ``/\\evil.example`` are
both "evil.example", tabs and new lines inside a URL are dropped (``/<tab>/evil.example``), and
percent-encoded slashes and backslashes are decoded by some servers and proxies on the way. So
a local path here is strict:

- as given, it is printable ASCII (the paths of this application are; a browser sends anything
  else percent-encoded) without a backslash or a space, at most :data:`MAX_PATH` characters;
- it begins with one ``/`` and names no scheme or host;
- its path, percent-decoded (repeatedly), still has no backslash, no control, format or
  whitespace character and does not begin with ``//``.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_PATH = 2000
_DECODE_ROUNDS = 3  # "%25252F" is "/" after three rounds


def _printable_ascii(text: str) -> bool:
    return all("!" <= ch <= "~" and ch != "\\" for ch in text)


def _harmless(path: str) -> bool:
    """A decoded path: no backslash, nothing invisible, not the start of another host."""
    return not path.startswith("//") and not any(
        ch == "\\" or unicodedata.category(ch)[0] in "CZ" for ch in path
    )


def is_local_path(target: object, limit: int = MAX_PATH) -> bool:
    """Whether ``target`` is a path on this site that no browser reads as another host."""
    if not isinstance(target, str) or not 0 < len(target) <= limit:
        return False
    if not _printable_ascii(target) or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    path = parts.path
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote(path)
        if decoded == path:
            return True
        if not _harmless(decoded):
            return False
        path = decoded
    return unquote(path) == path  # still encoded after every round: refuse rather than guess


def local_path_or(target: object, fallback: str = "/") -> str:
    """``target`` when it is a local path (see :func:`is_local_path`), else ``fallback``."""
    return target if isinstance(target, str) and is_local_path(target) else fallback
