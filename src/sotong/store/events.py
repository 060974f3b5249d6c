"""The per-wall, append-only event log that screens replay from `Last-Event-ID`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import EventType, StoredEvent
from sotong.store.tables import events, walls


async def append_events(
    connection: AsyncConnection,
    wall_id: int,
    new_events: Sequence[tuple[EventType, str]],
    now: datetime,
) -> list[StoredEvent]:
    """Append events to a wall's log, numbering them after its last one.

    Call this last in a write transaction: the update takes the wall's row lock, which is held
    until commit, so events commit in sequence order and nothing else in the transaction can
    wait on another writer while holding it.
    """
    if not new_events:
        return []
    last = await connection.scalar(
        walls.update()
        .where(walls.c.id == wall_id)
        .values(last_event_seq=walls.c.last_event_seq + len(new_events))
        .returning(walls.c.last_event_seq)
    )
    if last is None:
        raise LookupError(f"wall {wall_id} does not exist")
    first = int(last) - len(new_events) + 1
    stored = [
        StoredEvent(wall_id, first + offset, event_type, data, now.timestamp())
        for offset, (event_type, data) in enumerate(new_events)
    ]
    await connection.execute(
        events.insert(),
        [
            {
                "wall_id": wall_id,
                "seq": e.seq,
                "type": e.type.value,
                "data": e.data,
                "created_at": now,
            }
            for e in stored
        ],
    )
    return stored


async def events_after(
    connection: AsyncConnection, wall_id: int, after_seq: int, limit: int
) -> list[StoredEvent]:
    rows = await connection.execute(
        sa.select(events.c.seq, events.c.type, events.c.data, events.c.created_at)
        .where(events.c.wall_id == wall_id, events.c.seq > after_seq)
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [
        StoredEvent(wall_id, row.seq, EventType(row.type), row.data, row.created_at.timestamp())
        for row in rows
    ]
