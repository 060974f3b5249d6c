"""Ingest throughput of the pipeline itself (normalise, match, sanitise, moderation rules, decide,
store with its event, publish), without HTTP: what a source that delivers posts in batches can push
through. `--without-rules` leaves the moderation rules out, to see what they cost.

Runs in this process against SQLite (a temporary file) and, with --database-url, PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

import harness
from sotong.clock import utc_now
from sotong.config import WallSettings
from sotong.domain import Author, IncomingPost
from sotong.live.bus import MemoryBus
from sotong.pipeline.ingest import IngestPipeline
from sotong.pipeline.rules import RulesStep
from sotong.store.database import Database
from sotong.store.walls import sync_walls


def incoming(prefix: str, index: int) -> IncomingPost:
    return IncomingPost(
        source="bench",
        external_id=f"{prefix}-{index}",
        author=Author(f"시민 {index % 500}", f"@citizen{index % 500}"),
        text=f"오늘 {index}번째 소식입니다 {harness.TAG} <b>굵게</b>",
    )


async def run(database_url: str, posts: int, batch: int, writers: int, rules: bool) -> None:
    db = Database(database_url)
    await db.upgrade()
    wall_settings = WallSettings(slug="bench", title="B", hashtags=[harness.TAG], moderation="post")
    async with db.write() as connection:
        (wall,) = await sync_walls(connection, [wall_settings], utc_now())
    step = RulesStep(lambda wall: wall_settings.rules) if rules else None
    pipeline = IngestPipeline(db, MemoryBus(), rules=step)
    queue = list(range(0, posts, batch))

    async def writer(prefix: str) -> None:
        while queue:
            start = queue.pop()
            await pipeline.ingest_batch(
                wall, [incoming(prefix, i) for i in range(start, start + batch)]
            )

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(writer(f"w{batch}x{writers}") for _ in range(writers)))
    elapsed = time.perf_counter() - started
    # This process's own CPU time: a fairer comparison when other work shares the machine.
    cpu = time.process_time() - cpu_started
    await db.close()
    database = database_url.split(":")[0]
    label = "rules" if rules else "no rules"
    print(
        f"{database:10s} {label:8s} batch {batch:4d}  writers {writers:3d}"
        f"  {posts / elapsed:8.0f} posts/s  {posts / cpu:8.0f} posts per CPU-second"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL admin URL, to measure it too"
    )
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--without-rules", action="store_true")
    args = parser.parse_args()
    rules = not args.without_rules
    shapes = [(1, 1), (1, 16), (50, 1), (50, 4)]
    with tempfile.TemporaryDirectory(prefix="sotong-pipeline-") as folder:
        for index, (batch, writers) in enumerate(shapes):
            url = f"sqlite:///{Path(folder) / f'p{index}.db'}"
            await run(url, args.posts, batch, writers, rules)
        if args.database_url:
            for batch, writers in shapes:
                async with contextlib.AsyncExitStack() as stack:
                    url = await stack.enter_async_context(harness.fresh_postgres(args.database_url))
                    await run(url, args.posts, batch, writers, rules)


if __name__ == "__main__":
    asyncio.run(main())
