"""Every message shown to users has a Dutch translation (English is the source language)."""

import pytest

from web.catalogs import CATALOG_LANGUAGES, PACKAGES, load, missing
from web.i18n import PROJECT_ROOT


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
@pytest.mark.parametrize("package", [p for p in PACKAGES if (PROJECT_ROOT / p).is_dir()])
def test_catalog_is_complete(package, language):
    gaps = missing(package, language)
    assert not gaps, (
        f"{len(gaps)} untranslated message(s) in {package} [{language}]; run "
        f"python scripts/i18n.py and translate them:\n" + "\n".join(gaps)
    )


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_a_message_has_one_translation_across_packages(language):
    """The catalogs are merged at run time, so one English text must read the same everywhere."""
    translations: dict[str, dict[str, list[str]]] = {}
    for package in PACKAGES:
        if not (PROJECT_ROOT / package).is_dir():
            continue
        for message in load(package, language):
            if message.id and message.string and isinstance(message.id, str):
                translations.setdefault(message.id, {}).setdefault(str(message.string), []).append(
                    package
                )
    differing = {msgid: found for msgid, found in translations.items() if len(found) > 1}
    assert not differing, "\n".join(f"{msgid!r}: {found}" for msgid, found in differing.items())
