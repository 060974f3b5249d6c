"""The media step of ingest, between matching and storing: remote images made local, and posts whose
image is a near-duplicate of one already on the wall (a re-post, meme spam) sent to the queue."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from sotong.domain import Media, Post, PostStatus, Wall
from sotong.media.hashes import hash_distance
from sotong.media.remote import RemoteMedia
from sotong.moderation.reasons import reason
from sotong.store import posts
from sotong.store.database import Database


class MediaStep:
    def __init__(
        self,
        db: Database,
        remote: RemoteMedia | None,
        *,
        near_duplicate_distance: int,
        near_duplicate_window: int,
    ) -> None:
        self._db = db
        self._remote = remote
        self._distance = near_duplicate_distance
        self._window = near_duplicate_window

    async def apply(self, wall: Wall, batch: Sequence[Post | None]) -> list[Post | None]:
        ready = list(batch)
        if self._remote is not None:
            ready = await self._localise(wall, ready)
        if self._window > 0 and any(_hashes(post) for post in ready):
            ready = await self._flag_near_duplicates(wall, ready)
        return ready

    async def localise(self, items: tuple[Media, ...]) -> tuple[Media, ...]:
        """Remote images of an edited post made local (unchanged ones come from memory)."""
        return items if self._remote is None else await self._remote.localise(items)

    async def _localise(self, wall: Wall, batch: list[Post | None]) -> list[Post | None]:
        remote = self._remote
        assert remote is not None
        needing = [
            post
            for post in batch
            if post
            and post.status is not PostStatus.REJECTED
            and any(remote.needs_work(m) for m in post.media)
        ]
        if not needing:
            return batch
        # Sources re-read what they already sent (feeds, catch-up after a reconnect): those posts
        # are stored already and are not fetched again.
        known = await self._stored(wall, needing)
        fresh = [post for post in needing if (post.source, post.external_id) not in known]
        localised = await asyncio.gather(*(remote.localise(post.media) for post in fresh))
        media_of = {post.id: media for post, media in zip(fresh, localised, strict=True)}
        return [
            replace(post, media=media_of[post.id]) if post and post.id in media_of else post
            for post in batch
        ]

    async def _stored(self, wall: Wall, batch: list[Post]) -> set[tuple[str, str]]:
        by_source: dict[str, list[str]] = {}
        for post in batch:
            by_source.setdefault(post.source, []).append(post.external_id)
        known: set[tuple[str, str]] = set()
        async with self._db.read() as connection:
            for source, external_ids in by_source.items():
                stored = await posts.stored_external_ids(connection, wall.id, source, external_ids)
                known.update((source, external_id) for external_id in stored)
        return known

    async def _flag_near_duplicates(
        self, wall: Wall, batch: list[Post | None]
    ) -> list[Post | None]:
        async with self._db.read() as connection:
            seen = await posts.recent_image_hashes(connection, wall.id, self._window)
        flagged: list[Post | None] = []
        for post in batch:
            if post is None:
                flagged.append(post)
                continue
            hashes = _hashes(post)
            original = next(
                (
                    post_id
                    for post_id, known in seen
                    if post_id != post.id
                    and any(hash_distance(mine, known) <= self._distance for mine in hashes)
                ),
                None,
            )
            if original is not None and post.reason is None:
                post = replace(
                    post,
                    status=PostStatus.PENDING,
                    shown_at=None,
                    reason=reason("near_duplicate", wall.locale, post_id=original),
                    rule="near_duplicate",
                )
            flagged.append(post)
            seen = [(post.id, mine) for mine in hashes] + seen
        return flagged


def _hashes(post: Post | None) -> list[str]:
    return [item.phash for item in post.media if item.phash] if post else []
