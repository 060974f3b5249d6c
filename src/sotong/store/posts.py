"""Posts, their authors and media: inserting idempotently and reading them back as `Post`s."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.domain import Author, Media, Post, PostStatus
from sotong.moderation.plain_text import text_fingerprint
from sotong.store.database import Database
from sotong.store.tables import authors, decisions, media, posts, walls


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    post_id: str
    status: PostStatus
    reason: str | None
    created: bool


def author_key(author: Author) -> str:
    return (author.key or author.handle or f"name:{author.name}").casefold()[:300]


async def insert_posts(
    db: Database, connection: AsyncConnection, batch: Sequence[tuple[Post, int]]
) -> list[StoredOutcome]:
    """Store new posts (with their authors and media) in a handful of statements, or report the
    ones already stored under the same (wall, source, external id). Outcomes follow `batch`."""
    if not batch:
        return []
    author_rows = {
        (post.source, author_key(post.author)): {
            "source": post.source,
            "key": author_key(post.author),
            "name": post.author.name,
            "handle": post.author.handle,
            "avatar_url": post.author.avatar_url,
            "updated_at": post.received_at,
        }
        for post, _ in batch
    }
    upsert = db.upsert(authors, ["source", "key"], ["name", "handle", "avatar_url", "updated_at"])
    author_ids = {
        (row.source, row.key): row.id
        for row in await connection.execute(
            upsert.returning(authors.c.id, authors.c.source, authors.c.key),
            list(author_rows.values()),
        )
    }
    inserted = {
        row.id
        for row in await connection.execute(
            db.insert_ignoring_duplicates(posts).returning(posts.c.id),
            [
                _post_row(post, wall_id, author_ids[(post.source, author_key(post.author))])
                for post, wall_id in batch
            ],
        )
    }
    existing = await _existing(connection, [item for item in batch if item[0].id not in inserted])
    media_rows = [row for post, _ in batch if post.id in inserted for row in _media_rows(post)]
    if media_rows:
        await connection.execute(media.insert(), media_rows)
    outcomes = []
    for post, wall_id in batch:
        if post.id in inserted:
            outcomes.append(StoredOutcome(post.id, post.status, post.reason, True))
        else:
            outcomes.append(existing[(wall_id, post.source, post.external_id)])
    return outcomes


async def insert_post(
    db: Database, connection: AsyncConnection, post: Post, wall_id: int
) -> StoredOutcome:
    """Store a new post, or report the one already stored under (wall, source, external id)."""
    (outcome,) = await insert_posts(db, connection, [(post, wall_id)])
    return outcome


def _post_row(post: Post, wall_id: int, author_id: int) -> dict[str, Any]:
    return {
        "id": post.id,
        "wall_id": wall_id,
        "source": post.source,
        "external_id": post.external_id,
        "author_id": author_id,
        "text": post.text,
        "html": post.html,
        "tags": list(post.tags),
        "permalink": post.permalink,
        "created_at": post.created_at,
        "received_at": post.received_at,
        "shown_at": post.shown_at,
        "status": post.status.value,
        "reason": post.reason,
        "pinned": post.pinned,
        "featured": post.featured,
        "sensitive": post.sensitive,
        "rule": post.rule,
        "text_hash": text_fingerprint(post.text),
    }


async def _existing(
    connection: AsyncConnection, batch: Sequence[tuple[Post, int]]
) -> dict[tuple[int, str, str], StoredOutcome]:
    found: dict[tuple[int, str, str], StoredOutcome] = {}
    for wall_id, source in {(wall_id, post.source) for post, wall_id in batch}:
        wanted = [post.external_id for post, w in batch if (w, post.source) == (wall_id, source)]
        rows = await connection.execute(
            sa.select(posts.c.id, posts.c.external_id, posts.c.status, posts.c.reason).where(
                posts.c.wall_id == wall_id,
                posts.c.source == source,
                posts.c.external_id.in_(wanted),
            )
        )
        for row in rows:
            found[(wall_id, source, row.external_id)] = StoredOutcome(
                row.id, PostStatus(row.status), row.reason, False
            )
    return found


async def replace_media(connection: AsyncConnection, post: Post) -> None:
    await connection.execute(media.delete().where(media.c.post_id == post.id))
    rows = _media_rows(post)
    if rows:
        await connection.execute(media.insert(), rows)


def _media_rows(post: Post) -> list[dict[str, Any]]:
    return [
        {
            "post_id": post.id,
            "position": position,
            "kind": item.kind,
            "url": item.url,
            "thumb_url": item.thumb_url,
            "width": item.width,
            "height": item.height,
            "alt": item.alt,
            "blurhash": item.blurhash,
            "phash": item.phash,
        }
        for position, item in enumerate(post.media)
    ]


_POST_COLUMNS = (
    posts,
    walls.c.slug.label("wall_slug"),
    authors.c.name.label("author_name"),
    authors.c.handle.label("author_handle"),
    authors.c.avatar_url.label("author_avatar_url"),
    authors.c.key.label("author_key"),
)


def _select_posts() -> sa.Select[Any]:
    return (
        sa.select(*_POST_COLUMNS)
        .join(walls, walls.c.id == posts.c.wall_id)
        .join(authors, authors.c.id == posts.c.author_id)
    )


async def _load(connection: AsyncConnection, query: sa.Select[Any]) -> list[Post]:
    rows = list(await connection.execute(query))
    if not rows:
        return []
    media_by_post: dict[str, list[Media]] = {row.id: [] for row in rows}
    media_rows = await connection.execute(
        sa.select(media)
        .where(media.c.post_id.in_(list(media_by_post)))
        .order_by(media.c.post_id, media.c.position)
    )
    for item in media_rows:
        media_by_post[item.post_id].append(
            Media(
                url=item.url,
                kind=item.kind,
                thumb_url=item.thumb_url,
                width=item.width,
                height=item.height,
                alt=item.alt,
                blurhash=item.blurhash,
                phash=item.phash,
            )
        )
    return [
        Post(
            id=row.id,
            wall_slug=row.wall_slug,
            source=row.source,
            external_id=row.external_id,
            author=Author(
                row.author_name, row.author_handle, row.author_avatar_url, row.author_key
            ),
            text=row.text,
            html=row.html,
            tags=tuple(row.tags),
            media=tuple(media_by_post[row.id]),
            created_at=row.created_at,
            received_at=row.received_at,
            shown_at=row.shown_at,
            status=PostStatus(row.status),
            reason=row.reason,
            permalink=row.permalink,
            pinned=row.pinned,
            featured=row.featured,
            sensitive=row.sensitive,
            rule=row.rule,
        )
        for row in rows
    ]


async def get_post(connection: AsyncConnection, wall_id: int, post_id: str) -> Post | None:
    found = await _load(
        connection, _select_posts().where(posts.c.wall_id == wall_id, posts.c.id == post_id)
    )
    return found[0] if found else None


async def get_posts(
    connection: AsyncConnection, post_ids: Sequence[str], wall_id: int | None = None
) -> list[Post]:
    """These posts (of one wall, or of any), in no particular order; unknown ids are left out."""
    if not post_ids:
        return []
    query = _select_posts().where(posts.c.id.in_(list(set(post_ids))))
    if wall_id is not None:
        query = query.where(posts.c.wall_id == wall_id)
    return await _load(connection, query)


async def lock_posts(connection: AsyncConnection, post_ids: Sequence[str]) -> None:
    """Hold these posts' rows until the transaction ends (PostgreSQL; SQLite has one writer), so
    two moderators deciding on the same post at once cannot leave screens out of step."""
    if post_ids:
        await connection.execute(
            sa.select(posts.c.id)
            .where(posts.c.id.in_(sorted(set(post_ids))))
            .order_by(posts.c.id)
            .with_for_update()
        )


async def list_visible(
    connection: AsyncConnection, wall_id: int, limit: int, before: str | None = None
) -> list[Post]:
    """Visible posts, newest first, paged by id."""
    query = _select_posts().where(
        posts.c.wall_id == wall_id, posts.c.status == PostStatus.APPROVED.value
    )
    if before is not None:
        query = query.where(posts.c.id < before)
    return await _load(connection, query.order_by(posts.c.id.desc()).limit(limit))


async def every_post_page(
    connection: AsyncConnection, wall_id: int, after: str | None, limit: int
) -> list[Post]:
    """A wall's posts in any state, oldest first, paged by id (for exports)."""
    query = _select_posts().where(posts.c.wall_id == wall_id)
    if after is not None:
        query = query.where(posts.c.id > after)
    return await _load(connection, query.order_by(posts.c.id).limit(limit))


