"""What the moderation rules ask the database about a batch of new posts, a few queries per batch:
active bans, each author's posts shown in the last hour, earlier posts with the same text."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import PostStatus
from sotong.store.tables import author_bans, authors, posts

AuthorId = tuple[str, str]  # (source, author key)


def _matching(
    source: sa.ColumnElement[str], key: sa.ColumnElement[str], wanted: Collection[AuthorId]
) -> sa.ColumnElement[bool]:
    return sa.or_(*(sa.and_(source == s, key == k) for s, k in wanted))


async def active_bans(
    connection: AsyncConnection, wall_id: int, wanted: Collection[AuthorId]
) -> dict[AuthorId, str]:
    """Authors banned on this wall or on every wall, with the ban's reason. Active bans are few,
    so all of them are read and matched here: one small query whatever the batch."""
    if not wanted:
        return {}
    rows = await connection.execute(
        sa.select(author_bans.c.source, author_bans.c.author_key, author_bans.c.reason)
        .where(
            author_bans.c.lifted_at.is_(None),
            sa.or_(author_bans.c.wall_id == wall_id, author_bans.c.wall_id.is_(None)),
        )
        .order_by(author_bans.c.id)
    )
    return {
        (row.source, row.author_key): row.reason or ""
        for row in rows
        if (row.source, row.author_key) in wanted
    }


async def shown_since(
    connection: AsyncConnection, wall_id: int, wanted: Collection[AuthorId], since: datetime
) -> dict[AuthorId, int]:
    """How many of each author's posts on this wall went on screen since `since` (and still are,
    or were taken down later: a cap counts what was shown)."""
    if not wanted:
        return {}
    rows = await connection.execute(
        sa.select(authors.c.source, authors.c.key, sa.func.count())
        .join(posts, posts.c.author_id == authors.c.id)
        .where(
            posts.c.wall_id == wall_id,
            posts.c.shown_at >= since,
            _matching(authors.c.source, authors.c.key, wanted),
        )
        .group_by(authors.c.source, authors.c.key)
    )
    return {(source, key): int(count) for source, key, count in rows}


async def same_text(
    connection: AsyncConnection, wall_id: int, fingerprints: Collection[str], since: datetime
) -> dict[str, str]:
    """For each text fingerprint, the first post on this wall since `since` that had it."""
    if not fingerprints:
        return {}
    rows = await connection.execute(
        sa.select(posts.c.text_hash, sa.func.min(posts.c.id))
        .where(
            posts.c.wall_id == wall_id,
            posts.c.text_hash.in_(list(fingerprints)),
            posts.c.received_at >= since,
            posts.c.status != PostStatus.REMOVED.value,
        )
        .group_by(posts.c.text_hash)
    )
    return {str(text_hash): str(post_id) for text_hash, post_id in rows}
