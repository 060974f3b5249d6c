from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from sotong.domain import Author, CursorUpdate, EventType, Media, Post, PostStatus, TokenScope, Wall
from sotong.ids import IdGenerator
from sotong.store import cursors, events, posts, tokens
from sotong.store.database import Database
from sotong.store.walls import get_wall, last_event_seq, sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, 1, 5, tzinfo=UTC)
ids = IdGenerator()


async def walls_in(db: Database, tmp_path: object) -> list[Wall]:
    settings = make_settings("sqlite://", media_dir=tmp_path)  # type: ignore[arg-type]
    async with db.write() as connection:
        return await sync_walls(connection, settings.walls, NOW)


def new_post(
    wall: Wall, external_id: str, status: PostStatus = PostStatus.APPROVED, **changes: object
) -> Post:
    values: dict[str, object] = {
        "id": ids.new(),
        "wall_slug": wall.slug,
        "source": "api",
        "external_id": external_id,
        "author": Author("고연실", "@yeonsil", None),
        "text": "소통해요! #서울소셜컨퍼런스",
        "html": None,
        "tags": ("서울소셜컨퍼런스",),
        "media": (Media(url="https://example.org/a.jpg", width=1200, height=800, alt="무대 사진"),),
        "created_at": NOW - timedelta(minutes=1),
        "received_at": NOW,
        "shown_at": NOW if status is PostStatus.APPROVED else None,
        "status": status,
    }
    values.update(changes)
    return Post(**values)  # type: ignore[arg-type]


async def test_sync_walls_creates_and_updates(db: Database, tmp_path: object) -> None:
    first = await walls_in(db, tmp_path)
    again = await walls_in(db, tmp_path)
    assert [w.id for w in first] == [w.id for w in again]
    async with db.read() as connection:
        wall = await get_wall(connection, "seoul2017")
    assert wall is not None
    assert wall.hashtags == ("#2017서울소통컨퍼런스", "#서울소셜컨퍼런스")


async def test_insert_is_idempotent_and_round_trips(db: Database, tmp_path: object) -> None:
    wall, _ = await walls_in(db, tmp_path)
    post = new_post(wall, "abc-123")
    async with db.write() as connection:
        first = await posts.insert_post(db, connection, post, wall.id)
        second = await posts.insert_post(db, connection, new_post(wall, "abc-123"), wall.id)
    assert first.created
    assert not second.created
    assert second.post_id == post.id
    async with db.read() as connection:
        loaded = await posts.get_post(connection, wall.id, post.id)
    # Read back, the author carries the key bans and caps use.
    assert loaded == replace(post, author=replace(post.author, key=posts.author_key(post.author)))
    assert loaded is not None
    assert loaded.received_at.tzinfo is not None


async def test_same_external_id_on_another_wall_is_another_post(
    db: Database, tmp_path: object
) -> None:
    wall, other = await walls_in(db, tmp_path)
    async with db.write() as connection:
        a = await posts.insert_post(db, connection, new_post(wall, "x"), wall.id)
        b = await posts.insert_post(db, connection, new_post(other, "x"), other.id)
    assert a.created
    assert b.created
    assert a.post_id != b.post_id


async def test_lists_page_newest_first(db: Database, tmp_path: object) -> None:
    wall, _ = await walls_in(db, tmp_path)
    stored = [new_post(wall, f"p{i}") for i in range(5)]
    pending = new_post(wall, "waiting", PostStatus.PENDING)
    async with db.write() as connection:
        for post in (*stored, pending):
            await posts.insert_post(db, connection, post, wall.id)
    async with db.read() as connection:
        page = await posts.list_visible(connection, wall.id, 3)
        rest = await posts.list_visible(connection, wall.id, 3, before=page[-1].id)
        queue = await posts.list_pending(connection, wall.id, 10)
    assert [p.external_id for p in page] == ["p4", "p3", "p2"]
    assert [p.external_id for p in rest] == ["p1", "p0"]
    assert [p.external_id for p in queue] == ["waiting"]


