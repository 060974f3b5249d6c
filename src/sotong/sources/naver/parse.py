"""Naver Search API answers -> IncomingPosts. Pure functions.

Shapes follow the official pages (the JSON answers carry the same fields as the XML examples
there, under `items`): blog https://developers.naver.com/docs/serviceapi/search/blog/blog.md
(`title`, `link`, `description`, `bloggername`, `bloggerlink`, `postdate` as `YYYYMMDD`), cafe
articles .../search/cafearticle/cafearticle.md (`title`, `link`, `description`, `cafename`,
`cafeurl`), images .../search/image/image.md (`title`, `link` = the image, `thumbnail`,
`sizeheight`, `sizewidth`, as strings). `title` and `description` wrap the matched words in `<b>`
and carry HTML entities.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import urlsplit

import orjson

from sotong.domain import Author, IncomingPost, Media
from sotong.sources.base import SourceInvalidPayload

SOURCE = "naver"
KST = timezone(timedelta(hours=9), "KST")
IMAGE_AUTHOR = "네이버 이미지 검색"

Kind = Literal["blog", "cafearticle", "image"]
KINDS: tuple[Kind, ...] = ("blog", "cafearticle", "image")

_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    start: int
    items: tuple[dict[str, Any], ...]


def parse_page(body: bytes) -> SearchPage:
    """One answer of `GET /v1/search/{kind}.json`, or SourceInvalidPayload."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise SourceInvalidPayload(f"Naver answered with invalid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise SourceInvalidPayload("Naver's answer has no `items` list")
    items = tuple(item for item in data["items"] if isinstance(item, dict))
    return SearchPage(
        total=_int(data.get("total")) or 0,
        start=_int(data.get("start")) or 1,
        items=items,
    )


def item_link(item: dict[str, Any]) -> str | None:
    link = item.get("link")
    return link.strip() if isinstance(link, str) and link.strip() else None


def item_postdate(item: dict[str, Any]) -> str | None:
    value = item.get("postdate")
    return value if isinstance(value, str) and re.fullmatch(r"\d{8}", value) else None


def item_post(kind: Kind, item: dict[str, Any]) -> IncomingPost | None:
    """The result as a post, or None when it has no link (its only stable id)."""
    link = item_link(item)
    if link is None:
        return None
    title = plain(item.get("title"))
    if kind == "image":
        return IncomingPost(
            source=SOURCE,
            external_id=link,
            author=Author(name=IMAGE_AUTHOR),
            text=title,
            media=(
                Media(
                    url=link,
                    thumb_url=_string(item.get("thumbnail")),
                    width=_int(item.get("sizewidth")) or None,
                    height=_int(item.get("sizeheight")) or None,
                    alt=title or None,
                ),
            ),
        )
    description = plain(item.get("description"))
    text = f"{title}\n\n{description}" if title and description else title or description
    if kind == "blog":
        author = Author(
            name=plain(item.get("bloggername")) or "Naver blog",
            handle=blog_id(_string(item.get("bloggerlink"))),
        )
        created_at = postdate(item_postdate(item))
    else:
        author = Author(name=plain(item.get("cafename")) or "Naver cafe")
        created_at = None
    return IncomingPost(
        source=SOURCE,
        external_id=link,
        author=author,
        text=text,
        created_at=created_at,
        permalink=link,
    )


def plain(value: object) -> str:
    """Highlight tags dropped, entities decoded, whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    return _SPACES.sub(" ", html.unescape(_TAG.sub("", value))).strip()


def postdate(value: str | None) -> datetime | None:
    """`YYYYMMDD` is a date in Korea: the post is placed at 00:00 KST that day."""
    if value is None or not re.fullmatch(r"\d{8}", value):
        return None
    try:
        return datetime.strptime(value, "%Y%m%d").replace(tzinfo=KST)
    except ValueError:
        return None


def blog_id(bloggerlink: str | None) -> str | None:
    """`blog.naver.com/{blogId}` (with or without a scheme) -> the blog id."""
    if not bloggerlink:
        return None
    parts = urlsplit(bloggerlink if "//" in bloggerlink else f"https://{bloggerlink}")
    segments = [segment for segment in parts.path.split("/") if segment]
    host = (parts.hostname or "").lower()
    if host.endswith("blog.naver.com") and len(segments) == 1:
        return segments[0]
    return None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _string(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
