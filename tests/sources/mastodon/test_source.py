"""The Mastodon source against a local fake Mastodon (REST, WebSocket and SSE; see fake.py).

Protocol references: https://docs.joinmastodon.org/methods/timelines/#tag,
https://docs.joinmastodon.org/methods/streaming/, https://docs.joinmastodon.org/methods/instance/#v2.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sotong.config import WallSettings
from sotong.domain import CursorUpdate, IncomingPost, IngestResult, Wall
from sotong.live.bus import MemoryBus
from sotong.pipeline.ingest import IngestPipeline
from sotong.sources.base import (
    Backoff,
    SourceAuthError,
    SourceContext,
    SourceError,
    SourceInvalidPayload,
    SourceSupervisor,
    SourceUnavailable,
)
from sotong.sources.mastodon import MANIFEST, build
from sotong.sources.mastodon.source import (
    Cursors,
    MastodonOptions,
    MastodonSource,
    chunked,
    wall_tags,
)
from sotong.sources.mastodon.stream import StreamSettings
from sotong.store.database import Database
from sotong.store.tables import posts
from sotong.store.walls import sync_walls
from tests.sources.mastodon.fake import REST_FAULTS, STREAM_FAULTS, FakeMastodon
from tests.support import SEED_TAGS

NOW = datetime(2017, 11, 10, tzinfo=UTC)
TOKEN = "good-token"
TAGS = ("2017서울소통컨퍼런스", "서울소셜컨퍼런스")
MANY_TAGS = [
    "#서울소셜컨퍼런스",
    "#2017서울소통컨퍼런스",
    "#SeoulSocial",
    "#seoulsocial",
    "#소통",
    "#시민",
    "#버스",
    "＃텀블러",
]


class Recorder(IngestPipeline):
    """The real pipeline, telling the test what happened so it can wait instead of sleeping."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, MemoryBus())
        self.changed = asyncio.Condition()
        self.created: list[str] = []
        self.removed: list[str] = []
        self.edited: list[str] = []

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def ingest_batch(
        self, wall: Wall, batch: Sequence[IncomingPost], *, cursor: CursorUpdate | None = None
    ) -> list[IngestResult]:
        results = await super().ingest_batch(wall, batch, cursor=cursor)
        self.created += [p.external_id for p, r in zip(batch, results, strict=True) if r.created]
        await self._notify()
        return results

    async def remove_at_source(
        self,
        wall: Wall,
        source: str,
        external_ids: Sequence[str],
        *,
        cursor: CursorUpdate | None = None,
    ) -> int:
        removed = await super().remove_at_source(wall, source, external_ids, cursor=cursor)
        self.removed += external_ids
        await self._notify()
        return removed

    async def edit_at_source(
        self, wall: Wall, edited: Sequence[IncomingPost], *, cursor: CursorUpdate | None = None
    ) -> int:
        changed = await super().edit_at_source(wall, edited, cursor=cursor)
        self.edited += [post.external_id for post in edited]
        await self._notify()
        return changed

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(predicate), timeout)

    async def wait_created(self, ids: Sequence[str]) -> None:
        await self.wait_for(lambda: set(ids) <= set(self.created))


@dataclass
class Harness:
    db: Database
    walls: dict[str, Wall]
    pipeline: Recorder
    http: httpx.AsyncClient
    tmp_path: Path

    def context(self, key: str = "mastodon-0", wall: str = "seoul2017") -> SourceContext:
        return SourceContext(
            self.walls[wall], key, self.pipeline, self.db, self.tmp_path / "media", self.http
        )

    async def stored(self, wall: str = "seoul2017") -> dict[str, str]:
        """external_id -> status of every stored Mastodon post, each asserted to be there once."""
        async with self.db.read() as connection:
            rows = await connection.execute(
                sa.select(posts.c.external_id, posts.c.status).where(
                    posts.c.wall_id == self.walls[wall].id, posts.c.source == "mastodon"
                )
            )
            found: dict[str, str] = {}
            for external_id, status in rows:
                assert external_id not in found, f"{external_id} stored twice"
                found[external_id] = status
        assert len(self.pipeline.created) == len(set(self.pipeline.created)), "created twice"
        return found

    async def text_of(self, external_id: str) -> str:
        async with self.db.read() as connection:
            text = await connection.scalar(
                sa.select(posts.c.text).where(posts.c.external_id == external_id)
            )
        return str(text)


