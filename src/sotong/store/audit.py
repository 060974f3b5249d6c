"""The audit log: who did what, when, to which wall and post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.store.tables import audit_log


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    wall_id: int | None = None
    post_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int = 0


async def record(connection: AsyncConnection, entry: AuditEntry) -> None:
    await connection.execute(
        audit_log.insert().values(
            at=entry.at,
            actor=entry.actor[:400],
            action=entry.action,
            wall_id=entry.wall_id,
            post_id=entry.post_id,
            detail=entry.detail,
        )
    )


async def entries(
    connection: AsyncConnection,
    *,
    actor: str | None = None,
    action: str | None = None,
    wall_id: int | None = None,
    limit: int = 200,
    before: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AuditEntry]:
    """Newest first, filtered (`since` inclusive, `until` exclusive); page with `before` (an
    entry id)."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if until is not None:
        query = query.where(audit_log.c.at < until)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if action:
        query = query.where(audit_log.c.action == action)
    if wall_id is not None:
        query = query.where(audit_log.c.wall_id == wall_id)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    return [
        AuditEntry(
            at=row.at,
            actor=row.actor,
            action=row.action,
            wall_id=row.wall_id,
            post_id=row.post_id,
            detail=dict(row.detail or {}),
            id=row.id,
        )
        for row in await connection.execute(query)
    ]


async def distinct_values(connection: AsyncConnection, column: str, limit: int = 500) -> list[str]:
    """The actors or the actions found in the log, for filters."""
    found = audit_log.c[column]
    rows = await connection.execute(sa.select(found).distinct().order_by(found).limit(limit))
    return [str(value) for value in rows.scalars()]
