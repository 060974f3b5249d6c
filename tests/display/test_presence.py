"""Connected screens across processes: each process writes its own rows; the listing of any
process shows every process's screens; a process that dies without cleaning up ages out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sotong.clock import utc_now
from sotong.display.presence import ScreenPresence
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.support import make_settings


async def wall_id(db: Database) -> int:
    settings = make_settings("sqlite://", Path("/tmp"))
    async with db.write() as connection:
        walls = await sync_walls(connection, settings.walls, utc_now())
    return walls[0].id


async def test_every_process_lists_the_screens_of_every_process(db: Database) -> None:
    wall = await wall_id(db)
    first, second = ScreenPresence(db), ScreenPresence(db)
    stage = first.connect(wall, name="stage", layout="spotlight", address="10.0.0.5")
    lobby = second.connect(wall, name="lobby", layout="masonry", address="10.0.0.6")
    second.connect(wall, name="lobby", layout="masonry", address="10.0.0.7")
    await first.flush()
    await second.flush()
    stage.seen(42)
    await first.flush(refresh=True)

    listed = await second.connected(wall)
    assert sorted((row.name, row.address) for row in listed) == [
        ("lobby", "10.0.0.6"),
        ("lobby", "10.0.0.7"),
        ("stage", "10.0.0.5"),
    ]
    assert next(row for row in listed if row.name == "stage").last_event_id == 42
    assert {row.process for row in listed} == {first.process, second.process}

    second.disconnect(lobby)
    await second.flush()
    assert len(await first.connected(wall)) == 2

    await first.close()  # a process that shuts down takes its screens with it
    assert [row.name for row in await second.connected(wall)] == ["lobby"]


async def test_a_process_that_died_ages_out(db: Database) -> None:
    wall = await wall_id(db)
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    clock = [now]
    dead = ScreenPresence(db, clock=lambda: clock[0])
    dead.connect(wall, name="kiosk", layout="ticker", address="10.0.0.9")
    await dead.flush()
    alive = ScreenPresence(db, clock=lambda: clock[0])
    assert [row.name for row in await alive.connected(wall)] == ["kiosk"]
    clock[0] = now + alive.stale_after + timedelta(seconds=1)
    assert await alive.connected(wall) == []
    await alive.flush(refresh=True)  # and its rows are purged
    clock[0] = now
    assert await alive.connected(wall) == []


async def test_a_stream_closed_before_it_was_written_costs_nothing(db: Database) -> None:
    wall = await wall_id(db)
    presence = ScreenPresence(db)
    brief = presence.connect(wall, name="", layout="masonry", address="10.0.0.1")
    presence.disconnect(brief)
    await presence.flush()
    assert await presence.connected(wall) == []
    assert presence.open_count == 0
