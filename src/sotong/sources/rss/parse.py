"""Feed bytes -> IncomingPosts: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

Pure functions. Hostile or broken single items are reported as skipped, never raised; only a body
that is not a feed at all (or is cut short) raises SourceInvalidPayload.

Specs followed: RSS 2.0 (https://www.rssboard.org/rss-specification), Atom (RFC 4287), Media RSS
(https://www.rssboard.org/media-rss), JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), and
Naver blog RSS (`https://rss.blog.naver.com/{blogId}.xml`), whose items carry a non-standard
`<tag>` element holding a comma-separated list of the post's tags.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import feedparser  # type: ignore[import-untyped]

from sotong.domain import Author, IncomingPost, Media
from sotong.sources.base import SourceInvalidPayload
from sotong.sources.rss.jsonfeed import (
    JsonFeed,
    JsonFeedAuthor,
    JsonFeedItem,
    looks_like_json_feed,
    parse_json_feed,
)

SOURCE = "rss"
MAX_HTML_INPUT = 200_000
MAX_ID_CHARS = 500
JSON_TYPES = frozenset({"application/feed+json", "application/json"})
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")
ADULT_RATINGS = frozenset({"adult", "r", "nc-17", "x", "tv-ma"})
FEED_FORMATS = {
    "rss090": "RSS 0.90",
    "rss091n": "RSS 0.91",
    "rss091u": "RSS 0.91",
    "rss092": "RSS 0.92",
    "rss093": "RSS 0.93",
    "rss094": "RSS 0.94",
    "rss20": "RSS 2.0",
    "rss10": "RSS 1.0",
    "rss": "RSS",
    "atom01": "Atom 0.1",
    "atom02": "Atom 0.2",
    "atom03": "Atom 0.3",
    "atom10": "Atom 1.0",
    "atom": "Atom",
    "cdf": "CDF",
}
_FEED_END = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|RDF|channel)>\s*(?:<!--.*?-->\s*)*$", re.S)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    format: str
    title: str | None
    posts: tuple[IncomingPost, ...]
    skipped: tuple[tuple[str, str], ...] = field(default=())


def parse_feed(body: bytes, *, content_type: str = "", url: str = "") -> ParsedFeed:
    """Any supported feed, its format detected from the content type and the body."""
    mime = content_type.split(";", 1)[0].strip().lower()
    opening = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if (mime in JSON_TYPES and opening.startswith((b"{", b"["))) or looks_like_json_feed(body):
        return json_feed_posts(parse_json_feed(body))
    return xml_feed_posts(body, content_type=content_type, url=url)


# --- RSS and Atom ---------------------------------------------------------------------------


def xml_feed_posts(body: bytes, *, content_type: str = "", url: str = "") -> ParsedFeed:
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    # A stream, never bytes or str: feedparser opens strings that look like URLs or file names.
    result = _plain(feedparser.parse(io.BytesIO(body), response_headers=headers))
    version = str(result.get("version") or "")
    if not version:
        raise SourceInvalidPayload(_not_a_feed(body, result.get("bozo_exception")))
    if result.get("bozo") and not _FEED_END.search(body[-4096:]):
        raise SourceInvalidPayload(
            f"the feed ends early ({result.get('bozo_exception')}); the body looks truncated"
        )
    channel: Mapping[str, Any] = result.get("feed") or {}
    fallback = Author(
        name=_clean_line((channel.get("author_detail") or {}).get("name"))
        or _clean_line(channel.get("title"))
        or "RSS",
        avatar_url=_string((channel.get("image") or {}).get("href"))
        or _string(channel.get("icon")),
    )
    is_rss = version.startswith("rss")
    posts, skipped = [], []
    for entry in result.get("entries") or []:
        post = _entry_post(entry, fallback, is_rss=is_rss)
        if isinstance(post, IncomingPost):
            posts.append(post)
        else:
            skipped.append(post)
    return ParsedFeed(
        FEED_FORMATS.get(version, version),
        _clean_line(channel.get("title")),
        tuple(posts),
        tuple(skipped),
    )


def _plain(value: Any) -> Any:
    """feedparser's dicts as plain ones: its key aliases warn (DeprecationWarning) or mislead."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in dict.items(value)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _not_a_feed(body: bytes, problem: object) -> str:
    head = body[:1024].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return (
            "the url answered with an HTML page, not a feed; use the address the page's "
            '<link rel="alternate" type="application/rss+xml"> points to'
        )
    return f"the url did not answer with an RSS, Atom or JSON feed ({problem or 'no feed found'})"


