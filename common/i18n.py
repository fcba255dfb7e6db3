"""Marking translatable text in pure domain code, and the reader's language.

Domain modules cannot depend on the web layer's translations, yet their messages reach users in
Dutch or English. They mark message ids with :func:`N_` (picked up by Babel's extractor) and carry
the parameters separately; the web layer translates and fills them in at the edge.

The language of the current request lives here (the web layer sets it, ``web.i18n``), so that
pure building blocks such as the number and money parsers read what a user typed the way the
user's interface writes numbers, without the web layer.
"""

from contextvars import ContextVar
from functools import cache

from babel import Locale

# The interface languages, each by its own name.
UI_LANGUAGES: dict[str, str] = {
    "en": "English",
    "nl": "Nederlands",
    "da": "Dansk",
    "pl": "Polski",
    "sv": "Svenska",
}

# Locales for formatting and reading numbers: British English gives European day-month order
# and 24-hour times.
FORMAT_LOCALES: dict[str, str] = {
    "en": "en_GB",
    "nl": "nl_NL",
    "da": "da_DK",
    "pl": "pl_PL",
    "sv": "sv_SE",
}

_language: ContextVar[str] = ContextVar("tenderdesk_language", default="en")


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the message catalogs without translating it here."""
    return message


def current_language() -> str:
    return _language.get()


def format_locale(language_code: str | None = None) -> str:
    """The Babel locale for formatting and reading numbers in a language (the current one)."""
    return FORMAT_LOCALES.get(language_code or current_language(), "en_GB")


# One way to write a moment per language, wherever a user reads it: the locale's medium date and
# its short time (hours and minutes, never seconds), joined as the locale joins them.
DATE_STYLE = "medium"
TIME_STYLE = "short"


@cache
def moment_pattern(locale: Locale) -> str:
    """The locale's medium date and short time, joined by its own pattern for the two."""
    joined = str(locale.datetime_formats[DATE_STYLE])
    return joined.replace("{1}", locale.date_formats[DATE_STYLE].pattern).replace(
        "{0}", locale.time_formats[TIME_STYLE].pattern
    )
