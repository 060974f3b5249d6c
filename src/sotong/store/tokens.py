"""Scoped API tokens. Only a SHA-256 digest is stored: tokens are long random strings, so a slow
password hash would add latency to every request without adding safety."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import TokenScope
from sotong.store.tables import api_tokens, walls

TOKEN_PREFIX = "sotong_"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    wall_id: int
    wall_slug: str
    scope: TokenScope
    name: str
    created_at: datetime
    revoked_at: datetime | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


async def create_token(
    connection: AsyncConnection, wall_id: int, scope: TokenScope, name: str, now: datetime
) -> tuple[int, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = await connection.scalar(
        api_tokens.insert()
        .values(
            wall_id=wall_id, scope=scope.value, name=name, token_hash=digest(token), created_at=now
        )
        .returning(api_tokens.c.id)
    )
    assert token_id is not None
    return int(token_id), token


def _select_tokens() -> sa.Select[tuple[object, ...]]:
    return sa.select(
        api_tokens.c.id,
        api_tokens.c.wall_id,
        walls.c.slug,
        api_tokens.c.scope,
        api_tokens.c.name,
        api_tokens.c.created_at,
        api_tokens.c.revoked_at,
    ).join(walls, walls.c.id == api_tokens.c.wall_id)


def _to_record(row: sa.Row[tuple[object, ...]]) -> TokenRecord:
    values = row._mapping
    return TokenRecord(
        id=int(str(values["id"])),
        wall_id=int(str(values["wall_id"])),
        wall_slug=str(values["slug"]),
        scope=TokenScope(values["scope"]),
        name=str(values["name"]),
        created_at=values["created_at"],
        revoked_at=values["revoked_at"],
    )


async def find_active_token(connection: AsyncConnection, token: str) -> TokenRecord | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (
        await connection.execute(
            _select_tokens().where(
                api_tokens.c.token_hash == digest(token), api_tokens.c.revoked_at.is_(None)
            )
        )
    ).first()
    return _to_record(row) if row else None


async def list_tokens(connection: AsyncConnection, wall_id: int | None = None) -> list[TokenRecord]:
    query = _select_tokens().order_by(api_tokens.c.id)
    if wall_id is not None:
        query = query.where(api_tokens.c.wall_id == wall_id)
    return [_to_record(row) for row in await connection.execute(query)]


async def revoke_token(connection: AsyncConnection, token_id: int, now: datetime) -> bool:
    result = await connection.execute(
        api_tokens.update()
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(result.rowcount)
