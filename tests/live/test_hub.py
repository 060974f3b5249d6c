from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sotong.domain import EventType, StoredEvent, Wall
from sotong.live.hub import HEARTBEAT_SEQ, LiveHub, ViewerClosed
from sotong.live.sse import HEARTBEAT
from sotong.store import events
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, tzinfo=UTC)


async def a_wall(db: Database, tmp_path: Path) -> Wall:
    async with db.write() as connection:
        wall, _ = await sync_walls(connection, make_settings("sqlite://", tmp_path).walls, NOW)
    return wall


async def append(db: Database, wall: Wall, count: int) -> list[StoredEvent]:
    async with db.write() as connection:
        return await events.append_events(
            connection, wall.id, [(EventType.POST, f'{{"n":{i}}}') for i in range(count)], NOW
        )


async def test_out_of_order_notices_are_delivered_in_order_once(
    db: Database, tmp_path: Path
) -> None:
    wall = await a_wall(db, tmp_path)
    hub = LiveHub(db, queue_size=16)
    viewer = await hub.subscribe(wall.id)
    first, second, third = await append(db, wall, 3)
    await hub.deliver(third)
    await hub.deliver(first)
    await hub.deliver(second)
    await hub.deliver(third)
    received = [await asyncio.wait_for(viewer.next(), 1) for _ in range(3)]
    assert [item[0] for item in received if item] == [1, 2, 3]
    assert received[0] is not None
    assert received[0][1] == b'id: 1\nevent: post\ndata: {"n":0}\n\n'
    assert viewer.ready_frames() == []


async def test_events_before_subscribing_are_not_sent_again(db: Database, tmp_path: Path) -> None:
    wall = await a_wall(db, tmp_path)
    (old,) = await append(db, wall, 1)
    hub = LiveHub(db, queue_size=16)
    viewer = await hub.subscribe(wall.id)
    await hub.deliver(old)
    (new,) = await append(db, wall, 1)
    await hub.deliver(new)
    assert await asyncio.wait_for(viewer.next(), 1) == (2, b'id: 2\nevent: post\ndata: {"n":0}\n\n')


async def test_the_same_frame_bytes_go_to_every_viewer(db: Database, tmp_path: Path) -> None:
    wall = await a_wall(db, tmp_path)
    hub = LiveHub(db, queue_size=16)
    viewers = [await hub.subscribe(wall.id) for _ in range(3)]
    (event,) = await append(db, wall, 1)
    await hub.deliver(event)
    frames = [await asyncio.wait_for(viewer.next(), 1) for viewer in viewers]
    assert all(frame is not None and frame[1] is frames[0][1] for frame in frames)  # type: ignore[index]
    assert hub.viewer_count == 3


async def test_a_slow_viewer_is_closed_not_waited_for(db: Database, tmp_path: Path) -> None:
    wall = await a_wall(db, tmp_path)
    hub = LiveHub(db, queue_size=8)
    slow = await hub.subscribe(wall.id)
    fast = await hub.subscribe(wall.id)
    for event in await append(db, wall, 10):
        await hub.deliver(event)
        await asyncio.wait_for(fast.next(), 1)
    with pytest.raises(ViewerClosed):
        await asyncio.wait_for(slow.next(), 1)


async def test_close_all_ends_every_stream(db: Database, tmp_path: Path) -> None:
    wall = await a_wall(db, tmp_path)
    hub = LiveHub(db, queue_size=8)
    viewer = await hub.subscribe(wall.id)
    hub.close_all()
    with pytest.raises(ViewerClosed):
        await asyncio.wait_for(viewer.next(), 1)
    hub.unsubscribe(viewer)
    assert hub.viewer_count == 0


async def test_notices_for_walls_without_viewers_are_dropped(db: Database, tmp_path: Path) -> None:
    wall = await a_wall(db, tmp_path)
    hub = LiveHub(db, queue_size=8)
    (event,) = await append(db, wall, 1)
    await hub.deliver(event)
    assert hub.viewer_count == 0


async def test_heartbeats_go_only_to_idle_viewers(db: Database, tmp_path: Path) -> None:
    wall = await a_wall(db, tmp_path)
    hub = LiveHub(db, queue_size=8)
    idle = await hub.subscribe(wall.id)
    busy = await hub.subscribe(wall.id)
    (event,) = await append(db, wall, 1)
    await hub.deliver(event)
    await asyncio.wait_for(idle.next(), 1)
    for viewer in (idle, busy):
        viewer.offer_heartbeat()
    assert idle.ready_frames() == [(HEARTBEAT_SEQ, HEARTBEAT)]
    assert [seq for seq, _ in busy.ready_frames()] == [1]
