"""What a photo tells about its owner, and how to make it tell nothing but the picture.

A phone photo carries much more than pixels: where it was taken (GPS), the camera's and
lens's serial numbers, the owner's name, maker notes, XMP and IPTC blocks, comments, and a
small thumbnail that can still show the part of the picture that was cropped away. In a
public repository all of that is readable by anyone, so `glimmer validate` names it and
`glimmer photos --strip` removes it.

Stripping works on the file's container, never on its pixels: JPEG segments, PNG chunks
and WebP (RIFF) chunks are dropped byte for byte, so the picture is exactly as it was. The
colour profile is kept, and so is the orientation: a new, tiny EXIF block holding only
the Orientation tag replaces the old one, so the photo still shows upright without being
re-encoded.
"""

from __future__ import annotations

import os
import struct
import tempfile
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")  # what the loader accepts as `photo:`
ORIENTATION = 0x0112
_TURNS = {1: "upright", 2: "mirrored", 3: "turned 180°", 4: "flipped", 5: "mirrored and turned",
          6: "turned 90° clockwise", 7: "mirrored and turned", 8: "turned 90° anticlockwise"}

# EXIF tags that say who took a photo, with what, or where (TIFF/EXIF 2.32 tag numbers).
_IFD0_NAMES = {0x013B: "artist name", 0x8298: "copyright name", 0x010E: "image description",
               0x9C9B: "Windows title", 0x9C9C: "Windows comment", 0x9C9D: "Windows author",
               0x9C9E: "Windows keywords", 0x9C9F: "Windows subject",
               0xC62F: "camera serial number"}
_EXIF_NAMES = {0x927C: "maker notes", 0xA431: "camera serial number",
               0xA435: "lens serial number", 0xA430: "camera owner name",
               0x9286: "user comment", 0xA420: "unique image id"}
_GPS, _EXIF_IFD = 0x8825, 0x8769
_XMP_JPEG = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT = {b"tEXt", b"zTXt", b"iTXt"}
_OPAQUE_EXIF = ("EXIF data that cannot be read", "EXIF in a text chunk")


class PhotoFormatError(ValueError):
    """The file is not a well-formed JPEG, PNG or WebP container; nothing is changed."""


@dataclass
class Inspection:
    """What one photo carries. `found` is empty for a clean photo."""

    path: Path
    kind: str
    found: list[str] = field(default_factory=list)
    location: str | None = None  # "51.5012, -0.1246" when the GPS block has a position
    orientation: int = 1

    @property
    def has_location(self) -> bool:
        return any(f.startswith("GPS") for f in self.found)

    @property
    def may_have_location(self) -> bool:
        """Also EXIF that cannot be read here: a check that cannot tell must not wave it on."""
        return self.has_location or any(f.startswith(_OPAQUE_EXIF) for f in self.found)

    def summary(self) -> str:
        return ", ".join(self.found)


@dataclass
class Stripped:
    """The result of stripping one photo: new bytes, what was removed, what was kept."""

    inspection: Inspection
    data: bytes
    removed_bytes: int
    kept: list[str]
    changed: bool


