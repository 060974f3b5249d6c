"""A small moderated world for service tests: two walls in the store (seoul2017 pre-moderated,
other post-moderated), the pipeline that fills them, and the moderation services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sotong.domain import Author, DecisionAction, EventType, IncomingPost, Post, StoredEvent, Wall
from sotong.moderation.bans import Bans
from sotong.moderation.decisions import Decisions
from sotong.moderation.history import History
from sotong.pipeline.ingest import IngestPipeline
from sotong.store import posts
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.support import make_settings

START = datetime(2017, 11, 10, 1, 0, tzinfo=UTC)
ACTOR = "user:moderator@example.org"


@dataclass
class RecordingBus:
    published: list[StoredEvent] = field(default_factory=list)

    async def start(self, deliver: object, resync: object = None) -> None: ...

    async def publish(self, stored: Sequence[StoredEvent]) -> None:
        self.published.extend(stored)

    async def ping(self) -> None: ...

    async def stop(self) -> None: ...

    def take(self) -> list[tuple[int, EventType, str]]:
        """(wall id, type, post id) of what was published since the last call."""
        import orjson

        found = [(e.wall_id, e.type, orjson.loads(e.data).get("id", "")) for e in self.published]
        self.published.clear()
        return found


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass
class World:
    db: Database
    seoul: Wall
    other: Wall
    bus: RecordingBus
    pipeline: IngestPipeline
    decisions: Decisions
    bans: Bans
    history: History
    counter: int = 0

    async def post(
        self, wall: Wall, author: str = "고연실", handle: str | None = "@yeonsil"
    ) -> str:
        """A new post by this author on `wall` (waiting on seoul2017, shown on other)."""
        self.counter += 1
        tag = "#서울소셜컨퍼런스" if wall is self.seoul else "#other"
        result = await self.pipeline.ingest(
            wall,
            IncomingPost(
                "api", f"e{self.counter}", Author(author, handle), f"글 {self.counter} {tag}"
            ),
        )
        assert result.post_id is not None
        return result.post_id

    async def shown(self, author: str = "고연실", handle: str | None = "@yeonsil") -> str:
        """A post by this author that is on seoul2017's screens."""
        post_id = await self.post(self.seoul, author, handle)
        await self.decisions.decide(self.seoul, post_id, DecisionAction.APPROVE, ACTOR)
        return post_id

    async def get(self, post_id: str) -> Post:
        async with self.db.read() as connection:
            (found,) = await posts.get_posts(connection, [post_id])
        return found


async def make_world(db: Database, tmp_path: Path) -> World:
    clock = Clock()
    async with db.write() as connection:
        seoul, other = await sync_walls(
            connection, make_settings("sqlite://", tmp_path, moderation="pre").walls, START
        )
    bus = RecordingBus()
    return World(
        db,
        seoul,
        other,
        bus,
        IngestPipeline(db, bus, clock=clock),
        Decisions(db, bus, clock=clock),
        Bans(db, bus, clock=clock),
        History(db, bus, clock=clock),
    )
