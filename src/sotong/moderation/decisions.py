"""Apply a moderator's decision to a post and tell every screen what changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sotong.domain import DecisionAction, Post, PostStatus, Wall
from sotong.moderation.desk import Desk
from sotong.pipeline.ingest import change_events
from sotong.store import audit, events, history, posts, uploads
from sotong.store.history import NewDecision, PostState

REASON_REJECTED = "rejected by a moderator"
REASON_HIDDEN = "hidden by a moderator"
REASON_WITHDRAWN = "withdrawn by the uploader"
WITHDRAW = "withdraw"
UPLOADER = "uploader"


class PostNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Decided:
    """A post after a decision, and the decision's id in the history (for undo)."""

    post: Post
    decision_id: int


def author_detail(post: Post) -> dict[str, Any]:
    """Who wrote a post, for the audit log."""
    return {
        "author": post.author.name,
        "handle": post.author.handle,
        "author_key": post.author.key,
        "source": post.source,
    }


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
        case DecisionAction.HIDE:
            if not post.visible:
                return post
            return replace(post, status=PostStatus.REJECTED, reason=REASON_HIDDEN)


class Decisions(Desk):
    async def decide(self, wall: Wall, post_id: str, action: DecisionAction, actor: str) -> Post:
        (decided,) = await self.decide_many(wall, [post_id], action, actor)
        return decided.post

    async def decide_many(
        self, wall: Wall, post_ids: Sequence[str], action: DecisionAction, actor: str
    ) -> list[Decided]:
        """One action on posts of one wall, in one transaction: all of them or, when one is
        unknown (PostNotFound), none. Each decision keeps the post's state before it, for undo."""
        now = self._clock()
        wanted = list(dict.fromkeys(post_ids))
        batch = self._ids.new() if len(wanted) > 1 else None
        async with self._db.write() as connection:
            await posts.lock_posts(connection, wanted)
            found = {post.id: post for post in await posts.get_posts(connection, wanted, wall.id)}
            for post_id in wanted:
                if post_id not in found or found[post_id].status is PostStatus.REMOVED:
                    raise PostNotFound(post_id)
            new_events = []
            decided = []
            for post_id in wanted:
                before = found[post_id]
                after = apply_action(before, action, now)
                if after != before:
                    await posts.update_post(connection, after)
                new_events += change_events(before, after)
                decided.append(after)
                detail = author_detail(before) | ({"batch": batch} if batch else {})
                await audit.record(
                    connection,
                    audit.AuditEntry(
                        at=now,
                        actor=actor,
                        action=f"post.{action.value}",
                        wall_id=wall.id,
                        post_id=post_id,
                        detail=detail,
                    ),
                )
            decision_ids = await history.record(
                connection,
                [
                    NewDecision(
                        post_id,
                        wall.id,
                        action,
                        actor,
                        now,
                        prior=PostState.of(found[post_id]),
                        batch=batch,
                    )
                    for post_id in wanted
                ],
            )
            stored = await events.append_events(connection, wall.id, new_events, now)
        await self._bus.publish(stored)
        return [
            Decided(post, decision_id)
            for post, decision_id in zip(decided, decision_ids, strict=True)
        ]

    async def withdraw(self, wall: Wall, post_id: str) -> Post:
        """The uploader takes their post back: it leaves every screen and stays stored as
        removed. Withdrawing twice changes nothing."""
        now = self._clock()
        async with self._db.write() as connection:
            await posts.lock_posts(connection, [post_id])
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
