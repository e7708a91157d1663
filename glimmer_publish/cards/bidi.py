"""The Unicode Bidirectional Algorithm (UAX #9), computed by FriBiDi.

FriBiDi is the library raqm already uses to shape every run, and Pillow cannot shape
right-to-left text without it, so the levels that order a line's runs here are exactly the
ones raqm applies inside each run. python-bidi (the Rust unicode-bidi crate) only returns
reordered strings, not levels, and the ICU wheels we could use do not expose ubidi.

Levels are resolved once per paragraph (rules P2-I2); rules L1-L2 then run per line, after
line breaking, as UAX #9 requires.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

# Paragraph directions and flags from fribidi-bidi-types.h / fribidi-flags.h.
PAR_LTR, PAR_RTL, PAR_ON = 0x110, 0x111, 0x40
PAR_WLTR, PAR_WRTL = 0x20, 0x21  # first strong character, else this direction
# A strong letter is TYPE_LTR (L); with the right-to-left bit it is R or AL (which adds 0x2).
TYPE_LTR, TYPE_RTL = 0x110, 0x111
_NO_FLAGS = 0  # no mirroring, no NSM reordering, no removal: only the order of characters


class BidiUnavailable(RuntimeError):
    """FriBiDi is missing: right-to-left text cannot be laid out or shaped."""


def _candidates() -> list[str]:
    found = ctypes.util.find_library("fribidi")
    names = [found] if found else []
    if sys.platform == "win32":
        names += ["fribidi-0.dll", "fribidi.dll", "libfribidi-0.dll"]
    elif sys.platform == "darwin":
        names += ["libfribidi.0.dylib", "/opt/homebrew/lib/libfribidi.0.dylib",
                  "/usr/local/lib/libfribidi.0.dylib"]
    else:
        names += ["libfribidi.so.0", "libfribidi.so"]
    return names


@cache
def _lib() -> ctypes.CDLL:
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        u32p, i8p = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_int8)
        lib.fribidi_get_bidi_types.argtypes = [u32p, ctypes.c_int, u32p]
        lib.fribidi_get_bidi_types.restype = None
        lib.fribidi_get_bracket_types.argtypes = [u32p, ctypes.c_int, u32p, u32p]
        lib.fribidi_get_bracket_types.restype = None
        lib.fribidi_get_par_embedding_levels_ex.argtypes = [u32p, u32p, ctypes.c_int, u32p, i8p]
        lib.fribidi_get_par_embedding_levels_ex.restype = ctypes.c_int8
        lib.fribidi_reorder_line.argtypes = [
            ctypes.c_uint32, u32p, ctypes.c_int, ctypes.c_int, ctypes.c_uint32, i8p,
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)]
        lib.fribidi_reorder_line.restype = ctypes.c_int8
        return lib
    raise BidiUnavailable("FriBiDi (libfribidi) is not installed")


def available() -> bool:
    try:
        _lib()
    except BidiUnavailable:
        return False
    return True


def bidi_types(text: str) -> tuple[int, ...]:
    n = len(text)
    chars = (ctypes.c_uint32 * n)(*map(ord, text))
    types = (ctypes.c_uint32 * n)()
    _lib().fribidi_get_bidi_types(chars, n, types)
    return tuple(types)


def paragraph_levels(text: str, direction: int = PAR_ON) -> tuple[tuple[int, ...], bool]:
    """Each character's embedding level, and whether the paragraph is right-to-left.

    With PAR_ON the paragraph takes the direction of its first strong character (P2-P3).
    """
    n = len(text)
    if n == 0:
        return (), direction == PAR_RTL
    lib = _lib()
    chars = (ctypes.c_uint32 * n)(*map(ord, text))
    types = (ctypes.c_uint32 * n)()
    brackets = (ctypes.c_uint32 * n)()
    levels = (ctypes.c_int8 * n)()
    base = ctypes.c_uint32(direction)
    lib.fribidi_get_bidi_types(chars, n, types)
    lib.fribidi_get_bracket_types(chars, n, types, brackets)
    if lib.fribidi_get_par_embedding_levels_ex(types, brackets, n, ctypes.byref(base),
                                               levels) == 0:
        raise BidiUnavailable("FriBiDi could not resolve the embedding levels")
    return tuple(levels), bool(base.value & 1)


def reorder_line(types: list[int], levels: list[int], rtl: bool) -> tuple[list[int], list[int]]:
    """Rules L1-L2 for one line: its final levels, and its logical indices in visual order."""
    n = len(types)
    if n == 0:
        return [], []
    ctypes_types = (ctypes.c_uint32 * n)(*types)
    ctypes_levels = (ctypes.c_int8 * n)(*levels)
    order = (ctypes.c_int * n)(*range(n))
    _lib().fribidi_reorder_line(_NO_FLAGS, ctypes_types, n, 0, PAR_RTL if rtl else PAR_LTR,
                                ctypes_levels, None, order)
    return list(ctypes_levels), list(order)


def version() -> str:
    """FriBiDi's own version line, e.g. '(GNU FriBidi) 1.0.8'."""
    info = ctypes.c_char_p.in_dll(_lib(), "fribidi_version_info").value or b""
    return info.decode("utf-8", "replace").splitlines()[0] if info else "unknown"
