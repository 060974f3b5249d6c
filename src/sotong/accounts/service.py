"""Account operations shared by the command line, the demo and the console."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sotong.accounts.passwords import hash_password
from sotong.domain import Role
from sotong.store import audit, users
from sotong.store.database import Database


async def add_user(
    db: Database, email: str, role: Role, password: str, now: datetime, *, actor: str
) -> users.User:
    """Create a console user; raises `WeakPassword`, `EmailTaken` or `ValueError` (address)."""
    address = users.normalise_email(email)
    if not _plausible_email(address):
        raise ValueError(f"{email!r} is not an e-mail address")
    password_hash = await asyncio.to_thread(hash_password, password)
    async with db.write() as connection:
        user = await users.create_user(connection, address, role, password_hash, now)
        await audit.record(
            connection,
            audit.AuditEntry(
                at=now, actor=actor, action="user.add", detail={"email": address, "role": role}
            ),
        )
    return user


def _plausible_email(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and "." in domain.strip(".") and " " not in address) and (
        len(address) <= 320
    )
