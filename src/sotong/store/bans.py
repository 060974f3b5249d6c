"""Author bans: one wall or every wall (`wall_id` NULL); an author is a source and its key."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import PostStatus
from sotong.store.tables import author_bans, authors, posts


@dataclass(frozen=True, slots=True)
class Ban:
    id: int
    wall_id: int | None  # None: every wall
    source: str
    author_key: str
    author_name: str
    created_by: str
    created_at: datetime
    reason: str | None = None
    lifted_at: datetime | None = None
    lifted_by: str | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def covers(self, wall_id: int) -> bool:
        return self.wall_id is None or self.wall_id == wall_id


def _ban(row: Any) -> Ban:
    return Ban(
        id=row.id,
        wall_id=row.wall_id,
        source=row.source,
        author_key=row.author_key,
        author_name=row.author_name,
        created_by=row.created_by,
        created_at=row.created_at,
        reason=row.reason,
        lifted_at=row.lifted_at,
        lifted_by=row.lifted_by,
    )


async def create_ban(
    connection: AsyncConnection,
    *,
    wall_id: int | None,
    source: str,
    author_key: str,
    author_name: str,
    actor: str,
    now: datetime,
    reason: str | None = None,
) -> Ban:
    ban = Ban(
        id=0,
        wall_id=wall_id,
        source=source,
        author_key=author_key[:300],
        author_name=author_name[:300],
        created_by=actor[:400],
        created_at=now,
        reason=reason[:300] if reason else None,
    )
    values = {
        "wall_id": ban.wall_id,
        "source": ban.source,
        "author_key": ban.author_key,
        "author_name": ban.author_name,
        "reason": ban.reason,
        "created_by": ban.created_by,
        "created_at": ban.created_at,
    }
    ban_id = await connection.scalar(
        author_bans.insert().values(**values).returning(author_bans.c.id)
    )
    return replace(ban, id=int(ban_id))


async def get_ban(connection: AsyncConnection, ban_id: int) -> Ban | None:
    row = (
        await connection.execute(sa.select(author_bans).where(author_bans.c.id == ban_id))
    ).first()
    return _ban(row) if row else None


async def active_ban(
    connection: AsyncConnection, source: str, author_key: str, wall_id: int | None
) -> Ban | None:
    """The active ban that already keeps this author off `wall_id` (None: off every wall)."""
    scope = (
        author_bans.c.wall_id.is_(None)
        if wall_id is None
        else sa.or_(author_bans.c.wall_id.is_(None), author_bans.c.wall_id == wall_id)
    )
    row = (
        await connection.execute(
            sa.select(author_bans)
            .where(
                author_bans.c.source == source,
                author_bans.c.author_key == author_key,
                author_bans.c.lifted_at.is_(None),
                scope,
            )
            .order_by(author_bans.c.wall_id.is_not(None), author_bans.c.id)
            .limit(1)
        )
    ).first()
    return _ban(row) if row else None


async def is_banned(
    connection: AsyncConnection, wall_id: int, source: str, author_key: str
) -> bool:
    return await active_ban(connection, source, author_key, wall_id) is not None


async def lift_ban(connection: AsyncConnection, ban_id: int, actor: str, now: datetime) -> bool:
    """Lift an active ban; False when it was lifted already."""
    result = await connection.execute(
        author_bans.update()
        .where(author_bans.c.id == ban_id, author_bans.c.lifted_at.is_(None))
        .values(lifted_at=now, lifted_by=actor[:400])
    )
    return bool(result.rowcount)


async def bans_for_wall(
    connection: AsyncConnection, wall_id: int, *, include_lifted: bool = False, limit: int = 500
) -> list[Ban]:
    """Bans that keep authors off this wall (its own and every-wall bans), newest first."""
    query = sa.select(author_bans).where(
        sa.or_(author_bans.c.wall_id.is_(None), author_bans.c.wall_id == wall_id)
    )
    if not include_lifted:
        query = query.where(author_bans.c.lifted_at.is_(None))
    rows = await connection.execute(query.order_by(author_bans.c.id.desc()).limit(limit))
    return [_ban(row) for row in rows]


async def author_post_ids(
    connection: AsyncConnection,
    source: str,
    author_key: str,
    wall_id: int | None,
    statuses: Collection[PostStatus],
) -> list[tuple[str, int]]:
    """(post id, wall id) of an author's posts in these states, on one wall or on all."""
    query = (
        sa.select(posts.c.id, posts.c.wall_id)
        .join(authors, authors.c.id == posts.c.author_id)
        .where(
            authors.c.source == source,
            authors.c.key == author_key,
            posts.c.source == source,
            posts.c.status.in_([status.value for status in statuses]),
        )
        .order_by(posts.c.id)
    )
    if wall_id is not None:
        query = query.where(posts.c.wall_id == wall_id)
    return [(str(post_id), int(wall)) for post_id, wall in await connection.execute(query)]
