"""Make untrusted source data safe to store: Unicode form, controls, lengths, URL schemes."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from urllib.parse import urlsplit

import regex

from sotong.domain import Author, IncomingPost, Media

MAX_TEXT_CHARS = 10_000
MAX_HTML_CHARS = 100_000
MAX_NAME_CHARS = 200
MAX_ALT_CHARS = 1_500
MAX_URL_CHARS = 2_048
MAX_TAGS = 50
MAX_MEDIA = 10

# C0/C1 controls other than tab and newline, and lone surrogates (which no database can store).
_UNWANTED = regex.compile(r"[\p{Cc}\p{Cs}--[\t\n]]", regex.V1)


def clean_text(value: str, max_chars: int) -> str:
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _UNWANTED.sub("", text).strip()[:max_chars]


def clean_optional(value: str | None, max_chars: int) -> str | None:
    if value is None:
        return None
    return clean_text(value, max_chars) or None


def safe_url(value: str | None) -> str | None:
    """An absolute http(s) URL or a path on this server; anything else is dropped."""
    if (
        not value
        or len(value) > MAX_URL_CHARS
        or _UNWANTED.search(value)
        or any(c.isspace() for c in value)
    ):
        return None
    if value.startswith("/") and not value.startswith("//"):
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


def _normalise_media(item: Media) -> Media | None:
    url = safe_url(item.url)
    if url is None:
        return None
    return replace(
        item,
        url=url,
        thumb_url=safe_url(item.thumb_url),
        alt=clean_optional(item.alt, MAX_ALT_CHARS),
        width=item.width if item.width and item.width > 0 else None,
        height=item.height if item.height and item.height > 0 else None,
    )


def normalise(post: IncomingPost) -> IncomingPost:
    author = Author(
        name=clean_text(post.author.name, MAX_NAME_CHARS),
        handle=clean_optional(post.author.handle, MAX_NAME_CHARS),
        avatar_url=safe_url(post.author.avatar_url),
    )
    media = tuple(m for m in (_normalise_media(item) for item in post.media[:MAX_MEDIA]) if m)
    tags = tuple(t for t in (clean_text(tag, MAX_NAME_CHARS) for tag in post.tags[:MAX_TAGS]) if t)
    return replace(
        post,
        external_id=clean_text(post.external_id, 512),
        author=author,
        text=clean_text(post.text, MAX_TEXT_CHARS),
        html=post.html[:MAX_HTML_CHARS] if post.html else None,
        tags=tags,
        media=media,
        permalink=safe_url(post.permalink),
    )
