"""Turn incoming posts into stored posts and live events, in one transaction per batch."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.clock import Clock, utc_now
from sotong.domain import (
    CursorUpdate,
    EventType,
    IncomingPost,
    IngestResult,
    Post,
    PostStatus,
    StoredEvent,
    Wall,
)
from sotong.hashtags import extract_hashtags, match_tags, tag_key
from sotong.ids import IdGenerator
from sotong.live.bus import Bus
from sotong.metrics import Metrics
from sotong.pipeline.decide import decide
from sotong.pipeline.media import MediaStep
from sotong.pipeline.normalise import normalise
from sotong.pipeline.rules import RulesStep
from sotong.pipeline.sanitise import sanitise_html
from sotong.store import cursors, events, posts
from sotong.store.database import Database
from sotong.wire import dumps, post_to_console_wire, post_to_wire

IGNORED_NO_TAG = "no matching hashtag"
REASON_DELETED = "deleted at its source"
REASON_TAG_EDITED_OUT = "the hashtag was edited out at its source"
MAX_GROUP = 256


@dataclass(slots=True)
class _Unit:
    """One caller's batch, waiting for the writer."""

    wall: Wall
    sources: list[str]
    posts: list[Post | None]
    cursor: CursorUpdate | None
    received_at: datetime
    done: asyncio.Future[list[IngestResult]]


def post_tags(post: IncomingPost) -> tuple[str, ...]:
    """Tags the source reported plus tags found in the text, each once, first spelling kept."""
    seen: dict[str, str] = {}
    for tag in (*post.tags, *extract_hashtags(post.text)):
        key = tag_key(tag)
        if key and key not in seen:
            seen[key] = tag.lstrip("#＃")
    return tuple(seen.values())


def post_event(post: Post) -> tuple[EventType, str]:
    return EventType.POST, dumps(post_to_wire(post))


def remove_event(post_id: str) -> tuple[EventType, str]:
    return EventType.REMOVE, dumps({"id": post_id})


def queued_event(post: Post) -> tuple[EventType, str]:
    return EventType.QUEUED, dumps(post_to_console_wire(post))


def unqueued_event(post: Post) -> tuple[EventType, str]:
    return EventType.UNQUEUED, dumps({"id": post.id, "status": post.status.value})


def change_events(before: Post, after: Post) -> list[tuple[EventType, str]]:
    """What screens and the moderation queue must hear about a post that changed."""
    found = []
    if before.status is PostStatus.PENDING and after.status is not PostStatus.PENDING:
        found.append(unqueued_event(after))
    elif after.status is PostStatus.PENDING and after != before:
        found.append(queued_event(after))
    if after.visible and after != before:
        found.append(post_event(after))
    elif before.visible and not after.visible:
        found.append(remove_event(after.id))
    return found


