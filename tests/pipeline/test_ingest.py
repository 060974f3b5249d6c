from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sotong.domain import Author, CursorUpdate, IncomingPost, StoredEvent, Wall
from sotong.pipeline.ingest import IngestPipeline, post_tags
from sotong.store import cursors, events, posts
from sotong.store.database import Database
from sotong.store.walls import last_event_seq, sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, tzinfo=UTC)


class RecordingBus:
    def __init__(self) -> None:
        self.published: list[StoredEvent] = []

    async def start(self, deliver: object) -> None: ...

    async def publish(self, stored: Sequence[StoredEvent]) -> None:
        self.published.extend(stored)

    async def ping(self) -> None: ...

    async def stop(self) -> None: ...


async def setup(db: Database, tmp_path: Path) -> tuple[Wall, IngestPipeline, RecordingBus]:
    async with db.write() as connection:
        wall, _ = await sync_walls(connection, make_settings("sqlite://", tmp_path).walls, NOW)
    bus = RecordingBus()
    return wall, IngestPipeline(db, bus, clock=lambda: NOW), bus


def incoming(external_id: str, text: str = "#서울소셜컨퍼런스 좋아요") -> IncomingPost:
    return IncomingPost("demo", external_id, Author("시민"), text)


def test_post_tags_union_first_spelling() -> None:
    post = IncomingPost(
        "x", "1", Author("a"), "#SeoulSocial #서울 #seoulsocial", tags=("#서울", "Extra")
    )
    assert post_tags(post) == ("서울", "Extra", "SeoulSocial")


async def test_batch_stores_posts_events_and_cursor_together(db: Database, tmp_path: Path) -> None:
    wall, pipeline, bus = await setup(db, tmp_path)
    batch = [incoming("1"), incoming("2", "태그 없음"), incoming("3")]
    results = await pipeline.ingest_batch(wall, batch, cursor=CursorUpdate("demo-0", "3"))
    assert [r.status for r in results] == ["approved", "ignored", "approved"]
    assert [e.seq for e in bus.published] == [1, 2]
    async with db.read() as connection:
        assert await cursors.load_cursor(connection, wall.id, "demo-0") == "3"
        assert len(await posts.list_visible(connection, wall.id, 10)) == 2


async def test_repeating_a_batch_changes_nothing(db: Database, tmp_path: Path) -> None:
    wall, pipeline, bus = await setup(db, tmp_path)
    first = await pipeline.ingest_batch(wall, [incoming("1")])
    again = await pipeline.ingest_batch(wall, [incoming("1")])
    assert again[0].post_id == first[0].post_id
    assert not again[0].created
    assert len(bus.published) == 1


async def test_a_crash_mid_batch_loses_and_repeats_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wall, pipeline, bus = await setup(db, tmp_path)

    async def crash(*_args: object, **_kwargs: object) -> list[StoredEvent]:
        raise ConnectionError("database went away")

    monkeypatch.setattr(events, "append_events", crash)
    with pytest.raises(ConnectionError):
        await pipeline.ingest_batch(
            wall, [incoming("1"), incoming("2")], cursor=CursorUpdate("demo-0", "2")
        )
    monkeypatch.undo()
    async with db.read() as connection:
        assert await cursors.load_cursor(connection, wall.id, "demo-0") is None
        assert await posts.list_visible(connection, wall.id, 10) == []
    assert bus.published == []
    results = await pipeline.ingest_batch(
        wall, [incoming("1"), incoming("2")], cursor=CursorUpdate("demo-0", "2")
    )
    assert all(r.created for r in results)
    assert [e.seq for e in bus.published] == [1, 2]


async def test_removal_at_source(db: Database, tmp_path: Path) -> None:
    wall, pipeline, bus = await setup(db, tmp_path)
    await pipeline.ingest_batch(wall, [incoming("1"), incoming("2")])
    assert await pipeline.remove_at_source(wall, "demo", ["1", "unknown"]) == 1
    assert await pipeline.remove_at_source(wall, "demo", ["1"]) == 0
    assert bus.published[-1].type == "remove"
    async with db.read() as connection:
        assert [p.external_id for p in await posts.list_visible(connection, wall.id, 10)] == ["2"]
        assert await last_event_seq(connection, wall.id) == 3


async def test_close_waits_for_queued_writes(db: Database, tmp_path: Path) -> None:
    wall, pipeline, bus = await setup(db, tmp_path)
    pending = [asyncio.create_task(pipeline.ingest(wall, incoming(str(i)))) for i in range(5)]
    await asyncio.sleep(0)  # let the tasks queue their posts; the writer has not committed yet
    await pipeline.close()
    assert all(task.done() for task in pending)
    assert len(bus.published) == 5
