"""Fan-out of a wall's events to the screens connected to this process.

Each event is framed once and the same bytes go to every viewer's bounded queue. A viewer whose
queue is full is closed rather than allowed to slow the others; its screen reconnects with
`Last-Event-ID` and replays what it missed from the event log.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from sotong.domain import StoredEvent
from sotong.live.sse import HEARTBEAT, event_frame
from sotong.metrics import Metrics
from sotong.store import events as event_log
from sotong.store.database import Database
from sotong.store.walls import last_event_seq

Frame = tuple[int, bytes]
HEARTBEAT_SEQ = -1


class Viewer:
    def __init__(self, wall_id: int, queue_size: int, *, private: bool = False) -> None:
        self.wall_id = wall_id
        self.private = private  # a console moderation stream: it also gets private events
        self._queue: asyncio.Queue[Frame | None] = asyncio.Queue(queue_size)
        self.closed = False

    def offer(self, item: Frame) -> bool:
        """Queue a frame; False when the viewer had fallen too far behind and is now closed."""
        if self.closed:
            return True
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.closed = True
            return False
        return True

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)

    def ready_frames(self) -> list[Frame]:
        """Frames already queued, taken without waiting; raises ViewerClosed once closed."""
        frames = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is None or self.closed:
                raise ViewerClosed
            frames.append(item)
        return frames

    def offer_heartbeat(self) -> None:
        """A keep-alive comment, only for a viewer with nothing else waiting to be written."""
        if not self.closed and self._queue.empty():
            self._queue.put_nowait((HEARTBEAT_SEQ, HEARTBEAT))

    async def next(self) -> Frame:
        """The next frame (a heartbeat has seq HEARTBEAT_SEQ); raises ViewerClosed once closed."""
        if self.closed:
            raise ViewerClosed
        item = await self._queue.get()
        if item is None or self.closed:
            raise ViewerClosed
        return item


class ViewerClosed(Exception):
    pass


@dataclass(slots=True)
class _Channel:
    viewers: set[Viewer] = field(default_factory=set)
    last_seq: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    early: list[StoredEvent] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class LiveHub:
    def __init__(self, db: Database, *, queue_size: int, metrics: Metrics | None = None) -> None:
        self._db = db
        self._queue_size = queue_size
        self._channels: dict[int, _Channel] = {}
        self._metrics = metrics or Metrics()

    @property
    def viewer_count(self) -> int:
        return sum(len(channel.viewers) for channel in self._channels.values())

    async def subscribe(self, wall_id: int, *, private: bool = False) -> Viewer:
        """Register a viewer before it reads its snapshot, so no event can fall between the two."""
        viewer = Viewer(wall_id, self._queue_size, private=private)
        channel = self._channels.get(wall_id)
        if channel is None:
            channel = self._channels[wall_id] = _Channel()
            channel.viewers.add(viewer)
            try:
                async with self._db.read() as connection:
                    channel.last_seq = await last_event_seq(connection, wall_id)
            except BaseException:
                del self._channels[wall_id]
                for waiting in channel.viewers:
                    waiting.close()
                channel.ready.set()
                raise
            channel.ready.set()
            early, channel.early = channel.early, []
            for event in early:
                await self._advance(channel, event)
        else:
            channel.viewers.add(viewer)
            await channel.ready.wait()
        return viewer

    def unsubscribe(self, viewer: Viewer) -> None:
        channel = self._channels.get(viewer.wall_id)
        if channel is None:
            return
        channel.viewers.discard(viewer)
        if not channel.viewers and channel.ready.is_set():
            del self._channels[viewer.wall_id]

    async def deliver(self, event: StoredEvent) -> None:
        """Bus handler: pass a committed event on to this wall's viewers, in sequence order."""
        channel = self._channels.get(event.wall_id)
        if channel is None:
            return
        if not channel.ready.is_set():
            channel.early.append(event)
            return
        await self._advance(channel, event)

    async def _advance(self, channel: _Channel, event: StoredEvent) -> None:
        async with channel.lock:
            if event.seq <= channel.last_seq:
                return
            missing: list[StoredEvent] = []
            if event.seq > channel.last_seq + 1:
                # Concurrent writers can publish out of order; every earlier event is committed.
                async with self._db.read() as connection:
                    missing = await event_log.events_after(
                        connection,
                        event.wall_id,
                        channel.last_seq,
                        event.seq - channel.last_seq - 1,
                    )
            for item in (*missing, event):
                self._broadcast(channel, item)
                channel.last_seq = item.seq

    async def catch_up(self) -> None:
        """Deliver whatever the event log holds beyond what this process has seen (after the bus
        may have dropped messages). Viewers too far behind are closed: they replay on reconnect."""
        for wall_id, channel in list(self._channels.items()):
            if not channel.ready.is_set():
                continue
            async with self._db.read() as connection:
                missed = await event_log.events_after(
                    connection, wall_id, channel.last_seq, self._queue_size + 1
                )
            if len(missed) > self._queue_size:
                for viewer in list(channel.viewers):
                    viewer.close()
                channel.last_seq = missed[-1].seq
                continue
            if missed:
                await self._advance(channel, missed[-1])

    def _broadcast(self, channel: _Channel, event: StoredEvent) -> None:
        item = (event.seq, event_frame(event))
        # Screens get an empty frame for a private event: it moves their position on, and
        # nothing is written to them.
        public = (event.seq, b"") if event.type.private else item
        dropped = sum(
            1
            for viewer in list(channel.viewers)
            if not viewer.offer(item if viewer.private else public)
        )
        metrics = self._metrics
        metrics.events.labels(event.type.value).inc()
        metrics.frames.inc(len(channel.viewers))
        if dropped:
            metrics.slow_viewers.inc(dropped)
        if event.created:
            metrics.delivery_latency.observe(max(0.0, time.time() - event.created))

    async def send_heartbeats(self, interval: float) -> None:
        """Keep idle streams open through proxies. One timer for every viewer: a timeout per
        viewer per wait cost more than the rest of delivering an event."""
        while True:
            await asyncio.sleep(interval)
            for channel in list(self._channels.values()):
                for viewer in list(channel.viewers):
                    viewer.offer_heartbeat()

    def close_all(self) -> None:
        """Ends every stream (at shutdown) so screens reconnect, to this process or another."""
        for channel in self._channels.values():
            for viewer in channel.viewers:
                viewer.close()
