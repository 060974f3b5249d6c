"""The Naver source against a local fake of `GET /v1/search/{kind}.json`.

The fake follows the reference pages (fixtures/README.md): it checks the X-Naver-Client-Id and
X-Naver-Client-Secret headers (401 `024` otherwise), `display` ≤ 100 (400 `SE02`), `start` ≤ 1000
(400 `SE03`), sorts newest first, answers a text search (the query's `#` is not required in the
text, as on Naver), wraps matches in `<b>`, and injects one fault per request from `faults`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sotong.sources.base import (
    SourceAuthError,
    SourceContext,
    SourceError,
    SourceInvalidPayload,
    SourceSupervisor,
    SourceUnavailable,
)
from sotong.sources.naver import MANIFEST, build
from sotong.sources.naver.parse import plain
from sotong.sources.naver.source import (
    NaverOptions,
    NaverSource,
    QueryCursor,
    calls_per_day,
    ensure_within_quota,
    load_cursor,
)
from tests.sources.polling import FAST, Pacer, Store
from tests.support import serve_asgi

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"
TAG = "서울소셜컨퍼런스"
LATE_EVENING_UTC = datetime(2017, 11, 10, 14, 0, tzinfo=UTC)  # 23:00 in Seoul
ENV = {"NAVER_ID": CLIENT_ID, "NAVER_SECRET": CLIENT_SECRET}


def error(status: int, code: str, message: str, **headers: str) -> Response:
    return JSONResponse({"errorMessage": message, "errorCode": code}, status, headers=headers)


@dataclass
class FakeNaver:
    results: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"blog": [], "cafearticle": [], "image": []}
    )
    faults: list[str] = field(default_factory=list)
    calls: list[tuple[str, str, int]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    base_url: str = ""
    published: int = 0

    def blog(self, text: str, *, title: str = "블로그 글", date: str = "20171110") -> str:
        self.published += 1
        link = f"https://blog.naver.com/fake_blog/2211375{self.published:05d}"
        self.results["blog"].insert(
            0,
            {
                "title": title,
                "link": link,
                "description": text,
                "bloggername": "가짜 블로그",
                "bloggerlink": "blog.naver.com/fake_blog",
                "postdate": date,
            },
        )
        return link

    def cafe(self, text: str) -> str:
        self.published += 1
        link = f"https://cafe.naver.com/seoulsotong/{self.published}"
        self.results["cafearticle"].insert(
            0,
            {
                "title": "카페 글",
                "link": link,
                "description": text,
                "cafename": "서울 소통 카페",
                "cafeurl": "https://cafe.naver.com/seoulsotong",
            },
        )
        return link

    def image(self, title: str) -> str:
        self.published += 1
        link = f"https://blogfiles.pstatic.net/fake/{self.published}.jpg"
        self.results["image"].insert(
            0,
            {
                "title": title,
                "link": link,
                "thumbnail": f"https://search.pstatic.net/common/?src={link}&type=b150",
                "sizeheight": "533",
                "sizewidth": "799",
            },
        )
        return link

    async def search(self, request: Request) -> Response:
        kind = str(request.path_params["api"]).removesuffix(".json")
        query = request.query_params.get("query", "")
        start = int(request.query_params.get("start", "1"))
        display = int(request.query_params.get("display", "10"))
        self.calls.append((kind, query, start))
        if self.faults:
            return await self._fault(self.faults.pop(0))
        if kind not in self.results:
            return error(404, "SE05", "Invalid search api (존재하지 않는 검색 api 입니다.)")
        if (
            request.headers.get("x-naver-client-id") != CLIENT_ID
            or request.headers.get("x-naver-client-secret") != CLIENT_SECRET
        ):
            return error(
                401, "024", "Not Exist Client ID : Authentication failed. (인증에 실패했습니다.)"
            )
        if not 1 <= display <= 100:
            return error(400, "SE02", "Invalid display value (부적절한 display 값입니다.)")
        if not 1 <= start <= 1000:
            return error(400, "SE03", "Invalid start value (부적절한 start 값입니다.)")
        assert request.query_params.get("sort") == "date"
        word = query.lstrip("#")
        matching = [
            item
            for item in self.results[kind]
            if word in plain(f"{item['title']} {item.get('description', '')}")
        ]
        items = [
            {
                key: value.replace(word, f"<b>{word}</b>")
                if key in ("title", "description")
                else value
                for key, value in item.items()
            }
            for item in matching[start - 1 : start - 1 + display]
        ]
        return JSONResponse(
            {
                "lastBuildDate": "Fri, 10 Nov 2017 23:00:00 +0900",
                "total": len(matching),
                "start": start,
                "display": len(items),
                "items": items,
            }
        )

    async def _fault(self, fault: str) -> Response:
        if fault == "429":
            return error(
                429,
                "012",
                "Rate limit exceeded. (속도 제한을 초과했습니다.)",
                **{"Retry-After": "7"},
            )
        if fault == "quota":
            return error(429, "010", "Query limit exceeded. (호출 한도를 초과했습니다.)")
        if fault == "401":
            return error(401, "024", "Authentication failed. (인증에 실패했습니다.)")
        if fault == "403":
            return Response("<html>403 Forbidden</html>", 403, media_type="text/html")
        if fault == "404":
            return error(404, "SE05", "Invalid search api (존재하지 않는 검색 api 입니다.)")
        if fault == "400":
            return error(400, "SE01", "Incorrect query request (잘못된 쿼리요청입니다.)")
        if fault == "500":
            return error(500, "SE99", "System Error (시스템 에러)")
        if fault == "timeout":
            await self.release.wait()
            return JSONResponse({"items": []})
        body = orjson.dumps({"total": 3, "start": 1, "display": 3, "items": self.results["blog"]})
        if fault == "malformed":
            return Response(b"{'items': [}", media_type="application/json")
        if fault == "truncated":
            return Response(body[: len(body) // 2], media_type="application/json")
        if fault == "drop":
            return StreamingResponse(_dropping(body), media_type="application/json")
        if fault == "enormous":
            return StreamingResponse(_enormous(), media_type="application/json")
        if fault == "empty":
            return JSONResponse(
                {"lastBuildDate": "x", "total": 0, "start": 1, "display": 0, "items": []}
            )
        raise AssertionError(fault)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/search/{api}", self.search)])

    def starts(self, kind: str = "blog") -> list[int]:
        return [start for called, _, start in self.calls if called == kind]


async def _dropping(body: bytes) -> AsyncIterator[bytes]:
    yield body[: len(body) // 2]
    raise ConnectionResetError("the fake Naver drops the connection mid-body")


async def _enormous() -> AsyncIterator[bytes]:
    yield b'{"total": 100000, "start": 1, "display": 100000, "items": ['
    item = orjson.dumps({"title": "x" * 900, "link": "https://blog.naver.com/x/1"}) + b","
    for _ in range(20_000_000 // len(item)):
        yield item
    yield b"{}]}"


@pytest.fixture
async def naver() -> AsyncIterator[FakeNaver]:
    fake = FakeNaver()
    async with serve_asgi(fake.app()) as base_url:
        fake.base_url = base_url
        try:
            yield fake
        finally:
            fake.release.set()


def source(naver: FakeNaver, pacer: Pacer | None = None, **extra: object) -> NaverSource:
    options = NaverOptions.model_validate(
        {
            "client_id_env": "NAVER_ID",
            "client_secret_env": "NAVER_SECRET",
            "base_url": naver.base_url,
            **extra,
        }
    )
    if pacer is None:
        return NaverSource(options, CLIENT_ID, CLIENT_SECRET)
    return NaverSource(options, CLIENT_ID, CLIENT_SECRET, pause=pacer.pause)


def context_at(store: Store, key: str = "naver-0") -> SourceContext:
    context = store.context(key)
    context.clock = lambda: LATE_EVENING_UTC
    return context


@contextlib.asynccontextmanager
async def running(naver_source: NaverSource, context: SourceContext) -> AsyncIterator[None]:
    task = asyncio.create_task(naver_source.run(context))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # a source that failed on its own raises its error here


# --- behaviour on both databases ------------------------------------------------------------


async def test_polls_each_tag_pages_back_to_the_known_and_resumes(
    naver: FakeNaver, store: Store
) -> None:
    shown = [naver.blog(f"첫 글 #{TAG}"), naver.blog(f"둘째 글 #{TAG} 사진")]
    naver.blog(f"해시 없이 {TAG} 이야기")
    pacer = Pacer()
    async with running(source(naver, pacer), context_at(store)):
        await pacer.polls(1)
        assert [(kind, query) for kind, query, _ in naver.calls] == [
            ("blog", "#2017서울소통컨퍼런스"),
            ("blog", f"#{TAG}"),
        ]
        assert await store.external_ids() == sorted(shown), "only results with the hashtag"

        shown += [naver.blog(f"새 글 {n} #{TAG}") for n in range(150)]
        naver.calls.clear()
        pacer.next()
        await pacer.polls(2)
        assert naver.starts() == [1, 1, 101], "the tag with news pages back until it meets a known"
        assert await store.external_ids() == sorted(shown)

    naver.calls.clear()
    restarted = Pacer()
    context = context_at(store)
    async with running(source(naver, restarted), context):
        await restarted.polls(1)
    assert naver.starts() == [1, 1], "the saved cursor: one page per tag"
    assert context.health.posts_today == 0
    assert await store.external_ids() == sorted(shown)


async def test_cafe_and_image_kinds(naver: FakeNaver, store: Store) -> None:
    cafe = naver.cafe(f"후기 #{TAG}")
    image = naver.image(f"무대 사진 #{TAG}")
    naver.image(f"무대 사진 {TAG}")
    pacer = Pacer()
    async with running(source(naver, pacer, kinds=["cafearticle", "image"]), context_at(store)):
        await pacer.polls(1)
    assert await store.external_ids() == sorted([cafe, image])
    assert {kind for kind, _, _ in naver.calls} == {"cafearticle", "image"}


# --- paging (SQLite) ------------------------------------------------------------------------


async def test_a_first_run_takes_only_the_newest_page(
    naver: FakeNaver, sqlite_store: Store
) -> None:
    for n in range(250):
        naver.blog(f"글 {n} #{TAG}")
    state: dict[str, QueryCursor] = {}
    naver_source = source(naver)
    context = context_at(sqlite_store)
    await naver_source.poll(context, naver_source.client(context.http), state, "blog", f"#{TAG}")
    assert naver.starts() == [1]
    assert len(await sqlite_store.external_ids()) == 100
    assert len(state[f"blog {TAG}"].links) == 100


async def test_results_after_an_empty_first_run_are_all_taken(
    naver: FakeNaver, sqlite_store: Store
) -> None:
    state: dict[str, QueryCursor] = {}
    naver_source = source(naver)
    context = context_at(sqlite_store)
    client = naver_source.client(context.http)
    await naver_source.poll(context, client, state, "blog", f"#{TAG}")
    assert load_cursor(await context.load_cursor()) == {f"blog {TAG}": QueryCursor()}
    shown = [naver.blog(f"글 {n} #{TAG}") for n in range(150)]
    await naver_source.poll(context, client, state, "blog", f"#{TAG}")
    assert naver.starts() == [1, 1, 101]
    assert await sqlite_store.external_ids() == sorted(shown)


async def test_paging_stops_at_naver_s_limit_of_1000(naver: FakeNaver, sqlite_store: Store) -> None:
    for n in range(1200):
        naver.blog(f"글 {n} {TAG}")  # no hashtag: nothing to store, only paging to watch
    state = {f"blog {TAG}": QueryCursor(links=["https://blog.naver.com/deleted/1"])}
    naver_source = source(naver)
    context = context_at(sqlite_store)
    await naver_source.poll(context, naver_source.client(context.http), state, "blog", f"#{TAG}")
    assert naver.starts() == list(range(1, 1000, 100))


async def test_an_older_postdate_ends_paging(naver: FakeNaver, sqlite_store: Store) -> None:
    for n in range(100):
        naver.blog(f"어제 글 {n} #{TAG}", date="20171109")
    for n in range(150):
        naver.blog(f"오늘 글 {n} #{TAG}")
    state = {
        f"blog {TAG}": QueryCursor(links=["https://blog.naver.com/deleted/1"], date="20171110")
    }
    naver_source = source(naver)
    context = context_at(sqlite_store)
    await naver_source.poll(context, naver_source.client(context.http), state, "blog", f"#{TAG}")
    assert naver.starts() == [1, 101]
    assert load_cursor(await context.load_cursor())[f"blog {TAG}"].date == "20171110"


# --- the shared failure table (SQLite) ------------------------------------------------------

FAILURES: list[tuple[str, type[SourceError] | None, float | None]] = [
    ("401", SourceAuthError, None),
    ("403", SourceAuthError, None),
    ("404", SourceAuthError, None),  # no such search API: base_url is wrong, retrying won't help
    ("429", SourceUnavailable, 7.0),
    ("quota", SourceUnavailable, 3600.0),  # daily quota: until midnight KST
    ("400", SourceInvalidPayload, None),
    ("500", SourceUnavailable, None),
    ("timeout", SourceUnavailable, None),
    ("malformed", SourceInvalidPayload, None),
    ("truncated", SourceInvalidPayload, None),
    ("drop", SourceUnavailable, None),
    ("enormous", SourceInvalidPayload, None),
    ("empty", None, None),
]


@pytest.mark.parametrize(("fault", "expected", "retry"), FAILURES)
async def test_failure_table(
    fault: str,
    expected: type[SourceError] | None,
    retry: float | None,
    naver: FakeNaver,
    sqlite_store: Store,
) -> None:
    shown = [naver.blog(f"첫 글 #{TAG}"), naver.blog(f"둘째 글 #{TAG}")]
    pacer = Pacer()
    naver_source = source(naver, pacer)
    context = context_at(sqlite_store)
    client = naver_source.client(context.http, context)

    naver.faults = [fault]
    if expected is None:
        await naver_source.poll(context, client, {}, "blog", f"#{TAG}")
    else:
        with pytest.raises(expected) as caught:
            await naver_source.poll(context, client, {}, "blog", f"#{TAG}")
        assert str(caught.value)
        if isinstance(caught.value, SourceUnavailable):
            assert caught.value.retry_after == retry
    assert await sqlite_store.external_ids() == []

    naver.faults = [fault]
    supervisor = SourceSupervisor([(naver_source, context)], backoff=FAST)
    supervisor.start()
    try:
        await pacer.polls(1)
        if expected is None:
            pacer.next()
            await pacer.polls(2)
        else:
            assert context.health.last_error
        assert context.health.state == "up"
    finally:
        await supervisor.stop()
    assert await sqlite_store.external_ids() == sorted(shown), "every post, once"


# --- check, quota, options ------------------------------------------------------------------


async def test_check_reports_counts_and_the_daily_budget(naver: FakeNaver) -> None:
    naver.blog(f"#소통 하는 글 #{TAG}")
    naver.image("소통 사진")
    checked = build(
        {
            "client_id_env": "NAVER_ID",
            "client_secret_env": "NAVER_SECRET",
            "base_url": naver.base_url,
            "kinds": ["blog", "image"],
        },
        ENV,
    )
    async with httpx.AsyncClient() as http:
        assert await checked.check(http) == (
            "blog 1 results, image 1 results for '#소통'; 2,880 calls a day per wall hashtag "
            "(quota 25,000)"
        )
        wrong = build(
            {
                "client_id_env": "NAVER_ID",
                "client_secret_env": "NAVER_SECRET",
                "base_url": naver.base_url,
            },
            {"NAVER_ID": "wrong", "NAVER_SECRET": "wrong"},
        )
        with pytest.raises(SourceAuthError, match="Authentication failed"):
            await wrong.check(http)


def test_calls_a_day_and_the_quota() -> None:
    assert calls_per_day(tags=2, kinds=1, interval=60) == 2880
    assert calls_per_day(tags=2, kinds=3, interval=60) == 8640
    ensure_within_quota(17, 1, 60)
    with pytest.raises(ValueError, match="poll every 104 s or more"):
        ensure_within_quota(30, 1, 60)


async def test_run_refuses_an_interval_over_the_quota_for_the_wall_s_tags(
    naver: FakeNaver, sqlite_store: Store
) -> None:
    over = source(naver, kinds=["blog", "cafearticle", "image"], poll_interval_seconds=11)
    with pytest.raises(ValueError, match="2 hashtag\\(s\\) × 3 kind\\(s\\) every 11 s make 47,130"):
        await over.run(context_at(sqlite_store))
    assert naver.calls == []


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        ({"client_secret_env": "NAVER_SECRET"}, ENV, "client_id_env"),
        ({"client_id_env": "NAVER_ID", "client_secret_env": "MISSING"}, ENV, "MISSING is not set"),
        (
            {"client_id_env": "NAVER_ID", "client_secret_env": "NAVER_SECRET", "kinds": ["news"]},
            ENV,
            "kinds",
        ),
        (
            {"client_id_env": "NAVER_ID", "client_secret_env": "NAVER_SECRET", "kinds": []},
            ENV,
            "kinds",
        ),
        (
            {
                "client_id_env": "NAVER_ID",
                "client_secret_env": "NAVER_SECRET",
                "base_url": "ftp://x",
            },
            ENV,
            "base_url",
        ),
        (
            {"client_id_env": "NAVER_ID", "client_secret_env": "NAVER_SECRET", "client_id": "x"},
            ENV,
            "client_id",
        ),
        (
            {
                "client_id_env": "NAVER_ID",
                "client_secret_env": "NAVER_SECRET",
                "kinds": ["blog", "cafearticle", "image"],
                "poll_interval_seconds": 10,
            },
            ENV,
            "25,920 Naver calls a day",
        ),
    ],
)
def test_options_are_checked(options: dict[str, Any], env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(options, env)


def test_defaults_and_manifest() -> None:
    built = build(
        {
            "client_id_env": "NAVER_ID",
            "client_secret_env": "NAVER_SECRET",
            "kinds": ["blog", "blog"],
        },
        ENV,
    )
    assert isinstance(built, NaverSource)
    assert built.options.kinds == ["blog"]
    assert built.options.poll_interval_seconds == 60
    assert built.options.base_url == "https://openapi.naver.com"
    assert MANIFEST.type == "naver"
    assert load_cursor("garbage") == {}
    assert load_cursor('{"blog x": {"links": ["a", 3], "date": 5}, "bad": 1}') == {
        "blog x": QueryCursor(["a"], None)
    }
