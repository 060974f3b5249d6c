from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx

from sotong.live.bus import MemoryBus
from sotong.pipeline.ingest import IngestPipeline
from sotong.sources.base import SourceContext
from sotong.sources.demo.samples import load_samples
from sotong.sources.demo.source import DemoOptions, DemoSource, parse_cursor
from sotong.store import posts
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, tzinfo=UTC)


async def run_once(db: Database, tmp_path: Path) -> SourceContext:
    async with db.write() as connection:
        wall, _ = await sync_walls(connection, make_settings("sqlite://", tmp_path).walls, NOW)
    async with httpx.AsyncClient() as http:
        pipeline = IngestPipeline(db, MemoryBus())
        context = SourceContext(wall, "demo-0", pipeline, db, tmp_path / "media", http)
        await DemoSource(DemoOptions(interval_seconds=0, burst=1000, loop=False)).run(context)
    return context


async def test_every_sample_reaches_the_wall_as_expected(db: Database, tmp_path: Path) -> None:
    context = await run_once(db, tmp_path)
    samples = load_samples()
    async with db.read() as connection:
        shown = await posts.list_visible(connection, context.wall.id, 200)
    expected = {f"{s.key}-0" for s in samples if s.expect == "shown"}
    assert {p.external_id for p in shown} == expected
    assert context.health.posts_today == len(expected)
    with_image = [p for p in shown if p.media]
    assert with_image
    for post in with_image:
        image = post.media[0]
        assert image.url.startswith("/media/demo/")
        assert (tmp_path / "media" / image.url.removeprefix("/media/")).is_file()
        assert image.width
        assert image.height
        assert image.alt


async def test_a_restart_resumes_from_the_cursor(db: Database, tmp_path: Path) -> None:
    first = await run_once(db, tmp_path)
    assert parse_cursor(await first.load_cursor()) == (0, len(load_samples()))
    again = await run_once(db, tmp_path)
    assert again.health.posts_today == 0


def test_cursor_parsing_is_forgiving() -> None:
    assert parse_cursor(None) == (0, 0)
    assert parse_cursor("2:5") == (2, 5)
    assert parse_cursor("garbage") == (0, 0)
    assert parse_cursor("-1:-3") == (0, 0)
