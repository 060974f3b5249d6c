"""Viewers per process: memory per idle viewer and how fast a new post and a removal reach all.

Starts `sotong serve` (one process, or several over PostgreSQL and Redis), then adds idle stream
viewers in steps (default 1,000 / 5,000 / 10,000) from separate swarm processes. At each step it
reports the servers' memory per viewer and, over several posts, the delivery latency p50/p99 of a
new post (from just before its POST) and of its removal (from just before the reject decision) to
every viewer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import tempfile
import time
from pathlib import Path

import httpx

import harness
import swarm

EVENTS = f"/api/v1/walls/{harness.WALL}/events"
POSTS = f"/api/v1/walls/{harness.WALL}/posts"


class SwarmProcess:
    def __init__(self, urls: list[str], count: int) -> None:
        self.pipe, theirs = multiprocessing.Pipe()
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(target=swarm.run, args=(urls, EVENTS, count, theirs))
        self.process.start()

    async def ask(self, command: str, argument: object = None) -> object:
        self.pipe.send((command, argument))
        return await asyncio.get_running_loop().run_in_executor(None, self.pipe.recv)


async def latencies(
    client: httpx.AsyncClient, plant: harness.Deployment, swarms: list[SwarmProcess], rounds: int
) -> tuple[list[float], list[float]]:
    ingest = {"Authorization": f"Bearer {plant.ingest_token}"}
    moderate = {"Authorization": f"Bearer {plant.moderate_token}"}
    writer = plant.servers[0].url
    post_ms: list[float] = []
    remove_ms: list[float] = []
    for _ in range(rounds):
        body = {
            "external_id": f"v-{time.time_ns()}",
            "author": {"name": "벤치"},
            "text": f"측정 {harness.TAG}",
        }
        started = time.time()
        post_id = (await client.post(writer + POSTS, json=body, headers=ingest)).json()["id"]
        for crowd in swarms:
            arrivals = await crowd.ask("arrivals", ("post", [post_id]))
            post_ms += [(seen[post_id] - started) * 1000 for seen in arrivals]  # type: ignore[attr-defined]
        started = time.time()
        decision = f"{writer}{POSTS}/{post_id}/decision"
        await client.post(decision, json={"action": "reject"}, headers=moderate)
        for crowd in swarms:
            arrivals = await crowd.ask("arrivals", ("remove", [post_id]))
            remove_ms += [(seen[post_id] - started) * 1000 for seen in arrivals]  # type: ignore[attr-defined]
    return post_ms, remove_ms


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", default="1000,5000,10000", help="viewer counts to measure at")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL admin URL (needed for several processes)"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--rounds", type=int, default=10, help="posts (and removals) timed per step"
    )
    args = parser.parse_args()
    steps = [int(step) for step in args.steps.split(",")]
    broker = args.broker_url if args.processes > 1 else ""
    with tempfile.TemporaryDirectory(prefix="sotong-bench-") as folder:
        async with contextlib.AsyncExitStack() as stack:
            if args.database_url:
                database_url = await stack.enter_async_context(
                    harness.fresh_postgres(args.database_url)
                )
            else:
                database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            config = harness.write_config(Path(folder), database_url, broker)
            plant = await stack.enter_async_context(harness.deployment(config, args.processes))
            urls = [server.url for server in plant.servers]
            pids = [server.pid for server in plant.servers]
            print(
                f"servers: {args.processes} process(es), database {database_url.split(':')[0]}, "
                f"bus {'redis' if broker else 'in-process'}"
            )
            async with httpx.AsyncClient(timeout=60) as client:
                await latencies(client, plant, [], 3)
                baseline = sum(harness.rss_bytes(pid) for pid in pids)
                swarms: list[SwarmProcess] = []
                connected = 0
                print(
                    "viewers  server RSS   per viewer   post p50   post p99"
                    "   removal p50   removal p99"
                )
                for step in steps:
                    crowd = SwarmProcess(urls, step - connected)
                    swarms.append(crowd)
                    await crowd.ask("connect")
                    connected = step
                    rss = sum(harness.rss_bytes(pid) for pid in pids)
                    post_ms, remove_ms = await latencies(client, plant, swarms, args.rounds)
                    per_viewer = (rss - baseline) / step / 1024
                    post = [harness.percentile(post_ms, q) for q in (0.5, 0.99)]
                    removal = [harness.percentile(remove_ms, q) for q in (0.5, 0.99)]
                    print(
                        f"{step:7d}  {rss / 2**20:7.1f} MiB  {per_viewer:7.1f} KiB"
                        f"  {post[0]:6.0f} ms  {post[1]:6.0f} ms"
                        f"  {removal[0]:8.0f} ms  {removal[1]:9.0f} ms",
                        flush=True,
                    )
                totals: dict[str, int] = {}
                for crowd in swarms:
                    for key, value in (await crowd.ask("stats")).items():  # type: ignore[attr-defined]
                        totals[key] = totals.get(key, 0) + value
                print(f"stream integrity: {totals}")
                for crowd in swarms:
                    await crowd.ask("stop")
                    crowd.process.join()


if __name__ == "__main__":
    asyncio.run(main())
