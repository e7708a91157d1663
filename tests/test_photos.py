"""Photos lose their location before they are committed.

Every format the loader accepts (JPEG, PNG, WebP) is made the way a phone makes it — GPS,
serial numbers, owner, maker notes, XMP, IPTC, an embedded thumbnail — then reported by
`glimmer validate` on the entry's `photo:` line and stripped by `glimmer photos --strip`:
the metadata is gone, the decoded pixels are identical (nothing is re-encoded), the photo
still turns upright and keeps its colour profile.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from photo_fixtures import MAKERS, OWNER, SECRET_PLACE, SERIAL, picture
from PIL import Image, ImageOps

from glimmer_publish import photos
from glimmer_publish.cli import main

FORMATS = sorted(MAKERS)
IDENTIFYING = [SECRET_PLACE.encode(), OWNER.encode(), SERIAL.encode(), b"QZMAKERNOTE",
               b"QzCamera"]


def decoded(path: Path) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(path) as im:
        im.load()
        return im.mode, im.size, im.tobytes()


def upright(path: Path) -> Image.Image:
    with Image.open(path) as im:
        return ImageOps.exif_transpose(im).convert("RGB")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_phone_photo_is_reported_with_everything_it_carries(tmp_path, fmt):
    path = MAKERS[fmt](tmp_path / f"phone.{fmt}")
    found = photos.inspect(path).found
    assert found[0] == "GPS location (51.5035, -0.1275)"
    text = "; ".join(found)
    for what in ("XMP", "IPTC", "thumbnail", "camera serial number", "lens serial number",
                 "camera owner name", "maker notes", "artist name"):
        assert what in text, (what, found)


@pytest.mark.parametrize("fmt", FORMATS)
def test_stripping_removes_it_all_and_keeps_pixels_orientation_and_colour(tmp_path, fmt):
    path = MAKERS[fmt](tmp_path / f"phone.{fmt}")
    before_pixels, before_upright = decoded(path), upright(path)
    with Image.open(path) as im:
        icc = im.info["icc_profile"]
    assert all(marker in path.read_bytes() for marker in IDENTIFYING)

    result = photos.strip(path)

    data = path.read_bytes()
    assert result.changed and result.removed_bytes > 0
    assert [m for m in IDENTIFYING if m in data] == []
    assert photos.inspect(path).found == []
    assert decoded(path) == before_pixels  # not re-encoded: the very same pixels
    with Image.open(path) as im:
        assert im.getexif().get(0x0112) == 6  # orientation kept as a tag
        assert im.info["icc_profile"] == icc
        assert list(im.getexif()) == [0x0112]  # and nothing else of the EXIF block
    after_upright = upright(path)
    assert after_upright.size == (64, 96) == before_upright.size
    assert after_upright.tobytes() == before_upright.tobytes()
    assert after_upright.getpixel((60, 48))[0] > 200  # the red top band now on the right
    assert result.kept == ["colour profile", "orientation (turned 90° clockwise)"]
    assert not photos.strip(path).changed  # a second run finds nothing


def test_jpeg_scan_data_is_byte_for_byte_the_same(tmp_path):
    path = MAKERS["jpg"](tmp_path / "phone.jpg")
    scan = path.read_bytes()[path.read_bytes().rindex(b"\xff\xda"):]  # the thumbnail has one too
    photos.strip(path)
    assert path.read_bytes().endswith(scan)


def test_a_jpeg_without_orientation_gets_no_exif_at_all(tmp_path):
    path = MAKERS["jpg"](tmp_path / "flat.jpg", orientation=1)
    photos.strip(path)
    assert b"Exif" not in path.read_bytes()
    with Image.open(path) as im:
        assert dict(im.getexif()) == {}


def test_trailing_data_after_a_jpeg_is_a_second_image_and_is_removed(tmp_path):
    path = tmp_path / "mpf.jpg"
    buf = io.BytesIO()
    picture().save(buf, "JPEG")
    second = io.BytesIO()
    picture((32, 32)).save(second, "JPEG", comment=SECRET_PLACE.encode())
    path.write_bytes(buf.getvalue() + second.getvalue())
    assert "data after the end of the picture" in photos.inspect(path).summary()
    photos.strip(path)
    assert path.read_bytes() == buf.getvalue()


def test_dry_run_and_broken_photos_change_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = MAKERS["png"](tmp_path / "a.png")
    broken = tmp_path / "b.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe1\x00\x40Exif" + b"\x00" * 8)  # cut short
    before = {p: p.read_bytes() for p in (good, broken)}
    assert main(["photos", "--strip", "--dry-run", "a.png", "b.jpg"]) == 1
    out, err = capsys.readouterr()
    assert "a.png: would remove GPS location (51.5035, -0.1275)" in out
    assert "b.jpg: cannot be read (the JPEG" in err and "left unchanged" in err
    assert "nothing was changed (dry run)" in err
    assert {p: p.read_bytes() for p in before} == before


def test_a_write_is_atomic_and_keeps_the_file_mode(tmp_path, monkeypatch):
    path = MAKERS["webp"](tmp_path / "phone.webp")
    os.chmod(path, 0o640)
    original = path.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(photos.os, "fsync", full_disk)
    with pytest.raises(OSError):
        photos.strip(path)
    assert path.read_bytes() == original and sorted(tmp_path.iterdir()) == [path]
    monkeypatch.undo()
    photos.strip(path)
    assert os.stat(path).st_mode & 0o777 == 0o640


def test_validate_warns_on_the_photo_line_and_the_strip_command_fixes_it(journal, capsys,
                                                                          monkeypatch):
    for fmt in FORMATS:
        MAKERS[fmt](journal.entries_dir / f"shot.{fmt}")
        day = f"2026-03-1{FORMATS.index(fmt)}"
        journal.entry(f"{day}-{fmt}.md", date=day, tags="[light]", photo=f"shot.{fmt}",
                      photo_alt="A blue wall")
    (journal.entries_dir / "2026").mkdir()
    MAKERS["jpg"](journal.entries_dir / "2026" / "loose.jpg")  # in the repo, used by no entry
    (journal.root / "mkdocs.yml").write_text("site_name: T\nsite_url: https://ana.github.io/t/\n"
                                                 "plugins:\n  - glimmer:\n"
                                             "      journal_id: \"1234\"\n", encoding="utf-8")
    monkeypatch.chdir(journal.root)
    assert main(["validate"]) == 0  # warnings never block a commit
    out, err = capsys.readouterr()
    for i, fmt in enumerate(FORMATS):
        assert (f"entries/2026-03-1{i}-{fmt}.md:5:1: warning: photo: 'entries/shot.{fmt}' "
                "carries GPS location (51.5035, -0.1275);") in out
    assert "entries/2026/loose.jpg:1:1: warning: photo:" in out
    assert "glimmer photos --strip entries/shot.png" in out
    assert "4 warnings worth a look" in err

    assert main(["photos", "--strip"]) == 0
    out, _ = capsys.readouterr()
    assert out.count("removed GPS location") == 4
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert "warning" not in out and "all good" in err and "warnings" not in err


def test_pre_commit_fixer_hook_strips_staged_photos(tmp_path):
    """The manifest's `glimmer-strip-photos` hook, run by pre-commit, cleans a staged photo."""
    import yaml

    repo_dir = Path(__file__).resolve().parent.parent
    hooks = yaml.safe_load((repo_dir / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "glimmer-strip-photos")
    repo = tmp_path / "journal"
    (repo / "entries").mkdir(parents=True)
    photo = MAKERS["jpg"](repo / "entries" / "Kettle.JPG")
    other = repo / "notes.txt"
    other.write_text("not a photo\n", encoding="utf-8")
    config = {"repos": [{"repo": "local", "hooks": [{
        **{k: hook[k] for k in ("id", "name", "files")},
        "entry": str(Path(sys.executable).with_name("glimmer")) + hook["entry"][len("glimmer"):],
        "language": "system"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"),
           "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True,
                              timeout=120)

    run("git", "init", "-q")
    run("git", "add", "-A")
    digest = hashlib.sha256(other.read_bytes()).hexdigest()
    first = run(sys.executable, "-m", "pre_commit", "run")
    assert first.returncode == 1 and "files were modified by this hook" in first.stdout, \
        first.stdout + first.stderr
    assert SECRET_PLACE.encode() not in photo.read_bytes()
    assert hashlib.sha256(other.read_bytes()).hexdigest() == digest
    run("git", "add", "-A")
    second = run(sys.executable, "-m", "pre_commit", "run")
    assert second.returncode == 0, second.stdout + second.stderr


def test_a_jfif_thumbnail_is_dropped_and_the_jfif_header_kept(tmp_path):
    buf = io.BytesIO()
    picture().save(buf, "JPEG")
    data = buf.getvalue()
    assert data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\x00"
    length = int.from_bytes(data[4:6], "big")
    thumb = bytes([200, 10, 10] * 4)  # a 2×2 thumbnail, uncompressed RGB
    app0 = data[6:6 + 12] + b"\x02\x02" + thumb
    path = tmp_path / "jfif.jpg"
    path.write_bytes(data[:2] + b"\xff\xe0" + (len(app0) + 2).to_bytes(2, "big") + app0
                     + data[4 + length:])
    assert "a thumbnail (it can show the uncropped picture)" in photos.inspect(path).found
    before = decoded(path)
    photos.strip(path)
    assert path.read_bytes() == data  # exactly Pillow's original: header kept, thumbnail gone
    assert decoded(path) == before


def test_a_linked_photo_is_stripped_where_it_lives_and_the_link_stays(tmp_path):
    real = MAKERS["jpg"](tmp_path / "real.jpg")
    link = tmp_path / "link.jpg"
    link.symlink_to(real.name)
    photos.strip(link)
    assert link.is_symlink() and SECRET_PLACE.encode() not in real.read_bytes()
