"""The bundled demo posts (``samples.json``), loaded and checked.

Each entry looks like::

    {"key": "s01", "author": {"name": "...", "handle": "@..."}, "text": "...",
     "image": "cityhall" | null, "alt": "..." | null, "source": "demo",
     "expect": "shown" | "ignored"}

``expect`` says whether the demo wall should show the post; the ``ignored`` ones
carry no wall hashtag (or only a particle-glued one) and exist to show that they
stay off the wall.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .images import image_names

__all__ = ["EXPECT_VALUES", "DemoSample", "load_samples", "parse_samples"]

EXPECT_VALUES = ("shown", "ignored")

_PACKAGE = __name__.rpartition(".")[0]
_FIELDS = frozenset({"key", "author", "text", "image", "alt", "source", "expect"})
_AUTHOR_FIELDS = frozenset({"name", "handle"})


@dataclass(frozen=True, slots=True)
class DemoSample:
    """One sample post of the demo wall."""

    key: str
    author_name: str
    author_handle: str | None
    text: str
    image: str | None
    alt: str | None
    expect: str  # "shown" | "ignored"


def _nonempty_str(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _parse_one(index: int, entry: object, images: frozenset[str]) -> DemoSample:
    if not isinstance(entry, dict):
        raise ValueError(f"demo sample #{index}: expected an object, got {type(entry).__name__}")
    key = entry.get("key")
    if not _nonempty_str(key):
        raise ValueError(f"demo sample #{index}: 'key' must be a non-empty string")
    assert isinstance(key, str)

    def bad(problem: str) -> ValueError:
        return ValueError(f"demo sample {key!r}: {problem}")

    unknown = set(entry) - _FIELDS
    if unknown:
        raise bad(f"unknown field(s) {sorted(unknown)}")
    missing = _FIELDS - set(entry)
    if missing:
        raise bad(f"missing field(s) {sorted(missing)}")

    author = entry["author"]
    if not isinstance(author, dict):
        raise bad("'author' must be an object with 'name' and 'handle'")
    if set(author) - _AUTHOR_FIELDS:
        raise bad(f"unknown author field(s) {sorted(set(author) - _AUTHOR_FIELDS)}")
    name = author.get("name")
    if not _nonempty_str(name):
        raise bad("'author.name' must be a non-empty string")
    handle = author.get("handle")
    if handle is not None and not (
        isinstance(handle, str) and handle.startswith("@") and len(handle) > 1
    ):
        raise bad("'author.handle' must be null or a string starting with '@'")

    text = entry["text"]
    if not _nonempty_str(text):
        raise bad("'text' must be a non-empty string")

    image, alt = entry["image"], entry["alt"]
    if image is None:
        if alt is not None:
            raise bad("'alt' must be null when there is no image")
    else:
        if not isinstance(image, str) or image not in images:
            raise bad(f"'image' must be null or one of {sorted(images)}, got {image!r}")
        if not _nonempty_str(alt):
            raise bad("'alt' must be a non-empty string when there is an image")

    if entry["source"] != "demo":
        raise bad(f"'source' must be 'demo', got {entry['source']!r}")
    expect = entry["expect"]
    if expect not in EXPECT_VALUES:
        raise bad(f"'expect' must be one of {list(EXPECT_VALUES)}, got {expect!r}")

    return DemoSample(
        key=key,
        author_name=str(name).strip(),
        author_handle=handle,
        text=str(text),
        image=image,
        alt=alt,
        expect=str(expect),
    )


def parse_samples(data: object) -> tuple[DemoSample, ...]:
    """Validate already-decoded JSON; raise ``ValueError`` naming the bad sample."""
    if not isinstance(data, list):
        raise ValueError("demo samples: expected a JSON array of sample objects")
    images = frozenset(image_names())
    samples: list[DemoSample] = []
    seen: set[str] = set()
    for index, entry in enumerate(data):
        sample = _parse_one(index, entry, images)
        if sample.key in seen:
            raise ValueError(f"demo sample {sample.key!r}: duplicate key")
        seen.add(sample.key)
        samples.append(sample)
    return tuple(samples)


@cache
def load_samples() -> tuple[DemoSample, ...]:
    """The bundled samples, in playback order."""
    raw = resources.files(_PACKAGE).joinpath("samples.json").read_text(encoding="utf-8")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"demo samples: samples.json is not valid JSON: {exc}") from exc
    return parse_samples(data)
