"""Which screens are connected, across every process of the deployment.

Each process keeps its open screen streams in memory and mirrors them into the `screen_presence`
table: a new or closed stream is written within about a second (changes are batched, so a hall of
screens reconnecting after a restart costs a few writes, not hundreds), and every
`refresh_seconds` the process rewrites its rows with their last event id and a fresh
`last_seen_at`. The console lists the rows seen in the last `stale_after` seconds, whichever
process wrote them; rows of a process that died without cleaning up age out and are purged.
A table rather than bus messages: the console of any process reads the truth in one query, with
no process having to answer for the others, and it works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sotong.clock import Clock, utc_now
from sotong.store import presence as store
from sotong.store.database import Database
from sotong.store.presence import PresenceRow

logger = logging.getLogger("sotong")

REFRESH_SECONDS: Final = 30.0
BATCH_SECONDS: Final = 0.5


@dataclass(slots=True)
class ScreenStream:
    """One open stream of a wall page that said which screen it is."""

    id: str
    wall_id: int
    name: str
    layout: str
    address: str
    connected_at: datetime
    last_event_id: int = 0

    def seen(self, event_id: int) -> None:
        self.last_event_id = event_id


class ScreenPresence:
    def __init__(
        self, db: Database, *, refresh_seconds: float = REFRESH_SECONDS, clock: Clock = utc_now
    ) -> None:
        self._db = db
        self._clock = clock
        self.refresh_seconds = refresh_seconds
        self.stale_after = timedelta(seconds=refresh_seconds * 3)
        self.process = secrets.token_hex(8)
        self._open: dict[str, ScreenStream] = {}
        self._new: set[str] = set()
        self._closed: set[str] = set()
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()

    @property
    def open_count(self) -> int:
        return len(self._open)

    async def until_open(self, count: int) -> None:
        """Returns once exactly `count` screen streams are open in this process."""
        while len(self._open) != count:
            self._changed.clear()
            await self._changed.wait()

    def connect(self, wall_id: int, *, name: str, layout: str, address: str) -> ScreenStream:
        stream = ScreenStream(
            id=secrets.token_hex(16),
            wall_id=wall_id,
            name=name,
            layout=layout,
            address=address,
            connected_at=self._clock(),
        )
        self._open[stream.id] = stream
        self._new.add(stream.id)
        self._wake.set()
        self._changed.set()
        return stream

    def disconnect(self, stream: ScreenStream) -> None:
        if self._open.pop(stream.id, None) is None:
            return
        self._changed.set()
        if stream.id in self._new:
            self._new.discard(stream.id)  # never written: nothing to delete
        else:
            self._closed.add(stream.id)
            self._wake.set()

    async def flush(self, *, refresh: bool = False) -> None:
        """Write what changed (with `refresh`: every open stream, and purge dead processes')."""
        async with self._lock:
            now = self._clock()
            new, closed = self._new, self._closed
            self._new, self._closed = set(), set()
            ids = list(self._open) if refresh else [i for i in new if i in self._open]
            rows = [self._row(self._open[i], now) for i in ids]
            try:
                async with self._db.write() as connection:
                    await store.delete_rows(connection, sorted(closed))
                    await store.upsert_rows(connection, rows)
                    if refresh:
                        await store.purge_stale(connection, now - self.stale_after)
            except Exception:
                self._new |= new
                self._closed |= closed
                raise

    async def run(self) -> None:
        """Keeps the table current until cancelled."""
        loop = asyncio.get_running_loop()
        next_refresh = loop.time() + self.refresh_seconds
        while True:
            timeout = max(0.0, next_refresh - loop.time())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            refresh = loop.time() >= next_refresh
            if refresh:
                next_refresh = loop.time() + self.refresh_seconds
            else:
                await asyncio.sleep(BATCH_SECONDS)  # gather the streams that open together
            try:
                await self.flush(refresh=refresh)
            except Exception:
                logger.exception("could not record the connected screens")

    async def close(self) -> None:
        """This process's rows go (at shutdown)."""
        self._open.clear()
        self._new.clear()
        self._closed.clear()
        async with self._db.write() as connection:
            await store.delete_process(connection, self.process)

    async def connected(self, wall_id: int) -> list[PresenceRow]:
        async with self._db.read() as connection:
            return await store.connected(connection, wall_id, self._clock() - self.stale_after)

    def _row(self, stream: ScreenStream, now: datetime) -> PresenceRow:
        return PresenceRow(
            id=stream.id,
            wall_id=stream.wall_id,
            process=self.process,
            name=stream.name,
            layout=stream.layout,
            address=stream.address,
            connected_at=stream.connected_at,
            last_seen_at=now,
            last_event_id=stream.last_event_id,
        )
