"""Hashtag extraction, normalised keys and wall matching.

Implements the rules in docs/hashtags.md: ``extract_hashtags`` applies the extraction rule to the
NFC form of a text, ``tag_key`` computes ``NFKC(casefold(remove_default_ignorables(NFKC(body))))``
and ``match_tags`` compares post tags with wall tags on those keys, optionally allowing a Korean
particle glued to the end of a wall tag.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import regex

__all__ = [
    "PARTICLES",
    "TagMatch",
    "extract_hashtags",
    "match_tags",
    "remove_default_ignorables",
    "tag_key",
]

PARTICLES: tuple[str, ...] = (
    "에서",
    "에",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "와",
    "과",
    "도",
    "의",
    "로",
    "으로",
    "에게",
    "랑",
    "이랑",
    "까지",
    "부터",
    "만",
)

_HASH_SIGNS = ("#", "\uff03")
_TRAILING = "\u00b7\u30fb\u200c\u200d"

# The body is matched greedily with nothing after it, so the engine never backtracks into a
# shorter body; trimming and the "followed by" check are done afterwards on the real text.
_TAG_RE = regex.compile(
    r"(?<![\p{L}\p{M}\p{Nd}_&/])[#\uff03](?![\ufe0f\u20e3])"
    r"([\p{L}\p{M}\p{Nd}_\u00b7\u30fb\u200c\u200d]+)"
)
_DI_RE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")
_LETTER_OR_MARK_RE = regex.compile(r"(?!\p{Default_Ignorable_Code_Point})[\p{L}\p{M}]")


def remove_default_ignorables(text: str) -> str:
    """Return ``text`` without its Default_Ignorable_Code_Point characters."""
    # No default-ignorable code point is ASCII (the first one is U+00AD).
    if text.isascii():
        return text
    stripped: str = _DI_RE.sub("", text)
    return stripped


def tag_key(tag: str) -> str:
    """Return the normalised key of ``tag`` (with or without its leading ``#``/``＃``)."""
    if tag[:1] in _HASH_SIGNS:
        tag = tag[1:]
    if tag.isascii():
        # Fast path, same result: NFKC and default-ignorable removal leave ASCII untouched.
        key = tag.lower()
    else:
        folded = remove_default_ignorables(unicodedata.normalize("NFKC", tag)).casefold()
        key = unicodedata.normalize("NFKC", folded)
    # A key may not start with '#': otherwise feeding a key back in would strip it as the sign.
    return key.lstrip("#")


def extract_hashtags(text: str) -> list[str]:
    """Return the hashtags in ``text`` (NFC spelling, without the sign), first spelling per key."""
    if "#" not in text and "\uff03" not in text:
        return []
    text = unicodedata.normalize("NFC", text)
    found: list[str] = []
    seen: set[str] = set()
    for match in _TAG_RE.finditer(text):
        body = match.group(1).rstrip(_TRAILING)
        end = match.start(1) + len(body)
        follow = text[end : end + 3]
        if follow[:1] in _HASH_SIGNS or follow == "://":
            continue
        if not _LETTER_OR_MARK_RE.search(body):
            continue
        key = tag_key(body)
        if key and key not in seen:
            seen.add(key)
            found.append(body)
    return found


@dataclass(frozen=True, slots=True)
class TagMatch:
    """Outcome of matching a post's tags against a wall's tags."""

    matched: tuple[str, ...]
    exact: bool

    @property
    def matches(self) -> bool:
        return bool(self.matched)

    @property
    def via_particle_only(self) -> bool:
        """True when only particle matches occurred: such a post goes to moderation."""
        return bool(self.matched) and not self.exact


def _keys(tags: Iterable[str], what: str) -> list[str]:
    # A bare str is an Iterable[str] too; iterating it per character would silently mismatch.
    if isinstance(tags, str):
        raise TypeError(f"{what} must be an iterable of tags, not a single str")
    keys: list[str] = []
    for tag in tags:
        key = tag_key(tag)
        if key and key not in keys:
            keys.append(key)
    return keys


def match_tags(
    post_tags: Iterable[str], wall_tags: Iterable[str], *, match_particles: bool = False
) -> TagMatch:
    """Match raw post tags against raw wall tags on their keys (see HASHTAGS.md)."""
    post_keys = set(_keys(post_tags, "post_tags"))
    wall_keys = _keys(wall_tags, "wall_tags")
    stems: set[str] = set()
    if match_particles:
        for key in post_keys:
            for particle in PARTICLES:
                if len(key) > len(particle) and key.endswith(particle):
                    stems.add(key[: -len(particle)])
    matched: list[str] = []
    exact = False
    for key in wall_keys:
        if key in post_keys:
            exact = True
            matched.append(key)
        elif key in stems:
            matched.append(key)
    return TagMatch(matched=tuple(matched), exact=exact)
