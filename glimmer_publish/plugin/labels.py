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
    "search": "Suche",
}

# Words of the practice pages (write link, on this day, a calm year, buddies).
PRACTICE_EN = {
    "write": "Write a glimmer",
    "write_intro": "Noticed something good? Open a new glimmer in GitHub's editor, already "
                   "dated, and give it a title.",
    "write_button": "Write a glimmer",
    "write_how": "Type what you noticed after 'title:', add a line or two below the dashes if "
                 "you like, then press Commit changes.",
    "write_home": "Tip: add this page to your phone's home screen. Opened from there as "
                  "…/write/#go, it goes straight to the editor.",
    "write_no_repo": "Set write_repo (or repo_url) in mkdocs.yml to your GitHub repository "
                     "to use this link.",
    "otd": "On this day",
    "otd_intro": "Glimmers from this calendar day in earlier years, met again.",
    "otd_heading": "{day} in earlier years",
    "otd_none": "Nothing from this day in earlier years yet. Every glimmer you keep today "
                "will be here for you next year.",
    "otd_all": "Every day of the year",
    "year": "A calm year",
    "year_title": "{year}, softly lit",
    "year_intro": "Each softly lit day holds a glimmer. Choose a day to meet it again.",
    "year_day_one": "{day}: 1 glimmer",
    "year_day": "{day}: {count} glimmers",
    "year_other": "Other years",
    "buddies": "Buddies",
    "buddies_intro": "Journals I follow. Their glimmers remind me to notice mine.",
    "buddies_feed": "Feed",
    "buddies_latest": "Lately:",
    "buddies_opml": "Follow them all (OPML)",
    "buddies_opml_how": "Import this file in your feed reader (NetNewsWire, Feedly, Miniflux, "
                        "Thunderbird…) to follow every buddy at once.",
    "follow_opml": "Follow with an OPML file",
    "follow_opml_how": "Some readers import a list of feeds instead of one address: this file "
                       "holds this journal's feed.",
}
PRACTICE_DE = {
    "write": "Einen Glimmer schreiben",
    "write_intro": "Etwas Gutes bemerkt? Öffne einen neuen Glimmer in GitHubs Editor, schon "
                   "mit Datum, und gib ihm einen Titel.",
    "write_button": "Einen Glimmer schreiben",
    "write_how": "Schreib nach 'title:', was du bemerkt hast, unter die Striche gern ein, zwei "
                 "Zeilen, dann drück Commit changes.",
    "write_home": "Tipp: Leg diese Seite auf den Home-Bildschirm. Als …/write/#go geöffnet, "
                  "führt sie direkt in den Editor.",
    "write_no_repo": "Trag in mkdocs.yml bei write_repo (oder repo_url) dein "
                     "GitHub-Repository ein, um diesen Link zu nutzen.",
    "otd": "An diesem Tag",
    "otd_intro": "Glimmer von diesem Kalendertag aus früheren Jahren, wiedergefunden.",
    "otd_heading": "{day} in früheren Jahren",
    "otd_none": "Von diesem Tag gibt es noch nichts aus früheren Jahren. Jeder Glimmer, den "
                "du heute festhältst, wartet nächstes Jahr hier auf dich.",
    "otd_all": "Alle Tage des Jahres",
    "year": "Ein ruhiges Jahr",
    "year_title": "{year}, sanft erhellt",
    "year_intro": "Jeder sanft erhellte Tag hält einen Glimmer. Wähl einen Tag, um ihm "
                  "wieder zu begegnen.",
    "year_day_one": "{day}: 1 Glimmer",
    "year_day": "{day}: {count} Glimmer",
    "year_other": "Andere Jahre",
    "buddies": "Glimmer-Freunde",
    "buddies_intro": "Journale, denen ich folge. Ihre Glimmer erinnern mich an meine.",
    "buddies_feed": "Feed",
    "buddies_latest": "Zuletzt:",
    "buddies_opml": "Allen folgen (OPML)",
    "buddies_opml_how": "Importiere diese Datei in deinen Feedreader (NetNewsWire, Feedly, "
                        "Miniflux, Thunderbird…), um allen auf einmal zu folgen.",
    "follow_opml": "Mit einer OPML-Datei folgen",
    "follow_opml_how": "Manche Reader importieren eine Liste von Feeds statt einer Adresse: "
                       "diese Datei enthält den Feed dieses Journals.",
}
EN.update(PRACTICE_EN)
DE.update({**PRACTICE_EN, **PRACTICE_DE})

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
