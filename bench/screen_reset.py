"""What a screen's `reset` costs the server: the posts-only snapshot of before, and the display's
snapshot (posts, wall settings, current announcement, upcoming agenda, server time), built for one
connecting screen at a time on a wall with 100 visible posts and an agenda of 200 sessions.

    cd bench && ../.venv/bin/python screen_reset.py [--database-url ADMIN_URL] [--rounds 500]

With `--database-url` (a PostgreSQL admin URL) it runs in a database of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import harness
from sotong.clock import utc_now
from sotong.config import LiveSettings, Settings, StorageSettings, WallSettings
from sotong.display.agenda import Session
from sotong.display.snapshot import screen_reset
from sotong.domain import Author, IncomingPost
from sotong.live.bus import MemoryBus
from sotong.pipeline.ingest import IngestPipeline
from sotong.store.agenda import add_sessions
from sotong.store.announcements import add_announcement
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from sotong.web.stream import screen_snapshot


async def measure(database_url: str, rounds: int) -> None:
    db = Database(database_url)
    await db.upgrade()
    settings = Settings(
        storage=StorageSettings(database_url=database_url),
        walls=[
            WallSettings(
                slug="bench", title="벤치마크", hashtags=["#서울소셜컨퍼런스"], moderation="post"
            )
        ],
    )
    now = utc_now()
    async with db.write() as connection:
        (wall,) = await sync_walls(connection, settings.walls, now)
        sessions = [
            Session(
                f"세션 {i}",
                now + timedelta(minutes=10 * i),
                now + timedelta(minutes=10 * i + 9),
                "연사",
                "다목적홀",
            )
            for i in range(200)
        ]
        await add_sessions(connection, wall.id, sessions, now)
        await add_announcement(
            connection,
            wall.id,
            text="공지" * 40,
            level="info",
            now=now,
            actor="bench",
            expires_at=None,
        )
    pipeline = IngestPipeline(db, MemoryBus())
    for i in range(100):
        await pipeline.ingest(
            wall,
            IncomingPost(
                "api", f"p{i}", Author("고연실", "@yeonsil"), f"게시물 {i} #서울소셜컨퍼런스"
            ),
        )
    live = LiveSettings()

    async def timed(build: object) -> tuple[list[float], int]:
        samples, size = [], 0
        for _ in range(rounds):
            start = time.perf_counter()
            _, frame = await build()  # type: ignore[operator]
            samples.append((time.perf_counter() - start) * 1000)
            size = len(frame)
        return samples, size

    for name, build in (
        ("posts only (before)", lambda: screen_snapshot(db, wall, live)),
        ("display reset (now)", lambda: screen_reset(db, wall, live)),
    ):
        samples, size = await timed(build)
        samples.sort()
        p99 = samples[int(len(samples) * 0.99) - 1]
        print(
            f"{name:22} p50 {statistics.median(samples):6.2f} ms   p99 {p99:6.2f} ms   "
            f"frame {size / 1024:6.1f} KiB"
        )
    await pipeline.close()
    await db.close()


async def run(admin_url: str, rounds: int) -> None:
    if admin_url:
        async with harness.fresh_postgres(admin_url) as url:
            await measure(url, rounds)
        return
    with tempfile.TemporaryDirectory() as folder:
        await measure(f"sqlite:///{Path(folder) / 'bench.db'}", rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="a PostgreSQL admin URL")
    parser.add_argument("--rounds", type=int, default=500)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.database_url, arguments.rounds))


if __name__ == "__main__":
    main()
