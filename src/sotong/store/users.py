"""Console users and their login sessions.

A session token is a long random string given to the browser in a cookie; only its SHA-256 digest
is stored, so the table cannot be used to log in. Each session has its own CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import Role
from sotong.store.tables import sessions, users


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    role: Role
    password_hash: str
    created_at: datetime
    disabled_at: datetime | None = None

    @property
    def label(self) -> str:
        """How the audit log and decisions name this user."""
        return f"user:{self.email}"


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf_token: str
    expires_at: datetime


class EmailTaken(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _user(row: sa.Row[tuple[object, ...]]) -> User:
    mapping = row._mapping
    return User(
        id=int(mapping["id"]),
        email=str(mapping["email"]),
        role=Role(mapping["role"]),
        password_hash=str(mapping["password_hash"]),
        created_at=mapping["created_at"],
        disabled_at=mapping["disabled_at"],
    )


async def create_user(
    connection: AsyncConnection, email: str, role: Role, password_hash: str, now: datetime
) -> User:
    address = normalise_email(email)
    try:
        # A savepoint, so a taken address leaves the caller's transaction usable.
        async with connection.begin_nested():
            user_id = await connection.scalar(
                users.insert()
                .values(
                    email=address,
                    role=role.value,
                    password_hash=password_hash,
                    created_at=now,
                    password_changed_at=now,
                )
                .returning(users.c.id)
            )
    except sa.exc.IntegrityError:
        raise EmailTaken(address) from None
    return User(int(user_id or 0), address, role, password_hash, now)


async def find_user(connection: AsyncConnection, email: str) -> User | None:
    row = (
        await connection.execute(sa.select(users).where(users.c.email == normalise_email(email)))
    ).first()
    return _user(row) if row else None


async def list_users(connection: AsyncConnection) -> list[User]:
    rows = await connection.execute(sa.select(users).order_by(users.c.id))
    return [_user(row) for row in rows]


async def set_password(
    connection: AsyncConnection, user_id: int, password_hash: str, now: datetime
) -> None:
    await connection.execute(
        users.update()
        .where(users.c.id == user_id)
        .values(password_hash=password_hash, password_changed_at=now)
    )


async def create_session(
    connection: AsyncConnection, user: User, now: datetime, lifetime: timedelta
) -> tuple[str, str]:
    """A new session for `user`: (the cookie's token, the session's CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    await connection.execute(
        sessions.insert().values(
            token_hash=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token, csrf


async def find_session(connection: AsyncConnection, token: str, now: datetime) -> Session | None:
    """The live session behind a cookie's token, or None (unknown, expired, or user disabled)."""
    if not token or len(token) > 128:
        return None
    row = (
        await connection.execute(
            sa.select(users, sessions.c.csrf_token, sessions.c.expires_at)
            .join(sessions, sessions.c.user_id == users.c.id)
            .where(sessions.c.token_hash == _digest(token))
        )
    ).first()
    if row is None:
        return None
    user = _user(row)
    expires_at: datetime = row._mapping["expires_at"]
    if expires_at <= now or user.disabled_at is not None:
        return None
    return Session(user, str(row._mapping["csrf_token"]), expires_at)


async def end_session(connection: AsyncConnection, token: str) -> None:
    await connection.execute(sessions.delete().where(sessions.c.token_hash == _digest(token)))


async def end_sessions_of(
    connection: AsyncConnection, user_id: int, *, keep_token: str | None = None
) -> None:
    """Log a user out everywhere (after a password change), except the session in `keep_token`."""
    query = sessions.delete().where(sessions.c.user_id == user_id)
    if keep_token is not None:
        query = query.where(sessions.c.token_hash != _digest(keep_token))
    await connection.execute(query)


async def purge_expired_sessions(connection: AsyncConnection, now: datetime) -> None:
    await connection.execute(sessions.delete().where(sessions.c.expires_at <= now))
