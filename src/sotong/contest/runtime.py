"""The contest's part of a running app: its service, the prize desk and the deletion job."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from sotong.config import ContestSettings, Settings
from sotong.contest.desk import PrizeDesk
from sotong.contest.service import ContestKeys, ContestService
from sotong.live.bus import Bus
from sotong.store.database import Database


@dataclass(slots=True)
class ContestRuntime:
    service: ContestService
    desk: PrizeDesk
    settings: ContestSettings
    _job: asyncio.Task[None] | None = field(default=None)

    @classmethod
    def build(cls, settings: Settings, db: Database, bus: Bus) -> ContestRuntime:
        service = ContestService(db, bus, ContestKeys.from_settings(settings))
        return cls(service, PrizeDesk(service, settings.contest), settings.contest)

    def start(self) -> None:
        """Start the claim-deletion job (it runs at once, then every purge interval)."""
        self._job = asyncio.create_task(self.desk.run_purge_job())

    async def stop(self) -> None:
        if self._job is not None:
            self._job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._job
            self._job = None
