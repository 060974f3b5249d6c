"""One contract for every bus backend: in-process and Redis (the real server on 127.0.0.1:6379)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
import redis.asyncio as redis
from redis.exceptions import RedisError

from sotong.domain import EventType, StoredEvent
from sotong.live.bus import Bus, MemoryBus
from sotong.live.redis_bus import RedisBus, decode, encode

REDIS_URL = os.environ.get("SOTONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Inbox:
    events: list[StoredEvent] = field(default_factory=list)
    resyncs: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def deliver(self, event: StoredEvent) -> None:
        async with self.changed:
            self.events.append(event)
            self.changed.notify_all()

    async def resync(self) -> None:
        async with self.changed:
            self.resyncs += 1
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(predicate), timeout)


@dataclass
class Pair:
    """A publishing process and a subscribing one (the same object for the in-process bus)."""

    publisher: Bus
    subscriber: Bus
    inbox: Inbox
    kill_connections: Callable[[], Awaitable[None]] | None = None


def events(wall_id: int, first: int, count: int) -> list[StoredEvent]:
    return [
        StoredEvent(wall_id, seq, EventType.POST, f'{{"n":{seq},"t":"소통"}}')
        for seq in range(first, first + count)
    ]


async def _memory() -> AsyncIterator[Pair]:
    bus = MemoryBus()
    inbox = Inbox()
    await bus.start(inbox.deliver, inbox.resync)
    yield Pair(bus, bus, inbox)
    await bus.stop()


async def _redis() -> AsyncIterator[Pair]:
    channel = f"sotong-test:{secrets.token_hex(4)}"
    admin = redis.Redis.from_url(REDIS_URL)
    try:
        await admin.ping()
    except (RedisError, OSError) as error:
        raise RuntimeError(
            f"Redis is required for these tests; {REDIS_URL} did not answer"
        ) from error
    publisher = RedisBus(REDIS_URL, channel=channel, resync_seconds=60)
    subscriber = RedisBus(REDIS_URL, channel=channel, resync_seconds=60, max_reconnect_delay=0.1)
    inbox = Inbox()
    await publisher.start(Inbox().deliver)
    await subscriber.start(inbox.deliver, inbox.resync)

    async def kill_pubsub_connections() -> None:
        await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")

    yield Pair(publisher, subscriber, inbox, kill_pubsub_connections)
    await publisher.stop()
    await subscriber.stop()
    await admin.aclose()


@pytest.fixture(params=["memory", "redis"])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    factory = _memory if request.param == "memory" else _redis
    async for created in factory():
        yield created


async def test_events_arrive_in_order_per_wall(pair: Pair) -> None:
    sent = events(1, 1, 50)
    other = events(2, 1, 5)
    for index in range(0, 50, 10):
        await pair.publisher.publish(sent[index : index + 10])
        if index == 20:
            await pair.publisher.publish(other)
    await pair.inbox.wait_for(lambda: len(pair.inbox.events) == 55)
    assert [e for e in pair.inbox.events if e.wall_id == 1] == sent
    assert [e for e in pair.inbox.events if e.wall_id == 2] == other


async def test_ping(pair: Pair) -> None:
    await pair.publisher.ping()
    await pair.subscriber.ping()


@pytest.mark.parametrize("pair", ["redis"], indirect=True)
async def test_resubscribes_and_resyncs_after_losing_the_broker(pair: Pair) -> None:
    assert pair.kill_connections is not None
    await pair.kill_connections()
    await pair.inbox.wait_for(lambda: pair.inbox.resyncs >= 1)
    await pair.publisher.publish(events(1, 100, 3))
    await pair.inbox.wait_for(lambda: len(pair.inbox.events) == 3)
    assert [e.seq for e in pair.inbox.events] == [100, 101, 102]


def test_wire_format_round_trips() -> None:
    sent = events(7, 1, 3)
    origin, received = decode(encode(sent, "abc"))
    assert origin == "abc"
    assert received == sent
