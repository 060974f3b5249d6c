"""Walls: configured in the settings, mirrored into the database for posts and events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.config import WallSettings
from sotong.domain import ModerationMode, Wall
from sotong.store.tables import walls


def _to_wall(row: Any) -> Wall:
    return Wall(
        id=row.id,
        slug=row.slug,
        title=row.title,
        hashtags=tuple(row.hashtags),
        moderation=ModerationMode(row.moderation),
        locale=row.locale,
        match_particles=row.match_particles,
    )


async def sync_walls(
    connection: AsyncConnection, configured: Sequence[WallSettings], now: datetime
) -> list[Wall]:
    """Create or update every configured wall; walls no longer configured keep their history."""
    existing = {
        row.slug: row.id for row in await connection.execute(sa.select(walls.c.slug, walls.c.id))
    }
    for wall in configured:
        values = {
            "title": wall.title,
            "hashtags": list(wall.hashtags),
            "moderation": wall.moderation,
            "locale": wall.locale,
            "match_particles": wall.match_particles,
            "updated_at": now,
        }
        if wall.slug in existing:
            await connection.execute(
                walls.update().where(walls.c.id == existing[wall.slug]).values(**values)
            )
        else:
            await connection.execute(
                walls.insert().values(slug=wall.slug, created_at=now, **values)
            )
    slugs = [wall.slug for wall in configured]
    rows = await connection.execute(sa.select(walls).where(walls.c.slug.in_(slugs)))
    by_slug = {row.slug: _to_wall(row) for row in rows}
    return [by_slug[slug] for slug in slugs]


async def get_wall(connection: AsyncConnection, slug: str) -> Wall | None:
    row = (await connection.execute(sa.select(walls).where(walls.c.slug == slug))).first()
    return _to_wall(row) if row else None


async def last_event_seq(connection: AsyncConnection, wall_id: int) -> int:
    seq = await connection.scalar(sa.select(walls.c.last_event_seq).where(walls.c.id == wall_id))
    return int(seq or 0)
