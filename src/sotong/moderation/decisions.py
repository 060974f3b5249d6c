"""Apply a moderator's decision to a post and tell every screen what changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sotong.clock import Clock, utc_now
from sotong.domain import DecisionAction, Post, PostStatus, Wall
from sotong.live.bus import Bus
from sotong.pipeline.ingest import change_events
from sotong.store import events, posts, uploads
from sotong.store.database import Database

REASON_REJECTED = "rejected by a moderator"
REASON_WITHDRAWN = "withdrawn by the uploader"
WITHDRAW = "withdraw"
UPLOADER = "uploader"


class PostNotFound(LookupError):
    pass


def apply_action(post: Post, action: DecisionAction, now: datetime) -> Post:
    """The post after the action. Pinning or featuring a waiting post also puts it on screen."""

    def shown(p: Post) -> Post:
        if p.visible:
            return p
        return replace(p, status=PostStatus.APPROVED, reason=None, shown_at=now)

    match action:
        case DecisionAction.APPROVE:
            return shown(post)
        case DecisionAction.REJECT:
            if post.status is PostStatus.REJECTED:
                return post
            return replace(post, status=PostStatus.REJECTED, reason=REASON_REJECTED)
        case DecisionAction.PIN:
            return replace(shown(post), pinned=True)
        case DecisionAction.UNPIN:
            return replace(post, pinned=False)
        case DecisionAction.FEATURE:
            return replace(shown(post), featured=True)
        case DecisionAction.UNFEATURE:
            return replace(post, featured=False)


class Decisions:
    def __init__(self, db: Database, bus: Bus, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock

    async def decide(self, wall: Wall, post_id: str, action: DecisionAction, actor: str) -> Post:
        now = self._clock()
        async with self._db.write() as connection:
            before = await posts.get_post(connection, wall.id, post_id)
            if before is None or before.status is PostStatus.REMOVED:
                raise PostNotFound(post_id)
            after = apply_action(before, action, now)
            if after != before:
                await posts.update_post(connection, after)
            await posts.record_decision(connection, after, wall.id, action, actor, None, now)
            stored = await events.append_events(
                connection, wall.id, change_events(before, after), now
            )
        await self._bus.publish(stored)
        return after

    async def withdraw(self, wall: Wall, post_id: str) -> Post:
        """The uploader takes their post back: it leaves every screen and stays stored as
        removed. Withdrawing twice changes nothing."""
        now = self._clock()
        async with self._db.write() as connection:
            before = await posts.get_post(connection, wall.id, post_id)
            if before is None:
                raise PostNotFound(post_id)
            if before.status is PostStatus.REMOVED:
                return before
            after = replace(before, status=PostStatus.REMOVED, reason=REASON_WITHDRAWN)
            await posts.update_post(connection, after)
            await posts.record_decision(connection, after, wall.id, WITHDRAW, UPLOADER, None, now)
            await uploads.mark_withdrawn(connection, post_id, now)
            stored = await events.append_events(
                connection, wall.id, change_events(before, after), now
            )
        await self._bus.publish(stored)
        return after
