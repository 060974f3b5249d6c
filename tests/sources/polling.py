"""What tests of polling sources share: a wall to ingest into, and control over the pauses
between polls (so tests wait for a poll to finish instead of sleeping)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa

from sotong.domain import Wall
from sotong.live.bus import MemoryBus
from sotong.pipeline.ingest import IngestPipeline
from sotong.sources.base import Backoff, SourceContext
from sotong.store.database import Database
from sotong.store.tables import posts
from sotong.store.walls import sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, 1, 0, tzinfo=UTC)
FAST = Backoff(initial=0.01, maximum=0.05, auth_failure=0.05)


class Pacer:
    """The source's pause between polls: counts finished polls and holds the next one."""

    def __init__(self) -> None:
        self.finished = 0
        self._condition = asyncio.Condition()
        self._go = asyncio.Event()

    async def pause(self, seconds: float) -> None:
        async with self._condition:
            self.finished += 1
            self._condition.notify_all()
        await self._go.wait()
        self._go.clear()

    async def polls(self, count: int, timeout: float = 15.0) -> None:
        async with self._condition:
            await asyncio.wait_for(
                self._condition.wait_for(lambda: self.finished >= count), timeout
            )

    def next(self) -> None:
        self._go.set()


@dataclass
class Store:
    db: Database
    wall: Wall
    http: httpx.AsyncClient
    media_dir: Path
    pipeline: IngestPipeline

    def context(self, key: str) -> SourceContext:
        return SourceContext(self.wall, key, self.pipeline, self.db, self.media_dir, self.http)

    async def external_ids(self) -> list[str]:
        async with self.db.read() as connection:
            rows = await connection.execute(
                sa.select(posts.c.external_id).where(posts.c.wall_id == self.wall.id)
            )
            return sorted(row.external_id for row in rows)


@contextlib.asynccontextmanager
async def open_store(db: Database, tmp_path: Path) -> AsyncIterator[Store]:
    async with db.write() as connection:
        wall, _ = await sync_walls(connection, make_settings("sqlite://", tmp_path).walls, NOW)
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as http:
        yield Store(db, wall, http, tmp_path / "media", IngestPipeline(db, MemoryBus()))
