"""Synthetic but realistic glimmer journals for the benchmark.

Seeded, so two runs (ours and the reference's, or two machines) see the same entries: mixed
lengths, tags, places, a few photos (real JPEGs with EXIF), emoji, Arabic and Japanese titles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

PALETTES = ("dawn", "meadow", "tide", "blossom", "dusk", "night", "ember", "moss")
TAGS = (
    "light", "morning", "evening", "home", "kindness", "birds", "rain", "food", "tea",
    "friends", "family", "music", "garden", "walk", "city", "sea", "snow", "sun", "scent",
    "animals", "cat", "dog", "travel", "work", "rest", "books", "laughter", "quiet", "sky",
    "trees", "autumn", "spring", "summer", "winter", "colour", "warmth", "kids", "neighbours",
)
NOTICED = (
    "Sunlight on the kettle", "A blackbird before the alarm", "Warm bread from the corner shop",
    "Rain on the skylight", "The cat found the one patch of sun", "A stranger held the door",
    "My friend said my name like she meant it", "Fresh sheets on a Sunday",
    "Frost on every blade of grass", "Soup for two", "A leaf landed on my sleeve",
    "The bus driver waved", "Steam from the first coffee", "Bare feet on cool tiles",
    "The smell of cut grass", "A child laughing two gardens away", "Geese heading south",
    "The library was warm and quiet", "A song I had forgotten", "Clean windows after rain",
    "Moonlight on the kitchen floor", "A letter in real handwriting", "Oranges in a blue bowl",
    "The neighbour's wind chimes", "A dog who wanted to say hello", "The first snowdrop",
)
ARABIC = ("ياسمين في المساء", "ضوء الصباح على النافذة", "شاي مع جدتي", "مطر خفيف على السطح",
          "ابتسامة من جارتي")
JAPANESE = ("朝の光が障子を通して", "雨上がりの匂い", "駅で聞いた鳥の声", "祖母の味噌汁",
            "夕焼けの川べり")
EMOJI = ("🌞", "🐦", "🍞", "☕", "🌧️", "🐈", "🌸", "🍂", "❄️", "🎶", "💛", "🌙")
PLACES = ("Kitchen window", "Bus stop on Elm Road", "The allotment", "Kyoto guesthouse",
          "Grandmother's flat", "Harbour wall", "Night shift, ward 4", "The back step")
FELT = ("A slow breath in", "Shoulders dropped", "Warm in the chest", "A small smile",
        "Soft around the eyes", "Feet on the ground")
SENTENCES = (
    "I stopped for a moment and just let it be there.",
    "Nobody else seemed to notice, which made it feel like a small secret.",
    "It lasted maybe ten seconds and then the day went on.",
    "My breathing slowed without my asking it to.",
    "I wrote it down before the feeling faded.",
    "The light moved slowly across the wall while the kettle ticked.",
    "Someone laughed in the next room and the whole house felt lighter.",
    "It reminded me of summers at my grandmother's, years ago.",
    "I had been tense all morning and this loosened something.",
    "The air smelled of rain and warm stone.",
    "For once I did not reach for my phone.",
    "It was such a small thing, and it was enough.",
    "We both stood there smiling at nothing in particular.",
    "The sound carried across the street, clear and unhurried.",
    "A bit of *kindness* from someone who owed me nothing.",
    "I noticed it, named it, and now I am sharing it.",
)


@dataclass(frozen=True)
class Generated:
    path: Path
    slug: str
    title: str
    date: datetime
    tags: tuple[str, ...]
    body: str
    photo: Path | None


def _title(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(ARABIC)
    if roll < 0.12:
        return rng.choice(JAPANESE)
    title = rng.choice(NOTICED)
    if roll < 0.30:
        title = f"{title} {rng.choice(EMOJI)}"
    return title


def _body(rng: random.Random) -> str:
    """Mostly a few sentences, sometimes a single line, now and then several paragraphs."""
    kind = rng.random()
    count = 1 if kind < 0.2 else rng.randint(2, 4) if kind < 0.85 else rng.randint(6, 14)
    sentences = [rng.choice(SENTENCES) for _ in range(count)]
    if rng.random() < 0.15:
        sentences.append(rng.choice(EMOJI))
    paragraphs, step = [], 3
    for i in range(0, len(sentences), step):
        paragraphs.append(" ".join(sentences[i:i + step]))
    return "\n\n".join(paragraphs)


PHOTO_SIZE = (1600, 1200)  # what run.py's journals have; a phone's is 4032x3024


def make_photo(path: Path, rng: random.Random, when: datetime,
               size: tuple[int, int] = PHOTO_SIZE) -> None:
    """A JPEG with EXIF (camera, time, orientation), like a phone photo (a smaller one by
    default: see PHOTO_SIZE)."""
    w, h = size
    top = tuple(rng.randint(90, 230) for _ in range(3))
    bottom = tuple(rng.randint(20, 140) for _ in range(3))
    img = Image.linear_gradient("L").resize((w, h))
    img = Image.merge("RGB", [
        img.point(lambda v, a=a, b=b: a + (b - a) * v // 255) for a, b in zip(top, bottom,
                                                                               strict=True)
    ])
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        x, y = rng.randint(0, w), rng.randint(0, h)
        r = rng.randint(30, 220) * w // 1600
        colour = tuple(rng.randint(60, 255) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    exif = Image.Exif()
    exif[0x010F] = "Glimmerphone"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0112] = 1  # Orientation
    exif[0x0132] = when.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=85, exif=exif)


def entry_text(title: str, when: datetime, has_time: bool, tags: tuple[str, ...], body: str,
               extra: dict[str, str]) -> str:
    stamp = when.strftime("%Y-%m-%d %H:%M" if has_time else "%Y-%m-%d")
    lines = ["---", f"title: {_quote(title)}", f"date: {stamp}"]
    if tags:
        lines.append(f"tags: [{', '.join(tags)}]")
    for key, value in extra.items():
        lines.append(f"{key}: {value}")
    lines += ["---", body, ""]
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(entries_dir: Path, n: int, seed: int = 2026, photo_every: int = 40,
             newest: datetime = datetime(2026, 11, 28, 8, 0),
             photo_size: tuple[int, int] = PHOTO_SIZE) -> list[Generated]:
    """Write `n` entries (one a day, going back from `newest`) and return what was written."""
    rng = random.Random(seed)
    made = []
    for i in range(n):
        when = newest - timedelta(days=i, minutes=rng.randint(0, 600))
        has_time = rng.random() < 0.5
        title = _title(rng)
        slug = f"{when:%Y-%m-%d}-glimmer-{i:05d}"
        folder = entries_dir / f"{when:%Y}"
        tags = tuple(sorted(set(rng.sample(TAGS, rng.choice((0, 1, 2, 2, 3, 3, 4, 5))))))
        body = _body(rng)
        extra: dict[str, str] = {}
        if rng.random() < 0.4:
            extra["where"] = _quote(rng.choice(PLACES))
        if rng.random() < 0.25:
            extra["felt"] = _quote(rng.choice(FELT))
        if rng.random() < 0.2:
            extra["card"] = "{palette: " + rng.choice(PALETTES) + "}"
        photo = None
        if photo_every and i % photo_every == photo_every // 2:
            photo = folder / f"{slug}.jpg"
            make_photo(photo, rng, when, photo_size)
            extra["photo"] = photo.name
            extra["photo_alt"] = _quote("Soft shapes of colour in evening light")
        path = folder / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_text(title, when, has_time, tags, body, extra), encoding="utf-8")
        made.append(Generated(path, slug, title, when, tags, body, photo))
    return made


def edit(path: Path, round_: int, marker: str = "---\n") -> None:
    """A real edit of one entry's opening words (so its card changes too), new every round.

    The sentence goes right after the first line that starts with `marker` past the front
    matter: the closing `---` for our entries, the `# ` title line for a blog post.
    """
    text = path.read_text(encoding="utf-8")
    start = text.index("---\n", 4) + 4
    at = text.index(marker, start - 4) if marker != "---\n" else start - 4
    at = text.index("\n", at) + 1
    path.write_text(f"{text[:at]}Edited, round {round_}: it stayed with me all day. {text[at:]}",
                    encoding="utf-8")


def add(entries_dir: Path, round_: int, newest: datetime = datetime(2026, 11, 29, 7, 30)) -> Path:
    """A new entry, newer than all others (so it lands on the home page and in the feeds)."""
    when = newest + timedelta(hours=round_)
    path = entries_dir / f"{when:%Y}" / f"{when:%Y-%m-%d}-added-{round_:03d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(entry_text(f"Added glimmer {round_} 🌱", when, True, ("light", "morning"),
                               "The first light reached the table. I let my tea go cold.", {}),
                    encoding="utf-8")
    return path
