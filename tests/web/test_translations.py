"""Every message shown to users has a Dutch translation (English is the source language)."""

import pytest

from web.catalogs import CATALOG_LANGUAGES, PACKAGES, missing
from web.i18n import PROJECT_ROOT


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
@pytest.mark.parametrize("package", [p for p in PACKAGES if (PROJECT_ROOT / p).is_dir()])
def test_catalog_is_complete(package, language):
    gaps = missing(package, language)
    assert not gaps, (f"{len(gaps)} untranslated message(s) in {package} [{language}]; run "
                      f"python scripts/i18n.py and translate them:\n" + "\n".join(gaps))
