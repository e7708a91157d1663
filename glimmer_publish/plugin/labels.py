"""Interface text in the site's language: Babel formats the dates, these are the words."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

EN = {
    "home": "Glimmers",
    "archive": "Archive",
    "tags": "Tags",
    "random": "A random glimmer",
    "follow": "Follow",
    "newer": "Newer glimmers",
    "older": "Older glimmers",
    "page_of": "Page {page} of {pages}",
    "pages": "More glimmers",
    "draft": "Draft — only you can see this while previewing",
    "where": "Where",
    "felt": "Felt",
    "tagged": "Tags",
    "tag_title": "Glimmers tagged #{tag}",
    "tag_count": "{count} glimmers",
    "tag_count_one": "1 glimmer",
    "tag_feeds": "Follow this tag",
    "tags_intro": "Every tag in the journal, with how many glimmers carry it.",
    "archive_intro": "Every glimmer, by year and month.",
    "share": "Share this glimmer",
    "share_intro": "Pick a card, then share it with the caption, or download it and copy the "
                   "caption.",
    "caption": "Caption",
    "copy": "Copy caption",
    "copied": "Caption copied.",
    "share_button": "Share…",
    "shared_fallback": "Card downloaded and caption copied: paste it into your post.",
    "download": "Download",
    "format_og": "Link preview",
    "format_square": "Square",
    "format_portrait": "Portrait",
    "format_story": "Story",
    "random_intro": "Taking you to a glimmer picked at random…",
    "random_nojs": "Pick any one of these:",
    "previous_entry": "Previous glimmer",
    "next_entry": "Next glimmer",
    "empty": "No glimmers yet. Write the first one in entries/ — one small moment is enough.",
    "not_found": "This page isn't here",
    "not_found_text": "The address may have changed, or the glimmer is resting. "
                      "Here is the way back:",
    "feeds": "Feeds",
    "search": "Search",
    "also_on": "Also on",
}

DE = {
    **EN,
    "home": "Glimmer", "archive": "Archiv", "tags": "Schlagwörter",
    "random": "Ein zufälliger Glimmer", "follow": "Folgen", "newer": "Neuere Glimmer",
    "older": "Ältere Glimmer", "page_of": "Seite {page} von {pages}", "where": "Wo",
    "felt": "Gespürt", "tagged": "Schlagwörter", "share": "Diesen Glimmer teilen",
    "caption": "Bildtext", "copy": "Bildtext kopieren", "copied": "Bildtext kopiert.",
    "share_button": "Teilen…", "download": "Herunterladen", "archive_intro":
    "Alle Glimmer nach Jahr und Monat.", "not_found": "Diese Seite gibt es nicht",
    "search": "Suche", "also_on": "Auch auf",
}

LABELS = {"en": EN, "de": DE}


def labels_for(language: str) -> dict[str, str]:
    """The interface words for a language, English for the words nobody translated yet."""
    return LABELS.get(language.split("-")[0].split("_")[0].lower(), EN)


def locale_for(language: str) -> str:
    """A Babel locale name for a theme language like 'pt-BR', falling back to English."""
    name = language.replace("-", "_")
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return "en"
    return name


def long_date(value, language: str) -> str:
    return format_date(value, format="long", locale=locale_for(language))


def month_name(value, language: str) -> str:
    return format_date(value, format="LLLL", locale=locale_for(language))
