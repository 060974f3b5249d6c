"""Bans take every post of an author off the screens and out of the queue, on one wall or on all
of them, in the same transaction as the ban itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from sotong.domain import EventType, PostStatus
from sotong.moderation.bans import REASON_BANNED, BanNotFound, BanScope
from sotong.moderation.decisions import PostNotFound
from sotong.store import audit, bans
from sotong.store.database import Database
from tests.moderation.world import ACTOR, World, make_world


@pytest.fixture
async def world(db: Database, tmp_path: Path) -> World:
    return await make_world(db, tmp_path)


async def test_a_wall_ban_takes_the_author_off_that_wall_only(world: World) -> None:
    shown = [await world.shown(), await world.shown()]
    waiting = await world.post(world.seoul)
    elsewhere = await world.post(world.other)
    bystander = await world.shown("다른 사람", "@other")
    world.bus.take()

    outcome = await world.bans.ban(world.seoul, shown[0], BanScope.WALL, ACTOR, "광고")

    assert outcome.created
    assert sorted(outcome.removed) == sorted(shown)
    assert outcome.unqueued == [waiting]
    for post_id in [*shown, waiting]:
        post = await world.get(post_id)
        assert (post.status, post.reason) == (PostStatus.REJECTED, REASON_BANNED)
    assert (await world.get(elsewhere)).status is PostStatus.APPROVED
    assert (await world.get(bystander)).status is PostStatus.APPROVED
    published = world.bus.take()
    assert sorted(published) == sorted(
        [(world.seoul.id, EventType.REMOVE, post_id) for post_id in shown]
        + [(world.seoul.id, EventType.UNQUEUED, waiting)]
    )
    async with world.db.read() as connection:
        ban = await bans.get_ban(connection, outcome.ban.id)
        assert ban is not None
        assert ban.active
        assert (ban.wall_id, ban.source, ban.author_key) == (world.seoul.id, "api", "@yeonsil")
        assert ban.reason == "광고"
        assert await bans.is_banned(connection, world.seoul.id, "api", "@yeonsil")
        assert not await bans.is_banned(connection, world.other.id, "api", "@yeonsil")
        (entry,) = await audit.entries(connection, action="author.ban")
    assert entry.actor == ACTOR
    assert entry.post_id == shown[0]
    assert entry.detail["scope"] == "wall"
    assert entry.detail["author_key"] == "@yeonsil"
    assert sorted(entry.detail["removed"]) == sorted(shown)


async def test_an_all_walls_ban_takes_the_author_off_every_wall(world: World) -> None:
    here = await world.shown()
    waiting = await world.post(world.seoul)
    there = [await world.post(world.other), await world.post(world.other)]
    world.bus.take()

    outcome = await world.bans.ban(world.seoul, here, BanScope.ALL, ACTOR)

    assert sorted(outcome.removed) == sorted([here, *there])
    assert outcome.unqueued == [waiting]
    published = world.bus.take()
    assert sorted(published) == sorted(
        [
            (world.seoul.id, EventType.REMOVE, here),
            (world.seoul.id, EventType.UNQUEUED, waiting),
            (world.other.id, EventType.REMOVE, there[0]),
            (world.other.id, EventType.REMOVE, there[1]),
        ]
    )
    assert outcome.ban.wall_id is None
    async with world.db.read() as connection:
        assert await bans.is_banned(connection, world.other.id, "api", "@yeonsil")
        listed_here = await bans.bans_for_wall(connection, world.seoul.id)
        listed_there = await bans.bans_for_wall(connection, world.other.id)
    assert [ban.id for ban in listed_here] == [ban.id for ban in listed_there] == [outcome.ban.id]


async def test_banning_again_reuses_the_ban_and_catches_what_slipped_through(
    world: World,
) -> None:
    first = await world.shown()
    wide = await world.bans.ban(world.seoul, first, BanScope.ALL, ACTOR)
    late = await world.shown()  # arrived before the ingest rules saw the ban
    again = await world.bans.ban(world.seoul, late, BanScope.WALL, ACTOR)
    assert not again.created
    assert again.ban.id == wide.ban.id
    assert again.removed == [late]


async def test_lifting_a_ban_keeps_the_posts_down(world: World) -> None:
    post_id = await world.shown()
    outcome = await world.bans.ban(world.seoul, post_id, BanScope.WALL, ACTOR)
    with pytest.raises(BanNotFound):
        await world.bans.lift(world.other, outcome.ban.id, ACTOR)
    with pytest.raises(BanNotFound):
        await world.bans.lift(world.seoul, outcome.ban.id + 100, ACTOR)

    lifted = await world.bans.lift(world.seoul, outcome.ban.id, ACTOR)

    assert not lifted.active
    assert lifted.lifted_by == ACTOR
    assert (await world.get(post_id)).status is PostStatus.REJECTED
    assert await world.bans.list(world.seoul) == []
    assert [ban.id for ban in await world.bans.list(world.seoul, include_lifted=True)] == [
        outcome.ban.id
    ]
    again = await world.bans.lift(world.seoul, outcome.ban.id, ACTOR)
    assert again.lifted_at == lifted.lifted_at
    async with world.db.read() as connection:
        assert len(await audit.entries(connection, action="author.unban")) == 1


async def test_the_post_must_be_on_the_wall(world: World) -> None:
    elsewhere = await world.post(world.other)
    with pytest.raises(PostNotFound):
        await world.bans.ban(world.seoul, elsewhere, BanScope.WALL, ACTOR)
    with pytest.raises(PostNotFound):
        await world.bans.ban(world.seoul, "01J0000000000000000000000Z", BanScope.ALL, ACTOR)
    async with world.db.read() as connection:
        assert await bans.bans_for_wall(connection, world.seoul.id) == []
