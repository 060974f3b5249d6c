"""A wall's agenda sessions in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.display.agenda import Session
from sotong.store.tables import agenda_sessions


@dataclass(frozen=True, slots=True)
class StoredSession:
    id: int
    session: Session


def _stored(row: sa.Row[tuple[object, ...]]) -> StoredSession:
    mapping = row._mapping
    return StoredSession(
        id=int(mapping["id"]),
        session=Session(
            title=mapping["title"],
            starts_at=mapping["starts_at"],
            ends_at=mapping["ends_at"],
            speaker=mapping["speaker"],
            room=mapping["room"],
            description=mapping["description"],
        ),
    )


async def list_sessions(
    connection: AsyncConnection,
    wall_id: int,
    *,
    ending_after: datetime | None = None,
    limit: int = 1000,
) -> list[StoredSession]:
    query = sa.select(agenda_sessions).where(agenda_sessions.c.wall_id == wall_id)
    if ending_after is not None:
        query = query.where(agenda_sessions.c.ends_at > ending_after)
    rows = await connection.execute(
        query.order_by(agenda_sessions.c.starts_at, agenda_sessions.c.id).limit(limit)
    )
    return [_stored(row) for row in rows]


async def count_sessions(connection: AsyncConnection, wall_id: int) -> int:
    found = await connection.scalar(
        sa.select(sa.func.count()).where(agenda_sessions.c.wall_id == wall_id)
    )
    return int(found or 0)


async def add_sessions(
    connection: AsyncConnection, wall_id: int, sessions: Sequence[Session], now: datetime
) -> None:
    if not sessions:
        return
    await connection.execute(
        agenda_sessions.insert(),
        [
            {
                "wall_id": wall_id,
                "title": session.title,
                "speaker": session.speaker,
                "room": session.room,
                "description": session.description,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "created_at": now,
            }
            for session in sessions
        ],
    )


async def delete_sessions(
    connection: AsyncConnection, wall_id: int, session_ids: Sequence[int] | None = None
) -> int:
    """Deletes the given sessions of the wall (None: all of them); how many went."""
    statement = agenda_sessions.delete().where(agenda_sessions.c.wall_id == wall_id)
    if session_ids is not None:
        statement = statement.where(agenda_sessions.c.id.in_(list(session_ids)))
    result = await connection.execute(statement)
    return int(result.rowcount or 0)
