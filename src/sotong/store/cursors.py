"""Where each source left off; saved in the same transaction as the posts it produced."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import CursorUpdate
from sotong.store.database import Database
from sotong.store.tables import source_cursors


async def save_cursor(
    db: Database, connection: AsyncConnection, wall_id: int, update: CursorUpdate, now: datetime
) -> None:
    statement = db.upsert(source_cursors, ["wall_id", "source_key"], ["value", "updated_at"])
    await connection.execute(
        statement.values(
            wall_id=wall_id, source_key=update.source_key, value=update.value, updated_at=now
        )
    )


async def load_cursor(connection: AsyncConnection, wall_id: int, source_key: str) -> str | None:
    value = await connection.scalar(
        sa.select(source_cursors.c.value).where(
            source_cursors.c.wall_id == wall_id, source_cursors.c.source_key == source_key
        )
    )
    return str(value) if value is not None else None
