"""The media step of ingest against a real image server on loopback: remote images become local,
metadata-free renditions; failures leave a placeholder and never cost the post; re-sent posts are
not fetched again; near-duplicates go to the queue."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from sotong.domain import Author, IncomingPost, Media, PostStatus, Wall
from sotong.live.bus import MemoryBus
from sotong.media.fetch import fetch_client
from sotong.media.pool import MediaPool
from sotong.media.remote import RemoteMedia
from sotong.metrics import Metrics
from sotong.pipeline.ingest import IngestPipeline
from sotong.pipeline.media import MediaStep
from sotong.store import posts
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.media import corpus
from tests.media.test_fetch import loopback_only, resolver_for
from tests.support import make_settings, serve_asgi

NOW = datetime(2017, 11, 10, tzinfo=UTC)
NOW_TAG = "#서울소셜컨퍼런스"


@dataclass
class ImageServer:
    """Serves the corpus over real HTTP and counts what was asked for."""

    requests: list[str] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope["path"]
        self.requests.append(path)
        status, headers, body = self.answer(path)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def answer(self, path: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        jpeg = [(b"content-type", b"image/jpeg")]
        if path == "/gps.jpg":
            return 200, jpeg, corpus.jpeg_with_gps()
        if path == "/same.jpg":
            return 200, jpeg, corpus.jpeg_with_gps()
        if path == "/bomb.png":
            return 200, [(b"content-type", b"image/png")], corpus.png_bomb()
        if path == "/page.jpg":
            return 200, jpeg, b"<!doctype html><script>alert(1)</script>"
        if path == "/to-metadata":
            return 302, [(b"location", b"http://169.254.169.254/latest/meta-data/")], b""
        return 404, [], b"not here"


@dataclass
class Rig:
    wall: Wall
    pipeline: IngestPipeline
    server: ImageServer
    base: str
    metrics: Metrics
    db: Database
    media_dir: Path


@pytest.fixture
async def rig(db: Database, tmp_path: Path) -> AsyncIterator[Rig]:
    async with db.write() as connection:
        wall, _ = await sync_walls(connection, make_settings("sqlite://", tmp_path).walls, NOW)
    server = ImageServer()
    metrics = Metrics()
    media_dir = tmp_path / "media"
    async with (
        serve_asgi(server) as url,
        MediaPool(1) as pool,
        fetch_client(timeout=5) as client,
    ):
        port = httpx.URL(url).port
        remote = RemoteMedia(
            pool,
            media_dir,
            client,
            timeout=5,
            max_bytes=5 * 1024 * 1024,
            metrics=metrics,
            resolver=resolver_for({"images.test": ["127.0.0.1"]}),
            allow=loopback_only,
        )
        step = MediaStep(db, remote, near_duplicate_distance=8, near_duplicate_window=100)
        pipeline = IngestPipeline(db, MemoryBus(), metrics=metrics, media=step)
        yield Rig(wall, pipeline, server, f"http://images.test:{port}", metrics, db, media_dir)


def post_with(external_id: str, *urls: str) -> IncomingPost:
    return IncomingPost(
        "mastodon",
        external_id,
        Author("시민", "@citizen@example.social"),
        f"사진 {NOW_TAG}",
        media=tuple(Media(url=url, alt="무대 사진") for url in urls),
    )


async def stored(rig: Rig, post_id: str | None) -> Any:
    assert post_id is not None
    async with rig.db.read() as connection:
        return await posts.get_post(connection, rig.wall.id, post_id)


def outcome_count(metrics: Metrics, outcome: str) -> float:
    return metrics.remote_media.labels(outcome)._value.get()


async def test_a_remote_image_becomes_a_local_metadata_free_rendition(rig: Rig) -> None:
    result = await rig.pipeline.ingest(rig.wall, post_with("1", f"{rig.base}/gps.jpg"))
    post = await stored(rig, result.post_id)
    assert post.status is PostStatus.APPROVED
    (image,) = post.media
    assert image.kind == "image"
    assert image.url.startswith("/media/img/")
    assert image.thumb_url.startswith("/media/img/")
    assert image.alt == "무대 사진"
    assert image.phash
    assert image.blurhash
    data = (rig.media_dir / image.url.removeprefix("/media/")).read_bytes()
    assert corpus.SECRET.encode() not in data
    with Image.open(io.BytesIO(data)) as rendition:
        assert not rendition.getexif()
    assert outcome_count(rig.metrics, "cached") == 1


@pytest.mark.parametrize(
    ("path", "outcome"),
    [
        ("/missing.jpg", "failed"),
        ("/page.jpg", "refused"),
        ("/to-metadata", "refused"),
        ("/bomb.png", "rejected"),
    ],
)
async def test_a_failing_image_leaves_a_placeholder_and_keeps_the_post(
    rig: Rig, path: str, outcome: str
) -> None:
    url = f"{rig.base}{path}"
    result = await rig.pipeline.ingest(rig.wall, post_with("2", url))
    post = await stored(rig, result.post_id)
    assert post.status is PostStatus.APPROVED
    assert post.text.startswith("사진")
    (placeholder,) = post.media
    assert (placeholder.kind, placeholder.url, placeholder.thumb_url) == ("unavailable", url, None)
    assert outcome_count(rig.metrics, outcome) == 1


async def test_the_guard_refuses_internal_addresses_by_default(
    db: Database, tmp_path: Path
) -> None:
    server = ImageServer()
    async with (
        serve_asgi(server) as url,
        MediaPool(1) as pool,
        fetch_client(timeout=5) as client,
    ):
        remote = RemoteMedia(pool, tmp_path, client, timeout=5, max_bytes=1024 * 1024)
        targets = [
            f"{url}/gps.jpg",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/a.jpg",
            "http://[::ffff:127.0.0.1]/a.jpg",
            "http://localhost/a.jpg",
            "file:///etc/passwd",
        ]
        results = await remote.localise(tuple(Media(url=target) for target in targets))
    assert [item.kind for item in results] == ["unavailable"] * len(targets)
    assert server.requests == []


async def test_posts_sent_again_are_not_fetched_again(rig: Rig) -> None:
    first = await rig.pipeline.ingest(rig.wall, post_with("3", f"{rig.base}/gps.jpg"))
    again = await rig.pipeline.ingest(rig.wall, post_with("3", f"{rig.base}/gps.jpg"))
    assert again.post_id == first.post_id
    assert not again.created
    assert rig.server.requests == ["/gps.jpg"]


async def test_local_and_non_image_media_are_left_alone(rig: Rig) -> None:
    local = Media(url="/media/demo/stage.webp", width=800, height=600)
    video = Media(url=f"{rig.base}/clip.mp4", kind="video")
    result = await rig.pipeline.ingest(
        rig.wall,
        IncomingPost("demo", "4", Author("시민"), NOW_TAG, media=(local, video)),
    )
    post = await stored(rig, result.post_id)
    assert post.media == (local, video)
    assert rig.server.requests == []


async def test_an_edit_with_a_new_image_is_made_local_too(rig: Rig) -> None:
    await rig.pipeline.ingest(rig.wall, post_with("5"))
    await rig.pipeline.edit_at_source(rig.wall, [post_with("5", f"{rig.base}/gps.jpg")])
    async with rig.db.read() as connection:
        (post,) = await posts.find_by_external_ids(connection, rig.wall.id, "mastodon", ["5"])
    (image,) = post.media
    assert image.url.startswith("/media/img/")


async def test_the_same_picture_again_waits_for_a_moderator(rig: Rig) -> None:
    first = await rig.pipeline.ingest(rig.wall, post_with("6", f"{rig.base}/gps.jpg"))
    again = await rig.pipeline.ingest(rig.wall, post_with("7", f"{rig.base}/same.jpg"))
    assert again.status == "pending"
    assert again.reason is not None
    assert first.post_id in again.reason
    both = await rig.pipeline.ingest_batch(
        rig.wall, [post_with("8", f"{rig.base}/missing.jpg"), post_with("9")]
    )
    assert [result.status for result in both] == ["approved", "approved"]
