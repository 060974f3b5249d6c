"""Everything a request handler needs, built once per application from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from sotong.config import Settings, WallSettings
from sotong.display.actions import DisplayActions
from sotong.display.presence import ScreenPresence
from sotong.domain import Wall
from sotong.live.bus import Bus
from sotong.live.hub import LiveHub
from sotong.media.pool import MediaPool
from sotong.metrics import Metrics
from sotong.moderation.bans import Bans
from sotong.moderation.decisions import Decisions
from sotong.moderation.history import History
from sotong.pipeline.ingest import IngestPipeline
from sotong.registry import WallRegistry
from sotong.store.database import Database
from sotong.store.walls import WallRecord
from sotong.web.console.throttle import LoginThrottle
from sotong.web.errors import ApiError
from sotong.web.rate_limit import UploadGuard


@dataclass(slots=True)
class Services:
    settings: Settings
    registry: WallRegistry
    db: Database
    bus: Bus
    hub: LiveHub
    pipeline: IngestPipeline
    decisions: Decisions
    metrics: Metrics
    upload_guard: UploadGuard
    bans: Bans
    history: History
    media: MediaPool | None = None
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    display: DisplayActions | None = None
    presence: ScreenPresence | None = None

    def display_actions(self) -> DisplayActions:
        if self.display is None:
            self.display = DisplayActions(self.db, self.bus)
        return self.display

    @property
    def walls(self) -> dict[str, Wall]:
        """The walls being served, by slug (kept current by the registry)."""
        return self.registry.walls

    def wall(self, slug: str) -> Wall:
        wall = self.walls.get(slug)
        if wall is None:
            raise ApiError(404, "wall_not_found", f"there is no wall {slug!r}")
        return wall

    def media_pool(self) -> MediaPool:
        if self.media is None:
            raise ApiError(503, "media_unavailable", "image processing is not running")
        return self.media

    def wall_record(self, slug: str) -> WallRecord:
        record = self.registry.record(slug)
        if record is None:
            raise ApiError(404, "wall_not_found", f"there is no wall {slug!r}")
        return record

    def wall_settings(self, slug: str) -> WallSettings:
        """The whole configuration of a served wall."""
        return self.wall_record(slug).settings


async def get_services(request: Request) -> Services:
    # async on purpose: FastAPI runs plain functions in a worker thread, which costs more than this.
    services: Services = request.app.state.services
    return services
