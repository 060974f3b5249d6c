"""The Naver source: search each wall hashtag in each configured kind, newest first.

Naver's search is a text search, so the query is the tag with its `#`, and the pipeline keeps
only results whose title or passage carry the wall's hashtag. Each (kind, tag) remembers the
links it saw last; a poll pages back until it meets one of them (or Naver's 1,000-result limit).
The API exposes no deletes or edits.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sotong.clock import utc_now
from sotong.domain import CursorUpdate, IncomingPost
from sotong.hashtags import tag_key
from sotong.sources.base import SourceContext
from sotong.sources.naver.client import DISPLAY, MAX_START, NaverClient
from sotong.sources.naver.parse import Kind, item_link, item_post, item_postdate

DAILY_QUOTA = 25_000
SECONDS_PER_DAY = 86_400
REMEMBERED_LINKS = 100
CHECK_QUERY = "#소통"

Pause = Callable[[float], Awaitable[object]]


class NaverOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id_env: str = Field(min_length=1)
    client_secret_env: str = Field(min_length=1)
    kinds: list[Kind] = Field(default_factory=lambda: list[Kind](["blog"]), min_length=1)
    poll_interval_seconds: float = Field(default=60.0, ge=10)
    base_url: str = "https://openapi.naver.com"

    @field_validator("kinds")
    @classmethod
    def _once_each(cls, kinds: list[Kind]) -> list[Kind]:
        return list(dict.fromkeys(kinds))

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// address")
        return value.strip().rstrip("/")


def calls_per_day(tags: int, kinds: int, interval: float) -> int:
    """Calls a day in steady state: one page per tag and kind per poll."""
    return tags * kinds * math.ceil(SECONDS_PER_DAY / interval)


def ensure_within_quota(tags: int, kinds: int, interval: float) -> None:
    calls = calls_per_day(tags, kinds, interval)
    if calls > DAILY_QUOTA:
        minimum = math.ceil(SECONDS_PER_DAY * tags * kinds / DAILY_QUOTA)
        raise ValueError(
            f"poll_interval_seconds: {tags} hashtag(s) × {kinds} kind(s) every {interval:g} s "
            f"make {calls:,} Naver calls a day, over the daily quota of {DAILY_QUOTA:,}; "
            f"poll every {minimum} s or more, or search fewer kinds"
        )


@dataclass(slots=True)
class QueryCursor:
    links: list[str] = field(default_factory=list)
    date: str | None = None


def load_cursor(value: str | None) -> dict[str, QueryCursor]:
    try:
        data = orjson.loads(value or "{}")
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    found = {}
    for key, entry in data.items():
        if not isinstance(entry, dict):
            continue
        links = entry.get("links")
        date = entry.get("date")
        found[str(key)] = QueryCursor(
            [link for link in links if isinstance(link, str)] if isinstance(links, list) else [],
            date if isinstance(date, str) else None,
        )
    return found


def dump_cursor(state: dict[str, QueryCursor]) -> str:
    return orjson.dumps(
        {key: {"links": entry.links, "date": entry.date} for key, entry in state.items()}
    ).decode()


def query_for(tag: str) -> str:
    return "#" + tag.lstrip("#＃")


class NaverSource:
    def __init__(
        self,
        options: NaverOptions,
        client_id: str,
        client_secret: str,
        *,
        pause: Pause = asyncio.sleep,
    ) -> None:
        self.options = options
        self._client_id = client_id
        self._client_secret = client_secret
        self._pause = pause

    def client(self, http: httpx.AsyncClient, context: SourceContext | None = None) -> NaverClient:
        return NaverClient(
            http,
            self.options.base_url,
            self._client_id,
            self._client_secret,
            clock=context.clock if context else utc_now,
        )

    async def check(self, http: httpx.AsyncClient) -> str:
        client = self.client(http)
        counts = []
        for kind in self.options.kinds:
            page = await client.search(kind, CHECK_QUERY, 1)
            counts.append(f"{kind} {page.total:,} results")
        per_tag = calls_per_day(1, len(self.options.kinds), self.options.poll_interval_seconds)
        return (
            f"{', '.join(counts)} for {CHECK_QUERY!r}; {per_tag:,} calls a day per wall "
            f"hashtag (quota {DAILY_QUOTA:,})"
        )

    async def run(self, context: SourceContext) -> None:
        tags = context.wall.hashtags
        kinds = self.options.kinds
        ensure_within_quota(len(tags), len(kinds), self.options.poll_interval_seconds)
        client = self.client(context.http, context)
        state = load_cursor(await context.load_cursor())
        while True:
            for tag in tags:
                for kind in kinds:
                    await self.poll(context, client, state, kind, tag)
            await self._pause(self.options.poll_interval_seconds)

    async def poll(
        self,
        context: SourceContext,
        client: NaverClient,
        state: dict[str, QueryCursor],
        kind: Kind,
        tag: str,
    ) -> None:
        """New results for one tag in one kind, oldest first, saved with the cursor."""
        key = f"{kind} {tag_key(tag)}"
        known = state.get(key)
        seen = set(known.links) if known else set()
        collected: dict[str, dict[str, Any]] = {}
        start = 1
        while True:
            page = await client.search(kind, query_for(tag), start)
            reached = known is None
            for item in page.items:
                link = item_link(item)
                if link is None:
                    context.skip("Naver result without a link", kind)
                    continue
                if link in seen:
                    reached = True
                    continue
                date = item_postdate(item)
                if known and known.date and date and date < known.date:
                    reached = True
                collected.setdefault(link, item)
            start += DISPLAY
            if reached or len(page.items) < DISPLAY or start > MAX_START:
                break
        if not collected:
            if known is None:
                # Remember that this query was asked, so results that appear later are all new.
                state[key] = QueryCursor()
                await context.ingest([], cursor=CursorUpdate(context.key, dump_cursor(state)))
            else:
                context.mark_success()
            return
        posts: list[IncomingPost] = []
        for item in reversed(collected.values()):
            post = item_post(kind, item)
            if post is not None:
                posts.append(post)
        dates = [d for d in map(item_postdate, collected.values()) if d]
        previous = known or QueryCursor()
        state[key] = QueryCursor(
            links=list(dict.fromkeys([*collected, *previous.links]))[:REMEMBERED_LINKS],
            date=max([*dates, *([previous.date] if previous.date else [])], default=None),
        )
        await context.ingest(posts, cursor=CursorUpdate(context.key, dump_cursor(state)))
