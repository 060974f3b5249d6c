"""Ingest throughput and ingest → stream latency, measured against a real `sotong serve` process.

The server runs in its own process, the N stream viewers in another and the senders in this one
(so parsing the viewers' events does not slow the senders down). Then it
1. posts M posts one at a time and records, for every viewer, the time from just before the POST
   to the arrival of that post's `post` event (latency);
2. posts P posts from C concurrent senders and reports accepted posts per second (throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from multiprocessing.connection import Connection
from pathlib import Path

import asyncpg
import httpx
import orjson

WALL = "bench"
TAG = "#서울소셜컨퍼런스"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(folder: Path, database_url: str) -> Path:
    path = folder / "sotong.toml"
    path.write_text(
        f"""
[storage]
database_url = "{database_url}"
media_dir = "{folder / "media"}"

[[walls]]
slug = "{WALL}"
title = "Benchmark"
hashtags = ["{TAG}"]
moderation = "post"
""",
        encoding="utf-8",
    )
    return path


async def postgres_admin(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def fresh_postgres(url: str) -> AsyncIterator[str]:
    base, _, _ = url.rpartition("/")
    name = f"sotong_bench_{os.getpid()}"
    await postgres_admin(url, f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        await postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.asynccontextmanager
async def server(config: Path, port: int) -> AsyncIterator[tuple[str, int]]:
    sotong = [sys.executable, "-m", "sotong"]
    env = {**os.environ, "SOTONG_SECRET_KEY": "bench-" + "x" * 40}
    # Set-up happens before any timing starts; blocking here is harmless.
    subprocess.run(  # noqa: ASYNC221
        [*sotong, "db", "upgrade", "-c", str(config)], check=True, env=env, capture_output=True
    )
    token = subprocess.run(  # noqa: ASYNC221
        [*sotong, "token", "create", "--wall", WALL, "--scope", "ingest", "-c", str(config)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    process = await asyncio.create_subprocess_exec(
        *sotong, "serve", "-c", str(config), "--port", str(port), "--log-level", "warning", env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{base}/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
        yield token, process.pid
    finally:
        process.terminate()
        await process.wait()


async def watch(
    client: httpx.AsyncClient,
    base: str,
    received: dict[str, float],
    ready: asyncio.Event,
    arrived: asyncio.Condition,
) -> None:
    async with client.stream("GET", f"{base}/api/v1/walls/{WALL}/events") as response:
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                if event == "reset":
                    ready.set()
                elif event == "post":
                    received.setdefault(orjson.loads(line[6:])["id"], time.perf_counter())
                    async with arrived:
                        arrived.notify_all()


async def run_viewers(base: str, count: int, commands: Connection) -> None:
    """The viewers' process: N stream connections, arrival times sent back when asked."""
    received: list[dict[str, float]] = [{} for _ in range(count)]
    readiness = [asyncio.Event() for _ in range(count)]
    arrived = asyncio.Condition()
    limits = httpx.Limits(max_connections=count + 5)
    async with httpx.AsyncClient(limits=limits, timeout=None) as client:
        tasks = [
            asyncio.create_task(watch(client, base, r, e, arrived))
            for r, e in zip(received, readiness, strict=True)
        ]
        await asyncio.gather(*(e.wait() for e in readiness))
        commands.send("ready")
        loop = asyncio.get_running_loop()
        while (command := await loop.run_in_executor(None, commands.recv)) != "stop":
            wanted = set(command)

            def all_arrived(wanted: set[str] = wanted) -> bool:
                return all(wanted <= r.keys() for r in received)

            async with arrived:
                await arrived.wait_for(all_arrived)
            commands.send([{post_id: r[post_id] for post_id in wanted} for r in received])
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def viewers_process(base: str, count: int, commands: Connection) -> None:
    asyncio.run(run_viewers(base, count, commands))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def measure(
    base: str, token: str, server_pid: int, viewers: int, samples: int, posts: int, senders: int
) -> None:
    ours, theirs = multiprocessing.Pipe()
    watcher = multiprocessing.get_context("spawn").Process(
        target=viewers_process, args=(base, viewers, theirs)
    )
    watcher.start()
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(None, ours.recv) == "ready"
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/api/v1/walls/{WALL}/posts"
    async with httpx.AsyncClient(
        limits=httpx.Limits(max_connections=senders + 5), timeout=60
    ) as client:
        latencies: list[float] = []
        for index in range(samples):
            body = {
                "external_id": f"lat-{index}",
                "author": {"name": "벤치"},
                "text": f"측정 {index} {TAG}",
            }
            start = time.perf_counter()
            post_id = (await client.post(url, json=body, headers=headers)).json()["id"]
            ours.send([post_id])
            arrivals = await loop.run_in_executor(None, ours.recv)
            latencies += [(arrival[post_id] - start) * 1000 for arrival in arrivals]

        pending = list(range(posts))
        created: list[str] = []

        async def sender() -> None:
            while pending:
                index = pending.pop()
                body = {
                    "external_id": f"tp-{index}",
                    "author": {"name": "벤치"},
                    "text": f"처리량 {index} {TAG}",
                }
                response = await client.post(url, json=body, headers=headers)
                assert response.status_code == 201, response.text
                created.append(response.json()["id"])

        cpu_before = cpu_seconds(server_pid)
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(senders)))
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(server_pid) - cpu_before
        ours.send(created)
        await loop.run_in_executor(None, ours.recv)
        delivered = time.perf_counter() - started
    ours.send("stop")
    watcher.join()

    print(f"viewers                       {viewers} (in a separate process)")
    print(
        f"ingest -> stream latency      p50 {percentile(latencies, 0.5):.1f} ms   "
        f"p90 {percentile(latencies, 0.9):.1f} ms   p99 {percentile(latencies, 0.99):.1f} ms   "
        f"max {max(latencies):.1f} ms   mean {statistics.fmean(latencies):.1f} ms   "
        f"({samples} posts one at a time x {viewers} viewers)"
    )
    print(
        f"ingest throughput (HTTP API)  {posts / elapsed:.0f} posts/s accepted; all {posts} "
        f"on every screen after {delivered:.2f} s   ({senders} concurrent senders; server used "
        f"{server_cpu / elapsed * 100:.0f}% of one core)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL admin URL; default: SQLite in a temp dir"
    )
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument(
        "--samples", type=int, default=200, help="posts timed one by one for latency"
    )
    parser.add_argument(
        "--posts", type=int, default=2000, help="posts sent for the throughput figure"
    )
    parser.add_argument("--senders", type=int, default=16, help="concurrent senders for throughput")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sotong-bench-") as folder:
        async with contextlib.AsyncExitStack() as stack:
            if args.database_url:
                database_url = await stack.enter_async_context(fresh_postgres(args.database_url))
            else:
                database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            print(f"database                      {database_url.split('://')[0]}")
            port = free_port()
            config = write_config(Path(folder), database_url)
            token, pid = await stack.enter_async_context(server(config, port))
            base = f"http://127.0.0.1:{port}"
            await measure(base, token, pid, args.viewers, args.samples, args.posts, args.senders)


if __name__ == "__main__":
    asyncio.run(main())
