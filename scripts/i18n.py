"""Update the message catalogs after changing text, or check that they are complete.

    python scripts/i18n.py           # add new messages to every package's catalogs
    python scripts/i18n.py --check   # list untranslated messages; exit 1 if there are any

Translate new entries in <package>/locales/nl/LC_MESSAGES/messages.po (English is the source).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from web.catalogs import CATALOG_LANGUAGES, PACKAGES, missing, translations, update


def main() -> int:
    check = "--check" in sys.argv
    gaps = 0
    known = {language: translations(language) for language in CATALOG_LANGUAGES}
    for package in PACKAGES:
        if not (Path(__file__).resolve().parents[1] / package).is_dir():
            continue
        for language in CATALOG_LANGUAGES:
            untranslated = missing(package, language) if check else []
            count = len(untranslated) if check else update(package, language, known[language])
            gaps += count
            if count:
                print(f"{package} [{language}]: {count} untranslated")
                for message in untranslated:
                    print(f"    {message}")
    return 1 if check and gaps else 0


if __name__ == "__main__":
    sys.exit(main())
