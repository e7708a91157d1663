"""Site-wide settings every stage shares, read from `mkdocs.yml` without importing MkDocs.

The core (loader, cards, feeds) only sees this small frozen object, so it keeps working if
the site generator is ever swapped.
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


class SettingsError(ValueError):
    """A setting in mkdocs.yml is wrong; the message says which and how to fix it."""


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
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_TolerantLoader)
    return data if isinstance(data, dict) else {}


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The `glimmer` plugin's options from a raw mkdocs.yml mapping."""
    for item in config.get("plugins") or []:
        if isinstance(item, dict) and "glimmer" in item:
            return dict(item["glimmer"] or {})
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


def load_settings(config_file: Path) -> Settings:
    """Settings for the CLI: the same mkdocs.yml the plugin reads."""
    config = read_mkdocs_yml(config_file)
    return settings_from_config(config, plugin_options(config), config_file.parent.resolve())
