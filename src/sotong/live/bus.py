"""The bus carries notice of committed events between processes; the event log stays the truth.

A backend only has to deliver each published event to every subscribed process, in the order
published. Gaps (a process that missed a message, or events published out of order by
concurrent writers) are filled from the event log by the hub.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from sotong.domain import StoredEvent

Deliver = Callable[[StoredEvent], Awaitable[None]]
Resync = Callable[[], Awaitable[None]]


class Bus(Protocol):
    async def start(self, deliver: Deliver, resync: Resync | None = None) -> None:
        """Deliver events to `deliver`; call `resync` when messages may have been missed."""

    async def publish(self, events: Sequence[StoredEvent]) -> None: ...

    async def ping(self) -> None: ...

    async def stop(self) -> None: ...


class MemoryBus:
    """One process: publishing hands each event straight to the local hub."""

    def __init__(self) -> None:
        self._deliver: Deliver | None = None

    async def start(self, deliver: Deliver, resync: Resync | None = None) -> None:
        self._deliver = deliver

    async def publish(self, events: Sequence[StoredEvent]) -> None:
        if self._deliver is None:
            return
        for event in events:
            await self._deliver(event)

    async def ping(self) -> None:
        return None

    async def stop(self) -> None:
        self._deliver = None
