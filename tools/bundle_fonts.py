"""Copy and subset the card fonts from Debian's fonts-noto-* packages into glimmer_publish/fonts.

Run once by a maintainer (`python tools/bundle_fonts.py [FONT_ROOT]`); the result is committed,
so builds never need these packages. Why subsets: the full CJK collections are 20 MB per weight
and region, while the everyday characters of each region's national standards fit in a few MB.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "glimmer_publish" / "fonts"

# (file in fonts-noto-core/extra, the script it is bundled for)
PLAIN = [
    "NotoSerifArmenian-Bold.ttf", "NotoSansArmenian-Regular.ttf",
    "NotoSerifGeorgian-Bold.ttf", "NotoSansGeorgian-Regular.ttf",
    "NotoSerifEthiopic-Bold.ttf", "NotoSansEthiopic-Regular.ttf",
    "NotoSerifBengali-Bold.ttf", "NotoSansBengali-Regular.ttf",
    "NotoSerifGujarati-Bold.ttf", "NotoSansGujarati-Regular.ttf",
    "NotoSerifGurmukhi-Bold.ttf", "NotoSansGurmukhi-Regular.ttf",
    "NotoSerifKannada-Bold.ttf", "NotoSansKannada-Regular.ttf",
    "NotoSerifMalayalam-Bold.ttf", "NotoSansMalayalam-Regular.ttf",
    "NotoSerifTamil-Bold.ttf", "NotoSansTamil-Regular.ttf",
    "NotoSerifTelugu-Bold.ttf", "NotoSansTelugu-Regular.ttf",
    "NotoSerifSinhala-Bold.ttf", "NotoSansSinhala-Regular.ttf",
    "NotoSerifThai-Bold.ttf", "NotoSansThai-Regular.ttf",
    "NotoSerifLao-Bold.ttf", "NotoSansLao-Regular.ttf",
    "NotoSerifKhmer-Bold.ttf", "NotoSansKhmer-Regular.ttf",
    "NotoSerifMyanmar-Bold.ttf", "NotoSansMyanmar-Regular.ttf",
    "NotoSerifTibetan-Bold.ttf", "NotoSerifTibetan-Regular.ttf",
    "NotoSansOriya-Bold.ttf", "NotoSansOriya-Regular.ttf",
    "NotoSansThaana-Bold.ttf", "NotoSansThaana-Regular.ttf",
    "NotoSansMongolian-Regular.ttf",
    "NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "NotoSansMath-Regular.ttf",
]

# Noto Sans CJK collections: face index per region (JP, KR, SC, TC in that order).
REGION_FACE = {"JP": 0, "KR": 1, "SC": 2, "TC": 3}
SHARED = [
    *range(0x3000, 0x3100),  # CJK symbols and punctuation, kana
    *range(0x3100, 0x3130), *range(0x31A0, 0x31C0),  # Bopomofo
    *range(0x31F0, 0x3200),  # small kana
    *range(0xFF00, 0xFFF0),  # full-width and half-width forms
    0x2025, 0x2026, 0x2014, 0x2015, 0x2018, 0x2019, 0x201C, 0x201D, 0x30FB,
]


# Extension B characters in everyday Japanese names that JIS X 0213 lacks (𠮷 of Yoshinoya).
EXTRA_JP = "\U00020BB7\U00020B9F\U00029E3D"


def _decode_all(codec: str, leads: range, trails: list[int], prefix: bytes = b"") -> set[str]:
    out: set[str] = set()
    for a in leads:
        for b in trails:
            with contextlib.suppress(UnicodeDecodeError):
                out.update(bytes([*prefix, a, b]).decode(codec))
    return out


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return (0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF)


def region_sets() -> dict[str, set[int]]:
    """Each region's characters, from the national standards Python's codecs know."""
    euc = list(range(0xA1, 0xFF))
    gb2312 = _decode_all("gb2312", range(0xA1, 0xF8), euc)
    gbk = _decode_all("gbk", range(0x81, 0xFF), [*range(0x40, 0x7F), *range(0x80, 0xFF)])
    big5 = _decode_all("big5", range(0xA1, 0xFA), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    hkscs = _decode_all("big5hkscs", range(0x87, 0xFF), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    # JIS X 0213 plane 2 uses only these rows (EUC lead byte 0xA0 + row).
    plane2 = [0xA0 + r for r in (1, 3, 4, 5, 8, 12, 13, 14, 15, *range(78, 95))]
    jis = (_decode_all("euc_jis_2004", range(0xA1, 0xFF), euc)
           | _decode_all("euc_jis_2004", plane2, euc, b"\x8f")
           | set(EXTRA_JP))
    ks = _decode_all("euc_kr", range(0xA1, 0xFF), euc)
    hangul = {chr(c) for c in [*range(0xAC00, 0xD7A4), *range(0x1100, 0x1200),
                               *range(0x3130, 0x3190), *range(0xA960, 0xA980),
                               *range(0xD7B0, 0xD800)]}
    elsewhere = big5 | jis | ks
    # GBK's other Han that no other region's standard has (simplified-only characters beyond
    # GB 2312): drawn in Simplified forms so a zh-Hans title never loses one.
    gbk_extra = {c for c in gbk - gb2312 if _is_han(c) and c not in elsewhere}
    sets = {
        "JP": jis,
        "KR": ks | hangul,
        "SC": gb2312 | gbk_extra,
        # Big5 (levels 1 and 2) and HKSCS's Han, which add the Extension B characters of
        # Cantonese writing.
        "TC": big5 | {c for c in hkscs if _is_han(c)},
    }
    return {k: {ord(c) for c in v} | set(SHARED) for k, v in sets.items()}


def subset_cjk(root: Path, weight: str, region: str, cps: set[int]) -> Path:
    src = root / "opentype" / "noto" / f"NotoSansCJK-{weight}.ttc"
    font = TTFont(src, fontNumber=REGION_FACE[region], lazy=False)
    have = set(font.getBestCmap())
    opts = subset.Options()
    opts.layout_features = ["*"]  # vertical forms, locl, kerning: keep what shaping uses
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = False  # cards are drawn at 24 px and up: hints only cost bytes
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(cps & have))
    sub.subset(font)
    out = OUT / f"NotoSansCJK{region.lower()}-{weight}-subset.otf"
    font.save(out)
    return out


def main(root: Path) -> None:
    noto = root / "truetype" / "noto"
    for name in PLAIN:
        shutil.copyfile(noto / name, OUT / name)
    for region, cps in region_sets().items():
        # One weight: four regions in two weights would be twice the size (> 50 MB).
        path = subset_cjk(root, "Bold", region, cps)
        print(f"{path.name}: {len(cps)} characters, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts"))
