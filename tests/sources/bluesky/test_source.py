"""The Bluesky source against a fake Jetstream (WebSocket) and a fake AppView/PDS (HTTP).

Fixtures follow the Jetstream README and the Bluesky API reference (fixtures/README.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sotong.domain import CursorUpdate, PostStatus
from sotong.sources.base import (
    SourceAuthError,
    SourceError,
    SourceInvalidPayload,
    SourceSupervisor,
    SourceUnavailable,
)
from sotong.sources.bluesky import MANIFEST, build
from sotong.sources.bluesky.client import (
    Xrpc,
    create_session,
    get_profiles,
    retry_after,
    search_posts,
    subscribe_url,
)
from sotong.sources.bluesky.consumer import PROFILE_FALLBACK
from sotong.sources.bluesky.parse import LOGGED_OUT_OPT_OUT
from sotong.sources.bluesky.source import BlueskySource, parse_cursor
from sotong.store import posts
from sotong.store.database import Database
from tests.sources.bluesky.fake import FakeAppView, FakeJetstream, event, fixture, post_event
from tests.sources.bluesky.harness import (
    FAST_BACKOFF,
    make_context,
    make_source,
    stored_external_ids,
)

ALICE = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BOB = "did:plc:vpkhqolt662uhesyj6nxm7ys"
CAROL = "did:web:carol.example.com"
TAG = "#서울소셜컨퍼런스"


def uri(did: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


@dataclass
class World:
    jetstream: FakeJetstream
    appview: FakeAppView
    http: httpx.AsyncClient


@pytest.fixture
async def world() -> AsyncIterator[World]:
    jetstream, appview = FakeJetstream(), FakeAppView()
    async with (
        jetstream.running(),
        appview.running(),
        httpx.AsyncClient(timeout=5) as http,
    ):
        yield World(jetstream, appview, http)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """The failure table runs on SQLite only; the store contract is the pipeline's business."""
    database = Database(f"sqlite:///{tmp_path / 'table.db'}")
    await database.upgrade()
    try:
        yield database
    finally:
        await database.close()


class Running:
    def __init__(self, *runs: tuple[BlueskySource, Any]) -> None:
        self.supervisor = SourceSupervisor(list(runs), backoff=FAST_BACKOFF)

    async def __aenter__(self) -> SourceSupervisor:
        self.supervisor.start()
        return self.supervisor

    async def __aexit__(self, *exc: object) -> None:
        await self.supervisor.stop()


def connected(count: int = 1) -> Any:
    return lambda jet: len(jet.connections) >= count


async def test_posts_edits_deletes_and_deactivations_reach_the_wall(
    db: Database, tmp_path: Path, world: World
) -> None:
    context, screen = await make_context(db, tmp_path, world.http)
    source = make_source(world.jetstream, world.appview)
    text_uri = uri(ALICE, "3lbqzkf6bfc2a")
    carol_uri = uri(CAROL, "3lbqzkh2xyz2c")
    expected = {text_uri, uri(BOB, "3lbqzkgabcd2b"), carol_uri, uri(ALICE, "3lbqzki4aaa2d")}
    async with Running((source, context)):
        await world.jetstream.until(connected())
        for name in (
            "create_text_tag",
            "create_facet_only",
            "create_record_tags",
            "create_images",
            "create_other_tag",
            "like",
            "unknown_kind",
            "heartbeat",
            "identity",
            "account_active",
        ):
            await world.jetstream.publish(event(name))
        await screen.until(lambda s: s.external_ids == expected)
        alice = screen.by_external_id(text_uri)
        assert alice["author"] == {
            "name": "고연실",
            "handle": "@alice.seoul.example",
            "avatar_url": world.appview.profiles[ALICE]["avatar"],
        }
        assert (
            alice["permalink"] == "https://bsky.app/profile/alice.seoul.example/post/3lbqzkf6bfc2a"
        )
        assert alice["tags"] == ["2017서울소통컨퍼런스"]
        images = screen.by_external_id(uri(ALICE, "3lbqzki4aaa2d"))["media"]
        assert [m["alt"] for m in images] == ["시청 광장의 무대", None]
        assert images[0]["url"].startswith(f"{world.appview.url}/img/feed_fullsize/plain/{ALICE}/")
        assert screen.by_external_id(carol_uri)["author"]["handle"] == CAROL

        await world.jetstream.publish(event("update"))
        await screen.until(lambda s: s.by_external_id(text_uri)["text"].startswith("수정했어요"))
        await world.jetstream.publish(event("delete"))
        last = await world.jetstream.publish(event("account_inactive"))
        await screen.until(lambda s: s.external_ids == expected - {text_uri, carol_uri})
    assert await context.load_cursor() == str(last)
    assert context.health.posts_today == 4
    skipped = context.health.skipped
    assert skipped["unknown event kind"] == 1
    assert skipped["not a post"] == 1
    assert skipped[PROFILE_FALLBACK] == 1  # Carol: the AppView does not know her
    assert all(len(call) <= 25 for call in world.appview.profile_calls)


