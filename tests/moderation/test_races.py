"""Two changes to one post at the same moment — a moderator's approval and the uploader's
withdrawal, or a deletion at the source — never leave a removed post on the screens. Rows are
held while they change; the event log must end with the post off screen."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import orjson
import pytest

from sotong.domain import DecisionAction, EventType, PostStatus
from sotong.moderation.decisions import PostNotFound
from sotong.store import events
from sotong.store.database import Database
from tests.moderation.world import ACTOR, World, make_world

ROUNDS = 12


@pytest.fixture
async def world(db: Database, tmp_path: Path) -> World:
    return await make_world(db, tmp_path)


async def last_screen_event(world: World, post_id: str) -> EventType | None:
    async with world.db.read() as connection:
        logged = await events.events_after(connection, world.seoul.id, 0, 10_000)
    found = None
    for event in logged:
        on_screen = event.type in (EventType.POST, EventType.REMOVE)
        if on_screen and orjson.loads(event.data).get("id") == post_id:
            found = event.type
    return found


async def approve(world: World, post_id: str) -> None:
    # When the withdrawal comes first there is nothing left to approve.
    with contextlib.suppress(PostNotFound):
        await world.decisions.decide(world.seoul, post_id, DecisionAction.APPROVE, ACTOR)


async def test_an_approval_racing_a_withdrawal_leaves_the_post_off_screen(world: World) -> None:
    for _ in range(ROUNDS):
        post_id = await world.post(world.seoul)
        await asyncio.gather(
            approve(world, post_id), world.decisions.withdraw(world.seoul, post_id)
        )
        assert (await world.get(post_id)).status is PostStatus.REMOVED
        assert await last_screen_event(world, post_id) in (None, EventType.REMOVE)


async def test_an_approval_racing_a_deletion_at_the_source_leaves_it_off_screen(
    world: World,
) -> None:
    for round_number in range(ROUNDS):
        post_id = await world.post(world.seoul)
        external_id = f"e{world.counter}"
        await asyncio.gather(
            approve(world, post_id),
            world.pipeline.remove_at_source(world.seoul, "api", [external_id]),
        )
        assert (await world.get(post_id)).status is PostStatus.REMOVED, round_number
        assert await last_screen_event(world, post_id) in (None, EventType.REMOVE)
