"""Fixtures: every store-backed test runs on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa

from sotong.store.database import Database
from sotong.store.tables import metadata

POSTGRES_ADMIN_URL = os.environ.get(
    "SOTONG_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


async def _admin(statement: str) -> None:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise RuntimeError(
            f"PostgreSQL is required for these tests; {POSTGRES_ADMIN_URL} did not answer: {exc}"
        ) from exc
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session; missing PostgreSQL fails, never skips."""
    name = f"sotong_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sotong.db'}"
    url: str = request.getfixturevalue("postgres_url")
    asyncio.run(_empty_postgres(url))
    return url


async def _empty_postgres(url: str) -> None:
    db = Database(url)
    try:
        async with db.write() as connection:
            existing = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
            names = [table.name for table in metadata.sorted_tables if table.name in existing]
            if names:
                joined = ", ".join(f'"{name}"' for name in names)
                await connection.execute(sa.text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))
    finally:
        await db.close()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.upgrade()
    try:
        yield database
    finally:
        await database.close()
