"""Which screens are connected, to which process: one row per open screen stream.

Every process writes its own rows (on connect, on disconnect and on a regular refresh of
`last_seen_at`); a row that has not been refreshed for a while belongs to a process that died and
is left out and purged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.store.tables import screen_presence


@dataclass(frozen=True, slots=True)
class PresenceRow:
    id: str
    wall_id: int
    process: str
    name: str
    layout: str
    address: str
    connected_at: datetime
    last_seen_at: datetime
    last_event_id: int


async def upsert_rows(connection: AsyncConnection, rows: Sequence[PresenceRow]) -> None:
    if not rows:
        return
    ids = [row.id for row in rows]
    await connection.execute(screen_presence.delete().where(screen_presence.c.id.in_(ids)))
    await connection.execute(
        screen_presence.insert(),
        [
            {
                "id": row.id,
                "wall_id": row.wall_id,
                "process": row.process,
                "name": row.name,
                "layout": row.layout,
                "address": row.address,
                "connected_at": row.connected_at,
                "last_seen_at": row.last_seen_at,
                "last_event_id": row.last_event_id,
            }
            for row in rows
        ],
    )


async def delete_rows(connection: AsyncConnection, ids: Sequence[str]) -> None:
    if ids:
        await connection.execute(
            screen_presence.delete().where(screen_presence.c.id.in_(list(ids)))
        )


async def delete_process(connection: AsyncConnection, process: str) -> None:
    await connection.execute(screen_presence.delete().where(screen_presence.c.process == process))


async def purge_stale(connection: AsyncConnection, seen_before: datetime) -> None:
    await connection.execute(
        screen_presence.delete().where(screen_presence.c.last_seen_at < seen_before)
    )


async def connected(
    connection: AsyncConnection, wall_id: int, seen_after: datetime
) -> list[PresenceRow]:
    rows = await connection.execute(
        sa.select(screen_presence)
        .where(screen_presence.c.wall_id == wall_id, screen_presence.c.last_seen_at >= seen_after)
        .order_by(screen_presence.c.name, screen_presence.c.connected_at)
    )
    return [PresenceRow(**dict(row._mapping)) for row in rows]
