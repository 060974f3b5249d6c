"""The walls this process serves, kept current when any process changes one.

A change to a wall is saved with a `wall` event in that wall's event log, in one transaction. The
event reaches every process over the bus; each reloads the wall from the database and tells its
listeners (the source supervisor restarts the wall's sources). Screens hear the same event and
update their title or layout. A process that missed the message finds the change when the bus
asks it to catch up.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sotong.clock import Clock, utc_now
from sotong.config import WallSettings
from sotong.domain import EventType, StoredEvent, Wall
from sotong.live.bus import Bus
from sotong.store import audit, events
from sotong.store.database import Database
from sotong.store.walls import (
    WallRecord,
    archive_wall,
    create_wall,
    load_wall,
    load_walls,
    update_wall,
)
from sotong.wire import dumps, wall_settings_to_wire

logger = logging.getLogger("sotong")

WallListener = Callable[[WallRecord | None, WallRecord | None], Awaitable[None]]
"""Called with a wall's old and new record (None: created, or archived)."""


def wall_event(record: WallRecord) -> tuple[EventType, str]:
    return EventType.WALL, dumps(wall_settings_to_wire(record.settings, record.version))


def settings_diff(before: WallSettings, after: WallSettings) -> dict[str, Any]:
    """The top-level keys an edit changed, with their new values (for the audit log)."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return {key: value for key, value in new.items() if old.get(key) != value}


class WallRegistry:
    def __init__(self, db: Database, bus: Bus, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock
        # Handed out to request handlers once and updated in place, never replaced.
        self.walls: dict[str, Wall] = {}
        self._records: dict[int, WallRecord] = {}
        self._listeners: list[WallListener] = []

    def on_change(self, listener: WallListener) -> None:
        self._listeners.append(listener)

    async def load(self) -> None:
        """Read every served wall (at start, before anything listens)."""
        async with self._db.read() as connection:
            records = await load_walls(connection)
        self._records = {record.wall.id: record for record in records}
        self.walls.clear()
        self.walls.update({record.wall.slug: record.wall for record in records})

    def records(self) -> list[WallRecord]:
        return sorted(self._records.values(), key=lambda record: record.wall.id)

    def record(self, slug: str) -> WallRecord | None:
        wall = self.walls.get(slug)
        return self._records.get(wall.id) if wall else None

    def by_id(self, wall_id: int) -> WallRecord | None:
        return self._records.get(wall_id)

    async def create(self, settings: WallSettings, *, actor: str) -> WallRecord:
        """A new wall; WallExists when its slug is taken."""
        now = self._clock()
        async with self._db.write() as connection:
            record = await create_wall(connection, settings, now)
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=actor,
                    action="wall.create",
                    wall_id=record.wall.id,
                    detail={"slug": settings.slug},
                ),
            )
            stored = await events.append_events(
                connection, record.wall.id, [wall_event(record)], now
            )
        await self._bus.publish(stored)
        return self._records.get(record.wall.id, record)

    async def save(
        self, settings: WallSettings, *, expected_version: int, actor: str
    ) -> WallRecord:
        """A served wall's new configuration; WallChanged when someone saved it meanwhile."""
        current = self.record(settings.slug)
        if current is None:
            raise LookupError(settings.slug)
        now = self._clock()
        async with self._db.write() as connection:
            record = await update_wall(
                connection, current.wall.id, settings, now, expected_version=expected_version
            )
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=actor,
                    action="wall.update",
                    wall_id=record.wall.id,
                    detail={"changed": settings_diff(current.settings, settings)},
                ),
            )
            stored = await events.append_events(
                connection, record.wall.id, [wall_event(record)], now
            )
        await self._bus.publish(stored)
        return self._records.get(record.wall.id, record)

    async def archive(self, slug: str, *, actor: str) -> None:
        """Stop serving a wall; its posts and history are kept."""
        current = self.record(slug)
        if current is None:
            raise LookupError(slug)
        now = self._clock()
        async with self._db.write() as connection:
            await archive_wall(connection, current.wall.id, now)
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now, actor=actor, action="wall.archive", wall_id=current.wall.id
                ),
            )
            stored = await events.append_events(
                connection, current.wall.id, [wall_event(current)], now
            )
        await self._bus.publish(stored)

    async def observe(self, event: StoredEvent) -> None:
        """Bus handler: a `wall` event means that wall changed somewhere."""
        if event.type is EventType.WALL:
            await self._refresh(event.wall_id)

    async def refresh_all(self) -> None:
        """Catch up with changes this process may have missed."""
        async with self._db.read() as connection:
            current = {record.wall.id: record for record in await load_walls(connection)}
        for wall_id in set(current) | set(self._records):
            await self._replace(wall_id, current.get(wall_id))

    async def _refresh(self, wall_id: int) -> None:
        async with self._db.read() as connection:
            record = await load_wall(connection, wall_id)
        await self._replace(wall_id, record)

    async def _replace(self, wall_id: int, new: WallRecord | None) -> None:
        old = self._records.get(wall_id)
        if old is None and new is None:
            return
        if old is not None and new is not None and new.version <= old.version:
            return
        if new is None:
            del self._records[wall_id]
            assert old is not None
            self.walls.pop(old.wall.slug, None)
        else:
            self._records[wall_id] = new
            self.walls[new.wall.slug] = new.wall
        for listener in self._listeners:
            try:
                await listener(old, new)
            except Exception:  # one failing listener must not leave the others stale
                logger.exception("a listener failed on the change of wall %s", wall_id)
