"""What the console changes on the screens besides posts: the announcement, the agenda, and the
remote control of named screens. Each change is written with its public event in one transaction
(and an audit entry), then published, so every screen of every process sees it and a screen that
reconnects replays it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.clock import Clock, utc_now
from sotong.display.agenda import Session, session_to_wire
from sotong.domain import EventType, StoredEvent, Wall
from sotong.live.bus import Bus
from sotong.store import audit, events
from sotong.store.agenda import add_sessions, delete_sessions, list_sessions
from sotong.store.announcements import (
    Announcement,
    add_announcement,
    clear_announcements,
)
from sotong.store.database import Database
from sotong.wire import dumps

AnnouncementLevel = Literal["info", "urgent"]
ScreenAction = Literal["reload", "layout"]
AGENDA_ON_SCREEN = 60
AGENDA_AHEAD = timedelta(hours=36)
ANNOUNCEMENT_MAX = 300
ALL_SCREENS = "*"


def announcement_to_wire(announcement: Announcement | None) -> dict[str, Any] | None:
    if announcement is None:
        return None
    return {
        "id": announcement.id,
        "text": announcement.text,
        "level": announcement.level,
        "created_at": announcement.created_at.isoformat(),
        "expires_at": announcement.expires_at.isoformat() if announcement.expires_at else None,
    }


async def agenda_on_screen(
    connection: AsyncConnection, wall_id: int, now: datetime
) -> list[dict[str, Any]]:
    """The sessions a screen needs: those not over yet and starting within a day and a half,
    soonest first (a screen gets the next ones with every `reset`, at least daily)."""
    found = await list_sessions(connection, wall_id, ending_after=now, limit=AGENDA_ON_SCREEN)
    horizon = now + AGENDA_AHEAD
    return [
        session_to_wire(stored.id, stored.session)
        for stored in found
        if stored.session.starts_at <= horizon
    ]


class DisplayActions:
    def __init__(self, db: Database, bus: Bus, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock

    async def announce(
        self,
        wall: Wall,
        text: str,
        *,
        level: AnnouncementLevel,
        minutes: int | None,
        actor: str,
    ) -> Announcement:
        now = self._clock()
        expires_at = now + timedelta(minutes=minutes) if minutes else None
        async with self._db.write() as connection:
            announcement = await add_announcement(
                connection,
                wall.id,
                text=text,
                level=level,
                now=now,
                actor=actor,
                expires_at=expires_at,
            )
            await self._audit(connection, wall, actor, "announcement.show", {"text": text})
            stored = await events.append_events(
                connection, wall.id, [self._announce_event(announcement)], now
            )
        await self._bus.publish(stored)
        return announcement

    async def clear_announcement(self, wall: Wall, *, actor: str) -> None:
        now = self._clock()
        async with self._db.write() as connection:
            await clear_announcements(connection, wall.id, now=now, actor=actor)
            await self._audit(connection, wall, actor, "announcement.clear", {})
            stored = await events.append_events(
                connection, wall.id, [self._announce_event(None)], now
            )
        await self._bus.publish(stored)

    async def add_sessions(
        self, wall: Wall, sessions: Sequence[Session], *, replace: bool, actor: str
    ) -> None:
        now = self._clock()
        async with self._db.write() as connection:
            if replace:
                await delete_sessions(connection, wall.id)
            await add_sessions(connection, wall.id, sessions, now)
            detail = {"added": len(sessions), "replaced": replace}
            await self._audit(connection, wall, actor, "agenda.import", detail)
            stored = await self._agenda_event(connection, wall, now)
        await self._bus.publish(stored)

    async def delete_sessions(
        self, wall: Wall, session_ids: Sequence[int] | None, *, actor: str
    ) -> None:
        now = self._clock()
        async with self._db.write() as connection:
            gone = await delete_sessions(connection, wall.id, session_ids)
            await self._audit(connection, wall, actor, "agenda.delete", {"deleted": gone})
            stored = await self._agenda_event(connection, wall, now)
        await self._bus.publish(stored)

    async def control_screen(
        self, wall: Wall, name: str, action: ScreenAction, *, layout: str | None, actor: str
    ) -> None:
        now = self._clock()
        data = {"name": name, "action": action, "layout": layout, "at": now.isoformat()}
        async with self._db.write() as connection:
            await self._audit(connection, wall, actor, f"screen.{action}", data)
            stored = await events.append_events(
                connection, wall.id, [(EventType.SCREEN, dumps(data))], now
            )
        await self._bus.publish(stored)

    @staticmethod
    async def _agenda_event(
        connection: AsyncConnection, wall: Wall, now: datetime
    ) -> list[StoredEvent]:
        sessions = await agenda_on_screen(connection, wall.id, now)
        return await events.append_events(
            connection, wall.id, [(EventType.AGENDA, dumps({"sessions": sessions}))], now
        )

    @staticmethod
    def _announce_event(announcement: Announcement | None) -> tuple[EventType, str]:
        return EventType.ANNOUNCE, dumps({"announcement": announcement_to_wire(announcement)})

    async def _audit(
        self,
        connection: AsyncConnection,
        wall: Wall,
        actor: str,
        action: str,
        detail: dict[str, Any],
    ) -> None:
        await audit.record(
            connection,
            audit.AuditEntry(
                at=self._clock(), actor=actor, action=action, wall_id=wall.id, detail=detail
            ),
        )