async def count_posts(connection: AsyncConnection, wall_id: int) -> int:
    count = await connection.scalar(
        sa.select(sa.func.count()).select_from(posts).where(posts.c.wall_id == wall_id)
    )
    return int(count or 0)


async def list_pending(connection: AsyncConnection, wall_id: int, limit: int) -> list[Post]:
    """Posts waiting for a decision, oldest first."""
    query = _select_posts().where(
        posts.c.wall_id == wall_id, posts.c.status == PostStatus.PENDING.value
    )
    return await _load(connection, query.order_by(posts.c.id).limit(limit))


async def screen_posts(connection: AsyncConnection, wall_id: int, limit: int) -> list[Post]:
    """What a screen shows from scratch: every pinned post, then the most recently shown."""
    visible = sa.and_(posts.c.wall_id == wall_id, posts.c.status == PostStatus.APPROVED.value)
    pinned = await _load(
        connection,
        _select_posts().where(visible, posts.c.pinned.is_(True)).order_by(posts.c.shown_at.desc()),
    )
    latest = await _load(
        connection,
        _select_posts()
        .where(visible, posts.c.pinned.is_(False))
        .order_by(posts.c.shown_at.desc(), posts.c.id.desc())
        .limit(limit),
    )
    return pinned + latest


async def update_post(connection: AsyncConnection, post: Post) -> None:
    await connection.execute(
        posts.update()
        .where(posts.c.id == post.id)
        .values(
            status=post.status.value,
            reason=post.reason,
            shown_at=post.shown_at,
            pinned=post.pinned,
            featured=post.featured,
            text=post.text,
            html=post.html,
            tags=list(post.tags),
            rule=post.rule,
            text_hash=text_fingerprint(post.text),
        )
    )


