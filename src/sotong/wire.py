"""The JSON shapes the API and the live stream speak (CONTRACT.md, "Post")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from sotong.config import WallSettings
from sotong.display.brand import palette_to_wire
from sotong.domain import Media, Post, Wall


def timestamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def media_to_wire(media: Media) -> dict[str, Any]:
    return {
        "kind": media.kind,
        "url": media.url,
        "thumb_url": media.thumb_url,
        "width": media.width,
        "height": media.height,
        "alt": media.alt,
        "blurhash": media.blurhash,
    }


def post_to_wire(post: Post) -> dict[str, Any]:
    return {
        "id": post.id,
        "wall": post.wall_slug,
        "source": post.source,
        "external_id": post.external_id,
        "permalink": post.permalink,
        "author": {
            "name": post.author.name,
            "handle": post.author.handle,
            "avatar_url": post.author.avatar_url,
        },
        "text": post.text,
        "html": post.html,
        "tags": list(post.tags),
        "media": [media_to_wire(m) for m in post.media],
        "created_at": timestamp(post.created_at),
        "received_at": timestamp(post.received_at),
        "shown_at": timestamp(post.shown_at),
        "pinned": post.pinned,
        "featured": post.featured,
        "sensitive": post.sensitive,
        "status": post.status.value,
    }


def post_to_console_wire(post: Post) -> dict[str, Any]:
    """A post as moderators see it: with why it waits and whose it is (for bans and caps)."""
    return {
        **post_to_wire(post),
        "reason": post.reason,
        "rule": post.rule,
        "author_key": post.author.key,
    }


def wall_to_wire(wall: Wall) -> dict[str, Any]:
    return {
        "slug": wall.slug,
        "title": wall.title,
        "hashtags": list(wall.hashtags),
        "locale": wall.locale,
        "moderation": wall.moderation.value,
    }


def wall_settings_to_wire(settings: WallSettings, version: int) -> dict[str, Any]:
    """What screens may know of a wall's configuration (never its sources or rules)."""
    return {
        "slug": settings.slug,
        "title": settings.title,
        "hashtags": list(settings.hashtags),
        "locale": settings.locale,
        "moderation": settings.moderation,
        "layout": settings.layout,
        "uploads": settings.uploads,
        "show_qr": settings.show_qr,
        "display": settings.display.model_dump(mode="json"),
        "palette": palette_to_wire(settings.display),
        "version": version,
    }


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()
