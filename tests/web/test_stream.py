"""The live stream over a real socket: reset, post, remove, replay after reconnect, heartbeats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sotong.clock import utc_now
from sotong.config import LiveSettings
from sotong.domain import EventType, TokenScope
from sotong.live import sse
from sotong.store import events
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from sotong.web.stream import _missed
from tests.support import (
    LiveServer,
    ingest_body,
    live_server,
    make_settings,
    make_token,
    open_stream,
)

EVENTS = "/api/v1/walls/seoul2017/events"
POSTS = "/api/v1/walls/seoul2017/posts"


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(
        database_url, tmp_path / "media", live=LiveSettings(heartbeat_seconds=0.2, replay_limit=5)
    )
    async with live_server(settings) as running:
        yield running


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    ingest = await make_token(server.app, "seoul2017", TokenScope.INGEST)
    moderate = await make_token(server.app, "seoul2017", TokenScope.MODERATE)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        http.headers["X-Ingest"] = ingest
        http.headers["X-Moderate"] = moderate
        yield http


async def ingest(
    client: httpx.AsyncClient, external_id: str, text: str = "#서울소셜컨퍼런스 안녕"
) -> str:
    response = await client.post(
        POSTS,
        json=ingest_body(external_id, text=text),
        headers={"Authorization": f"Bearer {client.headers['X-Ingest']}"},
    )
    assert response.status_code == 201, response.text
    post_id: str = response.json()["id"]
    return post_id


async def decide(client: httpx.AsyncClient, post_id: str, action: str) -> None:
    response = await client.post(
        f"{POSTS}/{post_id}/decision",
        json={"action": action},
        headers={"Authorization": f"Bearer {client.headers['X-Moderate']}"},
    )
    assert response.status_code == 200, response.text


async def test_reset_post_and_remove(client: httpx.AsyncClient) -> None:
    before = await ingest(client, "old")
    async with open_stream(client, EVENTS) as stream:
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert stream.response.headers["cache-control"] == "no-cache"
        assert stream.response.headers["x-accel-buffering"] == "no"
        reset = await stream.next()
        assert reset.event == "reset"
        assert [p["id"] for p in reset.json()["posts"]] == [before]
        new = await ingest(client, "new")
        post = await stream.next()
        assert (post.event, post.json()["id"], post.json()["text"]) == (
            "post",
            new,
            "#서울소셜컨퍼런스 안녕",
        )
        await decide(client, new, "pin")
        pinned = await stream.next()
        assert pinned.event == "post"
        assert pinned.json()["pinned"] is True
        await decide(client, new, "reject")
        removed = await stream.next()
        assert (removed.event, removed.json()) == ("remove", {"id": new})
        ids = [int(e.id or 0) for e in (reset, post, pinned, removed)]
        assert ids == sorted(ids)
        assert len(set(ids[1:])) == 3


async def test_ignored_and_pending_posts_send_nothing(client: httpx.AsyncClient) -> None:
    async with open_stream(client, EVENTS) as stream:
        await stream.next()
        response = await client.post(
            POSTS,
            json=ingest_body("nope", text="#다른태그"),
            headers={"Authorization": f"Bearer {client.headers['X-Ingest']}"},
        )
        assert response.json()["status"] == "ignored"
        marker = await ingest(client, "marker")
        assert (await stream.next()).json()["id"] == marker


async def test_reconnect_replays_exactly_what_was_missed(client: httpx.AsyncClient) -> None:
    async with open_stream(client, EVENTS) as stream:
        await stream.next()
        first = await ingest(client, "a")
        seen = await stream.next()
        assert seen.json()["id"] == first
    missed = [await ingest(client, f"m{i}") for i in range(3)]
    await decide(client, first, "reject")
    async with open_stream(client, EVENTS, last_event_id=seen.id) as stream:
        replayed = [await stream.next() for _ in range(4)]
        assert [e.json()["id"] for e in replayed[:3]] == missed
        assert replayed[3].event == "remove"
        live = await ingest(client, "live")
        after = await stream.next()
        assert after.json()["id"] == live
        assert [int(e.id or 0) for e in [*replayed, after]] == list(
            range(int(seen.id or 0) + 1, int(seen.id or 0) + 6)
        )


async def test_query_parameter_works_like_the_header(client: httpx.AsyncClient) -> None:
    async with open_stream(client, EVENTS) as stream:
        reset = await stream.next()
    post_id = await ingest(client, "q")
    async with open_stream(client, f"{EVENTS}?last_event_id={reset.id}") as stream:
        replayed = await stream.next()
        assert (replayed.event, replayed.json()["id"]) == ("post", post_id)


@pytest.mark.parametrize("stale", ["too-old", "future", "garbage"])
async def test_reset_when_replay_is_impossible(client: httpx.AsyncClient, stale: str) -> None:
    for i in range(8):  # more than replay_limit = 5
        await ingest(client, f"p{i}")
    last_event_id = {"too-old": "0", "future": "999999", "garbage": "abc"}[stale]
    async with open_stream(client, EVENTS, last_event_id=last_event_id) as stream:
        reset = await stream.next()
        assert reset.event == "reset"
        assert len(reset.json()["posts"]) == 8
        assert reset.id == "8"


async def test_heartbeat_comments_keep_idle_streams_open(client: httpx.AsyncClient) -> None:
    async with open_stream(client, EVENTS) as stream:
        await stream.next()
        assert await stream.next_comment(timeout=5) == ": keep-alive"
        assert await stream.next_comment(timeout=5) == ": keep-alive"


async def test_concurrent_writers_reach_viewers_in_order_once(client: httpx.AsyncClient) -> None:
    async with open_stream(client, EVENTS) as one, open_stream(client, EVENTS) as two:
        await one.next()
        await two.next()
        created = await asyncio.gather(*(ingest(client, f"c{i}") for i in range(20)))
        for stream in (one, two):
            received = [await stream.next() for _ in range(20)]
            seqs = [int(e.id or 0) for e in received]
            assert seqs == sorted(seqs)
            assert len(set(seqs)) == 20
            assert {e.json()["id"] for e in received} == set(created)


async def test_unknown_wall_stream_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/walls/nope/events")
    assert response.status_code == 404


async def test_a_gap_is_filled_from_the_event_log(db: Database, tmp_path: Path) -> None:
    async with db.write() as connection:
        wall, _ = await sync_walls(
            connection, make_settings("sqlite://", tmp_path).walls, utc_now()
        )
        stored = await events.append_events(
            connection, wall.id, [(EventType.POST, f'{{"n":{n}}}') for n in range(1, 5)], utc_now()
        )
    missed = await _missed(db, wall, 1, 4)
    assert missed == [sse.event_frame(stored[1]), sse.event_frame(stored[2])]
    assert await _missed(db, wall, 3, 4) == []
    assert await _missed(db, wall, 3, 7) is None, "events the log does not hold cannot be filled"


async def test_a_viewer_that_leaves_is_forgotten(
    server: LiveServer, client: httpx.AsyncClient
) -> None:
    hub = server.app.state.services.hub
    left = asyncio.Event()
    unsubscribe = hub.unsubscribe

    def unsubscribe_and_tell(viewer: object) -> None:
        unsubscribe(viewer)
        left.set()

    hub.unsubscribe = unsubscribe_and_tell
    async with open_stream(client, EVENTS) as stream:
        await stream.next()
        assert hub.viewer_count == 1
    await asyncio.wait_for(left.wait(), 5)
    assert hub.viewer_count == 0
