"""Images named by posts from the networks, made local: fetched through the SSRF guard, processed by
the media pool like an upload, stored as renditions. Screens then load only this server's files, and
every image on a wall has a perceptual hash for near-duplicate detection.

A failure never costs the post: the item becomes `kind="unavailable"` (its original URL kept for
moderators, never loaded by a screen), and the wall paints a placeholder.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path
from typing import Final

import httpx

from sotong.domain import Media
from sotong.media.fetch import (
    AddressPolicy,
    FetchError,
    FetchRefused,
    Resolver,
    fetch_image,
    is_public_address,
    system_resolver,
)
from sotong.media.pool import MediaPool
from sotong.media.process import MediaRejected
from sotong.media.store import save_renditions
from sotong.metrics import Metrics

logger = logging.getLogger("sotong.media")

UNAVAILABLE: Final = "unavailable"
REMEMBERED_URLS: Final = 4096
MAX_CONCURRENT_FETCHES: Final = 8


def is_local(url: str) -> bool:
    """Already one of this server's files (an upload, a demo picture): nothing to fetch."""
    return url.startswith("/") and not url.startswith("//")


class RemoteMedia:
    def __init__(
        self,
        pool: MediaPool,
        media_dir: Path,
        client: httpx.AsyncClient,
        *,
        timeout: float,
        max_bytes: int,
        metrics: Metrics | None = None,
        resolver: Resolver = system_resolver,
        allow: AddressPolicy = is_public_address,
    ) -> None:
        self._pool = pool
        self._media_dir = media_dir
        self._client = client
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._metrics = metrics or Metrics()
        self._resolver = resolver
        self._allow = allow
        self._cached: OrderedDict[str, Media] = OrderedDict()
        self._fetches = asyncio.Semaphore(MAX_CONCURRENT_FETCHES)

    def needs_work(self, item: Media) -> bool:
        return item.kind == "image" and not is_local(item.url)

    async def localise(self, items: tuple[Media, ...]) -> tuple[Media, ...]:
        """The items with every remote image replaced by local renditions or a placeholder."""
        if not any(self.needs_work(item) for item in items):
            return items
        return tuple(await asyncio.gather(*(self._localise(item) for item in items)))

    async def _localise(self, item: Media) -> Media:
        if not self.needs_work(item):
            return item
        remembered = self._cached.get(item.url)
        if remembered is not None:
            self._cached.move_to_end(item.url)
            return replace(remembered, alt=item.alt)
        try:
            async with self._fetches:
                data = await fetch_image(
                    item.url,
                    client=self._client,
                    resolver=self._resolver,
                    allow=self._allow,
                    max_bytes=self._max_bytes,
                    timeout=self._timeout,
                )
            processed = await self._pool.process(data)
            stored = await asyncio.to_thread(save_renditions, self._media_dir, processed)
        except (FetchError, MediaRejected) as error:
            outcome = (
                "refused"
                if isinstance(error, FetchRefused)
                else "rejected"
                if isinstance(error, MediaRejected)
                else "failed"
            )
            self._metrics.remote_media.labels(outcome).inc()
            logger.info("image %s not cached (%s): %s", item.url, outcome, error)
            return replace(item, kind=UNAVAILABLE, thumb_url=None, phash=None)
        self._metrics.remote_media.labels("cached").inc()
        local = Media(
            url=stored.url,
            kind="image",
            thumb_url=stored.thumb_url,
            width=stored.width,
            height=stored.height,
            alt=item.alt,
            blurhash=stored.blurhash,
            phash=stored.phash,
        )
        self._remember(item.url, local)
        return local

    def _remember(self, url: str, local: Media) -> None:
        self._cached[url] = local
        if len(self._cached) > REMEMBERED_URLS:
            self._cached.popitem(last=False)
