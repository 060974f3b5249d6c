"""Which process runs a source: exactly one at a time, whichever processes are up.

On PostgreSQL each source is guarded by an advisory lock held on a dedicated connection. The lock
belongs to that connection's session, so when the process dies, or its connection does, PostgreSQL
releases it and a waiting process takes over within one retry interval, resuming from the cursor the
source saved with its posts. A process that loses its connection also stops its sources at once, so
two processes never run the same source.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import asyncpg

logger = logging.getLogger("sotong.sources")
CONNECTION_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


class Leadership(Protocol):
    def lead(self, key: str) -> AbstractAsyncContextManager[asyncio.Event]:
        """Wait until this process leads `key`; the event is set if leadership is lost."""

    async def stop(self) -> None: ...


class SoleLeadership:
    """One process (SQLite): it always leads."""

    @contextlib.asynccontextmanager
    async def lead(self, key: str) -> AsyncIterator[asyncio.Event]:
        yield asyncio.Event()

    async def stop(self) -> None:
        return None


def lock_id(key: str) -> int:
    digest = hashlib.blake2b(f"sotong-source:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresLeadership:
    def __init__(self, dsn: str, *, retry_seconds: float = 2.0) -> None:
        self._dsn = dsn
        self._retry_seconds = retry_seconds
        self._connection: asyncpg.Connection | None = None
        self._guard = asyncio.Lock()
        self._held: dict[int, asyncio.Event] = {}
        self._watchdog: asyncio.Task[None] | None = None

    async def _execute(self, query: str, *args: object) -> object:
        async with self._guard:
            if self._connection is not None and self._connection.is_closed():
                # The locks died with the session: reconnecting must not hide that.
                self._lose_all()
                self._connection = None
            if self._connection is None:
                self._connection = await asyncpg.connect(self._dsn, timeout=10)
            return await self._connection.fetchval(query, *args, timeout=10)

    def _lose_all(self) -> None:
        for lost in self._held.values():
            lost.set()
        self._held.clear()

    @contextlib.asynccontextmanager
    async def lead(self, key: str) -> AsyncIterator[asyncio.Event]:
        ident = lock_id(key)
        while True:
            try:
                if await self._execute("SELECT pg_try_advisory_lock($1)", ident):
                    break
            except CONNECTION_ERRORS as error:
                logger.warning("cannot reach PostgreSQL to lead %s: %s", key, error)
                await self._drop_connection()
            await asyncio.sleep(self._retry_seconds)
        lost = asyncio.Event()
        self._held[ident] = lost
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.create_task(self._watch(), name="leadership-watchdog")
        logger.info("this process now runs source %s", key)
        try:
            yield lost
        finally:
            self._held.pop(ident, None)
            if not lost.is_set():
                with contextlib.suppress(*CONNECTION_ERRORS):
                    await self._execute("SELECT pg_advisory_unlock($1)", ident)

    async def _watch(self) -> None:
        while self._held:
            await asyncio.sleep(self._retry_seconds)
            try:
                await self._execute("SELECT 1")
            except CONNECTION_ERRORS as error:
                logger.warning("lost the leadership connection (%s); stopping led sources", error)
                await self._drop_connection()

    async def _drop_connection(self) -> None:
        self._lose_all()
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.terminate()

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close(timeout=5)
            self._connection = None
