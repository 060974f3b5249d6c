"""Walls: their whole configuration lives in the database, seeded and updated from the config file.

A wall written in the config file is applied when the file's version of it changes; edits made in
the console stand until then. Walls created in the console exist only here. A wall that leaves the
config file is archived: no longer served, its posts and events kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.config import WallSettings
from sotong.domain import ModerationMode, Wall
from sotong.store.tables import walls

Origin = Literal["config", "console"]


class WallExists(ValueError):
    """Another wall already has this slug."""


class WallChanged(RuntimeError):
    """The wall was saved by someone else since this edit began."""


@dataclass(frozen=True, slots=True)
class WallRecord:
    """A wall as this process serves it: the pipeline's view, the whole configuration, and the
    version that concurrent edits compare."""

    wall: Wall
    settings: WallSettings
    origin: Origin
    version: int
    updated_at: datetime


def config_hash(settings: WallSettings) -> str:
    """The file's version of a wall: only what the file wrote, so a release that adds settings
    with defaults does not count as a change of the file."""
    written = settings.model_dump(mode="json", exclude_unset=True)
    canonical = orjson.dumps(written, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def wall_of(wall_id: int, settings: WallSettings) -> Wall:
    return Wall(
        id=wall_id,
        slug=settings.slug,
        title=settings.title,
        hashtags=tuple(settings.hashtags),
        moderation=ModerationMode(settings.moderation),
        locale=settings.locale,
        match_particles=settings.match_particles,
    )


def _stored_settings(row: Any) -> WallSettings:
    """The stored configuration; rows from before it was stored rebuild it from their columns."""
    data = dict(row.settings or {})
    data.setdefault("slug", row.slug)
    data.setdefault("title", row.title)
    data.setdefault("hashtags", list(row.hashtags))
    data.setdefault("moderation", row.moderation)
    data.setdefault("locale", row.locale)
    data.setdefault("match_particles", row.match_particles)
    try:
        return WallSettings.model_validate(data)
    except ValidationError:
        # Written by a newer or older release: the columns still describe the wall.
        return WallSettings(
            slug=row.slug,
            title=row.title,
            hashtags=list(row.hashtags),
            moderation=row.moderation,
            locale=row.locale,
            match_particles=row.match_particles,
        )


def _to_record(row: Any) -> WallRecord:
    settings = _stored_settings(row)
    return WallRecord(
        wall=wall_of(row.id, settings),
        settings=settings,
        origin="console" if row.origin == "console" else "config",
        version=row.version,
        updated_at=row.updated_at,
    )


def _to_wall(row: Any) -> Wall:
    return _to_record(row).wall


def _columns(settings: WallSettings) -> dict[str, Any]:
    return {
        "slug": settings.slug,
        "title": settings.title,
        "hashtags": list(settings.hashtags),
        "moderation": settings.moderation,
        "locale": settings.locale,
        "match_particles": settings.match_particles,
        "settings": settings.model_dump(mode="json"),
    }


async def sync_walls(
    connection: AsyncConnection, configured: Sequence[WallSettings], now: datetime
) -> list[Wall]:
    """Apply the config file's walls: new ones are created, changed ones updated (a console edit
    of an unchanged wall stands), walls that left the file archived. Returns the file's walls."""
    existing = {row.slug: row for row in await connection.execute(sa.select(walls))}
    for wall in configured:
        digest = config_hash(wall)
        row = existing.get(wall.slug)
        if row is None:
            await connection.execute(
                walls.insert().values(
                    created_at=now,
                    updated_at=now,
                    origin="config",
                    config_hash=digest,
                    **_columns(wall),
                )
            )
        elif row.config_hash != digest or row.archived_at is not None:
            await connection.execute(
                walls.update()
                .where(walls.c.id == row.id)
                .values(
                    updated_at=now,
                    origin="config",
                    config_hash=digest,
                    version=walls.c.version + 1,
                    archived_at=None,
                    **_columns(wall),
                )
            )
    configured_slugs = [wall.slug for wall in configured]
    gone = [
        row.id
        for slug, row in existing.items()
        if row.origin == "config" and row.archived_at is None and slug not in configured_slugs
    ]
    if gone:
        await connection.execute(
            walls.update().where(walls.c.id.in_(gone)).values(archived_at=now, updated_at=now)
        )
    rows = await connection.execute(sa.select(walls).where(walls.c.slug.in_(configured_slugs)))
    by_slug = {row.slug: _to_wall(row) for row in rows}
    return [by_slug[slug] for slug in configured_slugs]


