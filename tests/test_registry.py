"""Walls in the database: the config file seeds them, the console edits them, every process hears
of a change through the event log and the bus."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from sotong.clock import utc_now
from sotong.config import SourceSettings, WallSettings
from sotong.domain import EventType, StoredEvent
from sotong.live.bus import MemoryBus
from sotong.registry import WallRegistry
from sotong.store import audit, events
from sotong.store.database import Database
from sotong.store.walls import WallChanged, WallExists, WallRecord, load_walls, sync_walls

SEOUL = WallSettings(slug="seoul2017", title="서울소통컨퍼런스", hashtags=["#서울소셜컨퍼런스"])


class RecordingBus(MemoryBus):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[StoredEvent] = []

    async def publish(self, events: Sequence[StoredEvent]) -> None:
        self.published += events
        await super().publish(events)


async def started(db: Database, *configured: WallSettings) -> tuple[WallRegistry, RecordingBus]:
    async with db.write() as connection:
        await sync_walls(connection, configured, utc_now())
    bus = RecordingBus()
    registry = WallRegistry(db, bus)
    await registry.load()
    await bus.start(registry.observe)
    return registry, bus


async def test_the_file_seeds_walls_and_a_console_edit_stands_until_the_file_changes(
    db: Database,
) -> None:
    registry, _ = await started(db, SEOUL)
    record = registry.record("seoul2017")
    assert record is not None
    assert record.origin == "config"
    edited = SEOUL.model_copy(update={"title": "콘솔에서 고친 제목"})
    await registry.save(edited, expected_version=record.version, actor="test")
    async with db.write() as connection:
        await sync_walls(connection, [SEOUL], utc_now())
        (kept,) = await load_walls(connection)
    assert kept.settings.title == "콘솔에서 고친 제목", "an unchanged file does not undo the edit"
    changed_file = SEOUL.model_copy(update={"title": "파일에서 바꾼 제목"})
    async with db.write() as connection:
        await sync_walls(connection, [changed_file], utc_now())
        (applied,) = await load_walls(connection)
    assert applied.settings.title == "파일에서 바꾼 제목"


async def test_a_wall_that_leaves_the_file_is_archived_and_one_made_in_the_console_stays(
    db: Database,
) -> None:
    other = WallSettings(slug="other", title="Other", hashtags=["#other"])
    registry, _ = await started(db, SEOUL, other)
    await registry.create(
        WallSettings(slug="console-made", title="콘솔 벽", hashtags=["#콘솔"]), actor="test"
    )
    async with db.write() as connection:
        await sync_walls(connection, [SEOUL], utc_now())
        served = [record.wall.slug for record in await load_walls(connection)]
    assert served == ["seoul2017", "console-made"]


async def test_create_refuses_a_taken_slug(db: Database) -> None:
    registry, _ = await started(db, SEOUL)
    with pytest.raises(WallExists):
        await registry.create(SEOUL, actor="test")


async def test_a_save_from_a_stale_page_is_refused(db: Database) -> None:
    registry, _ = await started(db, SEOUL)
    record = registry.record("seoul2017")
    assert record is not None
    await registry.save(
        SEOUL.model_copy(update={"title": "first"}), expected_version=record.version, actor="a"
    )
    with pytest.raises(WallChanged):
        await registry.save(
            SEOUL.model_copy(update={"title": "second"}), expected_version=record.version, actor="b"
        )
    assert registry.walls["seoul2017"].title == "first"


async def test_a_save_is_audited_and_announced_to_screens_with_the_public_settings(
    db: Database,
) -> None:
    registry, bus = await started(db, SEOUL)
    record = registry.record("seoul2017")
    assert record is not None
    secret_source = SourceSettings.model_validate(
        {"type": "mastodon", "base_url": "https://example.social", "access_token_env": "TOKEN"}
    )
    edited = SEOUL.model_copy(
        update={"hashtags": ["#서울소셜컨퍼런스", "#새태그"], "sources": [secret_source]}
    )
    saved = await registry.save(edited, expected_version=record.version, actor="user:owner")
    assert saved.version == record.version + 1
    assert registry.walls["seoul2017"].hashtags == ("#서울소셜컨퍼런스", "#새태그")
    (event,) = bus.published
    assert event.type is EventType.WALL
    assert '"#새태그"' in event.data
    assert "TOKEN" not in event.data
    assert "mastodon" not in event.data
    async with db.read() as connection:
        (entry,) = await audit.entries(connection, action="wall.update")
        (logged,) = await events.events_after(connection, record.wall.id, 0, 10)
    assert entry.actor == "user:owner"
    assert set(entry.detail["changed"]) == {"hashtags", "sources"}
    assert logged.seq == event.seq


async def test_another_process_hears_of_a_change_and_its_listeners_are_told(
    db: Database,
) -> None:
    here, bus = await started(db, SEOUL)
    there = WallRegistry(db, MemoryBus())
    await there.load()
    heard: list[tuple[WallRecord | None, WallRecord | None]] = []

    async def listener(old: WallRecord | None, new: WallRecord | None) -> None:
        heard.append((old, new))

    there.on_change(listener)
    record = here.record("seoul2017")
    assert record is not None
    await here.save(
        SEOUL.model_copy(update={"title": "바뀜"}), expected_version=record.version, actor="a"
    )
    for event in bus.published:
        await there.observe(event)
    assert there.walls["seoul2017"].title == "바뀜"
    ((old, new),) = heard
    assert old is not None
    assert new is not None
    assert (old.settings.title, new.settings.title) == ("서울소통컨퍼런스", "바뀜")
    await there.observe(bus.published[-1])
    assert len(heard) == 1, "an event seen twice changes nothing twice"


async def test_catching_up_finds_new_changed_and_archived_walls(db: Database) -> None:
    here, _ = await started(db, SEOUL)
    there = WallRegistry(db, MemoryBus())
    await there.load()
    await here.create(WallSettings(slug="new", title="새 벽", hashtags=["#새"]), actor="a")
    await here.archive("seoul2017", actor="a")
    await there.refresh_all()
    assert list(there.walls) == ["new"]
    assert there.record("seoul2017") is None


async def test_an_unreadable_stored_configuration_falls_back_to_the_columns(db: Database) -> None:
    registry, _ = await started(db, SEOUL)
    record = registry.record("seoul2017")
    assert record is not None
    async with db.write() as connection:
        from sotong.store.tables import walls

        await connection.execute(
            walls.update().values(settings={"layout": "from-the-future", "unknown": 1})
        )
        (loaded,) = await load_walls(connection)
    assert loaded.settings.title == SEOUL.title
    assert loaded.settings.hashtags == SEOUL.hashtags
