"""The feed source: poll politely, send new items, turn changed items into edits.

A feed is a window on the latest items, so an item that leaves it was not deleted: nothing is
removed from the wall when that happens. The cursor keeps the validators of the last answer
(ETag, Last-Modified) and a bounded map of recently seen item ids to content hashes.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sotong.domain import CursorUpdate, IncomingPost, Wall
from sotong.hashtags import extract_hashtags
from sotong.sources.base import SourceContext
from sotong.sources.rss.client import fetch_feed
from sotong.sources.rss.parse import ParsedFeed, parse_feed

MAX_ITEMS = 500
MAX_SEEN = 500

Pause = Callable[[float], Awaitable[object]]


class RssOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    poll_interval_seconds: float = Field(default=60.0, ge=10)
    max_bytes: int = Field(default=5_000_000, ge=10_000, le=100_000_000)
    match: Literal["hashtags", "all"] = "hashtags"

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// address of a feed")
        return value


@dataclass(slots=True)
class FeedCursor:
    etag: str | None = None
    last_modified: str | None = None
    seen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, value: str | None) -> FeedCursor:
        try:
            data = orjson.loads(value or "{}")
        except orjson.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        seen = data.get("seen")
        return cls(
            etag=data["etag"] if isinstance(data.get("etag"), str) else None,
            last_modified=data["modified"] if isinstance(data.get("modified"), str) else None,
            seen={
                str(pair[0]): str(pair[1])
                for pair in (seen if isinstance(seen, list) else [])
                if isinstance(pair, list) and len(pair) == 2
            },
        )

    def dump(self) -> str:
        return orjson.dumps(
            {
                "etag": self.etag,
                "modified": self.last_modified,
                "seen": [[item_id, digest] for item_id, digest in self.seen.items()],
            }
        ).decode()

    def advanced(
        self, etag: str | None, last_modified: str | None, current: dict[str, str]
    ) -> FeedCursor:
        """Items of this answer become the newest seen; the oldest others fall off the end."""
        seen = {key: value for key, value in self.seen.items() if key not in current}
        seen.update(current)
        for key in list(seen)[: max(len(seen) - MAX_SEEN, 0)]:
            del seen[key]
        return FeedCursor(etag, last_modified, seen)


def content_hash(post: IncomingPost) -> str:
    """What an edit at the source changes: text, markup, tags, images, link."""
    basis = orjson.dumps(
        [post.text, post.html, post.tags, [m.url for m in post.media], post.permalink]
    )
    return hashlib.sha256(basis).hexdigest()[:16]


def oldest_first(posts: Sequence[IncomingPost]) -> list[IncomingPost]:
    """Feeds list newest first (mostly); the wall should receive the newest last."""
    dates = [post.created_at for post in posts]
    if all(isinstance(when, datetime) for when in dates):
        return sorted(posts, key=lambda post: post.created_at or datetime.min)
    return list(reversed(posts))


class RssSource:
    def __init__(self, options: RssOptions, *, pause: Pause = asyncio.sleep) -> None:
        self.options = options
        self._pause = pause
        self._saved: str | None = None

    async def check(self, http: httpx.AsyncClient) -> str:
        document = await fetch_feed(http, self.options.url, max_bytes=self.options.max_bytes)
        if document is None:
            return "the server answered 304 Not Modified to a plain request"
        feed = await asyncio.to_thread(
            parse_feed, document.body, content_type=document.content_type, url=document.url
        )
        tagged = sum(1 for post in feed.posts if post.tags or extract_hashtags(post.text))
        title = f" {feed.title!r}" if feed.title else ""
        skipped = f", {len(feed.skipped)} unusable" if feed.skipped else ""
        return f"{feed.format} feed{title}: {len(feed.posts)} items, {tagged} with tags{skipped}"

    async def run(self, context: SourceContext) -> None:
        self._saved = await context.load_cursor()
        cursor = FeedCursor.load(self._saved)
        while True:
            cursor = await self.poll(context, cursor)
            await self._pause(self.options.poll_interval_seconds)

    async def poll(self, context: SourceContext, cursor: FeedCursor) -> FeedCursor:
        """Fetch once; send new items, edit changed ones, save the cursor with them."""
        document = await fetch_feed(
            context.http,
            self.options.url,
            max_bytes=self.options.max_bytes,
            etag=cursor.etag,
            last_modified=cursor.last_modified,
        )
        if document is None:
            context.mark_success()
            return cursor
        feed = await asyncio.to_thread(
            parse_feed, document.body, content_type=document.content_type, url=document.url
        )
        posts = self._usable(feed, context)
        current: dict[str, str] = {}
        fresh, changed = [], []
        for post in posts:
            digest = content_hash(post)
            current[post.external_id] = digest
            before = cursor.seen.get(post.external_id)
            if before is None:
                fresh.append(post)
            elif before != digest:
                changed.append(post)
        after = cursor.advanced(document.etag, document.last_modified, current)
        await self._send(context, oldest_first(fresh), changed, after.dump())
        return after

    def _usable(self, feed: ParsedFeed, context: SourceContext) -> list[IncomingPost]:
        for reason, detail in feed.skipped:
            context.skip(reason, detail)
        posts, ids = [], set()
        for post in feed.posts:
            if post.external_id in ids:
                context.skip("feed item with a repeated id", post.external_id)
                continue
            ids.add(post.external_id)
            posts.append(post)
        if len(posts) > MAX_ITEMS:
            for post in newest(posts)[MAX_ITEMS:]:
                context.skip(f"feed item beyond the newest {MAX_ITEMS}", post.external_id)
            keep = {post.external_id for post in newest(posts)[:MAX_ITEMS]}
            posts = [post for post in posts if post.external_id in keep]
        if self.options.match == "all":
            posts = [with_wall_tag(post, context.wall) for post in posts]
        return posts

    async def _send(
        self,
        context: SourceContext,
        fresh: list[IncomingPost],
        changed: list[IncomingPost],
        value: str,
    ) -> None:
        update = CursorUpdate(context.key, value)
        if fresh and changed:
            await context.ingest(fresh)
            await context.edit(changed, cursor=update)
        elif fresh:
            await context.ingest(fresh, cursor=update)
        elif changed:
            await context.edit(changed, cursor=update)
        elif value != self._saved:
            await context.ingest([], cursor=update)
        else:
            context.mark_success()
        self._saved = value


def newest(posts: Sequence[IncomingPost]) -> list[IncomingPost]:
    """Newest first by date; undated items keep their place after the dated ones."""
    dated = [post for post in posts if post.created_at is not None]
    undated = [post for post in posts if post.created_at is None]
    return sorted(dated, key=lambda post: post.created_at or datetime.min, reverse=True) + undated


def with_wall_tag(post: IncomingPost, wall: Wall) -> IncomingPost:
    """`match = "all"`: every item of the feed belongs on the wall."""
    return replace(post, tags=(*post.tags, wall.hashtags[0]))
