"""The console's live stream: what screens get, plus the queue's private events, which never
reach a screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sotong.domain import Role, TokenScope
from tests.support import (
    LiveServer,
    console_user,
    ingest_body,
    live_server,
    make_settings,
    make_token,
    open_stream,
)


@pytest.fixture
async def server(database_url: str, tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(database_url, tmp_path / "media", moderation="pre")
    async with live_server(settings) as running:
        yield running


async def test_moderators_see_the_queue_live_and_screens_never_do(server: LiveServer) -> None:
    token = await make_token(server.app, "seoul2017", TokenScope.INGEST)
    moderate = await make_token(server.app, "seoul2017", TokenScope.MODERATE)
    async with (
        console_user(server.app, Role.MODERATOR, url=server.url) as moderator,
        httpx.AsyncClient(base_url=server.url, timeout=10) as public,
        open_stream(moderator.client, "/admin/api/walls/seoul2017/events") as console,
        open_stream(public, "/api/v1/walls/seoul2017/events") as screen,
    ):
        reset = await console.next()
        assert reset.event == "reset"
        assert set(reset.json()) == {"posts", "queue", "wall"}
        assert (await screen.next()).event == "reset"
        stored = await public.post(
            "/api/v1/walls/seoul2017/posts",
            json=ingest_body("waiting-1"),
            headers={"Authorization": f"Bearer {token}"},
        )
        post_id = stored.json()["id"]
        queued = await console.next()
        assert queued.event == "queued"
        assert queued.json()["id"] == post_id
        assert queued.json()["author_key"] == "@yeonsil"
        await public.post(
            f"/api/v1/walls/seoul2017/posts/{post_id}/decision",
            json={"action": "approve"},
            headers={"Authorization": f"Bearer {moderate}"},
        )
        unqueued, shown = await console.next(), await console.next()
        assert (unqueued.event, unqueued.json()) == (
            "unqueued",
            {"id": post_id, "status": "approved"},
        )
        assert shown.event == "post"
        on_screen = await screen.next()
        assert on_screen.event == "post", "the screen's next event is the post, not the queue's"
        assert int(on_screen.id or 0) == int(queued.id or 0) + 2
        assert "author_key" not in on_screen.json()

        async with open_stream(
            public, "/api/v1/walls/seoul2017/events", last_event_id=str(int(queued.id or 0) - 1)
        ) as replayed:
            assert (await replayed.next()).event == "post", "a replay skips private events"
        async with open_stream(
            moderator.client,
            "/admin/api/walls/seoul2017/events",
            last_event_id=str(int(queued.id or 0) - 1),
        ) as console_replay:
            kinds = [(await console_replay.next()).event for _ in range(3)]
            assert kinds == ["queued", "unqueued", "post"]


async def test_only_moderators_and_owners_open_the_console_stream(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as anonymous:
        reply = await anonymous.get("/admin/api/walls/seoul2017/events")
        assert reply.status_code == 401
    async with console_user(server.app, Role.JUDGE, url=server.url) as judge:
        assert (await judge.client.get("/admin/api/walls/seoul2017/events")).status_code == 403
    async with (
        console_user(server.app, Role.OWNER, url=server.url) as owner,
        open_stream(owner.client, "/admin/api/walls/seoul2017/events") as stream,
    ):
        assert (await stream.next()).event == "reset"
