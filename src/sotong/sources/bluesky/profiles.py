"""Author profiles for firehose posts: looked up 25 at a time, remembered for a while.

A Jetstream commit names its author only by DID. `app.bsky.actor.getProfiles` gives handle,
display name and avatar for up to 25 DIDs per call. Answers are kept in a bounded LRU with a
time-to-live (DIDs the AppView does not know are remembered for a shorter time). When the
AppView fails, lookups pause for a while and posts go on with the DID as their author: a post is
never held back by a profile.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from sotong.sources.base import SourceError, SourceUnavailable
from sotong.sources.bluesky.client import MAX_ACTORS
from sotong.sources.bluesky.parse import Profile

Fetch = Callable[[Sequence[str]], Awaitable[list[Profile]]]


@dataclass(slots=True)
class _Entry:
    profile: Profile | None
    expires: float


@dataclass(frozen=True, slots=True)
class Lookup:
    profiles: dict[str, Profile]
    failure: SourceError | None = None


class ProfileCache:
    def __init__(
        self,
        fetch: Fetch,
        *,
        capacity: int = 20_000,
        ttl: float = 6 * 3600.0,
        unknown_ttl: float = 600.0,
        pause_after_failure: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._capacity = capacity
        self._ttl = ttl
        self._unknown_ttl = unknown_ttl
        self._pause = pause_after_failure
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._paused_until = 0.0
        self.calls = 0

    def has(self, did: str) -> bool:
        entry = self._entries.get(did)
        return entry is not None and entry.expires > self._clock()

    def remember(self, profile: Profile) -> None:
        self._store(profile.did, profile, self._ttl)

    def forget(self, did: str) -> None:
        """An identity event: the handle may have changed."""
        self._entries.pop(did, None)

    async def lookup(self, dids: Iterable[str]) -> Lookup:
        wanted = list(dict.fromkeys(dids))
        missing = [did for did in wanted if not self.has(did)]
        failure: SourceError | None = None
        if missing and self._clock() < self._paused_until:
            failure = SourceUnavailable("profile lookups paused after a failure")
        elif missing:
            failure = await self._fetch_missing(missing)
        found: dict[str, Profile] = {}
        for did in wanted:
            entry = self._entries.get(did)
            if entry is not None and entry.profile is not None:
                self._entries.move_to_end(did)
                found[did] = entry.profile
        return Lookup(found, failure)

    async def _fetch_missing(self, missing: list[str]) -> SourceError | None:
        for start in range(0, len(missing), MAX_ACTORS):
            chunk = missing[start : start + MAX_ACTORS]
            self.calls += 1
            try:
                profiles = await self._fetch(chunk)
            except SourceError as error:
                pause = getattr(error, "retry_after", None)
                self._paused_until = self._clock() + max(pause or 0.0, self._pause)
                return error
            answered = {profile.did: profile for profile in profiles}
            for did in chunk:
                profile = answered.get(did)
                self._store(did, profile, self._ttl if profile else self._unknown_ttl)
        return None

    def _store(self, did: str, profile: Profile | None, ttl: float) -> None:
        self._entries[did] = _Entry(profile, self._clock() + ttl)
        self._entries.move_to_end(did)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