class IngestPipeline:
    def __init__(
        self,
        db: Database,
        bus: Bus,
        *,
        ids: IdGenerator | None = None,
        clock: Clock = utc_now,
        metrics: Metrics | None = None,
        media: MediaStep | None = None,
        rules: RulesStep | None = None,
    ) -> None:
        self._metrics = metrics or Metrics()
        self._media = media
        self._rules = rules
        self._db = db
        self._bus = bus
        self._ids = ids or IdGenerator()
        self._clock = clock
        self._waiting: list[_Unit] = []
        self._writer: asyncio.Task[None] | None = None

    async def ingest(
        self, wall: Wall, incoming: IncomingPost, *, cursor: CursorUpdate | None = None
    ) -> IngestResult:
        (result,) = await self.ingest_batch(wall, [incoming], cursor=cursor)
        return result

    async def ingest_batch(
        self, wall: Wall, batch: Sequence[IncomingPost], *, cursor: CursorUpdate | None = None
    ) -> list[IngestResult]:
        """Store every matching post of a batch, its events and the source's cursor together."""
        now = self._clock()
        prepared = [self._prepare(wall, incoming, now) for incoming in batch]
        if self._media is not None:
            prepared = await self._media.apply(wall, prepared)
        unit = _Unit(
            wall,
            [incoming.source for incoming in batch],
            prepared,
            cursor,
            now,
            asyncio.get_running_loop().create_future(),
        )
        self._waiting.append(unit)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        # Shielded: a caller that goes away (a closed HTTP connection) must not undo a write.
        return await asyncio.shield(unit.done)

    async def close(self) -> None:
        """Let the writer finish what is queued (at shutdown), so no accepted post is lost."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    def _prepare(self, wall: Wall, incoming: IncomingPost, now: datetime) -> Post | None:
        clean = normalise(incoming)
        tags = post_tags(clean)
        match = match_tags(tags, wall.hashtags, match_particles=wall.match_particles)
        if not match.matches:
            return None
        status, reason, rule = decide(wall, clean, match)
        return Post(
            id=self._ids.new(),
            wall_slug=wall.slug,
            source=clean.source,
            external_id=clean.external_id,
            # Keyed now, so the queue, bans and caps see the same author the store will.
            author=replace(clean.author, key=posts.author_key(clean.author)),
            text=clean.text,
            html=sanitise_html(clean.html),
            tags=tags,
            media=clean.media,
            created_at=clean.created_at,
            received_at=now,
            shown_at=now if status is PostStatus.APPROVED else None,
            status=status,
            reason=reason,
            permalink=clean.permalink,
            sensitive=clean.sensitive,
            rule=rule,
        )

    async def _write_waiting(self) -> None:
        """Group commit: everything that queued up while the last transaction ran goes in the next.

        Databases pay per transaction, not per row; under load this turns many small commits
        into a few larger ones. When a group fails, its units are retried one by one, so one
        bad unit cannot take the others down with it.
        """
        while self._waiting:
            group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
            try:
                await self._write(group)
            except Exception:
                for unit in group:
                    try:
                        await self._write([unit])
                    except Exception as error:
                        if not unit.done.done():
                            unit.done.set_exception(error)

    async def _write(self, group: list[_Unit]) -> None:
        outcomes: list[list[IngestResult]] = []
        by_wall: dict[int, list[tuple[EventType, str]]] = {}
        async with self._db.write() as connection:
            if self._rules is not None:
                await self._apply_rules(connection, group)
            matching = [(post, unit.wall.id) for unit in group for post in unit.posts if post]
            stored = iter(await posts.insert_posts(self._db, connection, matching))
            for unit in group:
                results = []
                for post in unit.posts:
                    if post is None:
                        results.append(IngestResult(None, "ignored", IGNORED_NO_TAG, False))
                        continue
                    outcome = next(stored)
                    results.append(
                        IngestResult(
                            outcome.post_id, outcome.status.value, outcome.reason, outcome.created
                        )
                    )
                    if outcome.created and post.visible:
                        by_wall.setdefault(unit.wall.id, []).append(post_event(post))
                    elif outcome.created and post.status is PostStatus.PENDING:
                        by_wall.setdefault(unit.wall.id, []).append(queued_event(post))
                if unit.cursor is not None:
                    await cursors.save_cursor(
                        self._db, connection, unit.wall.id, unit.cursor, unit.received_at
                    )
                outcomes.append(results)
            stored_events: list[StoredEvent] = []
            # Walls in a fixed order, so two processes never wait on each other's wall locks.
            for wall_id in sorted(by_wall):
                stored_events += await events.append_events(
                    connection, wall_id, by_wall[wall_id], group[0].received_at
                )
        for unit, results in zip(group, outcomes, strict=True):
            for source, result in zip(unit.sources, results, strict=True):
                if result.created or result.status == "ignored":
                    self._metrics.ingested.labels(source, result.status).inc()
            if not unit.done.done():
                unit.done.set_result(results)
        await self._bus.publish(stored_events)

    async def _apply_rules(self, connection: AsyncConnection, group: list[_Unit]) -> None:
        """Each wall's rules over the group's new posts, in arrival order."""
        assert self._rules is not None
        by_wall: dict[int, list[tuple[_Unit, int]]] = {}
        for unit in group:
            for index, post in enumerate(unit.posts):
                if post is not None:
                    by_wall.setdefault(unit.wall.id, []).append((unit, index))
        for places in by_wall.values():
            wall = places[0][0].wall
            found = [unit.posts[index] for unit, index in places]
            judged = await self._rules.apply(connection, wall, [p for p in found if p])
            for (unit, index), post in zip(places, judged, strict=True):
                unit.posts[index] = post

    async def remove_at_source(
        self,
        wall: Wall,
        source: str,
        external_ids: Sequence[str],
        *,
        cursor: CursorUpdate | None = None,
    ) -> int:
        """A source deleted posts: they leave every screen and stay stored as `removed`."""
        now = self._clock()
        async with self._db.write() as connection:
            found = await posts.hold_by_external_ids(connection, wall.id, source, external_ids)
            new_events = []
            for post in found:
                if post.status is PostStatus.REMOVED:
                    continue
                removed = replace(post, status=PostStatus.REMOVED, reason=REASON_DELETED)
                await posts.update_post(connection, removed)
                new_events += change_events(post, removed)
            if cursor is not None:
                await cursors.save_cursor(self._db, connection, wall.id, cursor, now)
            stored_events = await events.append_events(connection, wall.id, new_events, now)
        await self._bus.publish(stored_events)
        return len(stored_events)

    async def edit_at_source(
        self, wall: Wall, edited: Sequence[IncomingPost], *, cursor: CursorUpdate | None = None
    ) -> int:
        """A source edited posts: screens show the new version; an edit that drops the wall's
        hashtag takes the post off the wall, and one that adds it brings a new post in."""
        now = self._clock()
        unseen: list[IncomingPost] = []
        if self._media is not None:
            edited = [
                replace(incoming, media=await self._media.localise(incoming.media))
                for incoming in edited
            ]
        async with self._db.write() as connection:
            new_events = []
            for incoming in edited:
                clean = normalise(incoming)
                found = await posts.hold_by_external_ids(
                    connection, wall.id, clean.source, [clean.external_id]
                )
                if not found:
                    unseen.append(incoming)
                    continue
                before = found[0]
                if before.status is PostStatus.REMOVED:
                    continue
                tags = post_tags(clean)
                if not match_tags(
                    tags, wall.hashtags, match_particles=wall.match_particles
                ).matches:
                    after = replace(before, status=PostStatus.REMOVED, reason=REASON_TAG_EDITED_OUT)
                else:
                    after = replace(
                        before,
                        text=clean.text,
                        html=sanitise_html(clean.html),
                        tags=tags,
                        media=clean.media,
                        sensitive=before.sensitive or clean.sensitive,
                    )
                    if self._rules is not None and after.text != before.text:
                        after = self._rules.recheck(wall, after)
                if after == before:
                    continue
                await posts.update_post(connection, after)
                if after.media != before.media:
                    await posts.replace_media(connection, after)
                new_events += change_events(before, after)
            if cursor is not None and not unseen:
                await cursors.save_cursor(self._db, connection, wall.id, cursor, now)
            stored_events = await events.append_events(connection, wall.id, new_events, now)
        await self._bus.publish(stored_events)
        if unseen:
            await self.ingest_batch(wall, unseen, cursor=cursor)
        return len(stored_events)
