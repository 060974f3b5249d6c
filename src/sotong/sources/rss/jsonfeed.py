"""JSON Feed 1.0 and 1.1, read into typed values (feedparser releases do not read JSON Feed).

Follows https://www.jsonfeed.org/version/1.1/ : a top-level object with `version`
(`https://jsonfeed.org/version/1` or `.../1.1`), `title` and `items`; each item has a required
`id` (a string; a number is coerced to one, as the spec asks of readers), and optionally `url`,
`title`, `content_html`, `content_text`, `summary`, `image`, `banner_image`, `date_published`,
`date_modified`, `authors[]` (`name`, `url`, `avatar`; 1.0's single `author` is read too), `tags[]`
and `attachments[]` (`url`, `mime_type`, `title`). Unknown keys (and `_extensions`) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from sotong.sources.base import SourceInvalidPayload

VERSION_PREFIX = "https://jsonfeed.org/version/1"


@dataclass(frozen=True, slots=True)
class JsonFeedAuthor:
    name: str | None
    url: str | None
    avatar: str | None


@dataclass(frozen=True, slots=True)
class JsonFeedAttachment:
    url: str
    mime_type: str
    title: str | None


@dataclass(frozen=True, slots=True)
class JsonFeedItem:
    id: str
    url: str | None
    title: str | None
    content_html: str | None
    content_text: str | None
    summary: str | None
    image: str | None
    banner_image: str | None
    date_published: str | None
    date_modified: str | None
    authors: tuple[JsonFeedAuthor, ...]
    tags: tuple[str, ...]
    attachments: tuple[JsonFeedAttachment, ...]


@dataclass(frozen=True, slots=True)
class JsonFeed:
    version: str
    title: str | None
    home_page_url: str | None
    icon: str | None
    authors: tuple[JsonFeedAuthor, ...]
    items: tuple[JsonFeedItem, ...]
    invalid_items: int


def looks_like_json_feed(body: bytes) -> bool:
    """A body that opens a JSON object naming a JSON Feed version near its start."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and VERSION_PREFIX.encode() in head.replace(b"\\/", b"/")


def parse_json_feed(body: bytes) -> JsonFeed:
    """The feed, or SourceInvalidPayload when the body is not a JSON Feed at all.

    Items that break the spec (no usable id) are counted in `invalid_items`, not raised.
    """
    try:
        data = orjson.loads(body.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as exc:
        raise SourceInvalidPayload(f"the feed is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SourceInvalidPayload("the JSON feed is not an object")
    version = data.get("version")
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIX):
        raise SourceInvalidPayload(f"not a JSON Feed: version is {version!r}")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise SourceInvalidPayload("the JSON Feed has no `items` list")
    items = []
    for raw in raw_items:
        item = _item(raw)
        if item is not None:
            items.append(item)
    return JsonFeed(
        version=version,
        title=_string(data.get("title")),
        home_page_url=_string(data.get("home_page_url")),
        icon=_string(data.get("icon")) or _string(data.get("favicon")),
        authors=_authors(data),
        items=tuple(items),
        invalid_items=len(raw_items) - len(items),
    )


def _item(raw: object) -> JsonFeedItem | None:
    if not isinstance(raw, dict):
        return None
    raw_id = raw.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float):
        return None
    item_id = str(raw_id).strip()
    if not item_id:
        return None
    return JsonFeedItem(
        id=item_id,
        url=_string(raw.get("url")) or _string(raw.get("external_url")),
        title=_string(raw.get("title")),
        content_html=_string(raw.get("content_html")),
        content_text=_string(raw.get("content_text")),
        summary=_string(raw.get("summary")),
        image=_string(raw.get("image")),
        banner_image=_string(raw.get("banner_image")),
        date_published=_string(raw.get("date_published")),
        date_modified=_string(raw.get("date_modified")),
        authors=_authors(raw),
        tags=tuple(tag for tag in _list(raw.get("tags")) if isinstance(tag, str) and tag),
        attachments=tuple(
            attachment
            for attachment in (_attachment(entry) for entry in _list(raw.get("attachments")))
            if attachment is not None
        ),
    )


def _authors(raw: dict[str, Any]) -> tuple[JsonFeedAuthor, ...]:
    found = [_author(entry) for entry in _list(raw.get("authors"))]
    if not found and isinstance(raw.get("author"), dict):
        found = [_author(raw["author"])]
    return tuple(author for author in found if author is not None)


def _author(raw: object) -> JsonFeedAuthor | None:
    if not isinstance(raw, dict):
        return None
    author = JsonFeedAuthor(
        _string(raw.get("name")), _string(raw.get("url")), _string(raw.get("avatar"))
    )
    return author if author.name or author.url else None


def _attachment(raw: object) -> JsonFeedAttachment | None:
    if not isinstance(raw, dict):
        return None
    url, mime_type = _string(raw.get("url")), _string(raw.get("mime_type"))
    if url is None or mime_type is None:
        return None
    return JsonFeedAttachment(url, mime_type.lower(), _string(raw.get("title")))


def _string(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    return None


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
