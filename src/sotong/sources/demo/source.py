"""The bundled demo source: sample posts from the 2017 Seoul Communication Conference, in a loop.

It behaves like a real connector: a cursor (round and position) is saved with each post, so a
restarted demo carries on where it stopped instead of repeating itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from sotong.domain import Author, CursorUpdate, IncomingPost, Media
from sotong.sources.base import SourceContext
from sotong.sources.demo.images import DemoImage, render_images
from sotong.sources.demo.samples import DemoSample, load_samples

MEDIA_SUBDIR = "demo"


@dataclass(frozen=True, slots=True)
class DemoOptions:
    interval_seconds: float = 4.0
    burst: int = 6
    loop: bool = True

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> DemoOptions:
        unknown = set(options) - {"interval_seconds", "burst", "loop"}
        if unknown:
            raise ValueError(f"unknown demo option(s): {', '.join(sorted(unknown))}")
        defaults = cls()
        interval = float(options.get("interval_seconds", defaults.interval_seconds))
        burst = int(options.get("burst", defaults.burst))
        if interval < 0 or burst < 0:
            raise ValueError("interval_seconds and burst must not be negative")
        return cls(interval, burst, bool(options.get("loop", defaults.loop)))


def sample_post(
    sample: DemoSample, round_number: int, images: dict[str, DemoImage]
) -> IncomingPost:
    media: tuple[Media, ...] = ()
    if sample.image is not None and sample.image in images:
        image = images[sample.image]
        media = (
            Media(
                url=f"/media/{MEDIA_SUBDIR}/{image.filename}",
                width=image.width,
                height=image.height,
                alt=sample.alt,
            ),
        )
    return IncomingPost(
        source="demo",
        external_id=f"{sample.key}-{round_number}",
        author=Author(sample.author_name, sample.author_handle),
        text=sample.text,
        media=media,
    )


def parse_cursor(value: str | None) -> tuple[int, int]:
    try:
        round_text, _, index_text = (value or "").partition(":")
        return max(int(round_text), 0), max(int(index_text), 0)
    except ValueError:
        return 0, 0


class DemoSource:
    def __init__(self, options: DemoOptions) -> None:
        self.options = options

    async def check(self, http: httpx.AsyncClient) -> str:
        return f"{len(load_samples())} bundled sample posts"

    async def run(self, context: SourceContext) -> None:
        samples = load_samples()
        images = await asyncio.to_thread(render_images, Path(context.media_dir) / MEDIA_SUBDIR)
        round_number, index = parse_cursor(await context.load_cursor())
        sent = 0
        while True:
            if index >= len(samples):
                if not self.options.loop:
                    return
                round_number, index = round_number + 1, 0
            post = sample_post(samples[index], round_number, images)
            index += 1
            await context.ingest(
                [post], cursor=CursorUpdate(context.key, f"{round_number}:{index}")
            )
            sent += 1
            if sent > self.options.burst:
                await asyncio.sleep(self.options.interval_seconds)