async def record_decision(
    connection: AsyncConnection,
    post: Post,
    wall_id: int,
    action: str,
    actor: str,
    reason: str | None,
    now: datetime,
) -> None:
    await connection.execute(
        decisions.insert().values(
            post_id=post.id,
            wall_id=wall_id,
            action=str(action),
            actor=actor,
            reason=reason,
            decided_at=now,
        )
    )


async def find_by_external_ids(
    connection: AsyncConnection, wall_id: int, source: str, external_ids: Sequence[str]
) -> list[Post]:
    if not external_ids:
        return []
    return await _load(
        connection,
        _select_posts().where(
            posts.c.wall_id == wall_id,
            posts.c.source == source,
            posts.c.external_id.in_(list(external_ids)),
        ),
    )


async def hold_by_external_ids(
    connection: AsyncConnection, wall_id: int, source: str, external_ids: Sequence[str]
) -> list[Post]:
    """As `find_by_external_ids`, with the rows held until the transaction ends and read again
    once held, so a moderator's decision at the same moment cannot be lost between the two."""
    found = await find_by_external_ids(connection, wall_id, source, external_ids)
    if not found:
        return found
    await lock_posts(connection, [post.id for post in found])
    return await find_by_external_ids(connection, wall_id, source, external_ids)


async def pending_counts(connection: AsyncConnection) -> dict[int, int]:
    """Posts waiting for a decision, per wall id."""
    rows = await connection.execute(
        sa.select(posts.c.wall_id, sa.func.count())
        .where(posts.c.status == PostStatus.PENDING.value)
        .group_by(posts.c.wall_id)
    )
    return {int(wall_id): int(count) for wall_id, count in rows}


async def recent_external_ids(
    connection: AsyncConnection, wall_id: int, source: str, limit: int
) -> list[str]:
    """External ids of a source's newest posts on a wall that were not removed, newest first."""
    rows = await connection.execute(
        sa.select(posts.c.external_id)
        .where(
            posts.c.wall_id == wall_id,
            posts.c.source == source,
            posts.c.status != PostStatus.REMOVED.value,
        )
        .order_by(posts.c.received_at.desc())
        .limit(limit)
    )
    return [str(external_id) for external_id in rows.scalars()]


async def recent_image_hashes(
    connection: AsyncConnection, wall_id: int, limit: int
) -> list[tuple[str, str]]:
    """(post id, perceptual hash) of the images of a wall's newest posts that are or were on
    screen, waiting or rejected (spam comes back), newest first: what a new image is compared
    with to find near-duplicates."""
    rows = await connection.execute(
        sa.select(posts.c.id, media.c.phash)
        .join(media, media.c.post_id == posts.c.id)
        .where(
            posts.c.wall_id == wall_id,
            posts.c.status != PostStatus.REMOVED.value,
            media.c.phash.is_not(None),
        )
        .order_by(posts.c.id.desc())
        .limit(limit)
    )
    return [(str(post_id), str(phash)) for post_id, phash in rows]


async def stored_external_ids(
    connection: AsyncConnection, wall_id: int, source: str, external_ids: Sequence[str]
) -> set[str]:
    """Which of these external ids of a source are stored on the wall already."""
    if not external_ids:
        return set()
    rows = await connection.execute(
        sa.select(posts.c.external_id).where(
            posts.c.wall_id == wall_id,
            posts.c.source == source,
            posts.c.external_id.in_(list(external_ids)),
        )
    )
    return {str(external_id) for external_id in rows.scalars()}
