"""Site-wide settings every stage shares, read from `mkdocs.yml`.

The core (loader, cards, feeds) only sees this small frozen object, so it keeps working if
the site generator is ever swapped. Reading `mkdocs.yml` needs no MkDocs; checking the
`glimmer:` options does, because they are checked by the plugin's own config classes (one set
of rules for `glimmer` and `mkdocs build`). That import happens inside `load_settings` only,
so importing this module (as every core stage does) never pulls MkDocs in.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .markup import extensions_from_yaml

CARD_FORMATS = ("og", "square", "portrait", "story")
# The posting formats are kept on the site for a year of glimmers; older ones keep the og
# card, which every page's link preview needs. Chosen so a daily journal of 10,000 glimmers
# fits GitHub Pages' 1 GB (see BENCHMARKS.md, "Site size").
RECENT_DAYS = 365


class SettingsError(ValueError):
    """A setting in mkdocs.yml is wrong; the message says which and how to fix it.

    `problems` holds one line per problem when several were found at once."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


@dataclass(frozen=True)
class Settings:
    repo_root: Path
    entries_dir: Path
    site_name: str = "Glimmers"
    site_url: str = ""
    site_description: str = ""
    site_author: str = ""
    language: str = "en"
    timezone: str = "UTC"
    card_formats: tuple[str, ...] = CARD_FORMATS
    # Glimmers older than this many days before the newest keep only the og card on the site
    # (None: every format for every glimmer); `glimmer cards` still makes any card.
    card_formats_recent_days: int | None = RECENT_DAYS
    feed_items: int = 50
    handle: str = ""
    journal_id: str = "glimmer"
    cache_dir: Path | None = None
    # mkdocs.yml's `markdown_extensions`: every entry body is rendered with these (markup.py).
    markdown_extensions: tuple[Any, ...] = ()
    markdown_configs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def absolute(self, path: str) -> str:
        """An absolute URL for a site-relative path ('' when site_url is unset)."""
        base = self.site_url or "/"
        if not base.endswith("/"):
            base += "/"
        return base + path.lstrip("/")


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even though it holds MkDocs-only tags like !!python/name or !ENV."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if suffix.startswith("tag:yaml.org,2002:python/name:") and isinstance(node, yaml.ScalarNode):
        # Markdown extension options name functions this way (e.g. Material's emoji index);
        # MkDocs imports them too, so bodies render the same from the CLI and the plugin.
        module, _, name = suffix.split(":", 2)[2].rpartition(".")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError):
            return loader.construct_scalar(node)
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("", _unknown_tag)


def read_mkdocs_yml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}" if mark else path.name
        reason = getattr(exc, "problem", None) or "it cannot be read"
        raise SettingsError(f"{where}: mkdocs.yml is not valid YAML ({reason})") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path.name}: mkdocs.yml is not UTF-8 text") from exc
    return data if isinstance(data, dict) else {}


def option_line(path: Path, keys: tuple[str, ...]) -> int | None:
    """The 1-based line in mkdocs.yml where `keys` (e.g. plugins, glimmer, feed_items) is set.

    `plugins` may be a list of names and one-key mappings or a mapping; either is followed."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    line = None
    for key in keys:
        if isinstance(node, yaml.SequenceNode):  # plugins: [- search, - glimmer: {...}]
            pairs = [(k, v) for item in node.value if isinstance(item, yaml.MappingNode)
                     for k, v in item.value]
        elif isinstance(node, yaml.MappingNode):
            pairs = list(node.value)
        else:
            return line
        found = next(((k, v) for k, v in pairs if k.value == key), None)
        if found is None:
            return line
        line = found[0].start_mark.line + 1
        node = found[1]
    return line


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The `glimmer` plugin's options from a raw mkdocs.yml mapping (list or mapping form)."""
    plugins = config.get("plugins") or []
    items = [plugins] if isinstance(plugins, dict) else plugins
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("glimmer"), dict):
            return dict(item["glimmer"])
    return {}


