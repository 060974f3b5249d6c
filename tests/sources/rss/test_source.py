"""The feed source against a local fake feed host speaking HTTP like a real one.

The fake serves a Naver-blog-shaped RSS 2.0 feed (or a JSON Feed 1.1) with ETag and
Last-Modified, answers conditional requests with 304, redirects on request, and injects one
fault per request from its `faults` queue for the shared failure table.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from sotong.domain import PostStatus
from sotong.sources.base import (
    SourceAuthError,
    SourceError,
    SourceInvalidPayload,
    SourceSupervisor,
    SourceUnavailable,
)
from sotong.sources.http import retry_after
from sotong.sources.rss import MANIFEST, build
from sotong.sources.rss.client import fetch_feed
from sotong.sources.rss.source import MAX_ITEMS, MAX_SEEN, FeedCursor, RssOptions, RssSource
from sotong.store import posts
from tests.sources.polling import FAST, NOW, Pacer, Store
from tests.support import serve_asgi

# --- the fake feed host ---------------------------------------------------------------------


@dataclass
class FeedItem:
    id: str
    text: str
    published: datetime
    title: str = ""
    tags: tuple[str, ...] = ()


@dataclass
class FakeFeed:
    """A feed that changes on demand; `faults` are consumed one per request."""

    format: str = "rss"
    items: list[FeedItem] = field(default_factory=list)
    revision: int = 0
    faults: list[str] = field(default_factory=list)
    requests: list[httpx.Headers] = field(default_factory=list)
    not_modified: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    base_url: str = ""

    @property
    def url(self) -> str:
        return f"{self.base_url}/yeonsil2017.xml"

    def publish(
        self, item_id: str, text: str, *, title: str = "", tags: tuple[str, ...] = ()
    ) -> None:
        published = NOW + timedelta(minutes=len(self.items))
        self.items.insert(0, FeedItem(item_id, text, published, title, tags))
        self._bump()

    def edit(self, item_id: str, text: str) -> None:
        for item in self.items:
            if item.id == item_id:
                item.text = text
        self._bump()

    def _bump(self) -> None:
        self.revision += 1
        self.changed.set()

    @property
    def etag(self) -> str:
        return f'"r{self.revision}"'

    @property
    def last_modified(self) -> str:
        return format_datetime(NOW + timedelta(seconds=self.revision), usegmt=True)

    def render(self) -> tuple[bytes, str]:
        if self.format == "json":
            return orjson.dumps(
                {
                    "version": "https://jsonfeed.org/version/1.1",
                    "title": "소통 블로그",
                    "items": [
                        {
                            "id": item.id,
                            "url": f"{self.base_url}/posts/{item.id}",
                            "title": item.title or None,
                            "content_html": f"<p>{escape(item.text)}</p>",
                            "date_published": item.published.isoformat(),
                            "tags": list(item.tags),
                        }
                        for item in self.items
                    ],
                }
            ), "application/feed+json"
        entries = "".join(
            f"<item><author>yeonsil2017</author><title><![CDATA[{item.title}]]></title>"
            f"<link>{self.base_url}/posts/{item.id}?fromRss=true&amp;trackingCode=rss</link>"
            f"<guid>{self.base_url}/posts/{item.id}</guid>"
            f"<description><![CDATA[<p>{escape(item.text)}</p>]]></description>"
            f"<pubDate>{format_datetime(item.published)}</pubDate>"
            f"<tag><![CDATA[{','.join(item.tags)}]]></tag></item>"
            for item in self.items
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title><![CDATA[소통 블로그]]></title><link>{self.base_url}/</link>"
            "<description><![CDATA[fake]]></description><generator>Naver Blog</generator>"
            f"{entries}</channel></rss>"
        )
        return body.encode(), "text/xml;charset=UTF-8"

    async def serve_feed(self, request: Request) -> Response:
        self.requests.append(httpx.Headers(dict(request.headers)))
        if self.faults:
            return await self._fault(self.faults.pop(0))
        if request.headers.get("if-none-match") == self.etag:
            self.not_modified += 1
            return Response(status_code=304, headers={"ETag": self.etag})
        body, media_type = self.render()
        return Response(
            body,
            media_type=media_type,
            headers={"ETag": self.etag, "Last-Modified": self.last_modified},
        )

    async def _fault(self, fault: str) -> Response:
        body, media_type = self.render()
        if fault.isdigit():
            headers = {"Retry-After": "7"} if fault == "429" else {}
            return Response(f"error {fault}", status_code=int(fault), headers=headers)
        if fault == "timeout":
            await self.release.wait()
            return Response(body, media_type=media_type)
        if fault == "malformed":
            return Response(
                b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": ',
                media_type="application/feed+json",
            )
        if fault == "truncated":
            return Response(body[: len(body) * 2 // 3], media_type=media_type)
        if fault == "drop":
            return StreamingResponse(_dropping(body), media_type=media_type)
        if fault == "enormous":
            return StreamingResponse(_enormous(20_000_000), media_type=media_type)
        if fault == "empty":
            return Response(
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                b"</channel></rss>",
                media_type=media_type,
            )
        if fault == "html":
            return Response(
                b"<!DOCTYPE html><html><body>blog</body></html>", media_type="text/html"
            )
        raise AssertionError(fault)

    async def redirect(self, request: Request) -> Response:
        hops = int(request.path_params["hops"])
        target = f"/r/{hops - 1}" if hops > 1 else "/yeonsil2017.xml"
        return RedirectResponse(target, status_code=302 if hops % 2 else 301)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/yeonsil2017.xml", self.serve_feed),
                Route("/r/{hops:int}", self.redirect),
            ]
        )

    async def wait_for_change(self, seconds: float) -> None:
        """A source pause that ends when the feed changes: the e2e test's poll interval."""
        await self.changed.wait()
        self.changed.clear()


