"""The live stream of a wall (CONTRACT.md, "Live stream"): reset or replay, then live events."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from sotong.config import LiveSettings
from sotong.domain import EventType, Wall
from sotong.live import sse
from sotong.live.hub import HEARTBEAT_SEQ, LiveHub, ViewerClosed
from sotong.store import events as event_log
from sotong.store.database import Database
from sotong.store.posts import screen_posts
from sotong.store.walls import last_event_seq
from sotong.wire import dumps, post_to_wire


def parse_last_event_id(header: str | None, query: str | None) -> int | None:
    for value in (header, query):
        if value is not None and value.strip().isdigit() and len(value.strip()) < 19:
            return int(value.strip())
    return None


async def _reset(db: Database, wall: Wall, settings: LiveSettings) -> tuple[int, bytes]:
    async with db.read(snapshot=True) as connection:
        seq = await last_event_seq(connection, wall.id)
        posts = await screen_posts(connection, wall.id, settings.snapshot_size)
    data = dumps({"posts": [post_to_wire(post) for post in posts]})
    return seq, sse.frame(seq, EventType.RESET, data)


async def _replay(
    db: Database, wall: Wall, after: int, limit: int
) -> list[tuple[int, bytes]] | None:
    """Events after `after`, or None when they can't all be replayed (too many, or too old)."""
    async with db.read(snapshot=True) as connection:
        current = await last_event_seq(connection, wall.id)
        if after > current:
            return None
        found = await event_log.events_after(connection, wall.id, after, limit + 1)
    if len(found) > limit or (found and found[0].seq != after + 1):
        return None
    return [(event.seq, sse.event_frame(event)) for event in found]


async def _missed(db: Database, wall: Wall, after: int, before: int) -> list[bytes] | None:
    """The frames of the events between two sequence numbers, or None if the log lacks some."""
    async with db.read() as connection:
        found = await event_log.events_after(connection, wall.id, after, before - after - 1)
    if [event.seq for event in found] != list(range(after + 1, before)):
        return None
    return [sse.event_frame(event) for event in found]


async def wall_stream(
    db: Database, hub: LiveHub, wall: Wall, settings: LiveSettings, last_event_id: int | None
) -> AsyncGenerator[bytes, None]:
    viewer = await hub.subscribe(wall.id)
    try:
        yield sse.PREAMBLE
        replay = None
        if last_event_id is not None:
            replay = await _replay(db, wall, last_event_id, settings.replay_limit)
        if replay is None:
            position, reset_frame = await _reset(db, wall, settings)
            yield reset_frame
        else:
            position = last_event_id if last_event_id is not None else 0
            for seq, frame in replay:
                yield frame
                position = seq
        while True:
            try:
                # Under load several events wait in the queue: one write for all of them is far
                # cheaper than one write each.
                items = [await viewer.next(), *viewer.ready_frames()]
            except ViewerClosed:
                return
            chunk: list[bytes] = []
            for seq, frame in items:
                if seq == HEARTBEAT_SEQ:
                    chunk.append(frame)
                    continue
                if seq <= position:
                    continue
                if seq > position + 1:
                    missed = await _missed(db, wall, position, seq)
                    if missed is None:
                        return  # the screen reconnects and replays from its last id
                    chunk += missed
                chunk.append(frame)
                position = seq
            if chunk:
                yield b"".join(chunk)
    finally:
        hub.unsubscribe(viewer)