def settings_from_config(config: dict[str, Any], options: dict[str, Any], root: Path) -> Settings:
    """Build Settings from mkdocs.yml values and the plugin's options (both plain mappings)."""
    theme = config.get("theme") or {}
    language = theme.get("language", "en") if isinstance(theme, dict) else "en"
    timezone = str(options.get("timezone") or "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"mkdocs.yml: plugins.glimmer.timezone: unknown timezone {timezone!r} "
            "(use a name like 'Europe/Berlin' or 'UTC')"
        ) from exc
    formats = tuple(options.get("card_formats") or CARD_FORMATS)
    unknown = [f for f in formats if f not in CARD_FORMATS]
    if unknown:
        raise SettingsError(
            f"mkdocs.yml: plugins.glimmer.card_formats: unknown format {unknown[0]!r} "
            f"(choose from {', '.join(CARD_FORMATS)})"
        )
    cache = options.get("cache_dir")
    recent = options.get("card_formats_recent_days", RECENT_DAYS)
    if isinstance(recent, bool) or not isinstance(recent, int) or recent < 0:
        raise SettingsError(
            "mkdocs.yml: plugins.glimmer.card_formats_recent_days: should be a number of days "
            f"like {RECENT_DAYS}, not {recent!r}")
    extensions, markdown_configs = extensions_from_yaml(config.get("markdown_extensions"))
    return Settings(
        repo_root=root,
        entries_dir=(root / str(options.get("entries_dir") or "entries")),
        site_name=str(config.get("site_name") or "Glimmers"),
        site_url=str(config.get("site_url") or ""),
        site_description=str(config.get("site_description") or ""),
        site_author=str(config.get("site_author") or ""),
        language=str(language or "en"),
        timezone=timezone,
        card_formats=formats,
        card_formats_recent_days=recent,
        feed_items=int(options.get("feed_items") or 50),
        handle=str(options.get("handle") or ""),
        journal_id=str(options.get("journal_id") or "glimmer"),
        cache_dir=(root / str(cache)) if cache else root / ".cache" / "glimmer",
        markdown_extensions=tuple(extensions),
        markdown_configs=markdown_configs,
        extra={k: v for k, v in options.items()},
    )


def find_config(path: str | Path) -> Path:
    """The journal's mkdocs.yml, or a message saying where glimmer looked."""
    config = Path(path)
    if not config.is_file():
        raise SettingsError(f"{config}: no such file (run glimmer inside your journal, "
                            "next to mkdocs.yml, or pass --config)")
    return config.resolve()


def _options_shape(config: dict[str, Any], config_file: Path) -> list[str]:
    """`- glimmer: lots` (options that are not a mapping) is one problem, not silence."""
    plugins = config.get("plugins") or []
    items = [plugins] if isinstance(plugins, dict) else plugins
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and "glimmer" in item:
            value = item["glimmer"]
            if value is not None and not isinstance(value, dict):
                line = option_line(config_file, ("plugins", "glimmer"))
                where = f"{config_file.name}:{line}" if line else config_file.name
                return [f"{where}: plugins.glimmer: should be a group of options, one per "
                        f"line below it (like timezone: Europe/Berlin), not {value!r}"]
    return []


def load_settings(config_file: Path, *, publishing: bool = False) -> Settings:
    """Settings for the CLI: the same mkdocs.yml the plugin reads, checked by the same rules.

    Every problem is collected first and raised together in one SettingsError. `publishing`
    (validate, build) also asks for site_url, which feeds and the cards' links need."""
    from .plugin.config import check_options, site_problems  # imports MkDocs: see top

    config = read_mkdocs_yml(config_file)
    raw = plugin_options(config)
    problems = _options_shape(config, config_file) or check_options(raw, config_file)
    if publishing:
        problems += site_problems(config.get("site_url"), config_file)
    if problems:
        raise SettingsError("\n".join(problems), problems)
    config = {**config, "markdown_extensions": as_mkdocs_reads(config)}
    return settings_from_config(config, raw, config_file.parent.resolve())


MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")  # MkDocs always loads these first


def as_mkdocs_reads(config: dict[str, Any]) -> list[Any]:
    """mkdocs.yml's Markdown extensions as the site's pages get them: MkDocs' own three
    first, and footnote and anchor titles in the site's language. `glimmer validate` and
    `glimmer cards` then read excerpts exactly as the build does (the plugin passes MkDocs'
    list through the same `with_local_titles`)."""
    from .plugin.labels import with_local_titles

    names, configs = extensions_from_yaml(config.get("markdown_extensions"))
    ordered = [*MKDOCS_BUILTINS, *(n for n in names if n not in MKDOCS_BUILTINS)]
    ordered = list(dict.fromkeys(n for n in ordered if isinstance(n, str))) + \
        [n for n in names if not isinstance(n, str)]
    theme = config.get("theme") or {}
    language = str((theme.get("language") if isinstance(theme, dict) else None) or "en")
    listed = [{n: configs[n]} if isinstance(n, str) and n in configs else n for n in ordered]
    return with_local_titles(listed, language)
