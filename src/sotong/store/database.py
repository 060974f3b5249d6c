"""Connections to SQLite or PostgreSQL, and the two kinds of transaction the app needs.

Writes that append to a wall's event log must commit in the order they took their sequence
numbers, so a screen that saw event N has seen everything before it. On PostgreSQL the row lock
on the wall does that; SQLite has a single writer, and `BEGIN IMMEDIATE` takes it up front so a
reader never has to upgrade its lock mid-transaction (which fails at once in WAL mode).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from sotong.store.tables import metadata

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_WRITE_OPTION = "sotong_write"
_AUTOCOMMIT_OPTION = "sotong_autocommit"
_MIGRATION_LOCK_ID = 0x50706F6E67  # any constant shared by every process of one deployment


def async_url(url: str) -> str:
    """Map the configured URL onto the async driver SQLAlchemy should use."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA busy_timeout=10000",
            "PRAGMA foreign_keys=ON",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        options = connection.get_execution_options()
        if options.get(_WRITE_OPTION, False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(_AUTOCOMMIT_OPTION, False):
            connection.exec_driver_sql("BEGIN")


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = async_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Connections that overflow the pool are closed on return, and opening one costs far more
        # than a query (a thread and pragmas for SQLite, a server process for PostgreSQL): keep
        # enough of them for a busy event's concurrency.
        self.engine = create_async_engine(
            self.url,
            echo=echo,
            pool_pre_ping=self.dialect != "sqlite",
            pool_size=32 if self.dialect == "sqlite" else 10,
            max_overflow=32 if self.dialect == "sqlite" else 20,
        )
        self._sqlite_writer = asyncio.Lock() if self.dialect == "sqlite" else None
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)

    @property
    def plain_url(self) -> str:
        """The URL without SQLAlchemy's driver name, as libpq-style clients expect it."""
        return make_url(self.url).set(drivername=self.dialect).render_as_string(hide_password=False)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A read-write transaction, committed when the block ends without an exception."""
        if self._sqlite_writer is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._sqlite_writer, self.engine.connect() as connection:
            connection = await connection.execution_options(**{_WRITE_OPTION: True})
            async with connection.begin():
                yield connection

    @asynccontextmanager
    async def read(self, *, snapshot: bool = False) -> AsyncIterator[AsyncConnection]:
        """Reads; with `snapshot` every query sees one committed state, otherwise each its own."""
        async with self.engine.connect() as connection:
            if snapshot and self.dialect == "postgresql":
                connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            elif not snapshot and self.dialect == "sqlite":
                # One-statement reads need no transaction; skipping BEGIN saves a round trip.
                connection = await connection.execution_options(**{_AUTOCOMMIT_OPTION: True})
            async with connection.begin():
                yield connection

    def insert_ignoring_duplicates(self, table: sa.Table) -> Any:
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        return dialect_insert(table).on_conflict_do_nothing()

    def upsert(self, table: sa.Table, keys: list[str], update: list[str]) -> Any:
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(table)
        return statement.on_conflict_do_update(
            index_elements=keys, set_={column: statement.excluded[column] for column in update}
        )

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))

    async def upgrade(self) -> None:
        """Apply pending migrations; concurrent processes on PostgreSQL take turns."""
        async with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                await connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_ID}
                )
            await connection.run_sync(_run_alembic_upgrade)

    async def close(self) -> None:
        await self.engine.dispose()


def _run_alembic_upgrade(connection: sa.Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


__all__ = ["Database", "async_url", "metadata"]
