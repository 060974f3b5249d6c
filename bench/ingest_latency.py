"""Ingest throughput and ingest → stream latency, against a real `sotong serve` process.

The server runs in its own process, the stream viewers in another (a swarm, see swarm.py) and the
senders in this one. It
1. posts M posts one at a time and records, for every viewer, the time from just before the POST
   to the arrival of that post's `post` event (latency);
2. posts P posts from C concurrent senders and reports accepted posts per second (throughput),
   and when the last of them had reached every viewer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

import httpx

import harness
from viewers import POSTS, SwarmProcess


async def measure(
    plant: harness.Deployment, viewers: int, samples: int, posts: int, senders: int
) -> None:
    server = plant.servers[0]
    crowd = SwarmProcess([server.url], viewers)
    await crowd.ask("connect")
    headers = {"Authorization": f"Bearer {plant.ingest_token}"}
    url = server.url + POSTS
    limits = httpx.Limits(max_connections=senders + 5)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        latencies: list[float] = []
        for index in range(samples):
            body = {
                "external_id": f"lat-{index}",
                "author": {"name": "벤치"},
                "text": f"측정 {harness.TAG}",
            }
            started = time.time()
            post_id = (await client.post(url, json=body, headers=headers)).json()["id"]
            arrivals = await crowd.ask("arrivals", ("post", [post_id]))
            latencies += [(seen[post_id] - started) * 1000 for seen in arrivals]  # type: ignore[attr-defined]

        pending = list(range(posts))
        created: list[str] = []

        async def sender() -> None:
            while pending:
                index = pending.pop()
                body = {
                    "external_id": f"tp-{index}",
                    "author": {"name": "벤치"},
                    "text": f"처리량 {harness.TAG}",
                }
                response = await client.post(url, json=body, headers=headers)
                assert response.status_code == 201, response.text
                created.append(response.json()["id"])

        cpu_before = harness.cpu_seconds(server.pid)
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(senders)))
        elapsed = time.perf_counter() - started
        server_cpu = harness.cpu_seconds(server.pid) - cpu_before
        await crowd.ask("arrivals", ("post", created))
        delivered = time.perf_counter() - started
    await crowd.ask("stop")
    crowd.process.join()

    p50, p90, p99 = (harness.percentile(latencies, q) for q in (0.5, 0.9, 0.99))
    print(f"viewers                       {viewers} (in a separate process)")
    print(
        f"ingest -> stream latency      p50 {p50:.1f} ms   p90 {p90:.1f} ms   p99 {p99:.1f} ms   "
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
                database_url = await stack.enter_async_context(
                    harness.fresh_postgres(args.database_url)
                )
            else:
                database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            print(f"database                      {database_url.split('://')[0]}")
            config = harness.write_config(Path(folder), database_url)
            plant = await stack.enter_async_context(harness.deployment(config))
            await measure(plant, args.viewers, args.samples, args.posts, args.senders)


if __name__ == "__main__":
    asyncio.run(main())
