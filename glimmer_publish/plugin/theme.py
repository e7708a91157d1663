"""Where the package's theme lives and how it joins Material's template search path.

The journal's `custom_dir` comes first, then this package's theme, then Material: a journal
replaces any of our templates, styles or scripts by a file of the same name in its
`custom_dir`, the way Material's own templates are overridden.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import sysconfig
from collections.abc import Sequence
from pathlib import Path

import jinja2

from ..files import write_if_changed
from ..installed import digest, installed_digest
from .labels import translations

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"


def search_path(dirs: Sequence[str], custom_dir: str | None) -> list[str]:
    """MkDocs' theme dirs with ours right behind the journal's `custom_dir` (once)."""
    ours = str(THEME_DIR)
    rest = [d for d in dirs if Path(d).resolve() != THEME_DIR]
    at = 0
    if custom_dir:
        custom = Path(custom_dir).resolve()
        at = next((i + 1 for i, d in enumerate(rest) if Path(d).resolve() == custom), 0)
    return [*rest[:at], ours, *rest[at:]]


_COMPILED: dict[str, jinja2.BytecodeCache] = {}


def compiled_templates(cache: Path, kind: str) -> jinja2.BytecodeCache:
    """Templates compiled once and kept (in this process and in the cache folder): Material's
    are many and large, and compiling them was a third of a preview rebuild. Jinja keys each
    by the template's name and source, so an edited template is compiled again; `kind`
    keeps apart environments whose options differ (ours and the theme's)."""
    key = f"{cache}\0{kind}"
    if key not in _COMPILED:
        folder = cache / "templates" / kind
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _COMPILED[key] = jinja2.FileSystemBytecodeCache(str(folder))
        except OSError:  # a read-only cache folder: compile in memory, once per process
            _COMPILED[key] = _MemoryBytecodeCache()
    return _COMPILED[key]


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def keep_compiled(config) -> None:
    """Give every Jinja environment the theme makes (MkDocs and its plugins ask for several)
    the compiled-template cache of the journal's cache folder, and the theme's file list
    kept between builds."""
    plugin = config.plugins.get("glimmer")
    chosen = getattr(getattr(plugin, "config", None), "cache_dir", None)
    root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    cache = root / chosen if chosen else root / ".cache" / "glimmer"
    make = config.theme.get_env
    dirs = tuple(config.theme.dirs)
    static = tuple(sorted(config.theme.static_templates or ()))  # a set: any order

    def get_env():
        env = make()
        env.bytecode_cache = compiled_templates(cache, "theme")
        env.list_templates = lambda *args, **kwargs: _listed(env, dirs, args, kwargs,
                                                              cache, static)
        return env

    config.theme.get_env = get_env


_LISTED: dict[tuple, list[str]] = {}
_KEPT: dict[str, list[str]] = {}
# MkDocs lists the theme's static files through this filter; it reads only the theme's
# `static_templates` besides the names, so its answers can be kept with those as the key.
MKDOCS_FILTER = "Files.add_files_from_theme.<locals>.filter"


def _listed(env: jinja2.Environment, dirs: tuple[str, ...], args, kwargs,
            cache: Path | None = None, static: tuple[str, ...] = ()) -> list[str]:
    """The theme's file list, walked once while its folders stay as they are.

    MkDocs lists every file of the theme on each build (Material has some 14,000, its
    icons) and matches each against a dozen patterns; a preview rebuilds after each save.
    Folders outside the installed packages (the journal's custom_dir, ours when installed
    from a checkout) are looked at again each time; the installed ones change only with
    an install, which `installed_digest` sees. MkDocs' own filtered list is kept in the
    cache folder too, so a build in a new process need not walk and match again."""
    installed = (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])
    signature = []
    for folder in dirs:
        if not folder.startswith(installed):
            for path in sorted(Path(folder).rglob("*")):
                stat = path.stat()
                signature.append((str(path), stat.st_mtime_ns, stat.st_size))
    key = (dirs, tuple(signature))
    extensions, keep = [*args, None, None][:2]
    extensions, keep = kwargs.get("extensions", extensions), kwargs.get("filter_func", keep)
    stored = None
    if keep is not None and extensions is None and cache is not None \
            and getattr(keep, "__qualname__", "") == MKDOCS_FILTER:
        # marshal: the code's bytes and constants (its repr holds a memory address)
        stored = digest(key, installed_digest(), marshal.dumps(keep.__code__), static)
        if stored in _KEPT:
            return list(_KEPT[stored])
        kept = _read_kept(cache, stored)
        if kept is not None:
            _KEPT[stored] = kept
            return list(kept)
    if key not in _LISTED:
        _LISTED[key] = env.loader.list_templates() if env.loader else []
    names = _LISTED[key]
    if extensions is not None:
        return [n for n in names if "." in n and n.rsplit(".", 1)[1] in extensions]
    if keep is None:
        return list(names)
    kept = [n for n in names if keep(n)]
    if stored is not None and cache is not None:
        _KEPT[stored] = kept
        with contextlib.suppress(OSError):  # read-only cache: walked again next time
            write_if_changed(cache / "theme-files.json",
                             json.dumps({"key": stored, "files": kept}).encode("utf-8"))
    return list(kept)


def _read_kept(cache: Path, key: str) -> list[str] | None:
    try:
        data = json.loads((cache / "theme-files.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) and data.get("key") == key else None
    if isinstance(files, list) and all(isinstance(f, str) for f in files):
        return files
    return None


def page_templates(dirs: Sequence[str], language: str) -> jinja2.Environment:
    """The Jinja environment our page templates are drawn with: the same search path as
    the theme (so `custom_dir` overrides them), escaping on, words from the gettext catalog
    of the site's language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(dirs)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env
