"""Banning an author: the ban is recorded and, in the same transaction, every post of theirs leaves
every screen and the queue (on one wall, or on all of them), each as an undoable decision."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import EventType, Post, PostStatus, StoredEvent, Wall
from sotong.moderation.decisions import PostNotFound, author_detail
from sotong.moderation.desk import Desk
from sotong.pipeline.ingest import change_events
from sotong.store import audit, bans, events, history, posts
from sotong.store.bans import Ban
from sotong.store.history import NewDecision, PostState

REASON_BANNED = "author banned by a moderator"
BAN = "ban"
TAKEN_DOWN = (PostStatus.APPROVED, PostStatus.PENDING)


class BanScope(enum.StrEnum):
    WALL = "wall"
    ALL = "all"


class BanNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class BanOutcome:
    ban: Ban
    created: bool  # False: an active ban already covered this; it was applied again
    removed: list[str]  # posts taken off screens
    unqueued: list[str]  # waiting posts rejected
    decision_id: int  # the decision on the post the ban was made from (undo undoes the ban)


def banned(post: Post) -> Post:
    if post.status not in TAKEN_DOWN:
        return post
    return replace(post, status=PostStatus.REJECTED, reason=REASON_BANNED)


async def append_by_wall(
    connection: AsyncConnection, by_wall: dict[int, list[tuple[EventType, str]]], now: datetime
) -> list[StoredEvent]:
    """Events of several walls; walls in a fixed order, so writers never wait on each other in a
    circle (the ingest pipeline takes wall locks in the same order)."""
    stored: list[StoredEvent] = []
    for wall_id in sorted(by_wall):
        stored += await events.append_events(connection, wall_id, by_wall[wall_id], now)
    return stored


class Bans(Desk):
    async def ban(
        self,
        wall: Wall,
        post_id: str,
        scope: BanScope,
        actor: str,
        reason: str | None = None,
    ) -> BanOutcome:
        """Ban the author of a post of `wall` from that wall or from every wall."""
        now = self._clock()
        batch = self._ids.new()
        async with self._db.write() as connection:
            origin = await posts.get_post(connection, wall.id, post_id)
            if origin is None:
                raise PostNotFound(post_id)
            key = origin.author.key or posts.author_key(origin.author)
            scope_wall = wall.id if scope is BanScope.WALL else None
            ban = await bans.active_ban(connection, origin.source, key, scope_wall)
            created = ban is None
            if ban is None:
                ban = await bans.create_ban(
                    connection,
                    wall_id=scope_wall,
                    source=origin.source,
                    author_key=key,
                    author_name=origin.author.name,
                    actor=actor,
                    now=now,
                    reason=reason,
                )
            targets = dict(
                await bans.author_post_ids(connection, origin.source, key, scope_wall, TAKEN_DOWN)
            )
            targets.setdefault(origin.id, wall.id)
            await posts.lock_posts(connection, list(targets))
            found = await posts.get_posts(connection, list(targets))
            by_wall: dict[int, list[tuple[EventType, str]]] = defaultdict(list)
            removed: list[str] = []
            unqueued: list[str] = []
            entries: list[NewDecision] = []
            for before in sorted(found, key=lambda post: (post.id != origin.id, post.id)):
                after = banned(before)
                if after != before:
                    await posts.update_post(connection, after)
                    by_wall[targets[before.id]] += change_events(before, after)
                    (removed if before.visible else unqueued).append(before.id)
                entries.append(
                    NewDecision(
                        before.id,
                        targets[before.id],
                        BAN,
                        actor,
                        now,
                        reason=reason,
                        prior=PostState.of(before),
                        batch=batch,
                        ban_id=ban.id if created else None,
                    )
                )
            decision_ids = await history.record(connection, entries)
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=actor,
                    action="author.ban",
                    wall_id=wall.id,
                    post_id=origin.id,
                    detail=author_detail(origin)
                    | {
                        "ban_id": ban.id,
                        "scope": scope.value,
                        "new_ban": created,
                        "reason": reason,
                        "removed": removed,
                        "unqueued": unqueued,
                        "batch": batch,
                    },
                ),
            )
            stored = await append_by_wall(connection, by_wall, now)
        await self._bus.publish(stored)
        return BanOutcome(ban, created, removed, unqueued, decision_ids[0])

    async def lift(self, wall: Wall, ban_id: int, actor: str) -> Ban:
        """Lift a ban that applies to this wall; the posts it took down stay down (undo the ban's
        decision in the history to bring them back)."""
        now = self._clock()
        async with self._db.write() as connection:
            ban = await bans.get_ban(connection, ban_id)
            if ban is None or not ban.covers(wall.id):
                raise BanNotFound(ban_id)
            if await bans.lift_ban(connection, ban_id, actor, now):
                await audit.record(connection, lift_entry(ban, wall, actor, now))
                ban = replace(ban, lifted_at=now, lifted_by=actor)
        return ban

    async def list(self, wall: Wall, *, include_lifted: bool = False) -> list[Ban]:
        async with self._db.read() as connection:
            return await bans.bans_for_wall(connection, wall.id, include_lifted=include_lifted)


def lift_entry(ban: Ban, wall: Wall, actor: str, now: datetime) -> audit.AuditEntry:
    return audit.AuditEntry(
        at=now,
        actor=actor,
        action="author.unban",
        wall_id=wall.id,
        detail={
            "ban_id": ban.id,
            "scope": BanScope.WALL.value if ban.wall_id is not None else BanScope.ALL.value,
            "author": ban.author_name,
            "author_key": ban.author_key,
            "source": ban.source,
        },
    )
