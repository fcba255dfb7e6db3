"""The one check for paths taken from input: hostile inputs never pass."""

import pytest

from common.paths import is_local_path, local_path_or

HOSTILE = [
    "//evil.example",
    "//evil.example/login",
    "/\\evil.example/login",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http:evil.example",
    "HTTPS://evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "evil.example",
    "tenders/12",
    "",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/ /evil.example",
    "/\u00a0/evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example/login",
    "/%252F%252Fevil.example",
    "/%25252F/evil.example",
    "/%2525252F/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%00/evil.example",
    "/%E2%80%AE/evil.example",
    "/\uff0f\uff0fevil.example",
    "/" + "a" * 2001,
    "///evil.example",
    "////evil.example",
    "/\\\\evil.example",
]
LOCAL = [
    "/",
    "/tenders/12",
    "/tenders/12/lots/3",
    "/scoring/evaluations/4?tab=ranking",
    "/tenders?q=hulp%20thuis&page=2",
    "/tenders/12#bids",
    "/login?next=%2Ftenders",
    "/tenders/12/lots/3/",
    "/a:b",
    "/tenders/%C3%A9t%C3%A9",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert not is_local_path(target)
    assert local_path_or(target, "/home") == "/home"


@pytest.mark.parametrize("target", LOCAL)
def test_paths_of_this_site_pass(target):
    assert is_local_path(target)
    assert local_path_or(target) == target


def test_not_text_and_too_long_are_refused():
    assert not is_local_path(None) and not is_local_path(b"/tenders")
    assert not is_local_path("/tenders/1", limit=5) and is_local_path("/t", limit=5)
