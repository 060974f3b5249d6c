"""The history of decisions and undo: a post goes back to its state before the decision, the queue
and the screens follow; bulk decisions and bans are undone as one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sotong.domain import DecisionAction, EventType, PostStatus
from sotong.moderation.bans import BanScope
from sotong.moderation.decisions import PostNotFound
from sotong.moderation.history import DecisionNotFound, NothingToUndo
from sotong.store import audit, bans
from sotong.store.database import Database
from tests.moderation.world import ACTOR, World, make_world

OTHER_ACTOR = "user:owner@example.org"


@pytest.fixture
async def world(db: Database, tmp_path: Path) -> World:
    return await make_world(db, tmp_path)


async def test_undoing_an_approval_puts_the_post_back_in_the_queue(world: World) -> None:
    post_id = await world.post(world.seoul)
    (decided,) = await world.decisions.decide_many(
        world.seoul, [post_id], DecisionAction.APPROVE, ACTOR
    )
    world.bus.take()

    outcome = await world.history.undo(world.seoul, decided.decision_id, OTHER_ACTOR)

    assert outcome.restored == [post_id]
    post = await world.get(post_id)
    assert (post.status, post.shown_at) == (PostStatus.PENDING, None)
    assert world.bus.take() == [
        (world.seoul.id, EventType.QUEUED, post_id),
        (world.seoul.id, EventType.REMOVE, post_id),
    ]
    with pytest.raises(NothingToUndo):
        await world.history.undo(world.seoul, decided.decision_id, OTHER_ACTOR)
    entries, _ = await world.history.entries(world.seoul, 50)
    assert [entry.first.action for entry in entries] == ["undo", "approve"]
    assert not any(entry.undoable for entry in entries)
    assert entries[1].first.undone_by == OTHER_ACTOR
    async with world.db.read() as connection:
        (entry,) = await audit.entries(connection, action="decision.undo")
    assert (entry.actor, entry.detail["decision_id"]) == (OTHER_ACTOR, decided.decision_id)


async def test_undoing_a_removal_brings_the_card_back_as_it_was(world: World) -> None:
    post_id = await world.shown()
    await world.decisions.decide(world.seoul, post_id, DecisionAction.PIN, ACTOR)
    shown = await world.get(post_id)
    (hidden,) = await world.decisions.decide_many(
        world.seoul, [post_id], DecisionAction.HIDE, ACTOR
    )
    assert hidden.post.status is PostStatus.REJECTED
    world.bus.take()

    await world.history.undo(world.seoul, hidden.decision_id, ACTOR)

    assert await world.get(post_id) == shown
    assert world.bus.take() == [(world.seoul.id, EventType.POST, post_id)]


async def test_a_post_that_changed_since_keeps_its_newer_state(world: World) -> None:
    post_id = await world.post(world.seoul)
    (approved,) = await world.decisions.decide_many(
        world.seoul, [post_id], DecisionAction.APPROVE, ACTOR
    )
    await world.decisions.decide(world.seoul, post_id, DecisionAction.FEATURE, OTHER_ACTOR)
    entries, _ = await world.history.entries(world.seoul, 50)
    assert [(entry.first.action, entry.undoable) for entry in entries] == [
        ("feature", True),
        ("approve", False),
    ]
    with pytest.raises(NothingToUndo):
        await world.history.undo(world.seoul, approved.decision_id, ACTOR)
    assert (await world.get(post_id)).featured


async def test_a_decision_of_another_wall_is_not_found(world: World) -> None:
    post_id = await world.post(world.other)
    (decided,) = await world.decisions.decide_many(
        world.other, [post_id], DecisionAction.REJECT, ACTOR
    )
    with pytest.raises(DecisionNotFound):
        await world.history.undo(world.seoul, decided.decision_id, ACTOR)
    with pytest.raises(DecisionNotFound):
        await world.history.undo(world.seoul, 10_000, ACTOR)


async def test_a_bulk_decision_is_one_transaction_and_one_undo(world: World) -> None:
    waiting = [await world.post(world.seoul) for _ in range(4)]
    elsewhere = await world.post(world.other)
    world.bus.take()
    with pytest.raises(PostNotFound):
        await world.decisions.decide_many(
            world.seoul, [*waiting, elsewhere], DecisionAction.APPROVE, ACTOR
        )
    assert world.bus.take() == []
    assert {(await world.get(p)).status for p in waiting} == {PostStatus.PENDING}

    decided = await world.decisions.decide_many(
        world.seoul, [*waiting, waiting[0]], DecisionAction.APPROVE, ACTOR
    )

    assert [d.post.id for d in decided] == waiting
    assert {(await world.get(p)).status for p in waiting} == {PostStatus.APPROVED}
    published = world.bus.take()
    assert [kind for _, kind, _ in published] == [EventType.UNQUEUED, EventType.POST] * 4
    entries, _ = await world.history.entries(world.seoul, 50)
    assert len(entries) == 1
    assert sorted(p.id for p in entries[0].posts) == sorted(waiting)
    async with world.db.read() as connection:
        approvals = await audit.entries(connection, action="post.approve")
    assert sorted(entry.post_id or "" for entry in approvals) == sorted(waiting)

    await world.decisions.decide(world.seoul, waiting[0], DecisionAction.REJECT, ACTOR)
    outcome = await world.history.undo(world.seoul, decided[2].decision_id, ACTOR)

    assert sorted(outcome.restored) == sorted(waiting[1:])
    assert outcome.skipped == [waiting[0]]
    assert [(await world.get(p)).status for p in waiting] == [
        PostStatus.REJECTED,
        *[PostStatus.PENDING] * 3,
    ]


async def test_undoing_a_ban_lifts_it_and_brings_every_post_back(world: World) -> None:
    here = await world.shown()
    waiting = await world.post(world.seoul)
    there = await world.post(world.other)
    outcome = await world.bans.ban(world.seoul, here, BanScope.ALL, ACTOR)
    world.bus.take()

    undone = await world.history.undo(world.seoul, outcome.decision_id, OTHER_ACTOR)

    assert sorted(undone.restored) == sorted([here, waiting, there])
    assert undone.lifted_bans == [outcome.ban.id]
    assert [(await world.get(p)).status for p in (here, waiting, there)] == [
        PostStatus.APPROVED,
        PostStatus.PENDING,
        PostStatus.APPROVED,
    ]
    assert sorted(world.bus.take()) == sorted(
        [
            (world.seoul.id, EventType.POST, here),
            (world.seoul.id, EventType.QUEUED, waiting),
            (world.other.id, EventType.POST, there),
        ]
    )
    async with world.db.read() as connection:
        assert not await bans.is_banned(connection, world.other.id, "api", "@yeonsil")


async def test_withdrawn_posts_stay_withdrawn(world: World) -> None:
    post_id = await world.shown()
    (rejected,) = await world.decisions.decide_many(
        world.seoul, [post_id], DecisionAction.REJECT, ACTOR
    )
    await world.decisions.withdraw(world.seoul, post_id)
    with pytest.raises(NothingToUndo):
        await world.history.undo(world.seoul, rejected.decision_id, ACTOR)
    assert (await world.get(post_id)).status is PostStatus.REMOVED


async def test_history_pages(world: World) -> None:
    for _ in range(5):
        await world.shown()
    first, more = await world.history.entries(world.seoul, 3)
    assert len(first) == 3
    assert more is not None
    rest, end = await world.history.entries(world.seoul, 3, more)
    assert len(rest) == 2
    assert end is None
    assert first[-1].first.id > rest[0].first.id