def kind_of(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(_PNG_SIGNATURE):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return None


# ---------------------------------------------------------------- EXIF (a TIFF inside)


def _exif_findings(tiff: bytes) -> tuple[list[str], str | None, int]:
    """Identifying tags in an EXIF block, the GPS position if any, and the orientation."""
    from PIL import Image

    found: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as complaints:
            warnings.simplefilter("always")  # Pillow warns, not raises, on corrupt EXIF
            exif = Image.Exif()
            exif.load(tiff)
            ifd0 = dict(exif)
            orientation = ifd0.get(ORIENTATION, 1)
            orientation = orientation if orientation in _TURNS else 1
            gps = exif.get_ifd(_GPS) if _GPS in ifd0 else {}
            sub = exif.get_ifd(_EXIF_IFD) if _EXIF_IFD in ifd0 else {}
            thumb = exif.get_ifd(-1)  # IFD1: the embedded thumbnail
    except Exception:  # damaged EXIF: say so, it is removed all the same
        return ["EXIF data that cannot be read (it may hold anything)"], None, 1
    location = _position(gps)
    if gps and set(gps) - {0}:
        found.append(f"GPS location ({location})" if location else "GPS data")
    found += [name for tag, name in _IFD0_NAMES.items() if ifd0.get(tag) not in (None, "", b"")]
    found += [name for tag, name in _EXIF_NAMES.items() if sub.get(tag) not in (None, "", b"")]
    if thumb:
        found.append("a thumbnail (it can show the uncropped picture)")
    if complaints:
        found.append("EXIF data that cannot be read (it may hold anything)")
    return list(dict.fromkeys(found)), location, orientation


def _position(gps: dict) -> str | None:
    try:
        lat = sum(float(v) / 60**i for i, v in enumerate(gps[2]))
        lon = sum(float(v) / 60**i for i, v in enumerate(gps[4]))
    except Exception:
        return None
    lat = -lat if str(gps.get(1, "N")).upper().startswith("S") else lat
    lon = -lon if str(gps.get(3, "E")).upper().startswith("W") else lon
    return f"{lat:.4f}, {lon:.4f}"


def orientation_exif(orientation: int) -> bytes:
    """A minimal big-endian TIFF block holding only the Orientation tag."""
    return (b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1)
            + struct.pack(">HHIHH", ORIENTATION, 3, 1, orientation, 0) + b"\x00\x00\x00\x00")


def _add_exif(inspection: Inspection, tiff: bytes) -> None:
    found, location, orientation = _exif_findings(tiff)
    inspection.found += [f for f in found if f not in inspection.found]
    inspection.location = inspection.location or location
    inspection.orientation = orientation if orientation != 1 else inspection.orientation


# ---------------------------------------------------------------- JPEG


