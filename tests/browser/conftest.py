"""Real-browser fixtures: one Chromium and one built sample site per session; fresh contexts
per test, so no test sees another's storage, permissions or stubs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import CHROMIUM, CHROMIUM_ARGS, SIZES, Site, Tab, copy_project, serve_site, watch
from playwright.sync_api import Browser, Playwright, sync_playwright

from glimmer_publish.entries import Entry, load_journal
from glimmer_publish.settings import load_settings

TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def card_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One card cache for the whole run: xdist workers' temp folders share a parent."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    cache = base / "browser-card-cache"
    cache.mkdir(exist_ok=True)
    return cache


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, card_cache: Path) -> Iterator[Site]:
    """The sample journal, built once per session with real MkDocs and served locally."""
    root = tmp_path_factory.mktemp("sample")
    yield from serve_site(copy_project(root / "project"), root / "site", card_cache)


# ------------------------------------------------------------------ the browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One Chromium per session. Missing Chromium fails: tests/run.sh installs it."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run tests/run.sh, which installs it"
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[Callable[..., Tab]]:
    """Make a fresh context and page per call: `open_tab(site, "phone", color_scheme="dark")`."""
    contexts = []

    def make(site: Site, size: str = "desktop", **options) -> Tab:
        context = browser.new_context(**SIZES[size], **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = Tab(page=context.new_page(), site=site)
        watch(tab)
        return tab

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def published(site: Site) -> list[Entry]:
    """The sample journal's published entries, newest first, read by the one loader."""
    return load_journal(load_settings(site.project / "mkdocs.yml")).entries


@pytest.fixture(scope="session")
def entry(published: list[Entry]) -> Entry:
    """The entry with the most to say: a tag, a where, and the longest body."""
    return max((e for e in published if e.tags), key=lambda e: len(e.body_text))
