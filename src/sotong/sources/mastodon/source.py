"""The Mastodon source: poll the tag timeline, or stream with a user token and catch up over REST.

Cursors: the newest status id seen for each chunk of (up to four) tags, saved as JSON with the posts
of the same page. A chunk without a cursor (first run) takes the newest page only; with one it pages
forward with `min_id` until it has everything. After every (re)connect the stream first catches up
through that same REST path, and streamed statuses advance the cursors as they arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import unicodedata
from collections.abc import Sequence
from typing import Literal
from urllib.parse import urlsplit

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sotong.domain import CursorUpdate, IncomingPost
from sotong.hashtags import tag_key
from sotong.sources.base import SourceAuthError, SourceContext, SourceUnavailable
from sotong.sources.mastodon.client import PAGE_LIMIT, TAGS_PER_REQUEST, MastodonClient, NotFound
from sotong.sources.mastodon.parse import (
    SOURCE,
    InstanceInfo,
    StreamEvent,
    Unusable,
    hashtag_access_problem,
    id_order,
    is_newer,
    load_payload,
    newest_id,
    page_ids,
    parse_status,
    status_id,
    status_tag_keys,
)
from sotong.sources.mastodon.stream import (
    EventStream,
    StreamRefused,
    StreamSettings,
    open_sse,
    open_websocket,
    sse_url,
    websocket_url,
)

logger = logging.getLogger("sotong.sources")

MAX_SSE_STREAMS = 16
CHECK_TAG = "sotong"
CURSOR_VERSION = 1


def _url(value: str, schemes: tuple[str, ...]) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in schemes or not parts.hostname:
        raise ValueError(f"must be a {'/'.join(schemes)} URL such as https://mastodon.social")
    return value.rstrip("/")


class MastodonOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str
    access_token_env: str | None = None
    mode: Literal["stream", "poll"] | None = None
    poll_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    streaming_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return _url(value, ("http", "https"))

    @field_validator("streaming_url")
    @classmethod
    def _streaming_url(cls, value: str | None) -> str | None:
        return None if value is None else _url(value, ("http", "https", "ws", "wss"))


def wall_tags(hashtags: Sequence[str]) -> list[str]:
    """The wall's tags without `#`/`＃`, each once (by normalised key), in the wall's order."""
    seen: set[str] = set()
    tags = []
    for tag in hashtags:
        body = unicodedata.normalize("NFC", tag.strip().lstrip("#＃"))
        key = tag_key(body)
        if body and key and key not in seen:
            seen.add(key)
            tags.append(body)
    return tags


def chunked(tags: Sequence[str], size: int = TAGS_PER_REQUEST) -> list[tuple[str, ...]]:
    return [tuple(tags[start : start + size]) for start in range(0, len(tags), size)]


class Cursors:
    """The newest status id seen per chunk of tags.

    Saved as `{"v": 1, "chunks": [{"tags": [keys...], "newest": "<id>"}]}`. When the wall's tags
    change, a new chunk starts from the oldest cursor of the saved chunks it shares a tag with,
    so a changed tag list never skips posts of the tags that stayed."""

    def __init__(self, chunks: Sequence[tuple[str, ...]], saved: str | None) -> None:
        self._keys = [frozenset(tag_key(tag) for tag in chunk) for chunk in chunks]
        previous = self._parse(saved)
        self.newest: list[str | None] = [self._start(keys, previous) for keys in self._keys]

    @staticmethod
    def _parse(saved: str | None) -> list[tuple[frozenset[str], str]]:
        try:
            document = orjson.loads(saved or "null")
        except orjson.JSONDecodeError:
            return []
        entries = document.get("chunks") if isinstance(document, dict) else None
        parsed = []
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict) or not isinstance(entry.get("tags"), list):
                continue
            newest = status_id(entry.get("newest"))
            keys = frozenset(tag for tag in entry["tags"] if isinstance(tag, str))
            if newest is not None and keys:
                parsed.append((keys, newest))
        return parsed

    @staticmethod
    def _start(keys: frozenset[str], previous: list[tuple[frozenset[str], str]]) -> str | None:
        for saved_keys, newest in previous:
            if saved_keys == keys:
                return newest
        shared = [newest for saved_keys, newest in previous if saved_keys & keys]
        return min(shared, key=id_order) if shared else None

    def advance(self, index: int, newest: str) -> bool:
        if not is_newer(newest, self.newest[index]):
            return False
        self.newest[index] = newest
        return True

    def advance_for_tags(self, keys: set[str], newest: str) -> bool:
        """A streamed status moves the cursors of the chunks whose tags it carries."""
        moved = False
        for index, chunk_keys in enumerate(self._keys):
            if chunk_keys & keys:
                moved = self.advance(index, newest) or moved
        return moved

    def dump(self) -> str:
        chunks = [
            {"tags": sorted(keys), "newest": newest}
            for keys, newest in zip(self._keys, self.newest, strict=True)
            if newest is not None
        ]
        return orjson.dumps({"v": CURSOR_VERSION, "chunks": chunks}).decode()


def posts_of(context: SourceContext, statuses: Sequence[object]) -> list[IncomingPost]:
    """The new posts of a page, oldest first; boosts are dropped, broken statuses counted."""
    posts = []
    for raw in statuses:
        parsed = parse_status(raw)
        if isinstance(parsed, Unusable):
            context.skip(parsed.reason, parsed.detail)
        elif parsed is not None:
            posts.append(parsed)
    posts.sort(key=lambda post: id_order(post.external_id))
    return posts


class MastodonSource:
    def __init__(
        self,
        options: MastodonOptions,
        token: str | None,
        *,
        stream_settings: StreamSettings | None = None,
    ) -> None:
        self.options = options
        self.mode: Literal["stream", "poll"] = options.mode or ("stream" if token else "poll")
        if self.mode == "stream" and not token:
            raise ValueError(
                'mode: "stream" needs a user access token with read:statuses: set access_token_env'
            )
        self._token = token
        self._stream_settings = stream_settings or StreamSettings()
        self._websocket_refused = False

    def _client(self, http: httpx.AsyncClient) -> MastodonClient:
        return MastodonClient(
            http, self.options.base_url, token=self._token, token_env=self.options.access_token_env
        )

    def _streaming_base(self, instance: InstanceInfo | None) -> str:
        advertised = instance.streaming_url if instance else None
        return self.options.streaming_url or advertised or self.options.base_url

    # --- sotong check ----------------------------------------------------------------------------

    async def check(self, http: httpx.AsyncClient) -> str:
        client = self._client(http)
        instance = await client.instance()
        if instance is None:
            raise SourceUnavailable(
                f"{self.options.base_url} answers neither /api/v2/instance nor /api/v1/instance: "
                "is base_url a Mastodon server?"
            )
        problem = hashtag_access_problem(instance, has_token=self._token is not None)
        if problem:
            raise SourceAuthError(problem)
        if self._token:
            await client.verify_token()
        with contextlib.suppress(NotFound):  # the instance answered; it only lacks the probe tag
            await client.tag_timeline([CHECK_TAG], limit=1)
        summary = f"{instance.domain or self.options.base_url}, version {instance.version}"
        access = "with the access token" if self._token else "without a token"
        if self.mode == "poll":
            return (
                f"{summary}; hashtag timeline readable {access}; "
                f"polls every {self.options.poll_interval_seconds:g} s"
            )
        events = await self._open_events(
            [CHECK_TAG], instance, http, user_agent=http.headers.get("User-Agent"), key="check"
        )
        if events is None:
            return f"{summary}; hashtag timeline readable {access}; stream unavailable, polls"
        await events.aclose()
        return f"{summary}; hashtag timeline readable {access}; streams over {events.transport}"

    # --- running ---------------------------------------------------------------------------------

    async def run(self, context: SourceContext) -> None:
        tags = wall_tags(context.wall.hashtags)
        if not tags:
            return
        chunks = chunked(tags)
        client = self._client(context.http)
        instance = await client.instance()
        if instance is not None:
            problem = hashtag_access_problem(instance, has_token=self._token is not None)
            if problem:
                raise SourceAuthError(problem)
        cursors = Cursors(chunks, await context.load_cursor())
        if self.mode == "stream":
            events = await self._open_events(
                tags,
                instance,
                context.http,
                user_agent=context.http.headers.get("User-Agent"),
                key=context.key,
            )
            if events is not None:
                await self._stream(context, client, chunks, cursors, events)
                return
        while True:
            await self._catch_up(context, client, chunks, cursors)
            await asyncio.sleep(self.options.poll_interval_seconds)

    async def _catch_up(
        self,
        context: SourceContext,
        client: MastodonClient,
        chunks: Sequence[tuple[str, ...]],
        cursors: Cursors,
    ) -> None:
        for index, chunk in enumerate(chunks):
            min_id = cursors.newest[index]
            first_run = min_id is None
            while True:
                statuses = await client.tag_timeline(chunk, min_id=min_id)
                newest = newest_id(page_ids(statuses))
                advanced = newest is not None and cursors.advance(index, newest)
                posts = posts_of(context, statuses)
                if posts or advanced:
                    cursor = CursorUpdate(context.key, cursors.dump()) if advanced else None
                    await context.ingest(posts, cursor=cursor)
                else:
                    context.mark_success()
                # A first run shows what is happening now: the newest page, not the tag's history.
                if first_run or not advanced or len(statuses) < PAGE_LIMIT:
                    break
                min_id = newest

    async def _open_events(
        self,
        tags: Sequence[str],
        instance: InstanceInfo | None,
        http: httpx.AsyncClient,
        *,
        user_agent: str | None,
        key: str,
    ) -> EventStream | None:
        """The WebSocket, else SSE when the WebSocket is refused; None (poll) if SSE can't do it."""
        assert self._token is not None
        base = self._streaming_base(instance)
        token_env = self.options.access_token_env
        if not self._websocket_refused:
            try:
                return await open_websocket(
                    websocket_url(base),
                    tags,
                    token=self._token,
                    token_env=token_env,
                    user_agent=user_agent,
                    settings=self._stream_settings,
                )
            except StreamRefused as refused:
                logger.warning("source %s: %s; streaming over SSE instead", key, refused)
                self._websocket_refused = True
        if len(tags) > MAX_SSE_STREAMS:
            logger.warning(
                "source %s: SSE takes a connection per tag; %d tags are too many, polling instead",
                key,
                len(tags),
            )
            return None
        return await open_sse(
            http,
            sse_url(base),
            tags,
            token=self._token,
            token_env=token_env,
            settings=self._stream_settings,
        )

    async def _stream(
        self,
        context: SourceContext,
        client: MastodonClient,
        chunks: Sequence[tuple[str, ...]],
        cursors: Cursors,
        events: EventStream,
    ) -> None:
        try:
            # Connected first, then caught up: whatever is posted meanwhile waits in the stream.
            await self._catch_up(context, client, chunks, cursors)
            async for event in events:
                await self._handle(context, cursors, event)
        finally:
            await events.aclose()
        raise SourceUnavailable(f"the {events.transport} stream was closed by the server")

    async def _handle(self, context: SourceContext, cursors: Cursors, event: StreamEvent) -> None:
        if event.event == "update":
            raw = load_payload(event)
            parsed = parse_status(raw)
            newest = status_id(raw.get("id")) if isinstance(raw, dict) else None
            moved = newest is not None and cursors.advance_for_tags(status_tag_keys(raw), newest)
            cursor = CursorUpdate(context.key, cursors.dump()) if moved else None
            if isinstance(parsed, Unusable):
                context.skip(parsed.reason, parsed.detail)
            if isinstance(parsed, IncomingPost):
                await context.ingest([parsed], cursor=cursor)
            elif cursor is not None:
                await context.ingest([], cursor=cursor)
        elif event.event == "status.update":
            parsed = parse_status(load_payload(event))
            if isinstance(parsed, Unusable):
                context.skip(parsed.reason, parsed.detail)
            elif parsed is not None:
                await context.edit([parsed])
        elif event.event == "delete":
            deleted = status_id((event.payload or "").strip())
            if deleted is None:
                context.skip("delete without a usable id", (event.payload or "")[:80])
            else:
                await context.remove([deleted], source=SOURCE)
