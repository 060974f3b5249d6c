"""A wall's announcements: the latest one that is neither cleared nor expired is on screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.store.tables import announcements


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    text: str
    level: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    cleared_at: datetime | None

    def showing(self, now: datetime) -> bool:
        return self.cleared_at is None and (self.expires_at is None or self.expires_at > now)


def _announcement(row: sa.Row[tuple[object, ...]]) -> Announcement:
    mapping = row._mapping
    return Announcement(
        id=int(mapping["id"]),
        text=mapping["text"],
        level=mapping["level"],
        created_at=mapping["created_at"],
        created_by=mapping["created_by"],
        expires_at=mapping["expires_at"],
        cleared_at=mapping["cleared_at"],
    )


async def add_announcement(
    connection: AsyncConnection,
    wall_id: int,
    *,
    text: str,
    level: str,
    now: datetime,
    actor: str,
    expires_at: datetime | None,
) -> Announcement:
    """A new announcement; it replaces the one showing (which is marked cleared)."""
    await clear_announcements(connection, wall_id, now=now, actor=actor)
    new_id = await connection.scalar(
        announcements.insert()
        .values(
            wall_id=wall_id,
            text=text,
            level=level,
            created_at=now,
            created_by=actor,
            expires_at=expires_at,
        )
        .returning(announcements.c.id)
    )
    return Announcement(int(new_id), text, level, now, actor, expires_at, None)


async def clear_announcements(
    connection: AsyncConnection, wall_id: int, *, now: datetime, actor: str
) -> int:
    result = await connection.execute(
        announcements.update()
        .where(announcements.c.wall_id == wall_id, announcements.c.cleared_at.is_(None))
        .values(cleared_at=now, cleared_by=actor)
    )
    return int(result.rowcount or 0)


async def current_announcement(
    connection: AsyncConnection, wall_id: int, now: datetime
) -> Announcement | None:
    row = (
        await connection.execute(
            sa.select(announcements)
            .where(
                announcements.c.wall_id == wall_id,
                announcements.c.cleared_at.is_(None),
                sa.or_(announcements.c.expires_at.is_(None), announcements.c.expires_at > now),
            )
            .order_by(announcements.c.created_at.desc(), announcements.c.id.desc())
            .limit(1)
        )
    ).first()
    return _announcement(row) if row else None


async def recent_announcements(
    connection: AsyncConnection, wall_id: int, limit: int = 10
) -> list[Announcement]:
    rows = await connection.execute(
        sa.select(announcements)
        .where(announcements.c.wall_id == wall_id)
        .order_by(announcements.c.created_at.desc(), announcements.c.id.desc())
        .limit(limit)
    )
    return [_announcement(row) for row in rows]