async def _dropping(body: bytes) -> AsyncIterator[bytes]:
    yield body[: len(body) // 2]
    raise ConnectionResetError("the fake host drops the connection mid-body")


async def _enormous(size: int) -> AsyncIterator[bytes]:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
    item = b"<item><guid>x</guid><title>" + b"x" * 1000 + b"</title></item>"
    for _ in range(size // len(item)):
        yield item


@contextlib.asynccontextmanager
async def fake_feed_host(fake: FakeFeed) -> AsyncIterator[FakeFeed]:
    async with serve_asgi(fake.app()) as base_url:
        fake.base_url = base_url
        try:
            yield fake
        finally:
            fake.release.set()


@pytest.fixture
async def feed() -> AsyncIterator[FakeFeed]:
    async with fake_feed_host(FakeFeed()) as running:
        yield running


# --- a wall to ingest into ------------------------------------------------------------------


async def statuses(store: Store, base_url: str) -> dict[str, PostStatus]:
    async with store.db.read() as connection:
        ids = [f"{base_url}/posts/{name}" for name in ("p1", "p2", "p3", "p4")]
        found = await posts.find_by_external_ids(connection, store.wall.id, "rss", ids)
    return {post.external_id.rsplit("/", 1)[1]: post.status for post in found}


def options(url: str, **extra: object) -> RssOptions:
    return RssOptions.model_validate({"url": url, **extra})


def seed(feed: FakeFeed) -> None:
    feed.publish("p1", "첫 글 #서울소셜컨퍼런스", title="시청에서")
    feed.publish("p2", "태그 없는 글", title="일상")
    feed.publish("p3", "셋째 글", title="후기", tags=("2017서울소통컨퍼런스", "서울시청"))


def ids(feed: FakeFeed, *names: str) -> list[str]:
    return sorted(f"{feed.base_url}/posts/{name}" for name in names)


# --- behaviour on both databases ------------------------------------------------------------


async def test_new_items_304_edits_and_a_restart(feed: FakeFeed, store: Store) -> None:
    seed(feed)
    source = RssSource(options(feed.url))
    context = store.context("rss-0")

    cursor = await source.poll(context, FeedCursor())
    assert await store.external_ids() == ids(feed, "p1", "p3"), "only items with a wall tag"
    assert cursor.etag == feed.etag
    assert sorted(cursor.seen) == ids(feed, "p1", "p2", "p3")

    cursor = await source.poll(context, cursor)
    assert feed.not_modified == 1
    assert feed.requests[-1]["if-none-match"] == feed.etag
    assert feed.requests[-1]["if-modified-since"] == feed.last_modified

    feed.edit("p1", "고친 글 #서울소셜컨퍼런스")
    feed.edit("p2", "이제는 태그가 있어요 #2017서울소통컨퍼런스")
    feed.publish("p4", "새 글 #서울소셜컨퍼런스")
    cursor = await source.poll(context, cursor)
    assert await store.external_ids() == ids(feed, "p1", "p2", "p3", "p4")
    async with store.db.read() as connection:
        shown = {
            post.external_id: post
            for post in await posts.list_visible(connection, store.wall.id, 10)
        }
    assert shown[f"{feed.base_url}/posts/p1"].text == "시청에서\n\n고친 글 #서울소셜컨퍼런스"

    feed.edit("p1", "태그를 지웠어요")
    cursor = await source.poll(context, cursor)
    assert (await statuses(store, feed.base_url))["p1"] is PostStatus.REMOVED

    pacer = Pacer()
    run = asyncio.create_task(
        RssSource(options(feed.url), pause=pacer.pause).run(store.context("rss-0"))
    )
    try:
        await pacer.polls(1)
    finally:
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await run
    assert feed.not_modified == 2, "a restarted source resumes from the saved validators"


async def test_match_all_takes_every_item(feed: FakeFeed, store: Store) -> None:
    seed(feed)
    await RssSource(options(feed.url, match="all")).poll(store.context("rss-0"), FeedCursor())
    assert await store.external_ids() == ids(feed, "p1", "p2", "p3")


# --- the shared failure table (SQLite) ------------------------------------------------------

FAILURES: list[tuple[str, type[SourceError] | None]] = [
    ("401", SourceAuthError),
    ("403", SourceAuthError),
    ("404", SourceUnavailable),  # sites 404 for a moment while they redeploy: keep retrying
    ("410", SourceAuthError),  # gone for good: retrying soon will not help
    ("429", SourceUnavailable),
    ("500", SourceUnavailable),
    ("timeout", SourceUnavailable),
    ("malformed", SourceInvalidPayload),
    ("truncated", SourceInvalidPayload),
    ("drop", SourceUnavailable),
    ("enormous", SourceInvalidPayload),
    ("html", SourceInvalidPayload),
    ("empty", None),
]


@pytest.mark.parametrize(("fault", "expected"), FAILURES)
async def test_failure_table(
    fault: str, expected: type[SourceError] | None, feed: FakeFeed, sqlite_store: Store
) -> None:
    seed(feed)
    pacer = Pacer()
    source = RssSource(options(feed.url), pause=pacer.pause)
    context = sqlite_store.context("rss-0")

    feed.faults = [fault]
    if expected is None:
        await source.poll(context, FeedCursor())
    else:
        with pytest.raises(expected) as caught:
            await source.poll(context, FeedCursor())
        if fault == "429":
            assert isinstance(caught.value, SourceUnavailable)
            assert caught.value.retry_after == 7
        assert str(caught.value)
    assert await sqlite_store.external_ids() == []

    feed.faults = [fault]
    supervisor = SourceSupervisor([(source, context)], backoff=FAST)
    supervisor.start()
    try:
        await pacer.polls(1)
        if expected is None:
            pacer.next()
            await pacer.polls(2)
        else:
            assert context.health.last_error, "the failure was recorded"
        assert context.health.state == "up"
    finally:
        await supervisor.stop()
    assert await sqlite_store.external_ids() == ids(feed, "p1", "p3"), "every post, once"


async def test_a_stalled_source_does_not_hold_up_another(sqlite_store: Store) -> None:
    async with (
        fake_feed_host(FakeFeed()) as stalled,
        fake_feed_host(FakeFeed()) as healthy,
    ):
        stalled.faults = ["timeout"] * 1000
        seed(healthy)
        pacer = Pacer()
        supervisor = SourceSupervisor(
            [
                (RssSource(options(stalled.url)), sqlite_store.context("stalled")),
                (RssSource(options(healthy.url), pause=pacer.pause), sqlite_store.context("ok")),
            ],
            backoff=FAST,
        )
        supervisor.start()
        try:
            await pacer.polls(1)
        finally:
            await supervisor.stop()
        assert await sqlite_store.external_ids() == ids(healthy, "p1", "p3")


async def test_redirects_are_followed_up_to_five(feed: FakeFeed, sqlite_store: Store) -> None:
    seed(feed)
    source = RssSource(options(f"{feed.base_url}/r/5"))
    await source.poll(sqlite_store.context("rss-0"), FeedCursor())
    assert await sqlite_store.external_ids() == ids(feed, "p1", "p3")
    with pytest.raises(SourceUnavailable, match="redirected more than 5"):
        await RssSource(options(f"{feed.base_url}/r/6")).poll(
            sqlite_store.context("rss-0"), FeedCursor()
        )


async def test_json_feed_from_the_server(feed: FakeFeed, sqlite_store: Store) -> None:
    feed.format = "json"
    seed(feed)
    await RssSource(options(feed.url)).poll(sqlite_store.context("rss-0"), FeedCursor())
    assert await sqlite_store.external_ids() == ["p1", "p3"]


async def test_only_the_newest_items_of_a_long_feed_are_read(
    feed: FakeFeed, sqlite_store: Store
) -> None:
    for n in range(MAX_ITEMS + 100):
        feed.publish(f"n{n}", f"글 {n} #서울소셜컨퍼런스")
    context = sqlite_store.context("rss-0")
    cursor = await RssSource(options(feed.url)).poll(context, FeedCursor())
    stored = await sqlite_store.external_ids()
    assert len(stored) == MAX_ITEMS
    assert f"{feed.base_url}/posts/n{MAX_ITEMS + 99}" in stored
    assert f"{feed.base_url}/posts/n0" not in stored
    assert context.health.skipped == {f"feed item beyond the newest {MAX_ITEMS}": 100}
    assert len(cursor.seen) == MAX_SEEN


async def test_check_reports_format_and_counts(feed: FakeFeed) -> None:
    seed(feed)
    source = build({"url": feed.url}, {})
    async with httpx.AsyncClient() as http:
        assert await source.check(http) == "RSS 2.0 feed '소통 블로그': 3 items, 2 with tags"
        feed.faults = ["401"]
        with pytest.raises(SourceAuthError, match="refused access"):
            await source.check(http)


async def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "20000000"}, content=b"<rss/>")

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(SourceInvalidPayload, match="more than max_bytes"):
            await fetch_feed(http, "http://feeds.example/feed", max_bytes=5_000_000)


