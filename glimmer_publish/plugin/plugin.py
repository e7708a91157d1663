"""MkDocs event hooks: read the journal, make cards, pages and feeds, and fill `<head>`.

Everything real happens in the core (entries, cards, feeds) and in `pages`/`head`; this
module only moves data between MkDocs and those functions.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..cards import Card, render_cards
from ..cards.shaping import shaping_problem
from ..entries import Entry, Journal, load_journal
from ..feeds import build_feeds
from ..follow import follow_page
from ..markup import sanitize
from ..problems import render
from ..settings import Settings, SettingsError, settings_from_config
from . import head, pages
from .config import GlimmerConfig
from .labels import labels_for

log = logging.getLogger("mkdocs.plugins.glimmer")
THEME_CSS = "assets/glimmer.css"
THEME_JS = "assets/glimmer.js"
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


class GlimmerPlugin(BasePlugin[GlimmerConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.settings: Settings | None = None
        self.journal: Journal | None = None
        self.cards: dict[str, dict[str, Card]] = {}
        self.sources: dict[str, pages.Source] = {}
        self.position: dict[str, int] = {}  # slug -> index in the newest-first journal
        self.newest_in_tag: dict[str, Entry] = {}
        self.labels = labels_for("en")

    # ------------------------------------------------------------ setup

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Drafts are a preview: only `mkdocs serve` shows them.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        missing = shaping_problem()
        if missing:
            raise PluginError(missing)
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        plain = {
            "site_name": config.site_name,
            "site_url": config.site_url,
            "site_description": config.site_description,
            "site_author": config.site_author,
            "theme": {"language": config.theme.get("language") or config.theme.locale},
        }
        try:
            self.settings = settings_from_config(plain, dict(self.config), root)
        except SettingsError as exc:
            raise PluginError(str(exc)) from exc
        self.labels = labels_for(self.settings.language)
        # The share panel, random page and palettes need these on every site, whatever
        # the rest of mkdocs.yml says.
        if THEME_CSS not in config.extra_css:
            config.extra_css.append(THEME_CSS)
        if THEME_JS not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(THEME_JS)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.settings is not None
        journal = load_journal(self.settings, include_drafts=self.serving)
        if journal.problems:
            raise PluginError(
                "the journal has problems; nothing was published:\n"
                + render(journal.problems, "text"))
        for problem in journal.warnings:
            log.warning(problem.text())
        self.journal = journal

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        assert self.settings is not None
        server.watch(str(self.settings.entries_dir))
        return server

    # ------------------------------------------------------------ files

    @event_priority(50)  # before search, so it sees our pages
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.settings is not None and self.journal is not None
        entries = self.journal.entries
        # Looked up once per page below: built here once, so pages cost O(1) each, not O(N).
        self.position = {e.slug: i for i, e in enumerate(entries)}
        self.newest_in_tag = {}
        for e in entries:
            for tag in e.tags:
                self.newest_in_tag.setdefault(tag, e)
        self.cards = self._cards(entries, Path(config.site_dir))
        sources = [
            *pages.home_pages(entries, self.settings, self.cards, self.labels,
                              self.config.page_size),
            *(pages.entry_source(e) for e in entries),
            *pages.tag_pages(entries, self.settings, self.cards, self.labels),
            pages.archive_page(entries, self.settings, self.labels),
            pages.random_page(entries, self.labels),
        ]
        body = follow_page(self.settings, list(pages.tag_counts(entries)))
        front = {"title": self.labels["follow"], "hide": ["navigation", "toc"]}
        sources.append(pages.Source(
            "follow/index.md",
            body if body.startswith("---") else pages.document(front, body), "follow"))
        self.sources = {s.src_uri: s for s in sources}
        for source in sources:
            self._add(files, File.generated(config, source.src_uri, content=source.markdown))
        published = [e for e in entries if not e.draft]  # feeds are never a preview
        og = {slug: fmts["og"] for slug, fmts in self.cards.items() if "og" in fmts}
        for path, data in build_feeds(published, self.settings, cards=og).items():
            self._add(files, File.generated(config, path, content=data))
        if config.nav is None:
            config.nav = self._nav(files)
            # Entry pages are meant to live outside the menu: don't list them as "omitted".
            config.validation.nav.omitted_files = logging.DEBUG
        return files

    def _cards(self, entries: list[Entry], out_dir: Path) -> dict[str, dict[str, Card]]:
        """Cards first: entry pages need each card's size and alt text for their heads."""
        assert self.settings is not None
        result = render_cards(entries, self.settings, out_dir)
        errors = [p for p in result.problems if p.severity == "error"]
        if errors:
            raise PluginError("some cards could not be made:\n" + render(errors, "text"))
        for problem in result.problems:  # warnings: a stand-in card was used
            log.warning(problem.text())
        return {slug: dict(fmts) for slug, fmts in result.cards.items()}

    @staticmethod
    def _add(files: Files, file: File) -> None:
        """Our generated pages win over a docs/ file at the same address (say so)."""
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            log.warning("docs/%s is replaced by the glimmer page at the same address",
                        file.src_uri)
            files.remove(existing)
        files.append(file)

    def _nav(self, files: Files) -> list:
        """Home, archive, tags, random, follow, then the writer's own pages from docs/."""
        ours = [("home", "index.md"), ("archive", "archive/index.md"),
                ("tags", "tags/index.md"), ("random", "random/index.md"),
                ("follow", "follow/index.md")]
        nav: list = [{self.labels[key]: src} for key, src in ours if src in self.sources]
        nav += sorted(f.src_uri for f in files.documentation_pages()
                      if f.src_uri not in self.sources and not f.src_uri.startswith("glimmers/"))
        return nav

    # ------------------------------------------------------------ pages

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        source = self.sources.get(page.file.src_uri)
        if source is None or source.entry is None:
            return html
        assert self.settings is not None and self.journal is not None
        entries = self.journal.entries
        i = self.position[source.entry.slug]
        newer = entries[i - 1] if i > 0 else None
        older = entries[i + 1] if i + 1 < len(entries) else None
        # Only the entry's own words pass the allow-list; our frame around them is trusted.
        return pages.entry_article(source.entry, sanitize(html), page.url, self.cards,
                                   self.settings, self.labels, newer, older)

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        assert self.settings is not None and self.journal is not None
        source = self.sources.get(page.file.src_uri)
        newest = next(iter(self.journal.entries), None)
        newest_card = self.cards.get(newest.slug, {}).get("og") if newest else None
        if source is not None and source.entry is not None:
            card = self.cards.get(source.entry.slug, {}).get("og")
            meta = head.entry_meta(source.entry, self.settings, card)
        else:
            title = page.title or self.settings.site_name
            if page.is_homepage or page.url.startswith("page/"):
                title = self.settings.site_name
            tagged = self.newest_in_tag.get(source.tag) if source is not None else None
            card = self.cards.get(tagged.slug, {}).get("og") if tagged else newest_card
            description = (page.meta.get("description") or self.settings.site_description
                           or title)
            meta = head.page_meta(title, description, page.url, self.settings, card)
        context["glimmer_meta"] = meta
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return self._name_search_dialog(output)

    def on_post_template(self, output_content: str, *, template_name: str,
                         config: MkDocsConfig) -> str:
        return self._name_search_dialog(output_content)

    def _name_search_dialog(self, output: str) -> str:
        """Material's search is a dialog without a name; screen readers need one (axe)."""
        label = html.escape(self.labels["search"])
        return output.replace(SEARCH_DIALOG, f'{SEARCH_DIALOG[:-1]} aria-label="{label}">', 1)

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        assert self.settings is not None
        env.globals["glimmer_labels"] = self.labels
        env.globals["glimmer_feeds"] = head.feed_links(self.settings)
        return env
