"""A swarm of stream viewers that cost the load generator as little as possible.

Each viewer is a bare asyncio connection reading the SSE stream line by line; only `post` and
`remove` events are decoded. A viewer whose stream ends reconnects with `Last-Event-ID`, as a
browser would. The swarm runs in a process of its own and is driven through a pipe.
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections import defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from urllib.parse import urlsplit

import orjson

CONNECT_CONCURRENCY = 200


@dataclass
class Viewer:
    last_id: int = 0
    seqs_seen: int = 0
    gaps: int = 0
    repeats: int = 0
    reconnects: int = 0
    arrivals: dict[tuple[str, str], float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


class Swarm:
    def __init__(self, urls: list[str], path: str, count: int) -> None:
        self.targets = [urlsplit(url) for url in urls]
        self.path = path
        self.viewers = [Viewer() for _ in range(count)]
        self.changed = asyncio.Condition()
        self.tasks: list[asyncio.Task[None]] = []

    async def connect(self) -> None:
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        for index, viewer in enumerate(self.viewers):
            target = self.targets[index % len(self.targets)]
            self.tasks.append(
                asyncio.create_task(
                    self._watch(viewer, target.hostname or "", target.port or 80, gate)
                )
            )
        await asyncio.gather(*(viewer.ready.wait() for viewer in self.viewers))

    async def _watch(self, viewer: Viewer, host: str, port: int, gate: asyncio.Semaphore) -> None:
        first = True
        while True:
            async with gate:
                reader, writer = await asyncio.open_connection(host, port, limit=1 << 22)
                resume = f"Last-Event-ID: {viewer.last_id}\r\n" if not first else ""
                writer.write(f"GET {self.path} HTTP/1.1\r\nHost: {host}\r\n{resume}\r\n".encode())
                await reader.readuntil(b"\r\n\r\n")
            if not first:
                viewer.reconnects += 1
            first = False
            event = b""
            seq = 0
            try:
                while line := await reader.readline():
                    if line.startswith(b"id: "):
                        seq = int(line[4:])
                    elif line.startswith(b"event: "):
                        event = line[7:].strip()
                    elif line.startswith(b"data: "):
                        await self._event(viewer, event, seq, line[6:])
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            writer.close()

    async def _event(self, viewer: Viewer, event: bytes, seq: int, data: bytes) -> None:
        now = time.time()
        if event == b"reset":
            viewer.last_id = seq
            viewer.ready.set()
            return
        if seq <= viewer.last_id:
            viewer.repeats += 1
            return
        if seq != viewer.last_id + 1:
            viewer.gaps += 1
        viewer.last_id = seq
        viewer.seqs_seen += 1
        if event in (b"post", b"remove"):
            post_id = orjson.loads(data)["id"]
            viewer.arrivals[(event.decode(), post_id)] = now
            async with self.changed:
                self.changed.notify_all()

    async def arrivals(self, kind: str, post_ids: list[str]) -> list[dict[str, float]]:
        keys = [(kind, post_id) for post_id in post_ids]

        def all_arrived() -> bool:
            return all(key in viewer.arrivals for viewer in self.viewers for key in keys)

        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(all_arrived), 120)
        return [
            {post_id: viewer.arrivals[(kind, post_id)] for kind, post_id in keys}
            for viewer in self.viewers
        ]

    def stats(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for viewer in self.viewers:
            totals["events"] += viewer.seqs_seen
            totals["gaps"] += viewer.gaps
            totals["repeats"] += viewer.repeats
            totals["reconnects"] += viewer.reconnects
        return dict(totals)


async def _serve(urls: list[str], path: str, count: int, pipe: Connection) -> None:
    swarm = Swarm(urls, path, count)
    loop = asyncio.get_running_loop()
    while True:
        command, argument = await loop.run_in_executor(None, pipe.recv)
        if command == "connect":
            await swarm.connect()
            pipe.send("connected")
        elif command == "arrivals":
            kind, post_ids = argument
            pipe.send(await swarm.arrivals(kind, post_ids))
        elif command == "stats":
            pipe.send(swarm.stats())
        elif command == "stop":
            for task in swarm.tasks:
                task.cancel()
            await asyncio.gather(*swarm.tasks, return_exceptions=True)
            pipe.send("stopped")
            return


def run(urls: list[str], path: str, count: int, pipe: Connection) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(_serve(urls, path, count, pipe))
