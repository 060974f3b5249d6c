"""The rules step in the ingest pipeline, on both databases: bans, the author cap, copies of a text,
link-only spam, words, trusted authors, and edits checked again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from sotong.config import RuleSettings
from sotong.domain import Author, EventType, IncomingPost, PostStatus, StoredEvent, Wall
from sotong.pipeline.ingest import IngestPipeline
from sotong.pipeline.rules import RulesStep
from sotong.store import posts
from sotong.store.database import Database
from sotong.store.tables import author_bans
from sotong.store.walls import sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, 10, 0, tzinfo=UTC)
TAG = "#서울소셜컨퍼런스"
YEONSIL = Author("고연실", "@yeonsil@example.social")


class RecordingBus:
    def __init__(self) -> None:
        self.published: list[StoredEvent] = []

    async def start(self, deliver: object) -> None: ...

    async def publish(self, stored: Sequence[StoredEvent]) -> None:
        self.published.extend(stored)

    async def ping(self) -> None: ...

    async def stop(self) -> None: ...


class Rig:
    def __init__(self, db: Database, walls: list[Wall], rules: dict[int, RuleSettings]) -> None:
        self.db = db
        self.walls = walls
        self.rules = rules
        self.now = NOW
        self.bus = RecordingBus()
        self.pipeline = IngestPipeline(
            db,
            self.bus,
            clock=lambda: self.now,
            rules=RulesStep(lambda wall: self.rules[wall.id], clock=lambda: self.now),
        )

    async def send(self, wall: Wall, *batch: IncomingPost) -> list[str]:
        results = await self.pipeline.ingest_batch(wall, batch)
        return [result.status for result in results]

    async def stored(self, wall: Wall, external_id: str, source: str = "mastodon") -> object:
        async with self.db.read() as connection:
            (found,) = await posts.find_by_external_ids(connection, wall.id, source, [external_id])
        return found

    async def ban(self, author_key: str, wall: Wall | None, lifted: bool = False) -> None:
        async with self.db.write() as connection:
            await connection.execute(
                author_bans.insert().values(
                    wall_id=wall.id if wall else None,
                    source="mastodon",
                    author_key=author_key,
                    author_name="고연실",
                    reason="spam",
                    created_by="user:moderator@example.org",
                    created_at=NOW,
                    lifted_at=NOW if lifted else None,
                )
            )


@pytest.fixture
async def rig(db: Database, tmp_path: object) -> Rig:
    async with db.write() as connection:
        walls = await sync_walls(connection, make_settings("sqlite://", tmp_path).walls, NOW)  # type: ignore[arg-type]
    return Rig(db, walls, {wall.id: RuleSettings() for wall in walls})


def post(
    external_id: str, text: str = f"발표 정말 좋았어요 {TAG}", **changes: object
) -> IncomingPost:
    values: dict[str, object] = {"author": YEONSIL, "text": text}
    values.update(changes)
    return IncomingPost("mastodon", external_id, **values)  # type: ignore[arg-type]


async def test_a_banned_authors_posts_are_kept_off_and_nothing_reaches_screens(rig: Rig) -> None:
    seoul, other = rig.walls
    await rig.ban("@yeonsil@example.social", seoul)
    assert await rig.send(seoul, post("1")) == ["rejected"]
    assert rig.bus.published == []
    stored = await rig.stored(seoul, "1")
    assert (stored.rule, stored.reason) == ("banned", "차단된 작성자입니다: spam")  # type: ignore[attr-defined]
    assert await rig.send(other, post("1", "#other 좋아요")) == ["approved"], "one wall only"


async def test_a_ban_on_every_wall_and_a_lifted_ban(rig: Rig) -> None:
    seoul, other = rig.walls
    await rig.ban("@yeonsil@example.social", None, lifted=True)
    assert await rig.send(seoul, post("1")) == ["approved"]
    await rig.ban("@yeonsil@example.social", None)
    assert await rig.send(other, post("2", "#other 좋아요")) == ["rejected"]


async def test_the_author_cap_counts_what_went_on_screen_in_the_last_hour(rig: Rig) -> None:
    seoul, _ = rig.walls
    rig.rules[seoul.id] = RuleSettings(author_hourly_cap=2)
    assert await rig.send(seoul, post("1", f"첫 번째 {TAG}")) == ["approved"]
    assert await rig.send(seoul, post("2", f"두 번째 {TAG}"), post("3", f"세 번째 {TAG}")) == [
        "approved",
        "pending",
    ]
    queued = [event for event in rig.bus.published if event.type is EventType.QUEUED]
    assert orjson.loads(queued[-1].data)["rule"] == "author_cap"
    other_author = post("4", f"다른 사람 {TAG}", author=Author("이시민", "@citizen"))
    assert await rig.send(seoul, other_author) == ["approved"]
    rig.now = NOW + timedelta(hours=1, minutes=1)
    assert await rig.send(seoul, post("5", f"한 시간 뒤 {TAG}")) == ["approved"]


async def test_a_copy_of_an_earlier_text_waits_with_the_original_named(rig: Rig) -> None:
    seoul, other = rig.walls
    text = f"이 행사 최고예요 모두 오세요 {TAG}"
    assert await rig.send(seoul, post("1", text)) == ["approved"]
    copy = post(
        "2", f"이 행사 최고예요!! 모두 오세요 {TAG} https://x.example", author=Author("b", "@b")
    )
    assert await rig.send(seoul, copy) == ["pending"]
    original = await rig.stored(seoul, "1")
    stored = await rig.stored(seoul, "2")
    assert stored.reason == f"게시물 {original.id}와 같은 글입니다"  # type: ignore[attr-defined]
    assert await rig.send(other, post("3", "이 행사 최고예요 모두 오세요 #other")) == ["approved"]
    rig.now = NOW + timedelta(hours=25)
    assert await rig.send(seoul, post("4", text, author=Author("c", "@c"))) == ["approved"]


async def test_copies_within_one_batch_are_caught(rig: Rig) -> None:
    seoul, _ = rig.walls
    text = f"똑같은 홍보 문구를 여러 번 {TAG}"
    statuses = await rig.send(seoul, post("1", text), post("2", text, author=Author("b", "@b")))
    assert statuses == ["approved", "pending"]


async def test_link_only_spam_and_words_wait_and_severe_words_are_kept_off(rig: Rig) -> None:
    seoul, _ = rig.walls
    assert await rig.send(seoul, post("1", f"https://spam.example/win {TAG}")) == ["pending"]
    assert await rig.send(seoul, post("2", f"ㅆㅣ발 진짜 {TAG}")) == ["pending"]
    assert await rig.send(seoul, post("3", f"씨발 {TAG}")) == ["rejected"]
    assert await rig.send(seoul, post("4", f"시발점에서 다시 시작 {TAG}")) == ["approved"]
    words = await rig.stored(seoul, "2")
    assert words.rule == "words"  # type: ignore[attr-defined]
    assert "씨발" in words.reason  # type: ignore[attr-defined]


async def test_a_trusted_author_skips_pre_moderation(db: Database, tmp_path: object) -> None:
    async with db.write() as connection:
        walls = await sync_walls(
            connection,
            make_settings("sqlite://", tmp_path, moderation="pre").walls,
            NOW,  # type: ignore[arg-type]
        )
    rig = Rig(db, walls, {wall.id: RuleSettings() for wall in walls})
    seoul, _ = walls
    rig.rules[seoul.id] = RuleSettings(trusted_authors=["@yeonsil@example.social"])
    assert await rig.send(seoul, post("1")) == ["approved"]
    assert await rig.send(seoul, post("2", author=Author("b", "@b"))) == ["pending"]
    assert [event.type for event in rig.bus.published] == [EventType.POST, EventType.QUEUED]


async def test_an_edit_that_adds_a_blocked_word_takes_the_post_off_screens(rig: Rig) -> None:
    seoul, _ = rig.walls
    assert await rig.send(seoul, post("1")) == ["approved"]
    await rig.pipeline.edit_at_source(seoul, [post("1", f"ㅅㅂ 다시 보니 별로 {TAG}")])
    stored = await rig.stored(seoul, "1")
    assert (stored.status, stored.rule) == (PostStatus.PENDING, "words")  # type: ignore[attr-defined]
    assert [event.type for event in rig.bus.published][-2:] == [EventType.QUEUED, EventType.REMOVE]
