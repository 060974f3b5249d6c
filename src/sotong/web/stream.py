"""The live stream of a wall (CONTRACT.md, "Live stream"): reset or replay, then live events."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable

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


Snapshot = Callable[[], Awaitable[tuple[int, bytes]]]
"""Where a stream starts without a replay: the last event id and a `reset` frame."""


async def screen_snapshot(db: Database, wall: Wall, settings: LiveSettings) -> tuple[int, bytes]:
    async with db.read(snapshot=True) as connection:
        seq = await last_event_seq(connection, wall.id)
        posts = await screen_posts(connection, wall.id, settings.snapshot_size)
    data = dumps({"posts": [post_to_wire(post) for post in posts]})
    return seq, sse.frame(seq, EventType.RESET, data)


async def _replay(
    db: Database, wall: Wall, after: int, limit: int, *, private: bool = False
) -> list[tuple[int, bytes]] | None:
    """Events after `after`, or None when they can't all be replayed (too many, or too old)."""
    async with db.read(snapshot=True) as connection:
        current = await last_event_seq(connection, wall.id)
        if after > current:
            return None
        found = await event_log.events_after(connection, wall.id, after, limit + 1)
    if len(found) > limit or (found and found[0].seq != after + 1):
        return None
    return [(event.seq, sse.frame_for(event, private=private)) for event in found]


async def _missed(
    db: Database, wall: Wall, after: int, before: int, *, private: bool = False
) -> list[bytes] | None:
    """The frames of the events between two sequence numbers, or None if the log lacks some."""
    async with db.read() as connection:
        found = await event_log.events_after(connection, wall.id, after, before - after - 1)
    if [event.seq for event in found] != list(range(after + 1, before)):
        return None
    return [sse.frame_for(event, private=private) for event in found]


async def wall_stream(
    db: Database,
    hub: LiveHub,
    wall: Wall,
    settings: LiveSettings,
    last_event_id: int | None,
    *,
    private: bool = False,
    snapshot: Snapshot | None = None,
    on_position: Callable[[int], None] | None = None,
) -> AsyncGenerator[bytes, None]:
    """A screen's stream (public events), or with `private` the console's (every event, and its
    own snapshot). `on_position` hears the id of the last event written to the stream."""
    viewer = await hub.subscribe(wall.id, private=private)
    try:
        yield sse.PREAMBLE
        replay = None
        if last_event_id is not None:
            replay = await _replay(db, wall, last_event_id, settings.replay_limit, private=private)
        if replay is None:
            if snapshot is None:
                position, reset_frame = await screen_snapshot(db, wall, settings)
            else:
                position, reset_frame = await snapshot()
            yield reset_frame
            if on_position is not None:
                on_position(position)
        else:
            position = last_event_id if last_event_id is not None else 0
            frames = []
            for seq, frame in replay:
                frames.append(frame)
                position = seq
            if any(frames):
                yield b"".join(frames)
            if on_position is not None:
                on_position(position)
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
                    missed = await _missed(db, wall, position, seq, private=private)
                    if missed is None:
                        return  # the screen reconnects and replays from its last id
                    chunk += missed
                chunk.append(frame)
                position = seq
            if any(chunk):
                yield b"".join(chunk)
            if on_position is not None:
                on_position(position)
    finally:
        hub.unsubscribe(viewer)