def _jpeg_segments(data: bytes):
    """(marker, start, end) of every segment and scan, then ('end', eoi_end, len(data)).

    Entropy-coded data never holds a bare 0xFF followed by anything but 0x00 or a restart
    marker, so the first other marker after a scan is the next segment (or EOI).
    """
    if not data.startswith(b"\xff\xd8"):
        raise PhotoFormatError("not a JPEG file")
    pos = 2
    yield 0xD8, 0, 2
    while True:
        while pos < len(data) and data[pos] == 0xFF and pos + 1 < len(data) \
                and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise PhotoFormatError("the JPEG is damaged or cut short")
        marker = data[pos + 1]
        if marker == 0xD9:
            yield 0xD9, pos, pos + 2
            yield -1, pos + 2, len(data)
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            yield marker, pos, pos + 2
            pos += 2
            continue
        if pos + 4 > len(data):
            raise PhotoFormatError("the JPEG is cut short")
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise PhotoFormatError("the JPEG has a damaged segment")
        if marker != 0xDA:
            yield marker, pos, end
            pos = end
            continue
        scan = end
        while True:
            nxt = data.find(b"\xff", scan)
            if nxt < 0 or nxt + 1 >= len(data):
                raise PhotoFormatError("the JPEG is cut short (no end marker)")
            following = data[nxt + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                scan = nxt + (1 if following == 0xFF else 2)
                continue
            break
        yield 0xDA, pos, nxt
        pos = nxt


def _jpeg(data: bytes, inspection: Inspection) -> tuple[bytes, list[str]]:
    """Inspect a JPEG and return its stripped bytes and what was kept."""
    out: list[bytes] = []
    kept: list[str] = []
    exif_at: int | None = None
    for marker, start, end in _jpeg_segments(data):
        segment = data[start:end]
        body = segment[4:]
        if marker == -1:
            if segment.strip(b"\x00"):
                inspection.found.append("data after the end of the picture (a second image "
                                        "or a phone's extra data)")
            continue
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            _add_exif(inspection, body[6:])
            exif_at = exif_at if exif_at is not None else len(out)
            continue
        if marker == 0xE1 and body.startswith(_XMP_JPEG):
            _xmp(inspection, body)
            continue
        if marker == 0xED:
            _note(inspection, "IPTC data")
            continue
        if marker == 0xFE:
            _note(inspection, "a comment")
            continue
        if marker == 0xE0 and body.startswith(b"JFIF\x00") and len(body) >= 14:
            if body[12] or body[13]:  # a JFIF thumbnail: keep the header, drop the picture
                _note(inspection, "a thumbnail (it can show the uncropped picture)")
                header = body[:12] + b"\x00\x00"
                segment = segment[:2] + struct.pack(">H", len(header) + 2) + header
            out.append(segment)
            continue
        if marker == 0xE0 and body.startswith(b"JFXX\x00"):
            _note(inspection, "a thumbnail (it can show the uncropped picture)")
            continue
        if marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"):
            if "colour profile" not in kept:
                kept.append("colour profile")
            out.append(segment)
            continue
        if 0xE1 <= marker <= 0xEF and marker != 0xEE:  # APP1-APP15 but Adobe's APP14
            if marker == 0xE2 and body.startswith(b"MPF\x00"):
                _note(inspection, "a multi-picture index (a second image)")
            else:
                _note(inspection, f"camera or editor data (APP{marker - 0xE0})")
            continue
        out.append(segment)
    if inspection.orientation != 1:
        tiff = orientation_exif(inspection.orientation)
        app1 = b"\xff\xe1" + struct.pack(">H", len(tiff) + 8) + b"Exif\x00\x00" + tiff
        out.insert(exif_at if exif_at is not None else 1, app1)
        kept.append(f"orientation ({_TURNS[inspection.orientation]})")
    return b"".join(out), kept


def _xmp(inspection: Inspection, packet: bytes) -> None:
    _note(inspection, "XMP data")
    if b"Iptc4xmp" in packet or b"photoshop:City" in packet:
        _note(inspection, "IPTC fields (in the XMP)")
    if b"exif:GPSLatitude" in packet or b"GPSLatitude" in packet:
        _note(inspection, "GPS location (in the XMP)")


def _note(inspection: Inspection, what: str) -> None:
    if what not in inspection.found:
        inspection.found.append(what)


# ---------------------------------------------------------------- PNG


def _png_chunks(data: bytes):
    if not data.startswith(_PNG_SIGNATURE):
        raise PhotoFormatError("not a PNG file")
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise PhotoFormatError("the PNG is cut short")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise PhotoFormatError("the PNG has a damaged chunk")
        yield ctype, data[pos + 8:pos + 8 + length], data[pos:end]
        pos = end
        if ctype == b"IEND":
            if data[pos:].strip(b"\x00"):
                yield b"", data[pos:], data[pos:]
            return
    raise PhotoFormatError("the PNG has no end chunk")


def _png_chunk(ctype: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + ctype + payload
            + struct.pack(">I", zlib.crc32(ctype + payload) & 0xFFFFFFFF))


def _png(data: bytes, inspection: Inspection) -> tuple[bytes, list[str]]:
    out: list[bytes] = [_PNG_SIGNATURE]
    kept: list[str] = []
    exif_at: int | None = None
    for ctype, payload, raw in _png_chunks(data):
        if ctype == b"":
            _note(inspection, "data after the end of the picture")
            continue
        if ctype == b"eXIf":
            _add_exif(inspection, payload)
            exif_at = exif_at if exif_at is not None else len(out)
            continue
        if ctype in _PNG_TEXT:
            keyword = payload.split(b"\x00", 1)[0].decode("latin-1", "replace")
            lowered = keyword.lower()
            if lowered == "xml:com.adobe.xmp":
                _xmp(inspection, payload)
            elif lowered.startswith("raw profile type") and ("iptc" in lowered
                                                            or "8bim" in lowered):
                _note(inspection, "IPTC data")
            elif lowered.startswith("raw profile type") and ("exif" in lowered
                                                            or "app1" in lowered):
                _note(inspection, "EXIF in a text chunk (it may hold a GPS location)")
            else:
                _note(inspection, f"a text field '{keyword[:40]}'")
            continue
        if ctype == b"iCCP" and "colour profile" not in kept:
            kept.append("colour profile")
        out.append(raw)
    if inspection.orientation != 1:
        out.insert(exif_at if exif_at is not None else 2,
                   _png_chunk(b"eXIf", orientation_exif(inspection.orientation)))
        kept.append(f"orientation ({_TURNS[inspection.orientation]})")
    return b"".join(out), kept


# ---------------------------------------------------------------- WebP (RIFF)


def _webp(data: bytes, inspection: Inspection) -> tuple[bytes, list[str]]:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise PhotoFormatError("not a WebP file")
    size = struct.unpack("<I", data[4:8])[0]
    end_of_riff = min(len(data), 8 + size)
    chunks: list[tuple[bytes, bytes]] = []
    pos = 12
    while pos + 8 <= end_of_riff:
        ctype, length = struct.unpack("<4sI", data[pos:pos + 8])
        end = pos + 8 + length + (length & 1)
        if pos + 8 + length > end_of_riff:
            raise PhotoFormatError("the WebP has a damaged chunk")
        chunks.append((ctype, data[pos + 8:pos + 8 + length]))
        pos = end
    if data[end_of_riff:].strip(b"\x00"):
        _note(inspection, "data after the end of the picture")
    kept: list[str] = []
    out: list[tuple[bytes, bytes]] = []
    exif_at: int | None = None
    for ctype, payload in chunks:
        if ctype == b"EXIF":
            _add_exif(inspection, payload)
            exif_at = exif_at if exif_at is not None else len(out)
            continue
        if ctype == b"XMP ":
            _xmp(inspection, payload)
            continue
        if ctype == b"ICCP":
            kept.append("colour profile")
        out.append((ctype, payload))
    if inspection.orientation != 1:
        out.insert(exif_at if exif_at is not None else len(out),
                   (b"EXIF", orientation_exif(inspection.orientation)))
        kept.append(f"orientation ({_TURNS[inspection.orientation]})")
    has_exif = any(c == b"EXIF" for c, _ in out)
    body = b""
    for ctype, payload in out:
        if ctype == b"VP8X" and len(payload) >= 1:  # flags: EXIF 0x08, XMP 0x04
            flags = (payload[0] & ~0x0C) | (0x08 if has_exif else 0)
            payload = bytes([flags]) + payload[1:]
        body += struct.pack("<4sI", ctype, len(payload)) + payload + b"\x00" * (len(payload) & 1)
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body, kept


# ---------------------------------------------------------------- the public API

_HANDLERS = {"JPEG": _jpeg, "PNG": _png, "WebP": _webp}


def examine(path: Path) -> Stripped:
    """Read a photo once: what it carries and what it would be without it."""
    data = path.read_bytes()
    kind = kind_of(data[:16])
    if kind is None:
        raise PhotoFormatError("not a JPEG, PNG or WebP picture")
    inspection = Inspection(path, kind)
    clean, kept = _HANDLERS[kind](data, inspection)
    place = f"({inspection.location})"
    inspection.found.sort(key=lambda f: (place not in f, not f.startswith("GPS")))  # place first
    return Stripped(inspection, clean, len(data) - len(clean), kept, clean != data)


def inspect(path: Path) -> Inspection:
    return examine(path).inspection


def strip(path: Path, *, dry_run: bool = False) -> Stripped:
    """Remove identifying metadata in place; the file is replaced whole or not at all."""
    result = examine(path)
    if result.changed and not dry_run:
        write_atomically(path.resolve(), result.data)  # a symlink keeps pointing at the photo
    return result


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the file, then rename over it: a crash never leaves half a photo."""
    mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def photo_files(paths: Iterable[Path]) -> list[Path]:
    """Photos among the given files, and every photo below the given folders."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found += [Path(dirpath) / n for n in sorted(filenames)
                          if n.lower().endswith(PHOTO_SUFFIXES) and not n.startswith(".")]
        elif p.suffix.lower() in PHOTO_SUFFIXES:
            found.append(p)
    return list(dict.fromkeys(found))
