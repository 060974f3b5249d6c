"""Turn incoming posts into stored posts and live events, in one transaction per batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

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
from sotong.pipeline.decide import decide
from sotong.pipeline.normalise import normalise
from sotong.pipeline.sanitise import sanitise_html
from sotong.store import cursors, events, posts
from sotong.store.database import Database
from sotong.wire import dumps, post_to_wire

IGNORED_NO_TAG = "no matching hashtag"


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


class IngestPipeline:
    def __init__(
        self, db: Database, bus: Bus, *, ids: IdGenerator | None = None, clock: Clock = utc_now
    ) -> None:
        self._db = db
        self._bus = bus
        self._ids = ids or IdGenerator()
        self._clock = clock

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
        prepared: list[Post | None] = []
        for incoming in batch:
            clean = normalise(incoming)
            tags = post_tags(clean)
            match = match_tags(tags, wall.hashtags, match_particles=wall.match_particles)
            if not match.matches:
                prepared.append(None)
                continue
            status, reason = decide(wall, clean, match)
            prepared.append(
                Post(
                    id=self._ids.new(),
                    wall_slug=wall.slug,
                    source=clean.source,
                    external_id=clean.external_id,
                    author=clean.author,
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
                )
            )
        results: list[IngestResult] = []
        stored_events: list[StoredEvent] = []
        async with self._db.write() as connection:
            new_events = []
            for post in prepared:
                if post is None:
                    results.append(IngestResult(None, "ignored", IGNORED_NO_TAG, False))
                    continue
                outcome = await posts.insert_post(self._db, connection, post, wall.id)
                results.append(
                    IngestResult(
                        outcome.post_id, outcome.status.value, outcome.reason, outcome.created
                    )
                )
                if outcome.created and post.visible:
                    new_events.append(post_event(post))
            if cursor is not None:
                await cursors.save_cursor(self._db, connection, wall.id, cursor, now)
            stored_events = await events.append_events(connection, wall.id, new_events, now)
        await self._bus.publish(stored_events)
        return results

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
            found = await posts.find_by_external_ids(connection, wall.id, source, external_ids)
            new_events = []
            for post in found:
                if post.status is PostStatus.REMOVED:
                    continue
                await posts.update_post(
                    connection,
                    replace(post, status=PostStatus.REMOVED, reason="deleted at its source"),
                )
                if post.visible:
                    new_events.append(remove_event(post.id))
            if cursor is not None:
                await cursors.save_cursor(self._db, connection, wall.id, cursor, now)
            stored_events = await events.append_events(connection, wall.id, new_events, now)
        await self._bus.publish(stored_events)
        return len(stored_events)
