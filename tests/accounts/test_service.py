"""Adding console users: addresses, duplicates (also under a race) and weak passwords."""

from __future__ import annotations

import asyncio

import pytest

from sotong.accounts.passwords import WeakPassword, verify_password
from sotong.accounts.service import add_user
from sotong.clock import utc_now
from sotong.domain import Role
from sotong.store import audit, users
from sotong.store.database import Database

PASSWORD = "a long enough phrase"


async def test_a_user_is_stored_with_a_hash_and_audited(db: Database) -> None:
    added = await add_user(
        db, " Kim@Example.ORG ", Role.MODERATOR, PASSWORD, utc_now(), actor="cli"
    )
    assert added.email == "kim@example.org"
    async with db.read() as connection:
        stored = await users.find_user(connection, "KIM@example.org")
        (entry,) = await audit.entries(connection, action="user.add")
    assert stored is not None
    assert stored.role is Role.MODERATOR
    assert PASSWORD not in stored.password_hash
    assert verify_password(stored.password_hash, PASSWORD)
    assert (entry.actor, entry.detail["email"]) == ("cli", "kim@example.org")


async def test_the_same_address_twice_is_refused_even_at_once(db: Database) -> None:
    outcomes = await asyncio.gather(
        *(
            add_user(db, "lee@example.org", Role.JUDGE, PASSWORD, utc_now(), actor="cli")
            for _ in range(3)
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(outcome, users.User) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, users.EmailTaken) for outcome in outcomes) == 2


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [
        ("not-an-address", PASSWORD, ValueError),
        ("a@b", PASSWORD, ValueError),
        ("park@example.org", "short", WeakPassword),
        ("park@example.org", "aaaaaaaaaaaa", WeakPassword),
    ],
)
async def test_bad_addresses_and_weak_passwords_are_refused(
    db: Database, email: str, password: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await add_user(db, email, Role.OWNER, password, utc_now(), actor="cli")
    async with db.read() as connection:
        assert await users.list_users(connection) == []
