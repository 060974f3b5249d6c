"""Author bans in the store: which ban keeps an author off a wall, lifting, an author's posts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sotong.domain import PostStatus
from sotong.store import bans
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.support import make_settings

NOW = datetime(2017, 11, 10, tzinfo=UTC)


async def test_which_ban_covers_a_wall(db: Database, tmp_path: Path) -> None:
    async with db.write() as connection:
        seoul, other = await sync_walls(connection, make_settings("sqlite://", tmp_path).walls, NOW)
        here = await bans.create_ban(
            connection,
            wall_id=seoul.id,
            source="mastodon",
            author_key="@spam@example.social",
            author_name="광고" * 200,
            actor="user:kim@example.org",
            now=NOW,
        )
        assert len(here.author_name) == 300
        found = await bans.active_ban(connection, "mastodon", "@spam@example.social", seoul.id)
        assert found == here
        assert await bans.active_ban(connection, "mastodon", "@spam@example.social", None) is None
        assert not await bans.is_banned(connection, other.id, "mastodon", "@spam@example.social")
        assert not await bans.is_banned(connection, seoul.id, "bluesky", "@spam@example.social")

        everywhere = await bans.create_ban(
            connection,
            wall_id=None,
            source="mastodon",
            author_key="@spam@example.social",
            author_name="광고",
            actor="user:kim@example.org",
            now=NOW,
            reason="도배",
        )
        # The every-wall ban is the one that counts, on every wall.
        assert (
            await bans.active_ban(connection, "mastodon", "@spam@example.social", seoul.id)
            == everywhere
        )
        assert await bans.is_banned(connection, other.id, "mastodon", "@spam@example.social")
        assert [ban.id for ban in await bans.bans_for_wall(connection, other.id)] == [everywhere.id]
        assert [ban.id for ban in await bans.bans_for_wall(connection, seoul.id)] == [
            everywhere.id,
            here.id,
        ]

        assert await bans.lift_ban(connection, everywhere.id, "user:lee@example.org", NOW)
        assert not await bans.lift_ban(connection, everywhere.id, "user:lee@example.org", NOW)
        lifted = await bans.get_ban(connection, everywhere.id)
        assert lifted is not None
        assert (lifted.active, lifted.lifted_by) == (False, "user:lee@example.org")
        assert not await bans.is_banned(connection, other.id, "mastodon", "@spam@example.social")
        assert await bans.bans_for_wall(connection, other.id) == []
        assert len(await bans.bans_for_wall(connection, other.id, include_lifted=True)) == 1
        assert (
            await bans.author_post_ids(
                connection, "mastodon", "@spam@example.social", None, [PostStatus.APPROVED]
            )
            == []
        )
