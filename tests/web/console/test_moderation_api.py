"""The console's moderation API: decisions, bulk decisions, bans, history and undo, for signed-in
moderators with the CSRF header, with a readable 4xx for everything wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sotong.domain import Role, TokenScope
from sotong.store import audit
from tests.support import (
    ConsoleUser,
    asgi_client,
    console_user,
    ingest_body,
    make_settings,
    make_token,
    running_app,
)

API = "/admin/api/walls/seoul2017"
UNKNOWN_POST = "01J0000000000000000000000Z"


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(database_url, tmp_path / "media", moderation="pre")
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def moderator(app: FastAPI) -> AsyncIterator[ConsoleUser]:
    async with console_user(app, Role.MODERATOR) as user:
        yield user


class Poster:
    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens, self.count = client, tokens, 0

    async def __call__(self, slug: str = "seoul2017", handle: str = "@yeonsil") -> str:
        self.count += 1
        tag = "#other" if slug == "other" else "#서울소셜컨퍼런스"
        body = ingest_body(f"p{self.count}", text=f"글 {self.count} {tag}")
        body["author"] = {"name": handle.strip("@"), "handle": handle}
        reply = await self.client.post(
            f"/api/v1/walls/{slug}/posts",
            json=body,
            headers={"Authorization": f"Bearer {self.tokens[slug]}"},
        )
        assert reply.status_code == 201, reply.text
        post_id: str = reply.json()["id"]
        return post_id


@pytest.fixture
async def post(app: FastAPI) -> AsyncIterator[Poster]:
    tokens = {
        slug: await make_token(app, slug, TokenScope.INGEST) for slug in ("seoul2017", "other")
    }
    async with asgi_client(app) as client:
        yield Poster(client, tokens)


async def visible(client: httpx.AsyncClient, slug: str = "seoul2017") -> list[str]:
    reply = await client.get(f"/api/v1/walls/{slug}/posts")
    return [post["id"] for post in reply.json()["posts"]]


async def test_a_decision_answers_with_the_post_and_its_decision(
    app: FastAPI, moderator: ConsoleUser, post: Poster
) -> None:
    post_id = await post()
    reply = await moderator.post_json(f"{API}/posts/{post_id}/decision", {"action": "approve"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["post"]["status"] == "approved"
    assert body["post"]["author_key"] == "@yeonsil"
    assert isinstance(body["decision_id"], int)
    assert await visible(moderator.client) == [post_id]
    async with app.state.services.db.read() as connection:
        (entry,) = await audit.entries(connection, action="post.approve")
    assert (entry.actor, entry.post_id) == ("user:moderator@example.org", post_id)


async def test_changes_need_the_csrf_header(moderator: ConsoleUser, post: Poster) -> None:
    post_id = await post()
    for path, body in [
        (f"{API}/posts/{post_id}/decision", {"action": "approve"}),
        (f"{API}/decisions", {"action": "approve", "ids": [post_id]}),
        (f"{API}/posts/{post_id}/ban", {"scope": "wall"}),
        (f"{API}/bans/1/lift", {}),
        (f"{API}/history/1/undo", {}),
    ]:
        reply = await moderator.client.post(path, json=body)
        assert reply.status_code == 403, path
        assert reply.json()["error"]["code"] == "csrf_failed"
        forged = await moderator.client.post(path, json=body, headers={"X-CSRF-Token": "x" * 43})
        assert forged.status_code == 403, path
    assert await visible(moderator.client) == []


async def test_only_moderators_and_owners_decide(app: FastAPI, post: Poster) -> None:
    post_id = await post()
    path = f"{API}/posts/{post_id}/decision"
    async with asgi_client(app) as anonymous:
        reply = await anonymous.post(path, json={"action": "approve"})
        assert (reply.status_code, reply.json()["error"]["code"]) == (401, "unauthorized")
    async with console_user(app, Role.JUDGE) as judge:
        reply = await judge.post_json(path, {"action": "approve"})
        assert (reply.status_code, reply.json()["error"]["code"]) == (403, "forbidden")
    async with console_user(app, Role.OWNER) as owner:
        assert (await owner.post_json(path, {"action": "approve"})).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/posts/{post}/decision", b"{not json", 400, "invalid_json"),
        ("/posts/{post}/decision", {"action": "delete"}, 422, "invalid_field"),
        ("/posts/{post}/decision", {}, 422, "invalid_field"),
        ("/posts/{post}/decision", {"action": "approve", "extra": 1}, 422, "invalid_field"),
        ("/posts/{unknown}/decision", {"action": "approve"}, 404, "post_not_found"),
        ("/posts/{elsewhere}/decision", {"action": "approve"}, 404, "post_not_found"),
        ("/decisions", {"action": "reject", "ids": []}, 422, "invalid_field"),
        ("/decisions", {"action": "reject", "ids": ["{post}"] * 201}, 422, "invalid_field"),
        ("/decisions", {"action": "reject", "ids": "{post}"}, 422, "invalid_field"),
        ("/decisions", {"action": "reject", "ids": ["{post}", "{unknown}"]}, 404, "post_not_found"),
        ("/posts/{post}/ban", {"scope": "everywhere"}, 422, "invalid_field"),
        ("/posts/{post}/ban", {"scope": "wall", "reason": "x" * 301}, 422, "invalid_field"),
        ("/posts/{unknown}/ban", {"scope": "all"}, 404, "post_not_found"),
        ("/bans/999/lift", {}, 404, "ban_not_found"),
        ("/bans/abc/lift", {}, 422, "invalid_field"),
        ("/history/999/undo", {}, 404, "decision_not_found"),
    ],
)
async def test_bad_requests_get_a_readable_answer(
    moderator: ConsoleUser,
    post: Poster,
    path: str,
    body: Any,
    status: int,
    code: str,
) -> None:
    names = {"post": await post(), "unknown": UNKNOWN_POST, "elsewhere": await post("other")}

    def filled(value: Any) -> Any:
        if isinstance(value, str):
            return value.format(**names)
        if isinstance(value, list):
            return [filled(item) for item in value]
        if isinstance(value, dict):
            return {key: filled(item) for key, item in value.items()}
        return value

    headers = {"X-CSRF-Token": moderator.csrf}
    url = API + filled(path)
    if isinstance(body, bytes):
        headers["Content-Type"] = "application/json"
        reply = await moderator.client.post(url, content=body, headers=headers)
    else:
        reply = await moderator.client.post(url, json=filled(body), headers=headers)
    assert reply.status_code == status, reply.text
    assert reply.json()["error"]["code"] == code
    assert reply.json()["error"]["message"]
    assert await visible(moderator.client) == []


async def test_a_body_that_is_not_json_and_an_unknown_wall(moderator: ConsoleUser) -> None:
    reply = await moderator.client.post(
        f"{API}/decisions", content=b"ids=1", headers={"X-CSRF-Token": moderator.csrf}
    )
    assert reply.status_code == 415
    reply = await moderator.post_json(
        f"/admin/api/walls/nowhere/posts/{UNKNOWN_POST}/decision", {"action": "approve"}
    )
    assert (reply.status_code, reply.json()["error"]["code"]) == (404, "wall_not_found")
    reply = await moderator.client.get(f"{API}/history?before=0")
    assert reply.status_code == 422


async def test_bulk_decisions_and_their_undo(moderator: ConsoleUser, post: Poster) -> None:
    waiting = [await post() for _ in range(3)]
    reply = await moderator.post_json(f"{API}/decisions", {"action": "approve", "ids": waiting})
    assert reply.status_code == 200, reply.text
    assert [p["status"] for p in reply.json()["posts"]] == ["approved"] * 3
    assert sorted(await visible(moderator.client)) == sorted(waiting)

    history = (await moderator.client.get(f"{API}/history")).json()
    (entry,) = history["entries"]
    assert (entry["action"], entry["count"], entry["undoable"]) == ("approve", 3, True)
    assert entry["actor"] == "user:moderator@example.org"
    assert history["next"] is None

    undone = await moderator.post_json(f"{API}/history/{entry['id']}/undo", {})
    assert undone.status_code == 200, undone.text
    assert sorted(undone.json()["restored"]) == sorted(waiting)
    assert await visible(moderator.client) == []
    again = await moderator.post_json(f"{API}/history/{entry['id']}/undo", {})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "nothing_to_undo")


async def test_a_ban_lists_lifts_and_takes_down_every_post(
    app: FastAPI, moderator: ConsoleUser, post: Poster
) -> None:
    mine = [await post(), await post()]
    theirs = await post(handle="@someone")
    there = await post("other")
    await moderator.post_json(f"{API}/decisions", {"action": "approve", "ids": [*mine, theirs]})

    reply = await moderator.post_json(
        f"{API}/posts/{mine[0]}/ban", {"scope": "all", "reason": " 도배 "}
    )

    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert sorted(body["removed"]) == sorted([*mine, there])
    assert body["ban"]["scope"] == "all"
    assert body["ban"]["wall"] is None
    assert (body["ban"]["author_key"], body["ban"]["reason"]) == ("@yeonsil", "도배")
    assert await visible(moderator.client) == [theirs]
    assert await visible(moderator.client, "other") == []

    listed = (await moderator.client.get(f"{API}/bans")).json()["bans"]
    assert [ban["id"] for ban in listed] == [body["ban"]["id"]]
    lifted = await moderator.post_json(f"{API}/bans/{body['ban']['id']}/lift", {})
    assert lifted.status_code == 200
    assert lifted.json()["ban"]["lifted_by"] == "user:moderator@example.org"
    assert (await moderator.client.get(f"{API}/bans")).json()["bans"] == []
    every = (await moderator.client.get(f"{API}/bans?lifted=true")).json()["bans"]
    assert [ban["lifted_at"] is not None for ban in every] == [True]
    async with app.state.services.db.read() as connection:
        actions = {entry.action for entry in await audit.entries(connection)}
    assert {"author.ban", "author.unban"} <= actions


async def test_hide_is_a_decision_of_the_public_api_too(app: FastAPI, post: Poster) -> None:
    post_id = await post()
    token = await make_token(app, "seoul2017", TokenScope.MODERATE)
    headers = {"Authorization": f"Bearer {token}"}
    async with asgi_client(app) as client:
        path = f"/api/v1/walls/seoul2017/posts/{post_id}/decision"
        assert (await client.post(path, json={"action": "approve"}, headers=headers)).is_success
        hidden = await client.post(path, json={"action": "hide"}, headers=headers)
        assert (hidden.status_code, hidden.json()["status"]) == (200, "rejected")
        assert await visible(client) == []
        assert (await client.post(path, json={"action": "approve"}, headers=headers)).is_success
        assert await visible(client) == [post_id]
