"""Attendee uploads: the private status link of each uploaded post.

The link's secret is shown once, to the uploader; only its SHA-256 digest is stored, so the table
alone cannot be used to withdraw anyone's post.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.store.tables import uploads

SECRET_BYTES = 24


@dataclass(frozen=True, slots=True)
class UploadRecord:
    post_id: str
    wall_id: int
    created_at: datetime
    withdrawn_at: datetime | None


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


async def record_upload(
    connection: AsyncConnection,
    secret: str,
    post_id: str,
    wall_id: int,
    now: datetime,
) -> None:
    await connection.execute(
        uploads.insert().values(
            secret_hash=secret_digest(secret),
            post_id=post_id,
            wall_id=wall_id,
            created_at=now,
        )
    )


async def find_upload(connection: AsyncConnection, secret: str) -> UploadRecord | None:
    row = (
        await connection.execute(
            sa.select(uploads).where(uploads.c.secret_hash == secret_digest(secret))
        )
    ).first()
    if row is None:
        return None
    return UploadRecord(row.post_id, row.wall_id, row.created_at, row.withdrawn_at)


async def mark_withdrawn(connection: AsyncConnection, post_id: str, now: datetime) -> None:
    await connection.execute(
        uploads.update()
        .where(uploads.c.post_id == post_id, uploads.c.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
