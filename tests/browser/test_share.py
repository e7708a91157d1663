"""The share panel on an entry page: two taps from a phone, download + copy elsewhere.

Hooks are documented at the top of theme/assets/glimmer.js.
"""

from __future__ import annotations

import os

import pytest
from harness import Site, Tab

from glimmer_publish.entries import Entry

CLIPBOARD = ["clipboard-read", "clipboard-write"]

# A phone's Web Share API, recording what the page hands it. `files_ok` decides what
# navigator.canShare({files}) answers, as real browsers differ there.
SHARE_STUB = """
(filesOk) => {
  window.__shared = [];
  const canShare = (data) => !!data && (!data.files || filesOk);
  const share = async (data) => {
    if (!canShare(data)) throw new TypeError("cannot share that");
    const files = await Promise.all((data.files || []).map(async (f) => ({
      name: f.name, type: f.type, size: f.size,
      head: Array.from(new Uint8Array(await f.slice(0, 8).arrayBuffer())),
    })));
    window.__shared.push({title: data.title, text: data.text, url: data.url, files});
  };
  Object.defineProperty(Navigator.prototype, "canShare", {value: canShare, configurable: true});
  Object.defineProperty(Navigator.prototype, "share", {value: share, configurable: true});
}
"""
JPEG_SIGNATURE = [255, 216, 255]


def open_entry(open_tab, site: Site, entry: Entry, size: str, files_ok: bool | None = None,
               **options) -> Tab:
    tab = open_tab(site, size, permissions=CLIPBOARD, **options)
    if files_ok is not None:
        tab.page.context.add_init_script(f"({SHARE_STUB})({str(files_ok).lower()})")
    tab.goto(entry.url)
    return tab


def caption_of(tab: Tab) -> str:
    return tab.page.locator("#share-caption").input_value()


def wait_for_status(tab: Tab, which: str) -> None:
    """Wait until the panel's status line says its `data-<which>` message."""
    tab.page.wait_for_function(
        "(w) => { const s = document.querySelector('.share-status');"
        " return s.textContent === s.dataset[w]; }", arg=which)


def clipboard(tab: Tab) -> str:
    return tab.page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_copy_puts_the_caption_on_the_clipboard(open_tab, site: Site, entry: Entry, size: str):
    tab = open_entry(open_tab, site, entry, size)
    caption = caption_of(tab)
    assert entry.title in caption
    assert site.url + entry.url in caption
    assert all(f"#{tag}" in caption for tag in entry.tags)
    tab.page.locator(".share-copy").click()
    wait_for_status(tab, "copied")
    assert clipboard(tab) == caption
    assert not tab.problems(), "\n".join(tab.problems())


@pytest.mark.parametrize("card", ["square", "story"])
def test_share_button_hands_the_chosen_card_to_the_phone(open_tab, site: Site, entry: Entry,
                                                         card: str):
    tab = open_entry(open_tab, site, entry, "phone", files_ok=True)
    downloads = []
    tab.page.on("download", lambda d: downloads.append(d))
    tab.page.locator(f"input[name='share-format'][value='{card}']").check()
    tab.page.wait_for_load_state("networkidle")  # the card is fetched ahead of the tap
    tab.page.locator(".share-native").tap()
    tab.page.wait_for_function("window.__shared.length > 0")
    [shared] = tab.page.evaluate("window.__shared")
    assert shared["text"] == caption_of(tab)
    assert shared["title"] == entry.title
    [file] = shared["files"]
    on_disk = site.root / "cards" / entry.slug / f"{card}.jpg"
    assert file["type"] == "image/jpeg" and file["head"][:3] == JPEG_SIGNATURE
    assert file["size"] == on_disk.stat().st_size
    assert card in file["name"] and file["name"].endswith(".jpg")
    assert downloads == []
    assert not tab.problems(), "\n".join(tab.problems())


@pytest.mark.parametrize(("size", "files_ok"), [("desktop", None), ("phone", False)],
                         ids=["no-web-share", "web-share-without-files"])