async def test_event_log_numbers_increase_per_wall(db: Database, tmp_path: object) -> None:
    wall, other = await walls_in(db, tmp_path)
    async with db.write() as connection:
        first = await events.append_events(
            connection, wall.id, [(EventType.POST, "{}"), (EventType.REMOVE, "{}")], NOW
        )
        await events.append_events(connection, other.id, [(EventType.POST, "{}")], NOW)
    async with db.write() as connection:
        third = await events.append_events(connection, wall.id, [(EventType.POST, '{"a":1}')], NOW)
    assert [e.seq for e in first + third] == [1, 2, 3]
    async with db.read() as connection:
        assert await last_event_seq(connection, wall.id) == 3
        assert await last_event_seq(connection, other.id) == 1
        replay = await events.events_after(connection, wall.id, 1, 10)
    assert [(e.seq, e.type) for e in replay] == [(2, EventType.REMOVE), (3, EventType.POST)]
    assert replay[-1].data == '{"a":1}'


async def test_failed_transaction_leaves_no_trace(db: Database, tmp_path: object) -> None:
    wall, _ = await walls_in(db, tmp_path)

    async def crash_before_commit() -> None:
        async with db.write() as connection:
            await posts.insert_post(db, connection, new_post(wall, "lost"), wall.id)
            await cursors.save_cursor(db, connection, wall.id, CursorUpdate("demo", "7"), NOW)
            await events.append_events(connection, wall.id, [(EventType.POST, "{}")], NOW)
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        await crash_before_commit()
    async with db.read() as connection:
        assert await posts.list_visible(connection, wall.id, 10) == []
        assert await cursors.load_cursor(connection, wall.id, "demo") is None
        assert await last_event_seq(connection, wall.id) == 0


async def test_cursor_upsert(db: Database, tmp_path: object) -> None:
    wall, _ = await walls_in(db, tmp_path)
    for value in ("1", "2"):
        async with db.write() as connection:
            await cursors.save_cursor(
                db, connection, wall.id, CursorUpdate("mastodon-0", value), NOW
            )
    async with db.read() as connection:
        assert await cursors.load_cursor(connection, wall.id, "mastodon-0") == "2"


async def test_tokens_are_hashed_and_revocable(db: Database, tmp_path: object) -> None:
    wall, _ = await walls_in(db, tmp_path)
    async with db.write() as connection:
        token_id, value = await tokens.create_token(
            connection, wall.id, TokenScope.INGEST, "bot", NOW
        )
    async with db.read() as connection:
        record = await tokens.find_active_token(connection, value)
        stored = await connection.scalar(sa.text("SELECT token_hash FROM api_tokens"))
    assert record is not None
    assert record.scope is TokenScope.INGEST
    assert record.wall_slug == "seoul2017"
    assert value not in str(stored)
    assert stored == tokens.digest(value)
    async with db.write() as connection:
        assert await tokens.revoke_token(connection, token_id, NOW)
    async with db.read() as connection:
        assert await tokens.find_active_token(connection, value) is None
        assert await tokens.find_active_token(connection, "sotong_nope") is None


async def test_batch_insert_reports_new_repeated_and_known_posts(
    db: Database, tmp_path: object
) -> None:
    wall, other = await walls_in(db, tmp_path)
    known = new_post(wall, "known")
    async with db.write() as connection:
        await posts.insert_post(db, connection, known, wall.id)
    batch = [
        (new_post(wall, "a"), wall.id),
        (new_post(wall, "known"), wall.id),
        (new_post(wall, "a"), wall.id),
        (new_post(other, "a"), other.id),
        (new_post(wall, "b", author=Author("다른 사람", "@other", None)), wall.id),
    ]
    async with db.write() as connection:
        outcomes = await posts.insert_posts(db, connection, batch)
    assert [o.created for o in outcomes] == [True, False, False, True, True]
    assert outcomes[1].post_id == known.id
    assert outcomes[2].post_id == outcomes[0].post_id == batch[0][0].id
    async with db.read() as connection:
        stored_b = await posts.get_post(connection, wall.id, batch[4][0].id)
        stored_a = await posts.get_post(connection, wall.id, batch[0][0].id)
    assert stored_b is not None
    assert stored_b.author.handle == "@other"
    assert stored_a is not None
    assert stored_a.media == batch[0][0].media
