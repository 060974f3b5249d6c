from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sotong.store.database import Database
from sotong.store.tables import metadata


async def test_migrations_match_the_tables(db: Database) -> None:
    def diff(connection: sa.Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with db.read() as connection:
        assert await connection.run_sync(diff) == []


async def test_upgrade_is_idempotent(db: Database) -> None:
    await db.upgrade()
    async with db.read() as connection:
        version = await connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert version == "0008"
