"""Photos like a phone makes them: GPS, serial numbers, owner, XMP, IPTC and a thumbnail.

Pillow writes the pixels; the metadata is put in at the byte level (a hand-made EXIF/TIFF
block with an IFD1 thumbnail, APP1 XMP and APP13 IPTC segments in JPEG, iTXt/zTXt/eXIf
chunks in PNG, EXIF and XMP chunks in WebP), because that is where real cameras put it.
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from PIL import Image, PngImagePlugin

SECRET_PLACE = "Qzsecretville"  # a marker no picture or renderer would ever produce
OWNER = "Qzowner Person"
SERIAL = "QZ-SERIAL-4242"
LAT, LON = (51, 30, 12.5), (0, 7, 39.0)  # 51.5035 N, 0.1275 W


def _ifd(entries: list[tuple[int, int, int, bytes]], start: int) -> tuple[bytes, bytes]:
    """One IFD at `start` (without its next-IFD pointer) and the data it points to."""
    data_start = start + 2 + 12 * len(entries) + 4
    head, extra = struct.pack(">H", len(entries)), b""
    for tag, typ, count, payload in sorted(entries):
        if len(payload) <= 4:
            head += struct.pack(">HHI", tag, typ, count) + payload.ljust(4, b"\x00")
        else:
            head += struct.pack(">HHII", tag, typ, count, data_start + len(extra))
            extra += payload + b"\x00" * (len(payload) & 1)
    return head, extra


def _ascii(tag: int, text: str) -> tuple[int, int, int, bytes]:
    raw = text.encode() + b"\x00"
    return (tag, 2, len(raw), raw)


def _rationals(tag: int, values) -> tuple[int, int, int, bytes]:
    raw = b"".join(struct.pack(">II", round(v * 100), 100) for v in values)
    return (tag, 5, len(values), raw)


def _long(tag: int, value: int) -> tuple[int, int, int, bytes]:
    return (tag, 4, 1, struct.pack(">I", value))


def exif_tiff(orientation: int = 6, thumbnail: bytes | None = None) -> bytes:
    """A big-endian EXIF block: IFD0 (orientation, artist), Exif IFD (serial numbers, owner,
    maker notes), GPS IFD (a position) and IFD1 holding a JPEG thumbnail."""
    thumbnail = thumbnail if thumbnail is not None else _jpeg_bytes((160, 120), (10, 90, 200))
    gps = [(0, 1, 4, b"\x02\x03\x00\x00"), _ascii(1, "N"), _rationals(2, LAT), _ascii(3, "W"),
           _rationals(4, LON)]
    sub = [_ascii(0xA431, SERIAL), _ascii(0xA435, SERIAL + "-LENS"), _ascii(0xA430, OWNER),
           (0x927C, 7, 24, b"QZMAKERNOTE-" + b"x" * 12)]

    def layout(offsets: dict[str, int]) -> tuple[bytes, dict[str, int]]:
        ifd0 = [(0x0112, 3, 1, struct.pack(">H", orientation)), _ascii(0x013B, OWNER),
                _ascii(0x010F, "QzCamera"), _long(0x8769, offsets.get("sub", 0)),
                _long(0x8825, offsets.get("gps", 0))]
        ifd1 = [_long(0x0201, offsets.get("thumb", 0)), _long(0x0202, len(thumbnail)),
                (0x0103, 3, 1, struct.pack(">H", 6))]
        out, pos, found = b"MM\x00\x2a\x00\x00\x00\x08", 8, {}
        blocks = (("ifd0", ifd0), ("sub", sub), ("gps", gps), ("ifd1", ifd1))
        for i, (name, entries) in enumerate(blocks):
            found[name] = pos
            head, extra = _ifd(entries, pos)
            following = pos + len(head) + 4 + len(extra)
            next_ifd = offsets.get("ifd1", 0) if name == "ifd0" else 0
            out += head + struct.pack(">I", next_ifd) + extra
            pos = following
            assert i < 4
        found["thumb"] = pos
        return out + thumbnail, found

    _, offsets = layout({})
    tiff, check = layout(offsets)
    assert check == offsets
    return tiff


XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
       b'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
       b'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'photoshop:City="' + SECRET_PLACE.encode() + b'" exif:GPSLatitude="51,30.2N" '
       b'Iptc4xmpCore:Location="' + SECRET_PLACE.encode() + b'"/></rdf:RDF></x:xmpmeta>'
       b'<?xpacket end="w"?>')


def iptc_block() -> bytes:
    """A Photoshop image resource (8BIM 0x0404) holding IPTC records: city and by-line."""
    records = b""
    for number, text in ((90, SECRET_PLACE), (80, OWNER)):
        raw = text.encode()
        records += b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(raw)) + raw
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(records))
    return b"Photoshop 3.0\x00" + resource + records + b"\x00" * (len(records) & 1)


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def _jpeg_bytes(size, colour) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def picture(size=(96, 64)) -> Image.Image:
    """A picture whose orientation shows: a red band at the top, blue below."""
    img = Image.new("RGB", size, (30, 60, 200))
    img.paste((220, 40, 40), (0, 0, size[0], size[1] // 4))
    return img


def phone_jpeg(path: Path, orientation: int = 6) -> Path:
    """A JPEG with an ICC profile from Pillow, then EXIF, XMP, IPTC and a comment inserted."""
    buf = io.BytesIO()
    picture().save(buf, "JPEG", quality=90, icc_profile=_srgb())
    data = buf.getvalue()
    extra = (_segment(0xE1, b"Exif\x00\x00" + exif_tiff(orientation))
             + _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP)
             + _segment(0xED, iptc_block())
             + _segment(0xFE, f"Taken by {OWNER}".encode()))
    path.write_bytes(data[:2] + extra + data[2:])
    return path


def phone_png(path: Path, orientation: int = 6) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    hexed = iptc_block().hex()
    info.add_text("Raw profile type iptc", f"\niptc\n{len(iptc_block())}\n{hexed}\n", zip=True)
    info.add_text("Author", OWNER)
    picture().save(path, "PNG", pnginfo=info, exif=b"Exif\x00\x00" + exif_tiff(orientation),
                   icc_profile=_srgb())
    return path


def phone_webp(path: Path, orientation: int = 6) -> Path:
    picture().save(path, "WEBP", lossless=True, exif=b"Exif\x00\x00" + exif_tiff(orientation),
                   xmp=XMP, icc_profile=_srgb())
    return path


MAKERS = {"jpg": phone_jpeg, "png": phone_png, "webp": phone_webp}


def _srgb() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