# --- options and cursor ---------------------------------------------------------------------


def test_options_are_checked() -> None:
    assert MANIFEST.type == "rss"
    assert options("https://rss.blog.naver.com/yeonsil2017.xml").poll_interval_seconds == 60
    for bad, key in [
        ({"url": "ftp://example.org/feed"}, "url"),
        ({"url": "https://e.example/f", "poll_interval_seconds": 1}, "poll_interval_seconds"),
        ({"url": "https://e.example/f", "match": "everything"}, "match"),
        ({"url": "https://e.example/f", "token": "x"}, "token"),
        ({}, "url"),
    ]:
        with pytest.raises(ValueError, match=key):
            build(bad, {})


def test_cursor_is_bounded_and_forgiving() -> None:
    cursor = FeedCursor()
    for start in range(0, 600, 100):
        cursor = cursor.advanced(None, None, {f"id-{n}": "h" for n in range(start, start + 100)})
    assert len(cursor.seen) == MAX_SEEN
    assert "id-599" in cursor.seen
    assert "id-0" not in cursor.seen
    assert FeedCursor.load(cursor.dump()) == cursor
    for broken in (None, "", "garbage", "[1]", '{"seen": "x", "etag": 5}'):
        assert FeedCursor.load(broken) == FeedCursor()


def test_retry_after_takes_seconds_or_a_date() -> None:
    now = datetime(2017, 11, 10, 1, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120
    assert retry_after("Fri, 10 Nov 2017 01:02:00 GMT", now) == 120
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None
