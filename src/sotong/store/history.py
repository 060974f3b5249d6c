"""The moderation history: every decision on a post, with the post's state before it, so a
decision can be undone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import Post, PostStatus
from sotong.store.tables import decisions


@dataclass(frozen=True, slots=True)
class PostState:
    """What moderation changes about a post, and what undo puts back."""

    status: PostStatus
    reason: str | None
    pinned: bool
    featured: bool
    shown_at: datetime | None

    @classmethod
    def of(cls, post: Post) -> PostState:
        return cls(post.status, post.reason, post.pinned, post.featured, post.shown_at)

    def applied_to(self, post: Post) -> Post:
        return replace(
            post,
            status=self.status,
            reason=self.reason,
            pinned=self.pinned,
            featured=self.featured,
            shown_at=self.shown_at,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "reason": self.reason,
            "pinned": self.pinned,
            "featured": self.featured,
            "shown_at": self.shown_at.isoformat() if self.shown_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PostState:
        shown_at = data.get("shown_at")
        return cls(
            PostStatus(data["status"]),
            data.get("reason"),
            bool(data.get("pinned")),
            bool(data.get("featured")),
            datetime.fromisoformat(shown_at) if shown_at else None,
        )


@dataclass(frozen=True, slots=True)
class Decision:
    id: int
    post_id: str
    wall_id: int
    action: str
    actor: str
    decided_at: datetime
    reason: str | None = None
    prior: PostState | None = None
    batch: str | None = None
    ban_id: int | None = None
    undone_at: datetime | None = None
    undone_by: str | None = None


@dataclass(frozen=True, slots=True)
class NewDecision:
    post_id: str
    wall_id: int
    action: str
    actor: str
    decided_at: datetime
    reason: str | None = None
    prior: PostState | None = None
    batch: str | None = None
    ban_id: int | None = None


def _row(entry: NewDecision) -> dict[str, Any]:
    return {
        "post_id": entry.post_id,
        "wall_id": entry.wall_id,
        "action": str(entry.action),
        "actor": entry.actor[:200],
        "reason": entry.reason[:300] if entry.reason else None,
        "decided_at": entry.decided_at,
        "prior": entry.prior.to_json() if entry.prior else None,
        "batch": entry.batch,
        "ban_id": entry.ban_id,
    }


async def record(connection: AsyncConnection, entries: Sequence[NewDecision]) -> list[int]:
    """Store decisions; their ids, in the order given."""
    ids = []
    for entry in entries:
        inserted = await connection.scalar(
            decisions.insert().values(**_row(entry)).returning(decisions.c.id)
        )
        ids.append(int(inserted))
    return ids


def _decision(row: Any) -> Decision:
    return Decision(
        id=row.id,
        post_id=row.post_id,
        wall_id=row.wall_id,
        action=row.action,
        actor=row.actor,
        decided_at=row.decided_at,
        reason=row.reason,
        prior=PostState.from_json(row.prior) if row.prior else None,
        batch=row.batch,
        ban_id=row.ban_id,
        undone_at=row.undone_at,
        undone_by=row.undone_by,
    )


async def get(connection: AsyncConnection, decision_id: int) -> Decision | None:
    row = (
        await connection.execute(sa.select(decisions).where(decisions.c.id == decision_id))
    ).first()
    return _decision(row) if row else None


async def in_batch(connection: AsyncConnection, batch: str) -> list[Decision]:
    rows = await connection.execute(
        sa.select(decisions).where(decisions.c.batch == batch).order_by(decisions.c.id)
    )
    return [_decision(row) for row in rows]


async def recent(
    connection: AsyncConnection, wall_id: int, limit: int, before: int | None = None
) -> list[Decision]:
    """A wall's decisions, newest first; page with `before` (a decision id)."""
    query = sa.select(decisions).where(decisions.c.wall_id == wall_id)
    if before is not None:
        query = query.where(decisions.c.id < before)
    rows = await connection.execute(query.order_by(decisions.c.id.desc()).limit(limit))
    return [_decision(row) for row in rows]


async def latest_ids(connection: AsyncConnection, post_ids: Sequence[str]) -> dict[str, int]:
    """The id of the newest decision on each of these posts."""
    if not post_ids:
        return {}
    rows = await connection.execute(
        sa.select(decisions.c.post_id, sa.func.max(decisions.c.id))
        .where(decisions.c.post_id.in_(list(set(post_ids))))
        .group_by(decisions.c.post_id)
    )
    return {str(post_id): int(latest) for post_id, latest in rows}


async def mark_undone(
    connection: AsyncConnection, decision_ids: Sequence[int], actor: str, now: datetime
) -> None:
    if decision_ids:
        await connection.execute(
            decisions.update()
            .where(decisions.c.id.in_(list(decision_ids)), decisions.c.undone_at.is_(None))
            .values(undone_at=now, undone_by=actor[:400])
        )
