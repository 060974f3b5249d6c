"""Token-bucket rate limits per key (a device, an address), kept in this process's memory.

A bucket holds `limit` tokens and refills at `limit` per `window` seconds, so a burst of `limit`
is allowed and then one more every `window / limit` seconds. With several server processes each
keeps its own buckets; put a shared limit in front (the reverse proxy) if that matters.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from sotong.config import UploadSettings

MAX_KEYS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(
        self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs a positive limit and window")
        self._limit = float(limit)
        self._rate = limit / window
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may act again; 0 means now (nothing is taken)."""
        bucket = self._refilled(key)
        if bucket.tokens >= 1:
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self._rate))

    def take(self, key: str) -> None:
        bucket = self._refilled(key)
        bucket.tokens = max(0.0, bucket.tokens - 1)
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_KEYS:
            self._forget_full()

    def _refilled(self, key: str) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            return _Bucket(self._limit, now)
        bucket.tokens = min(self._limit, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        return bucket

    def _forget_full(self) -> None:
        """A full bucket is the same as no bucket: drop those to bound memory. Under a flood of
        fresh keys the oldest go too, which lets a few of them act a little early."""
        for key in [key for key in self._buckets if self._refilled(key).tokens >= self._limit]:
            del self._buckets[key]
        for key in list(self._buckets)[: max(0, len(self._buckets) - MAX_KEYS // 2)]:
            del self._buckets[key]


@dataclass(slots=True)
class UploadGuard:
    """The two rate limits an upload must pass: per device (a cookie) and per address."""

    per_device: RateLimiter
    per_address: RateLimiter

    @classmethod
    def from_settings(cls, settings: UploadSettings) -> UploadGuard:
        return cls(
            RateLimiter(settings.per_device, settings.per_device_window_seconds),
            RateLimiter(settings.per_ip, settings.per_ip_window_seconds),
        )

    def admit(self, device: str, address: str) -> int:
        """0 and the attempt is counted, or the seconds to wait."""
        wait = max(self.per_address.retry_after(address), self.per_device.retry_after(device))
        if wait:
            return wait
        self.per_address.take(address)
        self.per_device.take(device)
        return 0
