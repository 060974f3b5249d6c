"""Soak: many viewers and a steady stream of posts for a long time.

Defaults: 2,000 viewers, 50 posts/s for 10 minutes against one `sotong serve` process. Prints the
server's memory every 30 s (it should stay flat) and, at the end, whether any viewer lost or saw
a repeated event (it should be zero of both).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

import httpx

import harness
from viewers import POSTS, SwarmProcess


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0, help="posts per second")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--database-url", default="", help="PostgreSQL admin URL; default SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sotong-soak-") as folder:
        async with contextlib.AsyncExitStack() as stack:
            if args.database_url:
                database_url = await stack.enter_async_context(
                    harness.fresh_postgres(args.database_url)
                )
            else:
                database_url = f"sqlite:///{Path(folder) / 'soak.db'}"
            config = harness.write_config(Path(folder), database_url)
            plant = await stack.enter_async_context(harness.deployment(config))
            server = plant.servers[0]
            crowds = [SwarmProcess([server.url], args.viewers // 2) for _ in range(2)]
            for crowd in crowds:
                await crowd.ask("connect")
            headers = {"Authorization": f"Bearer {plant.ingest_token}"}
            total = int(args.rate * args.minutes * 60)
            started = time.monotonic()
            sent = 0
            accepted = 0
            slots = asyncio.Semaphore(8)

            async def send(client: httpx.AsyncClient, index: int) -> None:
                nonlocal accepted
                body = {
                    "external_id": f"soak-{index}",
                    "author": {"name": "벤치"},
                    "text": harness.TAG,
                }
                async with slots:
                    response = await client.post(server.url + POSTS, json=body, headers=headers)
                assert response.status_code == 201, response.text
                accepted += 1

            async def report() -> None:
                while True:
                    rss = harness.rss_bytes(server.pid) / 2**20
                    elapsed = time.monotonic() - started
                    print(
                        f"{elapsed:6.0f} s  {sent:6d} sent  {accepted:6d} accepted"
                        f"  server RSS {rss:6.1f} MiB",
                        flush=True,
                    )
                    await asyncio.sleep(30)

            reporter = asyncio.create_task(report())
            async with httpx.AsyncClient(timeout=60) as client:
                in_flight: set[asyncio.Task[None]] = set()
                while sent < total:
                    # Posts go out on a fixed schedule, whatever the server's answer time.
                    await asyncio.sleep(max(0.0, started + sent / args.rate - time.monotonic()))
                    task = asyncio.create_task(send(client, sent))
                    in_flight.add(task)
                    task.add_done_callback(in_flight.discard)
                    sent += 1
                await asyncio.gather(*in_flight)
                last = (await client.get(server.url + POSTS, params={"limit": 1})).json()["posts"][
                    0
                ]["id"]
            reporter.cancel()
            sending_seconds = time.monotonic() - started
            for crowd in crowds:
                await crowd.ask("arrivals", ("post", [last]))
            totals: dict[str, int] = {}
            for crowd in crowds:
                for key, value in (await crowd.ask("stats")).items():  # type: ignore[attr-defined]
                    totals[key] = totals.get(key, 0) + value
                await crowd.ask("stop")
                crowd.process.join()
            elapsed = time.monotonic() - started
            rss = harness.rss_bytes(server.pid) / 2**20
            print(f"{elapsed:6.0f} s  {sent:6d} posts sent  server RSS {rss:6.1f} MiB (end)")
            print(
                f"achieved rate {sent / sending_seconds:.1f} posts/s; every post on every screen "
                f"{elapsed - sending_seconds:.1f} s after the last was sent"
            )
            expected = sent * args.viewers
            print(
                f"events expected {expected}, received {totals['events']}, "
                f"lost (gaps) {totals['gaps']}, repeated {totals['repeats']}, "
                f"reconnects {totals['reconnects']}"
            )


if __name__ == "__main__":
    asyncio.run(main())
