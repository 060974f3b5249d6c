"""The bus across processes and hosts: Redis publish/subscribe.

Redis pub/sub delivers at most once and forgets what it could not deliver, which is fine here: the
event log in the database is the truth. A process that was cut off from Redis, or missed a message,
catches up from the log: after every resubscription, on a short timer, and whenever the hub sees a
gap in the sequence numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Sequence

import orjson
import redis.asyncio as redis
from redis.exceptions import RedisError

from sotong.domain import EventType, StoredEvent
from sotong.live.bus import Deliver, Resync

logger = logging.getLogger("sotong.live")

DEFAULT_CHANNEL = "sotong:events"


def encode(events: Sequence[StoredEvent], origin: str) -> bytes:
    return orjson.dumps(
        {"o": origin, "e": [[e.wall_id, e.seq, e.type.value, e.data, e.created] for e in events]}
    )


def decode(message: bytes) -> tuple[str, list[StoredEvent]]:
    body = orjson.loads(message)
    return body["o"], [
        StoredEvent(int(w), int(s), EventType(t), str(d), float(c)) for w, s, t, d, c in body["e"]
    ]


class RedisBus:
    def __init__(
        self,
        url: str,
        *,
        channel: str = DEFAULT_CHANNEL,
        resync_seconds: float = 5.0,
        max_reconnect_delay: float = 5.0,
    ) -> None:
        self._url = url
        self._channel = channel
        self._resync_seconds = resync_seconds
        self._max_reconnect_delay = max_reconnect_delay
        self._origin = secrets.token_hex(8)
        self._client: redis.Redis | None = None
        self._deliver: Deliver | None = None
        self._resync: Resync | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.subscribed = asyncio.Event()
        self.reconnects = 0

    async def start(self, deliver: Deliver, resync: Resync | None = None) -> None:
        self._deliver, self._resync = deliver, resync
        self._client = redis.Redis.from_url(self._url)
        self._tasks = [asyncio.create_task(self._listen(), name="redis-bus")]
        if resync is not None:
            self._tasks.append(asyncio.create_task(self._resync_periodically(), name="bus-resync"))
        # Events published from now on must reach this process, so wait for the subscription.
        await self.subscribed.wait()

    async def publish(self, events: Sequence[StoredEvent]) -> None:
        if not events:
            return
        if self._deliver is not None:
            for event in events:
                await self._deliver(event)
        if self._client is None:
            return
        try:
            await self._client.publish(self._channel, encode(events, self._origin))
        except (RedisError, OSError) as error:
            # Committed already: other processes will find these events in the log.
            logger.warning("could not publish %d event(s) to Redis: %s", len(events), error)

    async def ping(self) -> None:
        if self._client is None:
            raise RuntimeError("the Redis bus is not started")
        await self._client.ping()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _listen(self) -> None:
        assert self._client is not None
        delay = 0.05
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                if self.subscribed.is_set():
                    self.reconnects += 1
                    logger.info("resubscribed to Redis; catching up from the event log")
                    if self._resync is not None:
                        await self._resync()
                self.subscribed.set()
                delay = 0.05
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        await self._receive(message["data"])
            except (RedisError, OSError) as error:
                logger.warning("Redis bus connection lost (%s); retrying in %.1f s", error, delay)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_reconnect_delay)

    async def _receive(self, data: bytes) -> None:
        try:
            origin, events = decode(data)
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError):
            logger.warning("ignored a malformed message on the Redis bus")
            return
        if origin == self._origin or self._deliver is None:
            return
        for event in events:
            await self._deliver(event)

    async def _resync_periodically(self) -> None:
        assert self._resync is not None
        while True:
            await asyncio.sleep(self._resync_seconds)
            try:
                await self._resync()
            except Exception:  # a failing database must not stop the bus
                logger.exception("catching up from the event log failed")
