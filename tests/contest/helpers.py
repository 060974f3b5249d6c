"""A wall with posts for contest tests, stored for real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sotong.domain import Author, Media, Post, PostStatus, Wall
from sotong.ids import IdGenerator
from sotong.store import posts
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, 1, 5, tzinfo=UTC)
ids = IdGenerator()


class Clock:
    """A clock that tests move by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def walls_in(db: Database, tmp_path: Path) -> list[Wall]:
    settings = make_settings("sqlite://", media_dir=tmp_path)
    async with db.write() as connection:
        return await sync_walls(connection, settings.walls, NOW)


def make_post(
    wall: Wall,
    handle: str,
    *,
    status: PostStatus = PostStatus.APPROVED,
    minutes: int = 0,
    source: str = "mastodon",
) -> Post:
    post_id = ids.new()
    return Post(
        id=post_id,
        wall_slug=wall.slug,
        source=source,
        external_id=post_id,
        author=Author(f"참가자 {handle}", f"@{handle}", None),
        text=f"소통해요! #서울소셜컨퍼런스 {handle}",
        html=None,
        tags=("서울소셜컨퍼런스",),
        media=(Media(url=f"/media/{handle}.webp", thumb_url=f"/media/{handle}-t.webp"),),
        created_at=NOW + timedelta(minutes=minutes),
        received_at=NOW + timedelta(minutes=minutes),
        shown_at=NOW if status is PostStatus.APPROVED else None,
        status=status,
    )


async def store_posts(db: Database, wall: Wall, items: list[Post]) -> None:
    async with db.write() as connection:
        await posts.insert_posts(db, connection, [(post, wall.id) for post in items])
