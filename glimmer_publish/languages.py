"""What an entry's language (BCP 47, or the site's) means for pages, feeds and previews."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# Scripts written right to left (ISO 15924), for tags Babel has no locale data for.
RTL_SCRIPTS = {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Mand", "Samr", "Rohg",
               "Yezi", "Mend", "Avst", "Phnx", "Armi", "Nbat", "Palm", "Sogd", "Hung"}


def _parse(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@lru_cache(maxsize=256)
def direction(tag: str | None) -> str:
    """'rtl' or 'ltr' for a language tag; 'auto' when there is no tag (let the text decide)."""
    if not tag:
        return "auto"
    parts = tag.replace("_", "-").split("-")
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if script:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    locale = _parse(tag)
    if locale is None:
        likely = get_global("likely_subtags").get(parts[0].lower())
        script = likely.split("_")[1] if likely and likely.count("_") >= 1 else None
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if locale.text_direction == "rtl" else "ltr"


@lru_cache(maxsize=256)
def og_locale(tag: str | None) -> str:
    """Open Graph's `ll_CC` form ('ar' -> 'ar_EG', 'en' -> 'en_US', 'pt-BR' -> 'pt_BR'),
    using CLDR's likely subtags where the tag names no region; 'en_US' if unknown."""
    locale = _parse(tag or "en")
    if locale is None:
        return "en_US"
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags")
        full = likely.get(str(locale)) or likely.get(locale.language)
        territory = _parse(full).territory if full and _parse(full) else None
    return f"{locale.language}_{territory}" if territory else "en_US"
