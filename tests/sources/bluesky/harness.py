"""A wall to run the Bluesky source against: a real pipeline and store, and what screens see."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from sotong.domain import EventType, StoredEvent
from sotong.live.bus import MemoryBus
from sotong.pipeline.ingest import IngestPipeline
from sotong.sources.base import Backoff, SourceContext
from sotong.sources.bluesky.consumer import Tuning
from sotong.sources.bluesky.source import BlueskyOptions, BlueskySource, Timeouts
from sotong.store import posts
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.sources.bluesky.fake import FakeAppView, FakeJetstream
from tests.support import make_settings

NOW = datetime(2024, 11, 10, tzinfo=UTC)
FAST = Timeouts(
    open=1.0,
    ping_interval=None,
    ping_timeout=None,
    profiles=0.5,
    check=1.0,
    consumer=Tuning(flush_after=0.01, save_every=0.05),
    backfill_retry=Backoff(initial=0.01, maximum=0.05, auth_failure=0.05),
)
FAST_BACKOFF = Backoff(initial=0.01, maximum=0.05, auth_failure=0.05)


@dataclass
class Screen:
    """What a screen of the wall would show, from the events the pipeline publishes."""

    visible: dict[str, dict[str, Any]] = field(default_factory=dict)
    post_events: list[dict[str, Any]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def deliver(self, stored: StoredEvent) -> None:
        data = orjson.loads(stored.data)
        if stored.type is EventType.POST:
            self.visible[data["id"]] = data
            self.post_events.append(data)
        elif stored.type is EventType.REMOVE:
            self.visible.pop(data["id"], None)
            self.removed.append(data["id"])
        async with self.changed:
            self.changed.notify_all()

    @property
    def external_ids(self) -> set[str]:
        return {post["external_id"] for post in self.visible.values()}

    def by_external_id(self, external_id: str) -> dict[str, Any]:
        return next(p for p in self.visible.values() if p["external_id"] == external_id)

    async def until(self, predicate: Callable[[Screen], bool], timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout), self.changed:
            await self.changed.wait_for(lambda: predicate(self))


async def make_context(
    db: Database,
    tmp_path: Path,
    http: httpx.AsyncClient,
    *,
    key: str = "bluesky-0",
    match_particles: bool = False,
) -> tuple[SourceContext, Screen]:
    settings = make_settings("sqlite://", tmp_path, match_particles=match_particles)
    async with db.write() as connection:
        wall, _ = await sync_walls(connection, settings.walls, NOW)
    screen = Screen()
    bus = MemoryBus()
    await bus.start(screen.deliver)
    context = SourceContext(wall, key, IngestPipeline(db, bus), db, tmp_path / "media", http)
    return context, screen


def make_source(
    jetstream: FakeJetstream,
    appview: FakeAppView,
    *,
    password: str | None = None,
    **options: Any,
) -> BlueskySource:
    parsed = BlueskyOptions(
        jetstream_url=jetstream.url,
        appview_url=appview.url,
        cdn_url=appview.url,
        pds_url=appview.url,
        **options,
    )
    return BlueskySource(parsed, password, timeouts=FAST)


async def stored_external_ids(db: Database, wall_id: int) -> list[str]:
    async with db.read() as connection:
        shown = await posts.list_visible(connection, wall_id, 1000)
    return sorted(post.external_id for post in shown)