def _entry_post(
    entry: Mapping[str, Any], fallback: Author, *, is_rss: bool
) -> IncomingPost | tuple[str, str]:
    title = _entry_title(entry)
    body_html, body_text = _entry_body(entry, is_rss=is_rss)
    media = _entry_media(entry, is_rss=is_rss)
    if not media and body_html:
        media = first_image(body_html)
    text = compose_text(title, body_text)
    if not text and not media:
        return ("empty feed item", _string(entry.get("id")) or _string(entry.get("link")) or "")
    published = _entry_date(entry)
    link = _string(entry.get("link"))
    external_id = (
        _string(entry.get("id"))
        or link
        or fallback_id(
            title, _string(entry.get("published")) or _string(entry.get("updated")), body_text
        )
    )
    return IncomingPost(
        source=SOURCE,
        external_id=stable_id(external_id),
        author=_entry_author(entry, fallback),
        text=text,
        html=body_html,
        tags=_entry_tags(entry),
        media=media,
        created_at=published,
        permalink=link,
        sensitive=_is_adult(entry),
    )


def _entry_title(entry: Mapping[str, Any]) -> str:
    title = _string(entry.get("title")) or ""
    detail = entry.get("title_detail") or {}
    if detail.get("type") in HTML_CONTENT_TYPES:
        return html_to_text(title)
    return _clean_line(title) or ""


def _entry_body(entry: Mapping[str, Any], *, is_rss: bool) -> tuple[str | None, str]:
    """The item's HTML (or None) and its plain text.

    feedparser files Media RSS `<media:description>` under `content` (as text/plain) and may
    overwrite `summary_detail` with it, so in RSS only HTML `content` (content:encoded) counts,
    and the summary is read from `summary` itself.
    """
    contents = [c for c in entry.get("content") or [] if _string(c.get("value"))]
    rich = [c["value"] for c in contents if c.get("type") in HTML_CONTENT_TYPES]
    if rich:
        chosen = max(rich, key=len)
        return chosen, html_to_text(chosen)
    if not is_rss:
        plain = [c["value"] for c in contents]
        if plain:
            return None, _clean_block(plain[0])
    summary = _string(entry.get("summary"))
    if summary is None:
        return None, ""
    detail = entry.get("summary_detail") or {}
    if detail.get("type") == "text/plain" and detail.get("value") == summary:
        return None, _clean_block(summary)
    return summary, html_to_text(summary)


def _entry_tags(entry: Mapping[str, Any]) -> tuple[str, ...]:
    tags = [_string(tag.get("term")) for tag in entry.get("tags") or [] if isinstance(tag, dict)]
    naver = entry.get("tag")
    if isinstance(naver, str):
        tags += naver.split(",")
    return unique(tag.strip() for tag in tags if tag and tag.strip())


