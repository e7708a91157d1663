"""MkDocs event hooks: read the journal, make cards, pages and feeds, and fill `<head>`.

Everything real happens in the core (entries, cards, feeds) and in `pages`/`head`; this
module only moves data between MkDocs and those functions.
"""

from __future__ import annotations

import html
import logging
import time
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .. import site_size
from .. import write_link as writing
from ..buddies import Buddy, fetch_latest
from ..cards import Card
from ..cards.render import CardJob, prune_cache, site_formats, start_cards
from ..cards.shaping import shaping_problem
from ..entries import Entry, Journal, load_journal
from ..feeds import build_feeds
from ..markup import id_prefix, to_html
from ..problems import render
from ..settings import Settings, SettingsError, settings_from_config
from ..syndicate.links import posts_by_slug
from . import head, pages, practice, problems_panel
from .config import GlimmerConfig, check_options, site_problems
from .labels import labels_for, with_local_titles
from .theme import page_templates, search_path

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
        self.started = 0.0
        self.card_keys: set[str] = set()
        self.card_job: CardJob | None = None  # cards still being drawn
        self.problems: list = []  # while serving: what the preview shows at the top of pages
        self.templates = page_templates([], "en")
        self.write_link: writing.WriteLink | None = None
        self.syndicated: dict[str, list[tuple[str, str]]] = {}  # slug -> [(network, post URL)]
        self.config_problems: list[str] = []

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
        journal = load_journal(self.settings, include_drafts=self.serving,
                               drafts_folder=self.serving)
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
        cache = self.settings.cache_dir or self.settings.repo_root / ".cache" / "glimmer"
        self.syndicated = posts_by_slug(cache)

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
            pages.random_page(entries, self.settings, self.labels),
            pages.follow_page(self.settings, list(pages.tag_counts(entries)), self.labels),
        ]
        sources += self._practice_pages(files, config)
        self.sources = {s.src_uri: s for s in sources}
        for source in sources:
            self._add(files, File.generated(config, source.src_uri, content=source.markdown))
        shown = {e.slug for e in entries}
        for src, markdown in problems_panel.broken_pages(self.problems, shown).items():
            self._add(files, File.generated(config, src, content=markdown))
        published = [e for e in entries if not e.draft]  # feeds are never a preview
        og = {slug: fmts["og"] for slug, fmts in self.cards.items() if "og" in fmts}
        for path, data in build_feeds(published, self.settings, cards=og).items():
            self._add(files, File.generated(config, path, content=data))
        if config.nav is None:
            config.nav = self._nav(files)
            # Entry pages are meant to live outside the menu: don't list them as "omitted".
            config.validation.nav.omitted_files = logging.DEBUG
        return files

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
            self._add(files, File.generated(config, path, content=content))
        return out

    def _cards(self, entries: list[Entry], out_dir: Path) -> dict[str, dict[str, Card]]:
        """Cards first: entry pages need each card's size and alt text for their heads.

        The metadata is there at once; the pixels are drawn in the background while pages
        are built, and `on_post_build` waits for them."""
        assert self.settings is not None
        self.card_job = start_cards(entries, self.settings, out_dir,
                                    per_entry=site_formats(entries, self.settings))
        self.card_keys = self.card_job.keys
        return {slug: dict(fmts) for slug, fmts in self.card_job.cards.items()}

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

    def on_build_error(self, *, error: Exception) -> None:
        if self.card_job is not None:  # a failed build needs no more cards
            self.card_job.cancel()
            self.card_job = None

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

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Drop cached cards this site no longer uses; say how big the site has grown.

        Only a real build prunes and measures: a preview shows drafts and half-written
        entries, and the cards the published site needs should still be there when it is
        built."""
        assert self.settings is not None
        self._finish_cards()
        if self.serving:  # the size only matters for what is published
            return
        prune_cache(self.settings, self.card_keys, self.started)
        size = site_size.measure(Path(config.site_dir))
        log.info(site_size.summary(size))
        warning = site_size.warning(size, self.settings.card_formats,
                                    self.settings.card_formats_recent_days)
        if warning:
            log.warning(warning)

    # ------------------------------------------------------------ pages

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Our pages are drawn from their templates (the journal may override any)."""
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
        if page.meta.get("robots"):  # the unlisted write page: not for search engines
            meta = [*meta, head.Meta("name", "robots", str(page.meta["robots"]))]
        context["glimmer_meta"] = meta
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return problems_panel.inject(self._name_search_dialog(output), self.problems)

    def on_post_template(self, output_content: str, *, template_name: str,
                         config: MkDocsConfig) -> str:
        return problems_panel.inject(self._name_search_dialog(output_content), self.problems)

    def _name_search_dialog(self, output: str) -> str:
        """Material's search is a dialog without a name; screen readers need one (axe)."""
        label = html.escape(self.labels["search"])
        return output.replace(SEARCH_DIALOG, f'{SEARCH_DIALOG[:-1]} aria-label="{label}">', 1)

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        assert self.settings is not None
        env.globals["glimmer_labels"] = self.labels
        env.globals["glimmer_feeds"] = head.feed_links(self.settings)
        return env
