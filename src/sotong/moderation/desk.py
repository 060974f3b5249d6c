"""What every moderation action works with: the database, the live bus, the time and batch ids."""

from __future__ import annotations

from sotong.clock import Clock, utc_now
from sotong.ids import IdGenerator
from sotong.live.bus import Bus
from sotong.store.database import Database


class Desk:
    def __init__(
        self, db: Database, bus: Bus, *, clock: Clock = utc_now, ids: IdGenerator | None = None
    ) -> None:
        self._db = db
        self._bus = bus
        self._clock = clock
        self._ids = ids or IdGenerator()
