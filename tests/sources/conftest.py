"""Fixtures for the tests of polling sources: a wall on both databases, or on SQLite only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sotong.store.database import Database
from tests.sources.polling import Store, open_store


@pytest.fixture
async def store(db: Database, tmp_path: Path) -> AsyncIterator[Store]:
    """On SQLite and PostgreSQL (the `db` fixture)."""
    async with open_store(db, tmp_path) as opened:
        yield opened


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    """SQLite only: for the long failure table, which does not exercise storage."""
    database = Database(f"sqlite:///{tmp_path / 'polling.db'}")
    await database.upgrade()
    try:
        async with open_store(database, tmp_path) as opened:
            yield opened
    finally:
        await database.close()
