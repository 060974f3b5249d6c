"""Renditions on disk under content-addressed names, served by the app from `/media/`.

A file is named after the SHA-256 of its bytes (`<media_dir>/img/<2 hex>/<64 hex>.webp`), so the
same picture is stored once, a name never changes meaning and a file can be cached forever.
Writes are atomic (a temporary file in the same directory, flushed, then renamed): a reader or a
crash never sees half a file under a real name. Blocking: call it through `asyncio.to_thread`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sotong.media.process import ProcessedImage

MEDIA_URL_PREFIX = "/media"
IMAGE_FOLDER = "img"


@dataclass(frozen=True, slots=True)
class StoredMedia:
    url: str
    thumb_url: str
    width: int
    height: int
    blurhash: str
    phash: str


def save_renditions(
    media_dir: Path, processed: ProcessedImage, *, url_prefix: str = MEDIA_URL_PREFIX
) -> StoredMedia:
    """Write the display rendition and the thumbnail (if not there already); their URLs."""
    display = _save(media_dir, processed.display.data)
    thumbnail = _save(media_dir, processed.thumbnail.data)
    prefix = url_prefix.rstrip("/")
    return StoredMedia(
        url=f"{prefix}/{display}",
        thumb_url=f"{prefix}/{thumbnail}",
        width=processed.width,
        height=processed.height,
        blurhash=processed.blurhash,
        phash=processed.phash,
    )


def rendition_path(data: bytes) -> str:
    """Where a WebP rendition with these bytes lives, relative to the media directory."""
    digest = hashlib.sha256(data).hexdigest()
    return f"{IMAGE_FOLDER}/{digest[:2]}/{digest}.webp"


def _save(media_dir: Path, data: bytes) -> str:
    relative = rendition_path(data)
    path = media_dir / relative
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_size == len(data):
            return relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return relative