def _entry_media(entry: Mapping[str, Any], *, is_rss: bool) -> tuple[Media, ...]:
    enclosures = [
        Media(url=str(link.get("href") or ""))
        for link in entry.get("links") or []
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/")
    ]
    contents = [
        Media(url=str(item["url"]), width=_int(item.get("width")), height=_int(item.get("height")))
        for item in entry.get("media_content") or []
        if _string(item.get("url")) and _is_image(item)
    ]
    thumbnails = [
        Media(url=str(item["url"]), width=_int(item.get("width")), height=_int(item.get("height")))
        for item in entry.get("media_thumbnail") or []
        if _string(item.get("url"))
    ]
    if contents and len(thumbnails) == 1:
        contents[0] = replace(contents[0], thumb_url=thumbnails[0].url)
    found: list[Media] = []
    for item in (*enclosures, *contents):
        _add_media(found, item)
    if not found:
        for item in thumbnails:
            _add_media(found, item)
    # In RSS, the only text/plain `content` is a <media:description>: the image's alt text.
    alts = [c.get("value") for c in entry.get("content") or [] if c.get("type") == "text/plain"]
    if is_rss and len(found) == 1 and len(alts) == 1 and isinstance(alts[0], str):
        found[0] = replace(found[0], alt=_clean_block(alts[0]) or None)
    return tuple(found)


def _is_image(item: Mapping[str, Any]) -> bool:
    kind = str(item.get("type") or "")
    if kind or item.get("medium"):
        return kind.startswith("image/") or item.get("medium") == "image"
    return str(item.get("url", "")).split("?", 1)[0].lower().endswith(IMAGE_SUFFIXES)


def _entry_author(entry: Mapping[str, Any], fallback: Author) -> Author:
    detail = entry.get("author_detail") or {}
    name = _clean_line(detail.get("name")) or _clean_line(entry.get("author"))
    if not name:
        return fallback
    return Author(name=name, avatar_url=fallback.avatar_url)


def _entry_date(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published", "updated", "created"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            except (TypeError, ValueError):
                pass
        when = parse_date(_string(entry.get(key)))
        if when is not None:
            return when
    return None


def _is_adult(entry: Mapping[str, Any]) -> bool:
    rating = entry.get("media_rating")
    value = rating.get("content") if isinstance(rating, dict) else entry.get("rating")
    return isinstance(value, str) and value.strip().lower() in ADULT_RATINGS


# --- JSON Feed ------------------------------------------------------------------------------


def json_feed_posts(feed: JsonFeed) -> ParsedFeed:
    fallback = _json_author(feed.authors, Author(feed.title or "JSON Feed", None, feed.icon))
    posts, skipped = [], [("JSON Feed item without an id", "")] * feed.invalid_items
    for item in feed.items:
        post = _json_item_post(item, fallback)
        if isinstance(post, IncomingPost):
            posts.append(post)
        else:
            skipped.append(post)
    label = "JSON Feed 1.1" if feed.version.endswith("1.1") else "JSON Feed 1.0"
    return ParsedFeed(label, feed.title, tuple(posts), tuple(skipped))


def _json_item_post(item: JsonFeedItem, fallback: Author) -> IncomingPost | tuple[str, str]:
    if item.content_html:
        body_html: str | None = item.content_html
        body_text = html_to_text(item.content_html)
    else:
        body_html, body_text = None, _clean_block(item.content_text or item.summary or "")
    media: list[Media] = []
    if item.image:
        _add_media(media, Media(url=item.image))
    for attachment in item.attachments:
        if attachment.mime_type.startswith("image/"):
            _add_media(media, Media(url=attachment.url, alt=attachment.title))
    if not media and item.banner_image:
        _add_media(media, Media(url=item.banner_image))
    if not media and body_html:
        media = list(first_image(body_html))
    text = compose_text(_clean_line(item.title) or "", body_text)
    if not text and not media:
        return ("empty feed item", item.id)
    return IncomingPost(
        source=SOURCE,
        external_id=stable_id(item.id),
        author=_json_author(item.authors, fallback),
        text=text,
        html=body_html,
        tags=unique(tag.strip().lstrip("#＃") for tag in item.tags if tag.strip()),
        media=tuple(media),
        created_at=parse_date(item.date_published) or parse_date(item.date_modified),
        permalink=item.url,
    )


def _json_author(authors: tuple[JsonFeedAuthor, ...], fallback: Author) -> Author:
    for author in authors:
        name = _clean_line(author.name) or _clean_line(author.url)
        if name:
            return Author(name=name, avatar_url=author.avatar or fallback.avatar_url)
    return fallback


# --- shared helpers -------------------------------------------------------------------------


def compose_text(title: str, body: str) -> str:
    """Title, a blank line, then the body; a body that already opens with the title stands alone."""
    title, body = title.strip(), body.strip()
    if not title:
        return body
    if not body or body == title:
        return title
    if " ".join(body.split()).startswith(" ".join(title.split())):
        return body
    return f"{title}\n\n{body}"


def stable_id(value: str) -> str:
    """The item's own id; one too long to store whole is replaced by its hash."""
    value = value.strip()
    if len(value) <= MAX_ID_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]


