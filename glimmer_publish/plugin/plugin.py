"""MkDocs event hooks: read the journal, make cards, pages and feeds, and fill `<head>`.

Everything real happens in the core (entries, cards, feeds) and in `pages`/`head`; this
module only moves data between MkDocs and those functions.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import time
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .. import site_size
from .. import write_link as writing
from ..buddies import Buddy, fetch_latest
from ..cards import Card
from ..cards.render import (
    CardJob,
    cache_folder,
    prune_cache,
    site_formats,
    start_cards,
)
from ..cards.shaping import shaping_problem
from ..entries import Entry, Journal, load_journal, rel
from ..feeds import build_feeds
from ..files import write_if_changed
from ..markup import id_prefix, to_html
from ..problems import render
from ..settings import Settings, SettingsError, settings_from_config
from ..syndicate.links import posts_by_slug
from . import card_memo, head, in_place, page_cache, pages, practice, problems_panel
from .config import GlimmerConfig, check_options, site_problems
from .labels import labels_for, with_local_titles
from .theme import compiled_templates, page_templates, search_path

log = logging.getLogger("mkdocs.plugins.glimmer")
THEME_CSS = "assets/glimmer.css"
THEME_JS = "assets/glimmer.js"
SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


class PageFile(File):
    """A generated page: its Markdown is made only if MkDocs reads it, and MkDocs builds it
    only when there is no stored copy of it (a `--dirty` build, as `glimmer build` runs)."""

    key: str | None = None  # the page's digest in the page store (None: never stored)
    reuse: str | None = None  # the stored copy used instead of building
    make = None  # () -> the page's Markdown
    _made: str | bytes | None = None

    @property
    def _content(self):
        if self._made is None and self.make is not None:
            self._made = self.make()
        return self._made

    @_content.setter
    def _content(self, value) -> None:
        self._made = value

    def is_modified(self) -> bool:
        return self.reuse is None

    @classmethod
    def of(cls, config: MkDocsConfig, source: pages.Source) -> PageFile:
        file = cls.generated(config, source.src_uri, content="")
        file._made, file.make = None, lambda: source.markdown
        return file


class DataFile(File):
    """A generated file that is not a page (a feed, on this day's index): MkDocs would keep
    its bytes until the build ends; they are let go once written to the site."""

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        self._content = None

    def is_modified(self) -> bool:
        return True


_NO_ANCHORS: frozenset[str] = frozenset()
_NO_LINKS: dict = {}


def _share_empty_anchors(page: Page) -> None:
    """A generated page's Markdown is its front matter alone: MkDocs gives each such page
    an empty set of anchors and an empty dict of links to check, about 600 bytes a page
    until the build ends. Empty, they are one shared object for every page."""
    if not getattr(page, "present_anchor_ids", True):
        page.present_anchor_ids = _NO_ANCHORS
    if not getattr(page, "links_to_anchors", True):
        page.links_to_anchors = _NO_LINKS


class GlimmerPlugin(BasePlugin[GlimmerConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.dirty = False  # set by on_startup: `glimmer build`/`serve` build dirty
        self.settings: Settings | None = None
        self.journal: Journal | None = None
        self.cards: dict[str, dict[str, Card]] = {}
        self.sources: dict[str, pages.Source] = {}
        self.position: dict[str, int] = {}  # slug -> index in the newest-first journal
        self.labels = labels_for("en")
        self.started = 0.0
        self.card_keys: set[str] = set()
        self.card_job: CardJob | None = None  # cards still being drawn
        self.problems: list = []  # while serving: what the preview shows at the top of pages
        self.templates = page_templates([], "en")
        self.write_link: writing.WriteLink | None = None
        self.syndicated: dict[str, list[tuple[str, str]]] = {}  # slug -> [(network, post URL)]
        self.config_problems: list[str] = []
        self.preloaded: tuple[Settings, Journal] | None = None  # from `glimmer build`
        # While previewing (one plugin for every rebuild): each entry's cards as last drawn.
        self.card_memo: dict[str, card_memo.Memo] = {}
        self.card_todo: dict[str, tuple[list, Entry]] = {}
        self.card_key_of: dict[str, list] = {}  # an entry's card memo key, by slug
        self.card_memo_root: Path | None = None
        self.views_kept: dict[tuple, tuple[Entry, pages.EntryView]] = {}
        self.store: page_cache.PageStore | None = None  # finished pages kept between builds
        self.page_files: dict[str, PageFile] = {}
        self.built: dict[str, str] = {}  # src_uri -> key of the pages built this time
        self.search_seen = 0  # search entries so far, to tell which page added which
        self.page_entries: dict[str, list] = {}  # src_uri -> search entries, pages built
        self.doc_files: list[File] = []
        self.made: set[str] = set()  # site-relative paths this build makes
        self.made_before: set[str] | None = None  # the preview's last build's
        self.site_folders: list[str] | None = None  # every folder a build left (build_stamp)

    def load_config(self, options, config_file_path=None):
        """Our options' problems are kept and reported by `on_config` in our own words.

        MkDocs would only warn about an unknown option; here it stops the build, with a
        guess, exactly as `glimmer` reports it (the same classes check both)."""
        _, warnings = super().load_config(options, config_file_path)
        path = Path(config_file_path) if config_file_path else None
        self.config_problems = check_options(options, path)
        rest = [(k, m) for k, m in warnings if not m.startswith("Unrecognised configuration")]
        return [], rest

    # ------------------------------------------------------------ setup

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Drafts are a preview: only `mkdocs serve` shows them.
        self.serving = command == "serve"
        # A dirty build (how `glimmer build` and `glimmer serve` run MkDocs) builds only the
        # pages whose stored copy is out of date; a plain `mkdocs build` builds them all.
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_file = Path(config.config_file_path) if config.config_file_path else None
        problems = list(self.config_problems)
        if not self.serving:  # `mkdocs serve` sets site_url to its own address
            problems += site_problems(config.site_url, config_file)
        missing = shaping_problem()
        if missing:
            problems.append(missing)
        if problems:  # before any card is drawn (cards come in on_files)
            raise PluginError("\n".join(problems))
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        plain = {
            "site_name": config.site_name,
            "site_url": config.site_url,
            "site_description": config.site_description,
            "site_author": config.site_author,
            "theme": {"language": config.theme.get("language") or config.theme.locale},
            # One Markdown pipeline: entry bodies use the extensions the rest of the site uses.
            "markdown_extensions": [
                {name: config.mdx_configs[name]} if isinstance(name, str)
                and name in config.mdx_configs else name
                for name in config.markdown_extensions],
        }
        language = str(plain["theme"]["language"] or "en")
        plain["markdown_extensions"] = with_local_titles(plain["markdown_extensions"], language)
        try:
            self.settings = settings_from_config(plain, dict(self.config), root)
        except SettingsError as exc:
            raise PluginError(str(exc)) from exc
        self.labels = labels_for(self.settings.language)
        # Our templates and assets sit right behind the journal's own overrides.
        config.theme.dirs[:] = search_path(config.theme.dirs, config.theme.custom_dir)
        self.templates = page_templates(config.theme.dirs, self.settings.language)
        self.templates.bytecode_cache = compiled_templates(self._cache_root(), "pages")
        # The share panel, random page and palettes need these on every site, whatever
        # the rest of mkdocs.yml says.
        if THEME_CSS not in config.extra_css:
            config.extra_css.append(THEME_CSS)
        if THEME_JS not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(THEME_JS)
        if practice.CSS not in config.extra_css:
            config.extra_css.append(practice.CSS)
        self.write_link = self._write_link(config)
        return config

    def _write_link(self, config: MkDocsConfig) -> writing.WriteLink | None:
        """Where the write link opens GitHub's editor, from repo_url and edit_uri."""
        assert self.settings is not None
        if not self.config.write_link:
            return None
        repo = writing.github_repo(self.config.write_repo or config.repo_url)
        if repo is None:
            log.warning("write_link: set write_repo (or repo_url) in mkdocs.yml to your GitHub "
                        "repository, https://github.com/OWNER/REPO; the Write page says so too")
            return None
        branch = (self.config.write_branch or writing.branch_from_edit_uri(config.edit_uri)
                  or "main")
        try:
            entries = self.settings.entries_dir.relative_to(self.settings.repo_root).as_posix()
        except ValueError:
            log.warning("write_link: entries_dir is outside the folder of mkdocs.yml, so the "
                        "link cannot name its place in the repository")
            return None
        return writing.WriteLink(repo[0], repo[1], branch, entries, self.settings.timezone)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.settings is not None
        self.started = time.time()
        journal = self._preloaded_journal() or load_journal(
            self.settings, include_drafts=self.serving, drafts_folder=self.serving)
        self.problems = list(journal.problems) if self.serving else []
        for problem in self.problems:
            log.error(problem.text())
        if journal.problems and not self.serving:
            raise PluginError(
                "the journal has problems; nothing was published:\n"
                + render(journal.problems, "text"))
        for problem in journal.warnings:
            log.warning(problem.text())
        self.journal = journal
        self.syndicated = posts_by_slug(self._cache_root())

    def _preloaded_journal(self) -> Journal | None:
        """The journal `glimmer build` has just loaded (drafts included, to check them too),
        without its drafts: the same as loading it again, at none of the cost."""
        if self.preloaded is None or self.serving:
            return None
        settings, journal = self.preloaded
        self.preloaded = None
        if settings != self.settings:
            return None
        drafts = [e for e in journal.entries if e.draft]
        return dataclasses.replace(
            journal, entries=[e for e in journal.entries if not e.draft],
            hidden=journal.hidden + len(drafts),
            withheld=sorted([*journal.withheld, *drafts], key=lambda e: e.path))

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
        self.cards = self._cards(entries, Path(config.site_dir))
        views = pages.Views(self.settings, self.cards, self.views_kept)
        plain = pages.Views(self.settings, None, self.views_kept, excerpts=False)
        sources = [
            *pages.home_pages(entries, self.settings, views, self.labels, self.config.page_size),
            *(pages.entry_source(e) for e in entries),
            *pages.tag_pages(entries, views, self.labels),
            pages.archive_page(entries, self.settings, plain, self.labels),
            pages.random_page(entries, plain, self.labels),
            pages.follow_page(self.settings, list(pages.tag_counts(entries)), self.labels),
        ]
        sources += self._practice_pages(files, config)
        self.views_kept = {**views.made, **plain.made}  # for the preview's next rebuild
        self.sources = {s.src_uri: s for s in sources}
        self.page_files = {s.src_uri: PageFile.of(config, s) for s in sources}
        for file in self.page_files.values():
            self._add(files, file)
        shown = {e.slug for e in entries}
        for src, markdown in problems_panel.broken_pages(self.problems, shown).items():
            self._add(files, File.generated(config, src, content=markdown))
        published = [e for e in entries if not e.draft]  # feeds are never a preview
        og = {slug: fmts["og"] for slug, fmts in self.cards.items() if "og" in fmts}
        for path, data in build_feeds(published, self.settings, cards=og).items():
            self._add(files, DataFile.generated(config, path, content=data))
        if config.nav is None:
            config.nav = self._nav(files)
            # Entry pages are meant to live outside the menu: don't list them as "omitted".
            config.validation.nav.omitted_files = logging.DEBUG
        self._plan_pages(config)
        if self.store is not None:  # the writer's own pages show the menu: always built
            for file in files.documentation_pages():
                if not isinstance(file, PageFile):
                    file.is_modified = lambda: True
        return files

    # ------------------------------------------------------------ stored pages

    def _plan_pages(self, config: MkDocsConfig) -> None:
        """Give each generated page its key, and reuse the stored copy where there is one."""
        assert self.settings is not None and self.journal is not None
        self.built, self.search_seen, self.store = {}, 0, None
        self.page_entries, self.doc_files = {}, []
        if not self.dirty:
            return
        self.store = page_cache.PageStore(self._cache_root(), preview=self.serving)
        with_search = self._search_index(config) is not None
        site = page_cache.site_key(config, config.theme.custom_dir, config.docs_dir,
                                   extra=(self.serving,))
        entries = self.journal.entries
        seen: dict[str, str | None] = {}

        def fp(entry: Entry | None) -> str | None:
            """An entry is what its file's bytes, its place and the settings make of it."""
            if entry is None:
                return ""
            if entry.slug not in seen:
                seen[entry.slug] = (f"{entry.digest}|{entry.path}|{entry.draft}|{entry.photo}"
                                    if entry.digest else page_cache.fingerprint(entry))
            return seen[entry.slug]

        def shown(card: Card | None) -> tuple | None:
            """What pages show of a card: all but its size in bytes (only feeds read that,
            and it is not known until the card is drawn, maybe while pages are built)."""
            if card is None:
                return None
            return (card.format, card.path, card.width, card.height, card.mime, card.alt,
                    card.preview, card.preview_width, card.preview_height)

        def cards_shown(slug: str) -> str | None:
            """An entry's cards as pages show them. Those of an entry read from its file are
            what their memo key makes of it (the memo hands back the same cards for the same
            key), so that key stands for them without spelling every card out."""
            key = self.card_key_of.get(slug)
            if key is not None:
                return repr(key)
            return page_cache.fingerprint([shown(c) for _, c in sorted(
                self.cards.get(slug, {}).items())])

        for src, file in self.page_files.items():
            source = self.sources[src]
            if source.entry is not None:
                i = self.position[source.entry.slug]
                slug = source.entry.slug
                also = self.syndicated.get(slug)
                parts = [fp(source.entry), fp(entries[i - 1] if i > 0 else None),
                         fp(entries[i + 1] if i + 1 < len(entries) else None),
                         cards_shown(slug), page_cache.fingerprint(also) if also else "[]"]
            else:
                parts = [page_cache.fingerprint(source.context),
                         page_cache.fingerprint(shown(self._head_card(source)))]
            if any(part is None for part in parts):
                continue  # something in this page's data has no stable text: always built
            file.key = page_cache.digest(site, src, source.markdown, *parts)
            if self.store.has(file.key, with_search):
                file.reuse = self.store.path(file.key)

    def _cache_root(self) -> Path:
        assert self.settings is not None
        return self.settings.cache_dir or self.settings.repo_root / ".cache" / "glimmer"

    @staticmethod
    def _search_index(config: MkDocsConfig):
        """Material's (or MkDocs') search index, whose entries stored pages must keep."""
        for plugin in config.plugins.values():
            index = getattr(plugin, "search_index", None)
            if index is not None and isinstance(getattr(index, "entries", None), list):
                enabled = getattr(plugin, "config", {}).get("enabled", True)
                # Material merges the last dirty build's index into this one: we hand it
                # the whole index ourselves, in order.
                if getattr(plugin, "search_index_prev", None) is not None:
                    plugin.search_index_prev = None
                return index if enabled else None
        return None

    def _practice_pages(self, files: Files, config: MkDocsConfig) -> list[pages.Source]:
        """On this day, the calm year, buddies and the write link, with their data files."""
        assert self.settings is not None and self.journal is not None
        entries = self.journal.entries
        thumbs = {}
        for slug, formats in self.cards.items():
            card = formats.get("square") or formats.get("og")
            if card is not None and card.preview:
                thumbs[slug] = card.preview
        otd, index = practice.on_this_day(entries, thumbs, self.settings, self.labels)
        out = [otd, *practice.year_pages(entries, self.settings, self.labels)]
        data = {"on-this-day/days.json": index}
        buddies = [Buddy(b.name, b.site, b.feed) for b in self.config.buddies]
        if buddies:
            latest = []
            if self.config.buddies_fetch:
                latest = fetch_latest(buddies, float(self.config.buddies_timeout))
                for item in latest:
                    if item.note:  # info, not a warning: `--strict` builds must not fail
                        log.info("buddy %s: their feed %s", item.buddy.name,
                                 item.note % {"code": item.code})
            out.append(practice.buddies_page(buddies, latest, self.settings, self.labels))
        newest = entries[0].date if entries else None
        data.update(practice.opml_files(buddies, self.settings, newest))
        if self.config.write_link:
            out.append(practice.write_page(self.write_link, self.labels,
                                           self.config.write_link == "unlisted"))
        for path, content in data.items():
            self._add(files, DataFile.generated(config, path, content=content))
        return out

    def _cards(self, entries: list[Entry], out_dir: Path) -> dict[str, dict[str, Card]]:
        """Cards first: entry pages need each card's size and alt text for their heads.

        The metadata is there at once; the pixels are drawn in the background while pages
        are built, and `on_post_build` waits for them."""
        assert self.settings is not None
        formats = site_formats(entries, self.settings)
        kept: dict[str, dict[str, Card]] = {}
        kept_keys: set[str] = set()
        self.card_todo, self.card_key_of = {}, {}
        if self.card_memo_root != self._cache_root():  # another journal's, or none yet
            self.card_memo = {} if self.serving else card_memo.load(self._cache_root())
            self.card_memo_root = self._cache_root()
        settings = card_memo.settings_key(self.settings)
        cached = None if self.serving else card_memo.Cached(cache_folder(self.settings))
        site = str(out_dir)
        for e in entries:
            key = card_memo.entry_key(e, formats.get(e.slug), settings)
            memo = self.card_memo.get(e.slug)
            # The preview's folder still holds the last build's cards; a build's folder
            # gets them linked from the cache, if they are still there.
            if e.digest:
                self.card_key_of[e.slug] = key
            if e.digest and memo is not None and memo[0] == key and (
                    cached is None or card_memo.publish(memo, cached, site)):
                kept[e.slug] = memo[1]
                kept_keys.update(memo[2].values())
            else:
                self.card_todo[e.slug] = (key, e)
        todo = [e for _, e in self.card_todo.values()]
        self.card_job = start_cards(todo, self.settings, out_dir, per_entry=formats)
        self.card_keys = self.card_job.keys | kept_keys
        return {**kept, **{slug: dict(fmts) for slug, fmts in self.card_job.cards.items()}}

    def _finish_cards(self) -> None:
        """Every card drawn and in the site; an unusable card stops the build."""
        job, self.card_job = self.card_job, None
        if job is None:
            return
        result = job.wait()
        errors = [p for p in result.problems if p.severity == "error"]
        if errors:
            raise PluginError("some cards could not be made:\n" + render(errors, "text"))
        for problem in result.problems:  # warnings: a stand-in card was used
            log.warning(problem.text())
        # What the next build can keep, if its entry stays as it is (not an entry with a
        # warning: that shows every build).
        assert self.settings is not None
        troubled = {p.path for p in result.problems}
        for slug, (key, entry) in self.card_todo.items():
            if rel(entry.path, self.settings.repo_root) not in troubled \
                    and slug in result.cards and slug in result.keys_by_slug:
                self.card_memo[slug] = (key, dict(result.cards[slug]),
                                        result.keys_by_slug[slug])
            else:
                self.card_memo.pop(slug, None)
        if not self.serving and (self.card_todo or set(self.card_memo) - set(self.cards)):
            shown = set(self.cards)
            card_memo.save(self._cache_root(),
                           {s: m for s, m in self.card_memo.items() if s in shown})

    def on_build_error(self, *, error: Exception) -> None:
        self.made_before = None  # what a failed build wrote is not known: look at all next time
        if self.card_job is not None:  # a failed build needs no more cards
            self.card_job.cancel()
            self.card_job = None

    def on_shutdown(self) -> None:
        """A build stopped by Ctrl-C (which MkDocs' build error event does not see) leaves no
        card still being drawn."""
        self.on_build_error(error=KeyboardInterrupt())

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
                ("otd", "on-this-day/index.md"), ("year", "year/index.md"),
                ("buddies", "buddies/index.md"), ("follow", "follow/index.md")]
        if self.config.write_link is True:
            ours.append(("write", "write/index.md"))
        nav: list = [{self.labels[key]: src} for key, src in ours if src in self.sources]
        nav += sorted(f.src_uri for f in files.documentation_pages()
                      if f.src_uri not in self.sources and not f.src_uri.startswith("glimmers/"))
        return nav

    @event_priority(50)  # before the search plugin writes its index
    def _publish_stored_pages(self, *, config: MkDocsConfig) -> None:
        """Put the stored pages in the site, and their search entries back in the index,
        each in the place a clean build gives it."""
        if self.store is None:
            return
        store = self.store
        index = self._search_index(config)
        if index is not None:
            entries = []
            for file in self.doc_files:
                if file.src_uri in self.page_entries:
                    entries += self.page_entries[file.src_uri]
                elif isinstance(file, PageFile) and file.reuse is not None:
                    entries += store.search(file.key or "")
            index.entries[:] = entries
        for file in self.page_files.values():
            if file.reuse is None:
                continue
            store.used.add(file.key)
            target = file.abs_dest_path
            if self.problems:  # the preview's panel goes on every page, stored ones too
                html = problems_panel.inject(Path(file.reuse).read_text(encoding="utf-8"),
                                             self.problems)
                write_if_changed(Path(target), html.encode("utf-8"))
            else:
                store.place(file.key, target)
        for src, key in self.built.items():
            file = self.page_files[src]
            store.used.add(key)
            if not self.problems:  # the site's copy becomes the stored one (same inode)
                store.place(key, file.abs_dest_path)
        store.save()

    def _made(self, files: Files, config: MkDocsConfig) -> set[str]:
        """Every site-relative path this build makes (but for other plugins' own files)."""
        pages = {f.src_uri for f in self.doc_files}
        made = {f.dest_uri for f in files if not f.is_documentation_page() or f.src_uri in pages}
        made.update(self._outside_files(config))
        for formats in self.cards.values():
            for card in formats.values():
                made.update(p for p in (card.path, card.preview) if p)
        return made

    @staticmethod
    def _outside_files(config: MkDocsConfig) -> list[str]:
        """What MkDocs and the search plugin write besides the files in `files`."""
        names = [str(n) for n in [*config.theme.static_templates, *config.extra_templates]]
        if "sitemap.xml" in names:
            names.append("sitemap.xml.gz")
        return [*names, "search/search_index.json"]

    def _take_search_entries(self, index, page: str) -> None:
        """The search entries added since the page before: they belong to this page."""
        fresh = index.entries[self.search_seen:]
        self.search_seen = len(index.entries)
        self.page_entries[page] = fresh
        key = self.built.get(page)
        if key is not None:
            assert self.store is not None
            self.store.set_search(key, fresh)

    @event_priority(-50)  # after every other plugin has written its files
    def _report(self, *, config: MkDocsConfig) -> None:
        """Drop cached cards this site no longer uses; say how big the site has grown.

        Only a real build prunes and measures: a preview shows drafts and half-written
        entries, and the cards the published site needs should still be there when it is
        built."""
        assert self.settings is not None
        self._finish_cards()
        tally = None if self.serving else site_size.Tally()  # only what is published
        if self.store is not None:  # built over the last build: drop what it alone had
            if self.serving and self.made_before is not None:
                in_place.remove_gone(Path(config.site_dir), self.made, self.made_before,
                                     self.started)
            else:
                self.site_folders = []
                in_place.remove_stale(Path(config.site_dir), self.made, self.started, tally,
                                      self.site_folders)
            self.made_before = self.made if self.serving else None
        if tally is None:
            return
        prune_cache(self.settings, self.card_keys, self.started)
        if self.store is not None:
            self.store.prune(self.started)
        size = tally.size() if self.store is not None else site_size.measure(
            Path(config.site_dir))
        log.info(site_size.summary(size))
        warning = site_size.warning(size, self.settings.card_formats,
                                    self.settings.card_formats_recent_days)
        if warning:
            log.warning(warning)

    # ------------------------------------------------------------ pages

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Our pages are drawn from their templates (the journal may override any).

        MkDocs reads every page before it writes any, and keeps each page's HTML until the
        build ends: unless another plugin wants to see our pages' HTML here, each is drawn
        just before it is written (`on_page_context`), so a build holds one at a time."""
        if isinstance(page.file, PageFile):
            _share_empty_anchors(page)
        if self._draw_late(config):
            return html
        return self._draw(html, page)

    def _draw_late(self, config: MkDocsConfig) -> bool:
        """Whether no other plugin (or hook) reads pages' HTML between ours and the search
        index: none on `page_content`, none before ours on `page_context`."""
        events = config.plugins.events
        return (all(getattr(m, "__self__", None) is self for m in events["page_content"])
                and getattr(next(iter(events["page_context"]), None), "__self__", None) is self)

    def _draw(self, html: str, page: Page) -> str:
        source = self.sources.get(page.file.src_uri)
        if source is None or source.template is None:
            return html
        assert self.settings is not None and self.journal is not None
        context = dict(source.context)
        if source.entry is not None:
            entries = self.journal.entries
            i = self.position[source.entry.slug]
            newer = entries[i - 1] if i > 0 else None
            older = entries[i + 1] if i + 1 < len(entries) else None
            # The body as every output shows it: rendered once with mkdocs.yml's extensions,
            # through the allow-list, its ids prefixed with the entry's own.
            body = to_html(source.entry.body or "", id_prefix(source.entry.slug))
            context = pages.entry_context(source.entry, body, page.url, self.cards,
                                          self.settings, newer, older)
            context["also_on"] = self.syndicated.get(source.entry.slug, [])
        context["site_lang"] = self.settings.language
        try:
            return self.templates.get_template(source.template).render(context)
        except jinja2.TemplateError as exc:  # most likely a journal's own override
            where = getattr(exc, "filename", None) or source.template
            line = getattr(exc, "lineno", None)
            raise PluginError(
                f"{where}{f':{line}' if line else ''}: {exc.message or exc} (while drawing "
                f"{page.file.src_uri}; a template in your custom_dir replaces ours: compare "
                "it with the one in glimmer_publish/theme/)") from exc

    @event_priority(100)  # before the search index reads the page
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        assert self.settings is not None and self.journal is not None
        if page.content is not None and self._draw_late(config):
            page.content = self._draw(page.content, page)
        source = self.sources.get(page.file.src_uri)
        card = self._head_card(source)
        if source is not None and source.entry is not None:
            meta = head.entry_meta(source.entry, self.settings, card)
        else:
            title = page.title or self.settings.site_name
            if page.is_homepage or page.url.startswith("page/"):
                title = self.settings.site_name
            description = (page.meta.get("description") or self.settings.site_description
                           or title)
            meta = head.page_meta(title, description, page.url, self.settings, card)
        if page.meta.get("robots"):  # the unlisted write page: not for search engines
            meta = [*meta, head.Meta("name", "robots", str(page.meta["robots"]))]
        context["glimmer_meta"] = meta
        return context

    on_post_build = CombinedEvent(_publish_stored_pages, _report)

    def _head_card(self, source: pages.Source | None) -> Card | None:
        """The card a page's link preview shows: the entry's own, else the newest glimmer's
        the page lists (of the tag, or of that page of the stream), else the newest of all."""
        assert self.journal is not None
        if source is not None and source.entry is not None:
            return self.cards.get(source.entry.slug, {}).get("og")
        lead = source.lead if source is not None else None
        shown = lead or next(iter(self.journal.entries), None)
        return self.cards.get(shown.slug, {}).get("og") if shown else None

    def _post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = self._name_search_dialog(output)
        if self.store is not None:
            key = getattr(page.file, "key", None)
            if key is not None:  # stored before the preview's panel goes on
                self.store.put(key, output.encode("utf-8", errors="xmlcharrefreplace"))
                self.built[page.file.src_uri] = key
            index = self._search_index(config)
            if index is not None:
                self._take_search_entries(index, page.file.src_uri)
        return problems_panel.inject(output, self.problems)

    @event_priority(-100)  # after every other plugin has seen the page
    def _let_page_go(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """MkDocs keeps every page until the build ends, each with its Markdown and HTML; a
        generated page needs neither once written (its search entries are taken), so a build
        holds one page's text at a time, not the whole journal's. Nor does it need what it
        was drawn from: its source (the listings' views, a year's days) and front matter."""
        if isinstance(page.file, PageFile):
            page.markdown = page.content = None
            page.file.make = page.file._made = None
            self.sources.pop(page.file.src_uri, None)
        return output

    on_post_page = CombinedEvent(_post_page, _let_page_go)

    def on_post_template(self, output_content: str, *, template_name: str,
                         config: MkDocsConfig) -> str:
        return problems_panel.inject(self._name_search_dialog(output_content), self.problems)

    def _name_search_dialog(self, output: str) -> str:
        """Material's search is a dialog without a name; screen readers need one (axe)."""
        label = html.escape(self.labels["search"])
        return output.replace(SEARCH_DIALOG, f'{SEARCH_DIALOG[:-1]} aria-label="{label}">', 1)

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        assert self.settings is not None
        # The pages in the order MkDocs builds them (and indexes them for search).
        self.doc_files = [f for f in files.documentation_pages(
            inclusion=InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included)]
        if self.store is not None:  # over the last build's folder: MkDocs writes in place
            self.made = self._made(files, config)
            site = Path(config.site_dir)
            written = [f.dest_uri for f in files if f.dest_uri in self.made and f.is_modified()]
            in_place.make_room(site / rel for rel in [*written, *self._outside_files(config)])
        env.bytecode_cache = compiled_templates(self._cache_root(), "theme")
        env.globals["glimmer_labels"] = self.labels
        env.globals["glimmer_feeds"] = head.feed_links(self.settings)
        return env