def test_share_button_falls_back_to_download_and_copy(open_tab, site: Site, entry: Entry,
                                                      size: str, files_ok: bool | None):
    tab = open_entry(open_tab, site, entry, size, files_ok=files_ok)
    share = tab.page.locator(".share-native")
    card = share.get_attribute("data-format")
    link = tab.page.locator(f"a.share-download[data-format='{card}']")
    with tab.page.expect_download() as download:
        share.click()
    assert download.value.suggested_filename == link.get_attribute("download")
    saved = download.value.path()
    assert saved.read_bytes() == (site.root / "cards" / entry.slug / f"{card}.jpg").read_bytes()
    wait_for_status(tab, "fallback")
    assert clipboard(tab) == caption_of(tab)
    if files_ok is not None:
        assert tab.page.evaluate("window.__shared") == []
    assert not tab.problems(), "\n".join(tab.problems())


def tab_to(tab: Tab, selector: str, limit: int = 300) -> list[str]:
    """Press Tab until `selector` has focus; return what was focused on the way."""
    seen = []
    for _ in range(limit):
        tab.page.keyboard.press("Tab")
        if tab.page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return seen
        seen.append(tab.page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    raise AssertionError(f"Tab never reached {selector}; it went through:\n" + "\n".join(seen))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_share_controls_work_from_the_keyboard(open_tab, site: Site, entry: Entry, size: str):
    tab = open_entry(open_tab, site, entry, size)
    page = tab.page
    tab_to(tab, "input[name='share-format']")
    page.keyboard.press("ArrowRight")  # radio group: arrows pick the next card
    chosen = page.evaluate("document.activeElement.value")
    assert page.locator(".share-native").get_attribute("data-format") == chosen

    tab_to(tab, ".share-native")
    with page.expect_download() as download:
        page.keyboard.press("Space")
    assert chosen in download.value.suggested_filename

    page.evaluate("navigator.clipboard.writeText('')")
    tab_to(tab, ".share-copy")
    page.keyboard.press("Enter")
    wait_for_status(tab, "copied")
    assert clipboard(tab) == caption_of(tab)
    assert not tab.problems(), "\n".join(tab.problems())


def test_on_a_phone_the_share_button_shows_with_the_cards_without_scrolling_past_them(
        open_tab, site: Site, entry: Entry):
    tab = open_entry(open_tab, site, entry, "phone")
    page = tab.page
    page.locator("#share-title").evaluate("(h) => h.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(100)
    height = page.viewport_size["height"]
    share = page.locator(".share-native").bounding_box()
    first = page.locator(".share-cards img").first.bounding_box()
    assert first["y"] >= 0 and first["y"] + first["height"] <= height
    assert share["y"] >= 0 and share["y"] + share["height"] <= height, (share, height)
    if os.environ.get("GLIMMER_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["GLIMMER_SCREENSHOTS"], "share-phone.png"))
    assert not tab.problems(), "\n".join(tab.problems())


def test_opening_the_share_sheet_also_copies_the_caption(open_tab, site: Site, entry: Entry):
    """Some apps drop the shared text: the caption is on the clipboard, ready to paste."""
    tab = open_entry(open_tab, site, entry, "phone", files_ok=True)
    tab.page.evaluate("navigator.clipboard.writeText('')")
    tab.page.wait_for_load_state("networkidle")
    tab.page.locator(".share-native").tap()
    tab.page.wait_for_function("window.__shared.length > 0")
    assert clipboard(tab) == caption_of(tab)
    wait_for_status(tab, "sharing")
    assert not tab.problems(), "\n".join(tab.problems())


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_card_labels_line_up(open_tab, site: Site, entry: Entry, size: str):
    tab = open_entry(open_tab, site, entry, size)
    rows: list[tuple[float, float, list[float]]] = []  # cards side by side on the screen
    for card in tab.page.locator(".share-cards > li").all():
        box = card.bounding_box()
        label = card.locator(".share-pick").bounding_box()["y"]
        row = next((r for r in rows if box["y"] < r[1] and box["y"] + box["height"] > r[0]),
                   None)
        if row is None:
            rows.append((box["y"], box["y"] + box["height"], [label]))
        else:
            row[2].append(label)
    if os.environ.get("GLIMMER_SCREENSHOTS"):
        tab.page.locator("#share").screenshot(
            path=os.path.join(os.environ["GLIMMER_SCREENSHOTS"], f"share-cards-{size}.png"))
    assert rows and max(len(r[2]) for r in rows) > 1
    for _, _, labels in rows:
        assert max(labels) - min(labels) <= 1, rows
    assert not tab.problems(), "\n".join(tab.problems())