@pytest.fixture
async def fake() -> AsyncIterator[FakeMastodon]:
    async with FakeMastodon().running() as running:
        yield running


@pytest.fixture
async def harness(db: Database, tmp_path: Path) -> AsyncIterator[Harness]:
    walls = [
        WallSettings(slug="seoul2017", title="서울", hashtags=SEED_TAGS, moderation="post"),
        WallSettings(slug="many", title="Many tags", hashtags=MANY_TAGS, moderation="post"),
    ]
    async with db.write() as connection:
        synced = await sync_walls(connection, walls, NOW)
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, read=0.5)) as http:
        yield Harness(db, {w.slug: w for w in synced}, Recorder(db), http, tmp_path)


def make_source(
    fake: FakeMastodon, *, token: str | None = None, mode: str | None = None
) -> MastodonSource:
    options = MastodonOptions.model_validate(
        {
            "base_url": fake.url,
            "access_token_env": "MASTODON_TOKEN" if token else None,
            "mode": mode,
            "poll_interval_seconds": 0.01,
        }
    )
    settings = StreamSettings(
        open_timeout=0.5, ping_interval=None, sse_read_timeout=2, max_event_bytes=64 * 1024
    )
    return MastodonSource(options, token, stream_settings=settings)


@contextlib.asynccontextmanager
async def supervised(*runs: tuple[MastodonSource, SourceContext]) -> AsyncIterator[None]:
    supervisor = SourceSupervisor(
        list(runs), backoff=Backoff(initial=0.01, maximum=0.05, auth_failure=0.05)
    )
    supervisor.start()
    try:
        yield
    finally:
        await supervisor.stop()


async def run_until_error(source: MastodonSource, context: SourceContext) -> SourceError:
    with pytest.raises(SourceError) as raised:
        await asyncio.wait_for(source.run(context), 10)
    return raised.value


# --- options -------------------------------------------------------------------------------------