async def test_a_restart_resumes_from_the_saved_cursor_rewound(
    db: Database, tmp_path: Path, world: World
) -> None:
    jet = world.jetstream
    context, screen = await make_context(db, tmp_path, world.http)
    first = [uri(ALICE, f"3lrestart{i}") for i in range(2)]
    async with Running((make_source(jet, world.appview), context)):
        await jet.until(connected())
        for i in range(2):
            last = await jet.publish(post_event(ALICE, f"3lrestart{i}", f"첫 번째 {i} {TAG}"))
        await screen.until(lambda s: s.external_ids == set(first))
    assert parse_cursor(await context.load_cursor()) == last

    later = [uri(BOB, f"3lwhiledown{i}") for i in range(2)]
    for i in range(2):
        await jet.publish(post_event(BOB, f"3lwhiledown{i}", f"꺼져 있는 동안 {i} {TAG}"))
    await jet.publish(post_event(ALICE, "3lrestart0", "", operation="delete"))

    again, screen_again = await make_context(db, tmp_path, world.http)
    async with Running((make_source(jet, world.appview), again)):
        await screen_again.until(lambda s: set(later) <= s.external_ids and bool(s.removed))
    assert jet.cursors[-1] == last - 5_000_000
    assert again.health.posts_today == 2  # the rewound replay of the last post is not new
    assert await stored_external_ids(db, context.wall.id) == sorted([first[1], *later])


