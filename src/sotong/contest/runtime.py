"""The contest's part of a running app: its service, the prize desk, the deletion job and the
audience vote's rate limit."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from sotong.config import ContestSettings, Settings
from sotong.contest.desk import PrizeDesk
from sotong.contest.service import ContestKeys, ContestService
from sotong.live.bus import Bus
from sotong.store.database import Database
from sotong.web.rate_limit import RateLimiter


@dataclass(slots=True)
class ContestRuntime:
    service: ContestService
    desk: PrizeDesk
    settings: ContestSettings
    votes: RateLimiter  # per address
    _job: asyncio.Task[None] | None = field(default=None)

    @classmethod
    def build(cls, settings: Settings, db: Database, bus: Bus) -> ContestRuntime:
        service = ContestService(db, bus, ContestKeys.from_settings(settings))
        limits = settings.contest
        return cls(
            service,
            PrizeDesk(service, limits),
            limits,
            RateLimiter(limits.votes_per_address, limits.votes_window_seconds),
        )

    def start(self) -> None:
        """Start the claim-deletion job (it runs at once, then every purge interval)."""
        self._job = asyncio.create_task(self.desk.run_purge_job())

    async def stop(self) -> None:
        if self._job is not None:
            self._job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._job
            self._job = None
