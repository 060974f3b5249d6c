"""`process` off the event loop: a pool of worker processes with an async API.

Decoding a 12-megapixel photo takes tens of milliseconds of pure CPU and a malicious file may
crash a native decoder, so images are processed in separate processes (started with `spawn`, never
`fork`: the server has threads). A worker that dies takes only its pool down: the pool is rebuilt
and every image it was holding is tried once more, one at a time; an image that kills a worker
again is refused as `corrupt`.
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Self

from sotong.media.process import (
    DISPLAY_SIZE,
    MAX_BYTES,
    MAX_PIXELS,
    THUMB_SIZE,
    MediaRejected,
    ProcessedImage,
    process,
)

Processor = Callable[..., ProcessedImage]
"""`process` or a stand-in with its keyword arguments (tests); must be importable by name."""

TASKS_PER_WORKER = 500
"""A worker is replaced after this many images, so whatever a decoder leaks is given back."""


_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEPT_HEAP_BYTES = 128 * 1024 * 1024
_MMAP_FROM_BYTES = 32 * 1024 * 1024


def prepare_worker() -> None:
    """Tune glibc's allocator in a worker: freed image buffers stay in the heap for the next image
    instead of going back to the kernel and being faulted in again, zeroed (about a tenth of the
    CPU time of a 12-megapixel photo). Buffers above 32 MB, the rare huge image, still go back."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TRIM_THRESHOLD, _KEPT_HEAP_BYTES)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM_BYTES)
    except (OSError, AttributeError):
        return


def default_workers() -> int:
    """The CPUs this process may run on, minus one for the event loop (at least one)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:
        available = os.cpu_count() or 1
    return max(1, available - 1)


class MediaPool:
    """Runs `process` in `workers` processes; `await pool.process(data)` from the event loop.

    Use it as an async context manager, or call `close()`: that waits for the images already
    submitted (or, with `cancel_pending=True`, only for those a worker has started).
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        max_bytes: int = MAX_BYTES,
        max_pixels: int = MAX_PIXELS,
        display_size: int = DISPLAY_SIZE,
        thumb_size: int = THUMB_SIZE,
        tasks_per_worker: int | None = TASKS_PER_WORKER,
        processor: Processor = process,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError("a media pool needs at least one worker")
        self.workers = workers or default_workers()
        self._tasks_per_worker = tasks_per_worker
        self._task = functools.partial(
            processor,
            max_bytes=max_bytes,
            max_pixels=max_pixels,
            display_size=display_size,
            thumb_size=thumb_size,
        )
        self._executor = self._new_executor()
        self._retry_lock = asyncio.Lock()
        self._closed = False

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=prepare_worker,
            max_tasks_per_child=self._tasks_per_worker,
        )

    async def process(self, data: bytes) -> ProcessedImage:
        """The renditions of `data`; raises `MediaRejected` as `process` does."""
        try:
            return await self._submit(data)
        except BrokenProcessPool:
            pass
        async with self._retry_lock:
            try:
                return await self._submit(data)
            except BrokenProcessPool:
                pass
        raise MediaRejected("corrupt", "the worker decoding this image died, twice")

    async def _submit(self, data: bytes) -> ProcessedImage:
        """One attempt; a broken pool is replaced before the error is passed on. Retries go one
        at a time (`_retry_lock`), so a crashing image cannot take an innocent retry down too."""
        if self._closed:
            raise RuntimeError("the media pool is closed")
        executor = self._executor
        try:
            return await asyncio.wrap_future(executor.submit(self._task, data))
        except BrokenProcessPool:
            self._replace(executor)
            raise

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._executor is broken and not self._closed:
            self._executor = self._new_executor()
        broken.shutdown(wait=False, cancel_futures=True)

    async def close(self, *, cancel_pending: bool = False) -> None:
        """Stop the workers once the submitted images are done (or, with `cancel_pending`, only
        those already running); the queued ones then raise `CancelledError` to their callers."""
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=cancel_pending)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close(cancel_pending=exc is not None)