def test_options_and_defaults() -> None:
    assert MANIFEST.type == "mastodon"
    assert MANIFEST.push
    polling = build({"base_url": "https://mastodon.social/"}, {})
    assert isinstance(polling, MastodonSource)
    assert polling.mode == "poll"
    assert polling.options.base_url == "https://mastodon.social"
    assert polling.options.poll_interval_seconds == 15
    streaming = build({"base_url": "https://a.example", "access_token_env": "T"}, {"T": "x"})
    assert isinstance(streaming, MastodonSource)
    assert streaming.mode == "stream"
    forced = build(
        {"base_url": "https://a.example", "access_token_env": "T", "mode": "poll"}, {"T": "x"}
    )
    assert isinstance(forced, MastodonSource)
    assert forced.mode == "poll"


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        ({"base_url": "https://a.example", "token": "x"}, {}, "token: Extra inputs"),
        ({}, {}, "base_url: Field required"),
        ({"base_url": "ftp://a.example"}, {}, "base_url"),
        ({"base_url": "https://a.example", "mode": "stream"}, {}, "mode"),
        ({"base_url": "https://a.example", "mode": "push"}, {}, "mode"),
        ({"base_url": "https://a.example", "access_token_env": "T"}, {}, "T is not set"),
        ({"base_url": "https://a.example", "poll_interval_seconds": 0}, {}, "poll_interval"),
        ({"base_url": "https://a.example", "streaming_url": "ftp://x"}, {}, "streaming_url"),
    ],
)
def test_bad_options_name_the_key(
    options: dict[str, object], env: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build(options, env)


def test_wall_tags_and_chunks() -> None:
    tags = wall_tags(MANY_TAGS)
    assert tags == [
        "서울소셜컨퍼런스",
        "2017서울소통컨퍼런스",
        "SeoulSocial",
        "소통",
        "시민",
        "버스",
        "텀블러",
    ]
    assert chunked(tags) == [tuple(tags[:4]), tuple(tags[4:])]
    assert wall_tags(["#\u1109\u1165\u110b\u116e\u11af"]) == ["서울"]  # decomposed Hangul


def test_cursors_are_forgiving_and_survive_tag_changes() -> None:
    chunks = chunked(["a", "b", "c", "d", "e"])
    cursors = Cursors(chunks, None)
    assert cursors.newest == [None, None]
    assert cursors.advance(0, "109348677773283528")
    assert not cursors.advance(0, "109348677773283527"), "never backwards (integer compare)"
    assert cursors.advance(1, "90")
    saved = cursors.dump()
    assert json.loads(saved) == {
        "v": 1,
        "chunks": [
            {"tags": ["a", "b", "c", "d"], "newest": "109348677773283528"},
            {"tags": ["e"], "newest": "90"},
        ],
    }
    assert Cursors(chunks, saved).newest == ["109348677773283528", "90"]
    # a tag added to the wall: the changed chunk resumes where its old tags were
    assert Cursors(chunked(["a", "b", "c", "d", "e", "f"]), saved).newest[1] == "90"
    # reshuffled: the oldest cursor of the chunks it shares tags with
    assert Cursors([("A", "e")], saved).newest == ["90"]
    assert Cursors([("z",)], saved).newest == [None]
    for garbage in ("", "not json", '{"chunks": 5}', "[1]", '{"chunks": [{"tags": "a"}]}'):
        assert Cursors(chunks, garbage).newest == [None, None]
    assert cursors.advance_for_tags({"e", "x"}, "95")
    assert cursors.newest == ["109348677773283528", "95"]
    assert not cursors.advance_for_tags({"x"}, "999")


# --- polling -------------------------------------------------------------------------------------


async def test_first_run_takes_the_newest_page_then_pages_forward_with_min_id(
    fake: FakeMastodon, harness: Harness
) -> None:
    old = await fake.post(100, stream=False)
    context = harness.context()
    async with supervised((make_source(fake), context)):
        await harness.pipeline.wait_for(lambda: len(harness.pipeline.created) >= 40)
        later = await fake.post(90, stream=False)
        await harness.pipeline.wait_created(later)
    assert harness.pipeline.created == old[-40:] + later
    first, *rest = fake.timeline_requests
    assert first["tag"] == ["2017서울소통컨퍼런스"]
    assert first["any[]"] == ["서울소셜컨퍼런스"]
    assert first["limit"] == ["40"]
    assert "min_id" not in first
    assert all(r["any[]"] == ["서울소셜컨퍼런스"] for r in rest), "next pages keep any[]"
    assert all("since_id" not in r and "max_id" not in r for r in fake.timeline_requests)
    forward = {r["min_id"][0] for r in rest}
    assert {old[-1], later[39], later[79]} <= forward
    saved = json.loads(await context.load_cursor() or "")
    assert saved == {"v": 1, "chunks": [{"tags": sorted(TAGS), "newest": later[-1]}]}
    assert set(await harness.stored()) == set(old[-40:] + later)


async def test_a_restart_pages_forward_from_the_saved_cursor(
    fake: FakeMastodon, harness: Harness
) -> None:
    first = await fake.post(5, stream=False)
    async with supervised((make_source(fake), harness.context())):
        await harness.pipeline.wait_created(first)
    downtime = await fake.post(100, stream=False)
    async with supervised((make_source(fake), harness.context())):
        await harness.pipeline.wait_created(downtime)
    assert set(await harness.stored()) == set(first + downtime)


async def test_every_tag_of_the_wall_is_polled_four_to_a_request(
    fake: FakeMastodon, harness: Harness
) -> None:
    expected = []
    for tag in ("SeoulSocial", "소통", "시민", "버스", "텀블러"):
        expected += await fake.post(1, stream=False, tags=(tag,))
    context = harness.context(wall="many")
    async with supervised((make_source(fake), context)):
        await harness.pipeline.wait_created(expected)
    asked = [(r["tag"] + r.get("any[]", [])) for r in fake.timeline_requests[:2]]
    assert asked == [
        ["서울소셜컨퍼런스", "2017서울소통컨퍼런스", "SeoulSocial", "소통"],
        ["시민", "버스", "텀블러"],
    ]
    saved = json.loads(await context.load_cursor() or "")
    assert [chunk["newest"] for chunk in saved["chunks"]] == [expected[1], expected[-1]]
    assert set(await harness.stored(wall="many")) == set(expected)


async def test_boosts_are_not_posts_and_broken_statuses_are_counted(
    fake: FakeMastodon, harness: Harness
) -> None:
    boosted = fake.status("원본")
    await fake.publish(fake.status("", reblog=boosted), stream=False)
    await fake.publish(fake.status("계정 없음", account=None), stream=False)
    await fake.publish(fake.status("비공개", visibility="direct"), stream=False)
    good = await fake.post(1, stream=False, text="좋은 글")
    context = harness.context()
    async with supervised((make_source(fake), context)):
        await harness.pipeline.wait_created(good)
    assert set(await harness.stored()) == set(good)
    assert context.health.skipped == {"status without an account": 1, "status is not public": 1}


async def test_a_used_up_rate_limit_pauses_until_its_reset(
    fake: FakeMastodon, harness: Harness
) -> None:
    ids = await fake.post(3, stream=False)
    fake.rate_limit_remaining = 1
    error = await run_until_error(make_source(fake), harness.context())
    assert isinstance(error, SourceUnavailable)
    assert error.retry_after is not None
    assert 20 < error.retry_after <= 30
    assert len(fake.timeline_requests) == 1, "no request is sent while the budget is used up"
    assert set(await harness.stored()) == set(ids), "the last answer was still used"


# --- streaming -----------------------------------------------------------------------------------


async def test_websocket_streaming_with_updates_edits_and_deletes(
    fake: FakeMastodon, harness: Harness
) -> None:
    old = await fake.post(3, stream=False)
    context = harness.context()
    async with supervised((make_source(fake, token=TOKEN), context)):
        await harness.pipeline.wait_created(old)
        await fake.wait_for(lambda: fake.subscribed(*TAGS))
        requests_before = len(fake.timeline_requests)
        live = await fake.post(1, text="실시간 소식")
        await harness.pipeline.wait_created(live)
        assert json.loads(await context.load_cursor() or "")["chunks"][0]["newest"] == live[0]
        fake.edit(live[0], "고쳐 쓴 소식")
        await harness.pipeline.wait_for(lambda: live[0] in harness.pipeline.edited)
        fake.delete(old[0])
        await harness.pipeline.wait_for(lambda: old[0] in harness.pipeline.removed)
        assert len(fake.timeline_requests) == requests_before, "streaming does not poll"
    assert "고쳐 쓴 소식" in await harness.text_of(live[0])
    stored = await harness.stored()
    assert set(stored) == set(old + live)
    assert stored[old[0]] == "removed"
    (headers,) = fake.websocket_headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert fake.timeline_requests[0].get("min_id") is None


async def test_every_reconnect_catches_up_through_rest(
    fake: FakeMastodon, harness: Harness
) -> None:
    async with supervised((make_source(fake, token=TOKEN), harness.context())):
        await fake.wait_for(lambda: fake.subscribed(*TAGS))
        live = await fake.post(2)
        await harness.pipeline.wait_created(live)
        fake.hold = asyncio.Event()
        fake.drop_streams()
        await fake.wait_for(lambda: len(fake.websocket_headers) == 2)  # reconnecting, held
        gap = await fake.post(45)  # nobody is subscribed: only REST can bring these
        fake.hold.set()
        await harness.pipeline.wait_created(gap)
        await fake.wait_for(lambda: fake.subscribed(*TAGS))
        after = await fake.post(1)
        await harness.pipeline.wait_created(after)
    assert set(await harness.stored()) == set(live + gap + after)
    forward = [r["min_id"][0] for r in fake.timeline_requests if "min_id" in r]
    assert forward[0] == live[-1], "the catch-up started where the stream left off"


async def test_sse_when_the_websocket_is_refused(fake: FakeMastodon, harness: Harness) -> None:
    # The advertised streaming host is a proxy without WebSocket support (it answers 403).
    fake.instance["configuration"]["urls"]["streaming"] = fake.url.replace("http", "ws")
    old = await fake.post(2, stream=False)
    async with supervised((make_source(fake, token=TOKEN), harness.context())):
        await harness.pipeline.wait_created(old)
        await fake.wait_for(lambda: fake.subscribed(TAGS[0]) and fake.subscribed(TAGS[1]))
        live = await fake.post(1, tags=(TAGS[0],))
        await harness.pipeline.wait_created(live)
        fake.edit(live[0], "SSE로 고침", tags=(TAGS[0],))
        await harness.pipeline.wait_for(lambda: live[0] in harness.pipeline.edited)
        fake.delete(old[1])
        await harness.pipeline.wait_for(lambda: old[1] in harness.pipeline.removed)
    assert fake.connections == 2, "one SSE stream per tag"
    assert "SSE로 고침" in await harness.text_of(live[0])
    stored = await harness.stored()
    assert set(stored) == set(old + live)
    assert stored[old[1]] == "removed"


async def test_a_refused_token_is_an_auth_error(fake: FakeMastodon, harness: Harness) -> None:
    error = await run_until_error(make_source(fake, token="revoked"), harness.context())
    assert isinstance(error, SourceAuthError)
    assert "refused the access token in MASTODON_TOKEN" in str(error)


async def test_hashtag_feeds_closed_to_anonymous_users_stop_a_tokenless_source(
    fake: FakeMastodon, harness: Harness
) -> None:
    feeds = fake.instance["configuration"]["timelines_access"]["hashtag_feeds"]
    feeds["local"] = "authenticated"
    error = await run_until_error(make_source(fake), harness.context())
    assert isinstance(error, SourceAuthError)
    assert "requires an access token for hashtag timelines: set access_token_env" in str(error)
    assert fake.timeline_requests == []


# --- sotong check --------------------------------------------------------------------------------


async def check(fake: FakeMastodon, token: str | None = None) -> str:
    async with httpx.AsyncClient(timeout=2) as http:
        return await make_source(fake, token=token).check(http)


async def test_check_reports_the_instance_and_how_it_will_read(fake: FakeMastodon) -> None:
    assert await check(fake) == (
        "social.example.kr, version 4.5.0; hashtag timeline readable without a token; "
        "polls every 0.01 s"
    )
    assert await check(fake, TOKEN) == (
        "social.example.kr, version 4.5.0; hashtag timeline readable with the access token; "
        "streams over WebSocket"
    )
    fake.instance["configuration"]["urls"]["streaming"] = fake.url
    assert (await check(fake, TOKEN)).endswith("streams over SSE")
    fake.instance_versions = {1}
    assert (await check(fake)).startswith("social.example.kr, version 3.5.3;")


@pytest.mark.parametrize(
    ("setup", "token", "error", "message"),
    [
        ("require_token", None, SourceAuthError, "requires an access token for hashtag timelines"),
        ("authenticated", None, SourceAuthError, "requires an access token for hashtag timelines"),
        ("disabled", TOKEN, SourceAuthError, "this instance has disabled hashtag feeds"),
        ("none", "wrong", SourceAuthError, "the access token in MASTODON_TOKEN was refused"),
        ("no_instance", None, SourceUnavailable, "is base_url a Mastodon server?"),
    ],
)
async def test_check_says_what_to_fix(
    fake: FakeMastodon, setup: str, token: str | None, error: type[Exception], message: str
) -> None:
    feeds = fake.instance["configuration"]["timelines_access"]["hashtag_feeds"]
    if setup == "require_token":
        fake.require_token = True
    elif setup in ("authenticated", "disabled"):
        feeds.update(local=setup, remote=setup)
    elif setup == "no_instance":
        fake.instance_versions = set()
    with pytest.raises(error, match=message):
        await check(fake, token)


# --- the failure table ---------------------------------------------------------------------------

REST_EXPECTED: dict[str, type[SourceError] | None] = {
    "401": SourceAuthError,
    "403": SourceAuthError,
    "404": SourceUnavailable,
    "429": SourceUnavailable,
    "500": SourceUnavailable,
    "timeout": SourceUnavailable,
    "malformed": SourceInvalidPayload,
    "truncated": SourceUnavailable,
    "drop": SourceUnavailable,
    "empty": None,
    "enormous": SourceInvalidPayload,
    "many": SourceInvalidPayload,
}


@pytest.mark.parametrize("fault", REST_FAULTS)
async def test_rest_failure_table(fake: FakeMastodon, harness: Harness, fault: str) -> None:
    before = await fake.post(3, stream=False)
    async with supervised((make_source(fake), harness.context())):
        await harness.pipeline.wait_created(before)

    during = await fake.post(3, stream=False)
    fake.faults = [fault]
    expected = REST_EXPECTED[fault]
    source = make_source(fake)
    if expected is None:
        running = asyncio.create_task(source.run(harness.context()))
        await harness.pipeline.wait_created(during)
        assert not running.done(), "an empty page is not an error"
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    else:
        error = await run_until_error(source, harness.context())
        assert isinstance(error, expected), error
        assert not set(during) & set(harness.pipeline.created), "a failed page moves nothing"
        if fault == "429":
            assert isinstance(error, SourceUnavailable)
            assert error.retry_after == 30
        if fault == "401":
            assert "set access_token_env" in str(error)

    fake.faults = [fault, fault]
    context = harness.context()
    async with supervised((make_source(fake), context)):
        await harness.pipeline.wait_created(during)
        after = await fake.post(2, stream=False)
        await harness.pipeline.wait_created(after)
    if expected is not None:
        assert context.health.last_error, "the supervisor saw the failure and kept going"
    assert set(await harness.stored()) == set(before + during + after)


STREAM_EXPECTED: dict[str, type[SourceError]] = {
    "drop": SourceUnavailable,
    "truncated": SourceUnavailable,
    "malformed": SourceInvalidPayload,
    "enormous": SourceInvalidPayload,
    "close": SourceUnavailable,
    "hang": SourceUnavailable,
    "error-frame": SourceInvalidPayload,
}


@pytest.mark.parametrize("fault", STREAM_FAULTS)
async def test_stream_failure_table(fake: FakeMastodon, harness: Harness, fault: str) -> None:
    before = await fake.post(2, stream=False)
    fake.stream_faults = [fault]
    error = await run_until_error(make_source(fake, token=TOKEN), harness.context())
    assert isinstance(error, STREAM_EXPECTED[fault]), error

    gap = await fake.post(2)
    fake.stream_faults = [fault]
    context = harness.context()
    async with supervised((make_source(fake, token=TOKEN), context)):
        await harness.pipeline.wait_created(before + gap)
        await fake.wait_for(lambda: fake.subscribed(*TAGS))
        live = await fake.post(2)
        await harness.pipeline.wait_created(live)
    assert context.health.last_error, "the supervisor saw the failure and kept going"
    assert set(await harness.stored()) == set(before + gap + live)


async def test_a_failing_source_never_blocks_another(fake: FakeMastodon, harness: Harness) -> None:
    async with FakeMastodon().running() as broken:
        broken.faults = ["timeout"] * 1000
        failing = harness.context("mastodon-broken")
        healthy = harness.context("mastodon-healthy")
        async with supervised((make_source(broken), failing), (make_source(fake), healthy)):
            ids = await fake.post(3, stream=False)
            await harness.pipeline.wait_created(ids)
            more = await fake.post(3, stream=False)
            await harness.pipeline.wait_created(more)
        assert healthy.health.posts_today == 6
        assert failing.health.posts_today == 0