async def load_walls(connection: AsyncConnection) -> list[WallRecord]:
    """Every wall being served (not archived), in the order they were created."""
    rows = await connection.execute(
        sa.select(walls).where(walls.c.archived_at.is_(None)).order_by(walls.c.id)
    )
    return [_to_record(row) for row in rows]


async def load_wall(connection: AsyncConnection, wall_id: int) -> WallRecord | None:
    """A served wall by id; None when there is none or it is archived."""
    row = (
        await connection.execute(
            sa.select(walls).where(walls.c.id == wall_id, walls.c.archived_at.is_(None))
        )
    ).first()
    return _to_record(row) if row else None


async def create_wall(
    connection: AsyncConnection, settings: WallSettings, now: datetime
) -> WallRecord:
    """A new wall made in the console; WallExists when the slug is taken (archived walls too)."""
    taken = await connection.scalar(sa.select(walls.c.id).where(walls.c.slug == settings.slug))
    if taken is not None:
        raise WallExists(settings.slug)
    try:
        async with connection.begin_nested():
            wall_id = await connection.scalar(
                walls.insert()
                .values(created_at=now, updated_at=now, origin="console", **_columns(settings))
                .returning(walls.c.id)
            )
    except IntegrityError:
        raise WallExists(settings.slug) from None
    record = await load_wall(connection, int(wall_id))
    assert record is not None
    return record


async def update_wall(
    connection: AsyncConnection,
    wall_id: int,
    settings: WallSettings,
    now: datetime,
    *,
    expected_version: int,
) -> WallRecord:
    """Save a served wall's new configuration (its slug never changes); WallChanged when its
    version is no longer `expected_version`, LookupError when it is not served."""
    current = await load_wall(connection, wall_id)
    if current is None:
        raise LookupError(wall_id)
    if settings.slug != current.settings.slug:
        raise ValueError("a wall's slug cannot change")
    result = await connection.execute(
        walls.update()
        .where(walls.c.id == wall_id, walls.c.version == expected_version)
        .values(updated_at=now, version=walls.c.version + 1, **_columns(settings))
    )
    if result.rowcount != 1:
        raise WallChanged(settings.slug)
    record = await load_wall(connection, wall_id)
    assert record is not None
    return record


async def archive_wall(connection: AsyncConnection, wall_id: int, now: datetime) -> bool:
    result = await connection.execute(
        walls.update()
        .where(walls.c.id == wall_id, walls.c.archived_at.is_(None))
        .values(archived_at=now, updated_at=now, version=walls.c.version + 1)
    )
    return result.rowcount == 1


async def get_wall(connection: AsyncConnection, slug: str) -> Wall | None:
    row = (await connection.execute(sa.select(walls).where(walls.c.slug == slug))).first()
    return _to_wall(row) if row else None


async def last_event_seq(connection: AsyncConnection, wall_id: int) -> int:
    seq = await connection.scalar(sa.select(walls.c.last_event_seq).where(walls.c.id == wall_id))
    return int(seq or 0)


async def slugs_by_id(connection: AsyncConnection) -> dict[int, str]:
    """Every wall's slug by id, archived walls too (the audit log names them)."""
    rows = await connection.execute(sa.select(walls.c.id, walls.c.slug).order_by(walls.c.slug))
    return {int(wall_id): str(slug) for wall_id, slug in rows}
