"""The text-shaping libraries cards depend on: are they there, and which versions drew a card.

Pillow lays out Arabic joining, Indic conjuncts and right-to-left lines only through raqm,
which loads FriBiDi from the system at run time. Without it text silently stays unshaped, so
every command that draws checks first and stops with one line saying how to install it.
"""

from __future__ import annotations

from PIL import features

LIBRARIES = ("raqm", "fribidi", "harfbuzz", "freetype2")

INSTALL_HINT = (
    "cards need the FriBiDi library to lay out text; install it with "
    "`sudo apt install libfribidi0` (Debian, Ubuntu), `sudo dnf install fribidi` (Fedora) "
    "or `brew install fribidi` (macOS); on Windows Pillow loads but does not ship it: put "
    "fribidi.dll (or libfribidi-0.dll, e.g. from MSYS2's mingw-w64-ucrt-x86_64-fribidi) in "
    "the folder of python.exe"
)


def shaping_problem() -> str | None:
    """None when raqm can shape text here, else the one-line install hint."""
    from . import bidi  # the embedding levels come from FriBiDi too, loaded by ctypes

    if features.check("raqm") and features.check("fribidi") and bidi.available():
        return None
    return INSTALL_HINT


def shaping_versions() -> dict[str, str | None]:
    """The versions that shape text (part of every card's cache key: another FriBiDi or
    HarfBuzz may draw other pixels, and a shared cache must never serve those)."""
    return {name: features.version(name) for name in LIBRARIES}
