"""Interface words in the site's language, through gettext catalogs; dates through Babel.

The English words are the message ids. Translations live in `glimmer_publish/locales/<ll>/
LC_MESSAGES/glimmer.po` and are compiled in memory when first needed, so a translator only
ever edits a `.po` file (see the README's "Languages" section). Templates use the same
catalog through Jinja's i18n extension (`{{ _("Archive") }}`, `{% trans %}`).
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_date_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "glimmer"


def N_(message: str) -> str:
    """Marks a word for the catalog (`pybabel extract -k N_`); translated where it is used."""
    return message


# Words the Python side (navigation, page titles, the search dialog) and 404.html need by key.
LABELS = {
    "home": N_("Glimmers"),
    "archive": N_("Archive"),
    "tags": N_("Tags"),
    "random": N_("A random glimmer"),
    "follow": N_("Follow"),
    "span": N_("%(start)s to %(end)s"),
    "draft": N_("Draft — only you can see this while previewing"),
    "tag_title": N_("Glimmers tagged #%(tag)s"),
    "not_found": N_("This page isn't here"),
    "not_found_text": N_("The address may have changed, or the glimmer is resting. "
                         "Here is the way back:"),
    "feeds": N_("Feeds"),
    "search": N_("Search"),
    # The practice pages (write link, on this day, a calm year, buddies).
    "write": N_("Write a glimmer"),
    "otd": N_("On this day"),
    "year": N_("A calm year"),
    "buddies": N_("Buddies"),
}


def locale_for(language: str) -> str:
    """A Babel locale name for a theme language like 'pt-BR', falling back to English."""
    name = language.replace("-", "_")
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return "en"
    return name


@lru_cache(maxsize=32)
def translations(language: str) -> NullTranslations:
    """The catalog for a language ('pt_BR', then 'pt'); English words where there is none."""
    name = locale_for(language)
    for candidate in dict.fromkeys((name, name.split("_")[0])):
        po = LOCALES / candidate / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.is_file():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=candidate, domain=DOMAIN)
            mo = BytesIO()
            write_mo(mo, catalog)
            mo.seek(0)
            return Translations(mo, domain=DOMAIN)
    return NullTranslations()


def labels_for(language: str) -> dict[str, str]:
    """The keyed interface words in a language."""
    t = translations(language)
    return {key: t.gettext(message) for key, message in LABELS.items()}


# The link titles Markdown extensions put into a body, in the site's language, unless the
# journal set its own in mkdocs.yml.
EXTENSION_TITLES = {
    "footnotes": ("BACKLINK_TITLE", N_("Jump back to footnote %d in the text")),
    "toc": ("permalink_title", N_("Permanent link")),
}


def with_local_titles(extensions: list, language: str) -> list:
    """mkdocs.yml's extension list with footnote and anchor link titles translated."""
    t = translations(language)
    out = []
    for item in extensions:
        name = next(iter(item)) if isinstance(item, dict) and len(item) == 1 else item
        if isinstance(name, str) and name in EXTENSION_TITLES:
            options = dict(item[name] or {}) if isinstance(item, dict) else {}
            key, message = EXTENSION_TITLES[name]
            options.setdefault(key, t.gettext(message))
            item = {name: options}
        out.append(item)
    return out


@lru_cache(maxsize=65536)  # every listing shows each date again
def long_date(value, language: str) -> str:
    locale, pattern = _long_pattern(language)
    return pattern.apply(value, locale)


@lru_cache(maxsize=32)
def _long_pattern(language: str):
    """Babel's `format_date(format="long")` looks the locale and its pattern up on every
    call, which cost more than the rest of a listing's entry: done once per language."""
    locale = Locale.parse(locale_for(language))
    return locale, get_date_format("long", locale=locale)


@lru_cache(maxsize=4096)
def month_name(value, language: str) -> str:
    return format_date(value, format="LLLL", locale=locale_for(language))