def fallback_id(title: str, date: str | None, body: str) -> str:
    """For items with neither guid/id nor link: stable while the item's title and date are."""
    basis = f"{title}\n{date or ''}" if title or date else body
    return "sha256:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]


def parse_date(value: str | None) -> datetime | None:
    """RFC 822 or RFC 3339; a date without a zone is taken as UTC."""
    if not value:
        return None
    value = value.strip()
    when: datetime | None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPHS = frozenset({"p", "blockquote", "pre", "figure", "table", "ul", "ol", "hr", *_HEADINGS})
_BLOCKS = _PARAGRAPHS | {"address", "article", "aside", "dd", "div", "dl", "dt", "figcaption"}
_BLOCKS |= {"footer", "header", "li", "main", "nav", "section", "tr"}
_INVISIBLE = frozenset(
    {"script", "style", "template", "head", "title", "noscript", "iframe", "svg"}
)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_TAG = re.compile(r"<[^>]*>?")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.preformatted = 0
        self.pending_break = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self.hidden += 1
        self._break(tag)
        if tag == "pre":
            self.preformatted += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self.hidden = max(self.hidden - 1, 0)
        if tag == "pre":
            self.preformatted = max(self.preformatted - 1, 0)
        self._break(tag)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pending_break:
            self.parts.append("\n" * self.pending_break)
            self.pending_break = 0
        self.parts.append(data if self.preformatted else _SPACES.sub(" ", data))

    def _break(self, tag: str) -> None:
        """Adjacent block edges make one break: the widest of them, not their sum."""
        if tag == "br":
            self.parts.append("\n" * self.pending_break + "\n")
            self.pending_break = 0
        elif tag in _PARAGRAPHS:
            self.pending_break = 2
        elif tag in _BLOCKS:
            self.pending_break = max(self.pending_break, 1)


def html_to_text(markup: str) -> str:
    """Readable plain text: tags dropped, entities decoded, line and paragraph breaks kept."""
    markup = markup[:MAX_HTML_INPUT]
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
        raw = "".join(extractor.parts)
    except Exception:  # the stdlib parser still asserts on some malformed markup
        raw = html.unescape(_TAG.sub(" ", markup))
    return _clean_block(raw)


def _clean_block(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\u00a0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _FirstImage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Media | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img" or self.found is not None:
            return
        values = dict(attrs)
        src = (values.get("src") or "").strip()
        if src.lower().startswith(("http://", "https://")):
            self.found = Media(
                url=src,
                width=_int(values.get("width")),
                height=_int(values.get("height")),
                alt=_clean_line(values.get("alt")),
            )

    handle_startendtag = handle_starttag


def first_image(markup: str) -> tuple[Media, ...]:
    """The first `<img>` with an absolute http(s) `src`, for items that name no image otherwise."""
    finder = _FirstImage()
    try:
        finder.feed(markup[:MAX_HTML_INPUT])
        finder.close()
    except Exception:  # malformed markup: no image rather than no post
        return ()
    return (finder.found,) if finder.found else ()


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _add_media(found: list[Media], item: Media) -> None:
    if item.url.strip() and all(existing.url != item.url for existing in found):
        found.append(item)


def _int(value: object) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 100_000 else None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _clean_line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return _SPACES.sub(" ", value).strip() or None
