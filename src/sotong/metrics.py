"""Prometheus metrics, one registry per application (no process-wide globals)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.viewers = Gauge(
            "sotong_viewers", "Live stream connections open on this process", registry=self.registry
        )
        self.events = Counter(
            "sotong_events",
            "Live events handed to this process's viewers",
            ["type"],
            registry=self.registry,
        )
        self.frames = Counter(
            "sotong_frames_queued",
            "Event frames queued for viewers (events x viewers)",
            registry=self.registry,
        )
        self.slow_viewers = Counter(
            "sotong_slow_viewers_disconnected",
            "Viewers disconnected because they fell too far behind (they reconnect and replay)",
            registry=self.registry,
        )
        self.delivery_latency = Histogram(
            "sotong_delivery_latency_seconds",
            "From accepting a change to handing its event to this process's viewers",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.ingested = Counter(
            "sotong_ingested_posts",
            "Posts through the ingest pipeline",
            ["source", "status"],
            registry=self.registry,
        )
        self.source_up = Gauge(
            "sotong_source_up",
            "1 while a source runs well on this process",
            ["source", "state"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "sotong_moderation_queue_depth",
            "Posts waiting for a moderator",
            ["wall"],
            registry=self.registry,
        )
        self.remote_media = Counter(
            "sotong_remote_media",
            "Images named by posts, by outcome: cached, refused (SSRF guard), failed, rejected",
            ["outcome"],
            registry=self.registry,
        )
        self.uploads = Counter(
            "sotong_uploads",
            "Attendee upload attempts, by outcome (accepted or the refusal's code)",
            ["outcome"],
            registry=self.registry,
        )
        self._refreshers: list[Callable[[], Awaitable[None]]] = []

    def refresh_with(self, refresher: Callable[[], Awaitable[None]]) -> None:
        """Register a function that updates gauges just before each scrape."""
        self._refreshers.append(refresher)

    async def render(self) -> bytes:
        for refresh in self._refreshers:
            await refresh()
        return generate_latest(self.registry)