async def test_a_source_that_leads_again_knows_what_another_process_stored(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    jet = world.jetstream
    here = make_source(jet, world.appview, rewind_seconds=0)
    there = make_source(jet, world.appview, rewind_seconds=0)
    for source, rkey in ((here, "3lhere"), (there, "3lthere")):
        context, screen = await make_context(sqlite_db, tmp_path, world.http)
        async with Running((source, context)):
            await jet.until(connected(len(jet.connections) + 1))
            await jet.publish(post_event(ALICE, rkey, f"{rkey} {TAG}"))
            await jet.publish(post_event(BOB, f"{rkey}after", f"뒤에 {TAG}"))
            after = uri(BOB, f"{rkey}after")
            await screen.until(lambda s: after in s.external_ids)  # noqa: B023
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    async with Running((here, context)):
        await jet.until(connected(len(jet.connections) + 1))
        await jet.publish(post_event(ALICE, "3lthere", "", operation="delete"))
        await screen.until(lambda s: bool(s.removed))
    assert uri(ALICE, "3lthere") not in await stored_external_ids(sqlite_db, context.wall.id)


async def test_a_stream_that_drops_before_its_first_save_resumes_where_it_began(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    jet = world.jetstream
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    source = make_source(jet, world.appview)
    jet.fault, jet.drop_after = "drop", 0
    await jet.publish(post_event(ALICE, "3lbefore", f"먼저 {TAG}"))
    with pytest.raises(SourceUnavailable):
        await source.run(context)
    jet.clear()
    async with Running((source, context)):
        await screen.until(lambda s: uri(ALICE, "3lbefore") in s.external_ids)
    assert jet.cursors[0] == jet.cursors[1]


async def test_hydration_failure_still_posts_with_the_did(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    world.appview.fault = "500"
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    async with Running((make_source(world.jetstream, world.appview), context)):
        await world.jetstream.until(connected())
        await world.jetstream.publish(event("create_text_tag"))
        await screen.until(lambda s: len(s.external_ids) == 1)
        world.appview.clear()
        await world.jetstream.publish(post_event(ALICE, "3lsecond", f"두 번째 {TAG}"))
        await screen.until(lambda s: len(s.external_ids) == 2)
        assert context.health.state == "up"
    authors = {post["author"]["handle"] for post in screen.visible.values()}
    assert authors == {ALICE}  # lookups pause after a failure instead of hammering the AppView
    assert len(world.appview.profile_calls) == 1
    assert context.health.skipped[PROFILE_FALLBACK] == 2


async def test_an_author_who_opted_out_of_logged_out_viewers_is_not_shown(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    world.appview.profiles[ALICE] = {
        **world.appview.profiles[ALICE],
        "labels": [{"src": ALICE, "val": "!no-unauthenticated", "cts": "2024-01-01T00:00:00Z"}],
    }
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    async with Running((make_source(world.jetstream, world.appview), context)):
        await world.jetstream.until(connected())
        await world.jetstream.publish(event("create_text_tag"))
        await world.jetstream.publish(event("create_facet_only"))
        await screen.until(lambda s: s.external_ids == {uri(BOB, "3lbqzkgabcd2b")})
    assert context.health.skipped[LOGGED_OUT_OPT_OUT] == 1


async def test_profiles_are_looked_up_in_batches_of_25_and_cached(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    dids = [f"did:plc:batch{i:02d}aaaaaaaaaaaaaaaaaa" for i in range(60)]
    for did in dids:
        world.appview.profiles[did] = {"did": did, "handle": f"{did[-20:-18]}.example"}
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    source = make_source(world.jetstream, world.appview)
    for i, did in enumerate(dids):
        await world.jetstream.publish(post_event(did, f"3lbatch{i}", f"배치 {TAG}"))
    async with Running((source, context)):
        await screen.until(lambda s: len(s.external_ids) == 60)
        await world.jetstream.publish(post_event(dids[0], "3lbatchagain", f"또 {TAG}"))
        await screen.until(lambda s: len(s.external_ids) == 61)
    calls = world.appview.profile_calls
    assert max(map(len, calls)) == 25
    assert sorted(did for call in calls for did in call) == sorted(dids)


async def test_isolated_malformed_frames_are_skipped_and_counted(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    async with Running((make_source(world.jetstream, world.appview), context)):
        await world.jetstream.until(connected())
        await world.jetstream.publish(post_event(ALICE, "3lok1", f"하나 {TAG}"))
        await world.jetstream.publish_raw('{"did": "did:plc:x", "time_us": 1, "kind": ')
        await world.jetstream.publish_raw("[1, 2, 3]")
        await world.jetstream.publish(post_event(ALICE, "3lok2", f"둘 {TAG}"))
        await screen.until(lambda s: len(s.external_ids) == 2)
    assert context.health.skipped["malformed event"] == 2
    assert len(world.jetstream.connections) == 1


async def test_a_flood_of_other_posts_is_filtered_with_bounded_memory(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    source = make_source(world.jetstream, world.appview)
    for i in range(10_000):
        await world.jetstream.publish(post_event(BOB, f"3lflood{i}", f"other post {i} #caturday"))
    await world.jetstream.publish(post_event(ALICE, "3lneedle", f"찾았다 {TAG}"))
    async with Running((source, context)):
        await screen.until(lambda s: s.external_ids == {uri(ALICE, "3lneedle")})
    assert len(source.known) == 1
    assert await context.load_cursor() == str(world.jetstream.frames[-1][0])


# Search backfill ------------------------------------------------------------------------------


def search_page(view_names: list[tuple[str, str]], cursor: str | None) -> dict[str, Any]:
    views = fixture("search_posts.json")["posts"]
    page: dict[str, Any] = {"posts": []}
    for rkey, text in view_names:
        view = {**views[0], "uri": uri(ALICE, rkey)}
        view["record"] = {**view["record"], "text": text, "facets": []}
        page["posts"].append(view)
    if cursor is not None:
        page["cursor"] = cursor
    return page


async def test_backfill_searches_each_tag_and_keeps_its_session(
    db: Database, tmp_path: Path, world: World
) -> None:
    appview = world.appview
    appview.search_pages["서울소셜컨퍼런스"] = [
        search_page([("3lsearch0", f"검색 0 {TAG}")], "1"),
        search_page([("3lsearch1", f"검색 1 {TAG}")], None),
    ]
    appview.expire_before_search = {2}
    context, screen = await make_context(db, tmp_path, world.http)
    source = make_source(
        world.jetstream,
        appview,
        password=appview.password,
        identifier="alice.seoul.example",
        app_password_env="BSKY_APP_PASSWORD",
    )
    async with Running((source, context)):
        await screen.until(
            lambda s: {uri(ALICE, "3lsearch0"), uri(ALICE, "3lsearch1")} <= s.external_ids
        )
        await world.jetstream.publish(post_event(BOB, "3llive", f"실시간 {TAG}"))
        await screen.until(lambda s: uri(BOB, "3llive") in s.external_ids)
    assert appview.session_calls == 1
    assert appview.refresh_calls == 1
    queried = {(call["tag"][0], call["q"][0], call["sort"][0]) for call in appview.search_calls}
    assert queried == {
        ("서울소셜컨퍼런스", "#서울소셜컨퍼런스", "latest"),
        ("2017서울소통컨퍼런스", "#2017서울소통컨퍼런스", "latest"),
    }
    assert all("since" not in call for call in appview.search_calls)  # first start: newest pages


async def test_backfill_after_a_saved_cursor_searches_since_then(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    context, _ = await make_context(sqlite_db, tmp_path, world.http)
    saved = 1_731_230_462_000_000
    await context.ingest([], cursor=CursorUpdate(context.key, str(saved)))
    source = make_source(
        world.jetstream,
        world.appview,
        password=world.appview.password,
        identifier="alice.seoul.example",
        app_password_env="X",
    )
    async with Running((source, context)):
        await world.appview.until(lambda a: len(a.search_calls) >= 2)
    assert world.appview.search_calls[0]["since"] == ["2024-11-10T09:20:57Z"]


async def test_a_failing_search_is_retried_beside_the_live_stream(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    appview = world.appview
    appview.search_pages["서울소셜컨퍼런스"] = [search_page([("3lretry", f"재시도 {TAG}")], None)]
    appview.fault, appview.fault_on = "500", "searchPosts"
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    source = make_source(
        world.jetstream,
        appview,
        password=appview.password,
        identifier="alice.seoul.example",
        app_password_env="X",
    )
    async with Running((source, context)):
        await appview.until(lambda a: len(a.search_calls) >= 3)
        await world.jetstream.publish(post_event(BOB, "3llive", f"실시간 {TAG}"))
        await screen.until(lambda s: uri(BOB, "3llive") in s.external_ids)
        appview.clear()
        await screen.until(lambda s: uri(ALICE, "3lretry") in s.external_ids)
    assert context.health.skipped["search backfill failed"] >= 2
    assert context.health.posts_today == 2
    assert appview.session_calls == 1


async def test_a_refused_sign_in_stops_the_backfill_not_the_stream(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    source = make_source(
        world.jetstream,
        world.appview,
        password="wrong",
        identifier="alice.seoul.example",
        app_password_env="X",
    )
    async with Running((source, context)):
        await world.jetstream.until(connected())
        await world.jetstream.publish(event("create_text_tag"))
        await screen.until(lambda s: len(s.external_ids) == 1)
        await world.appview.until(lambda a: a.session_calls == 1)
    assert world.appview.session_calls == 1
    assert "search backfill refused" in context.health.skipped


# The shared failure table ------------------------------------------------------------------

STREAM_TABLE: list[tuple[str, type[SourceError] | None]] = [
    ("401", SourceAuthError),
    ("403", SourceAuthError),
    # A 404 on the subscribe path is a wrong jetstream_url: retrying soon will not fix it.
    ("404", SourceAuthError),
    ("429", SourceUnavailable),
    ("500", SourceUnavailable),
    ("timeout", SourceUnavailable),
    ("malformed", SourceInvalidPayload),
    ("truncated", SourceUnavailable),
    ("drop", SourceUnavailable),
    ("enormous", SourceInvalidPayload),
    ("empty", None),
]


@pytest.mark.parametrize(("fault", "error"), STREAM_TABLE, ids=[f for f, _ in STREAM_TABLE])
async def test_jetstream_failure_table(
    fault: str,
    error: type[SourceError] | None,
    sqlite_db: Database,
    tmp_path: Path,
    world: World,
) -> None:
    jet = world.jetstream
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    source = make_source(jet, world.appview)
    wanted = [uri(ALICE, f"3ltable{i}") for i in range(4)]
    jet.fault = fault
    if error is not None:
        for i in range(3):
            await jet.publish(post_event(ALICE, f"3ltable{i}", f"표 {i} {TAG}"))
            await jet.publish(post_event(BOB, f"3lother{i}", "nothing to see"))
        with pytest.raises(error) as raised:
            await asyncio.wait_for(source.run(context), 10)
        assert str(raised.value)
        if fault == "429":
            assert isinstance(raised.value, SourceUnavailable)
            assert raised.value.retry_after == 7
        jet.clear()
    async with Running((source, context)) as supervisor:
        await jet.until(connected())
        if error is None:
            assert await stored_external_ids(sqlite_db, context.wall.id) == []
            for i in range(3):
                await jet.publish(post_event(ALICE, f"3ltable{i}", f"표 {i} {TAG}"))
        await screen.until(lambda s: set(wanted[:3]) <= s.external_ids)
        await jet.publish(post_event(ALICE, "3ltable3", f"표 3 {TAG}"))
        await screen.until(lambda s: set(wanted) == s.external_ids)
        assert supervisor.health[f"{context.wall.slug}/{context.key}"].state == "up"
    assert context.health.posts_today == 4
    assert await stored_external_ids(sqlite_db, context.wall.id) == sorted(wanted)
    assert sorted(p["external_id"] for p in screen.post_events) == sorted(wanted)
    if error is None:
        assert len(jet.connections) == 1


HTTP_TABLE: list[tuple[str, type[SourceError] | None]] = [
    ("401", SourceAuthError),
    ("403", SourceAuthError),
    # A 404 on a fixed XRPC path means appview_url/pds_url is not an AppView/PDS.
    ("404", SourceAuthError),
    ("429", SourceUnavailable),
    ("500", SourceUnavailable),
    ("timeout", SourceUnavailable),
    ("malformed", SourceInvalidPayload),
    ("truncated", SourceUnavailable),
    ("drop", SourceUnavailable),
    ("enormous", SourceInvalidPayload),
    ("empty", None),
]


@pytest.mark.parametrize(("fault", "error"), HTTP_TABLE, ids=[f for f, _ in HTTP_TABLE])
@pytest.mark.parametrize("method", ["getProfiles", "searchPosts"])
async def test_xrpc_failure_table(
    method: str, fault: str, error: type[SourceError] | None, world: World
) -> None:
    appview = world.appview
    xrpc = Xrpc(world.http, appview.url, timeout=0.5)
    session = await create_session(xrpc, "alice.seoul.example", appview.password)
    appview.fault, appview.fault_on = fault, method

    async def call() -> list[Any]:
        if method == "getProfiles":
            return list(await get_profiles(xrpc, [ALICE]))
        views, _ = await search_posts(xrpc, session.access_jwt, [("q", TAG), ("tag", TAG[1:])])
        return views

    if error is None:
        assert await call() == []
    else:
        with pytest.raises(error) as raised:
            await call()
        if fault == "429":
            assert isinstance(raised.value, SourceUnavailable)
            assert raised.value.retry_after == 7
    appview.clear()
    assert await call() == (
        [] if method == "searchPosts" else list(await get_profiles(xrpc, [ALICE]))
    )


async def test_a_failing_source_never_blocks_another(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    stuck = FakeJetstream()
    async with stuck.running():
        stuck.fault = "timeout"
        good, screen = await make_context(sqlite_db, tmp_path, world.http, key="bluesky-good")
        bad, _ = await make_context(sqlite_db, tmp_path, world.http, key="bluesky-stuck")
        async with Running(
            (make_source(stuck, world.appview), bad),
            (make_source(world.jetstream, world.appview), good),
        ):
            await world.jetstream.until(connected())
            await world.jetstream.publish(event("create_text_tag"))
            await screen.until(lambda s: len(s.external_ids) == 1)
            await stuck.until(lambda jet: jet.attempts >= 2)
            assert bad.health.state == "down"
            assert good.health.state == "up"


# check() and configuration ------------------------------------------------------------------


async def test_check_receives_an_event_looks_up_a_profile_and_signs_in(world: World) -> None:
    source = make_source(
        world.jetstream,
        world.appview,
        password=world.appview.password,
        identifier="alice.seoul.example",
        app_password_env="X",
    )
    checking = asyncio.create_task(source.check(world.http))
    await world.jetstream.until(connected())
    await world.jetstream.publish(event("create_other_tag"))
    message = await checking
    assert "Jetstream streaming" in message
    assert "profiles OK" in message
    assert "signed in as @alice.seoul.example" in message
    assert world.appview.profile_calls == [[CAROL]]


async def test_check_reports_what_to_fix(world: World) -> None:
    silent = make_source(world.jetstream, world.appview)
    with pytest.raises(SourceUnavailable, match="sent no event"):
        await silent.check(world.http)

    world.jetstream.fault = "401"
    with pytest.raises(SourceAuthError, match="401"):
        await silent.check(world.http)
    world.jetstream.clear()

    wrong = make_source(
        world.jetstream,
        world.appview,
        password="wrong",
        identifier="alice.seoul.example",
        app_password_env="X",
    )
    checking = asyncio.create_task(wrong.check(world.http))
    await world.jetstream.until(connected(2))
    await world.jetstream.publish(event("identity"))
    with pytest.raises(SourceAuthError, match="app password"):
        await checking


def test_build_reads_options_and_the_password_from_the_environment() -> None:
    assert MANIFEST.type == "bluesky"
    assert MANIFEST.push is True
    source = build({}, {})
    assert isinstance(source, BlueskySource)
    assert source.options.jetstream_url == "wss://jetstream2.us-east.bsky.network/subscribe"
    assert source.options.rewind_seconds == 5
    assert source.keeper is None
    with_search = build(
        {"identifier": "me.bsky.social", "app_password_env": "BSKY_PW"}, {"BSKY_PW": "x-y-z"}
    )
    assert isinstance(with_search, BlueskySource)
    assert with_search.keeper is not None
    for options, env, message in (
        ({"wanted": 1}, {}, "wanted"),
        ({"jetstream_url": "https://x"}, {}, "jetstream_url"),
        ({"appview_url": "ftp://x"}, {}, "url"),
        ({"rewind_seconds": -1}, {}, "rewind_seconds"),
        ({"identifier": "me.bsky.social"}, {}, "app_password_env"),
        ({"identifier": "me", "app_password_env": "NOPE"}, {}, "NOPE"),
    ):
        with pytest.raises(ValueError, match=message):
            build(options, env)


def test_subscribe_url_and_retry_after() -> None:
    assert subscribe_url("wss://js.example", 17) == (
        "wss://js.example/subscribe?wantedCollections=app.bsky.feed.post"
        "&maxMessageSizeBytes=1000000&cursor=17"
    )
    assert subscribe_url("ws://h:1/subscribe?cursor=1&compress=true&x=y", None) == (
        "ws://h:1/subscribe?x=y&wantedCollections=app.bsky.feed.post&maxMessageSizeBytes=1000000"
    )
    assert retry_after({"retry-after": "12"}) == 12
    assert retry_after({"ratelimit-reset": "1100"}, now=1000) == 100
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, now=1445412470) == 10
    assert retry_after({}) is None


def test_cursors_are_unix_microseconds() -> None:
    assert parse_cursor("1731230462102345") == 1731230462102345
    for bad in (None, "", "abc", "-5", "1731230462", "17312304621023450000"):
        assert parse_cursor(bad) is None


async def test_a_post_marked_sensitive_waits_for_a_moderator(
    sqlite_db: Database, tmp_path: Path, world: World
) -> None:
    context, screen = await make_context(sqlite_db, tmp_path, world.http)
    async with Running((make_source(world.jetstream, world.appview), context)):
        await world.jetstream.until(connected())
        await world.jetstream.publish(event("create_self_labelled"))
        await world.jetstream.publish(event("create_text_tag"))
        await screen.until(lambda s: len(s.external_ids) == 1)
    async with sqlite_db.read() as connection:
        (held,) = await posts.find_by_external_ids(
            connection, context.wall.id, "bluesky", [uri(BOB, "3lbqzkm8eee2h")]
        )
    assert held.status is PostStatus.PENDING
    assert held.sensitive is True
