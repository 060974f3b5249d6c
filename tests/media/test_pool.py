"""The worker pool: `process` off the event loop, surviving a worker that dies."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

from sotong.media.pool import MediaPool, default_workers
from sotong.media.process import MediaRejected, ProcessedImage, process
from tests.media import corpus

CRASH = b"crash the worker"


def crash_on_request(data: bytes, **limits: int) -> ProcessedImage:
    """`process`, except that one input kills the worker the way a segfaulting decoder would."""
    if data == CRASH:
        os._exit(70)
    return process(data, **limits)


def worker_pid(data: bytes, **limits: int) -> ProcessedImage:
    raise MediaRejected("corrupt", str(os.getpid()))


@pytest.fixture(scope="module")
def pool() -> Iterator[MediaPool]:
    shared = MediaPool(2)
    yield shared
    asyncio.run(shared.close())


async def test_results_match_processing_in_this_process(pool: MediaPool) -> None:
    data = corpus.jpeg_orientation_6()
    remote = await pool.process(data)
    local = process(data)
    assert (remote.width, remote.height) == (local.width, local.height) == (300, 400)
    assert remote.phash == local.phash
    assert remote.blurhash == local.blurhash
    assert remote.display.data == local.display.data


async def test_rejections_come_back_with_their_code(pool: MediaPool) -> None:
    with pytest.raises(MediaRejected) as caught:
        await pool.process(corpus.png_bomb())
    assert caught.value.code == "too_many_pixels"
    with pytest.raises(MediaRejected) as caught:
        await pool.process(corpus.svg_with_script())
    assert caught.value.code == "unsupported_type"


async def test_many_images_at_once(pool: MediaPool) -> None:
    inputs = [corpus.jpeg(200 + index, 100) for index in range(8)]
    results = await asyncio.gather(*(pool.process(data) for data in inputs))
    assert [result.width for result in results] == [200 + index for index in range(8)]


async def test_the_event_loop_stays_free(pool: MediaPool) -> None:
    ticks = 0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await pool.process(corpus.large_jpeg())
    done.set()
    await ticker
    assert ticks > 10


async def test_limits_reach_the_workers() -> None:
    async with MediaPool(1, max_bytes=1000) as small:
        with pytest.raises(MediaRejected) as caught:
            await small.process(corpus.jpeg())
    assert caught.value.code == "too_large"


async def test_a_crashing_image_is_refused_and_the_pool_recovers() -> None:
    async with MediaPool(1, processor=crash_on_request) as pool:
        innocent = asyncio.ensure_future(pool.process(corpus.jpeg(320, 240)))
        with pytest.raises(MediaRejected) as caught:
            await pool.process(CRASH)
        assert caught.value.code == "corrupt"
        assert (await innocent).width == 320
        assert (await pool.process(corpus.jpeg(100, 80))).width == 100


async def test_workers_are_recycled() -> None:
    async with MediaPool(1, tasks_per_worker=1, processor=worker_pid) as pool:
        pids = set()
        for _ in range(3):
            with pytest.raises(MediaRejected) as caught:
                await pool.process(b"")
            pids.add(caught.value.message)
    assert len(pids) == 3


async def test_close_waits_for_submitted_images() -> None:
    pool = MediaPool(1)
    pending = [asyncio.ensure_future(pool.process(corpus.jpeg(64, 48))) for _ in range(3)]
    await asyncio.sleep(0)
    await pool.close()
    assert [(await task).width for task in pending] == [64, 64, 64]
    with pytest.raises(RuntimeError, match="closed"):
        await pool.process(corpus.jpeg())
    await pool.close()


async def test_close_can_drop_queued_images() -> None:
    pool = MediaPool(1)
    data = corpus.jpeg(64, 48)
    pending = [asyncio.ensure_future(pool.process(data)) for _ in range(6)]
    await asyncio.sleep(0)
    await pool.close(cancel_pending=True)
    outcomes = await asyncio.gather(*pending, return_exceptions=True)
    assert any(isinstance(outcome, asyncio.CancelledError) for outcome in outcomes)


def test_worker_count() -> None:
    assert default_workers() >= 1
    assert MediaPool(3).workers == 3
    with pytest.raises(ValueError, match="at least one"):
        MediaPool(0)
