"""The Jetstream consumer: frames -> decisions -> short batches -> the pipeline, with the cursor.

Matching posts wait a moment (`flush_after`, or until 25 unknown authors are waiting) so their
authors can be looked up in one getProfiles call; deletes, edits and account removals queue
behind them in arrival order. Each batch is written with the cursor of the last frame read before
it, so the saved cursor never passes a post that is not stored yet. Frames that produce nothing
still move the cursor: it is saved every `save_every` seconds on its own.

Replays after a reconnect (the cursor is rewound a few seconds) are harmless because ingest is
idempotent per external id; a bounded set of recently stored (uri, cid) pairs also spares the
pipeline the repeated work.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from sotong.domain import CursorUpdate, IncomingPost
from sotong.sources.base import SourceContext, SourceInvalidPayload
from sotong.sources.bluesky.client import MAX_ACTORS, JetstreamStream
from sotong.sources.bluesky.firehose import (
    MALFORMED,
    AccountGone,
    Commit,
    Deleted,
    FirehoseFilter,
    IdentityChanged,
    Skipped,
)
from sotong.sources.bluesky.known import KnownPosts
from sotong.sources.bluesky.parse import (
    LOGGED_OUT_OPT_OUT,
    SOURCE,
    datetime_from_us,
    post_from_record,
)
from sotong.sources.bluesky.profiles import ProfileCache

PROFILE_FALLBACK = "author profile unavailable (shown with the DID)"
MAX_BATCH = 200
MAX_MALFORMED_IN_A_ROW = 50
YIELD_EVERY = 256


@dataclass(frozen=True, slots=True)
class Tuning:
    """Timings of the consumer; tests shrink them."""

    flush_after: float = 0.2
    save_every: float = 5.0
    recent_capacity: int = 10_000


@dataclass(slots=True)
class _Batch:
    kind: Literal["ingest", "edit", "remove"]
    commits: list[Commit] = field(default_factory=list)
    uris: list[str] = field(default_factory=list)


class Position:
    """The newest `time_us` read on this connection, and the one last saved."""

    def __init__(self, saved_us: int | None) -> None:
        self.read_us = saved_us
        self.saved_us = saved_us

    def advance(self, time_us: int | None) -> None:
        if time_us is not None and (self.read_us is None or time_us > self.read_us):
            self.read_us = time_us

    @property
    def dirty(self) -> bool:
        return self.read_us is not None and self.read_us != self.saved_us


class RecentlyStored:
    """A bounded memory of (uri, cid) pairs already handed to the pipeline."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def add(self, key: str) -> None:
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self.capacity:
            self._keys.popitem(last=False)


class Consumer:
    def __init__(
        self,
        context: SourceContext,
        firehose: FirehoseFilter,
        *,
        known: KnownPosts,
        profiles: ProfileCache,
        recent: RecentlyStored,
        position: Position,
        cdn_url: str,
        tuning: Tuning = Tuning(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.context = context
        self.firehose = firehose
        self.known = known
        self.profiles = profiles
        self.recent = recent
        self.position = position
        self.cdn_url = cdn_url
        self.tuning = tuning
        self.clock = clock
        self._batches: list[_Batch] = []
        self._pending_keys: set[str] = set()
        self._unknown_authors: set[str] = set()
        self._pending_since = 0.0
        self._saved_at = clock()
        self._malformed_in_a_row = 0
        self._receiving = False

    async def consume(self, stream: JetstreamStream) -> None:
        """Read until the stream fails (the error says why); never returns on its own."""
        frames = 0
        while True:
            raw = await stream.receive(self._timeout())
            if raw is not None:
                if not self._receiving:
                    self._receiving = True
                    self.context.mark_success()
                self.handle(raw)
                frames += 1
                if frames % YIELD_EVERY == 0:
                    # A backlog arrives without ever suspending; let the server's other work run.
                    await asyncio.sleep(0)
            if self._due():
                await self.flush()

    def handle(self, raw: bytes) -> None:
        decision = self.firehose.decide(raw)
        self.position.advance(self.firehose.time_us)
        if decision is None:
            self._malformed_in_a_row = 0
            return
        if isinstance(decision, Skipped):
            self._skipped(decision)
            return
        self._malformed_in_a_row = 0
        if isinstance(decision, Commit):
            self._commit(decision)
        elif isinstance(decision, Deleted):
            self.known.discard(decision.uri)
            self._queue("remove").uris.append(decision.uri)
        elif isinstance(decision, AccountGone):
            uris = self.known.pop_author(decision.did)
            if uris:
                self._queue("remove").uris.extend(uris)
        elif isinstance(decision, IdentityChanged):
            self.profiles.forget(decision.did)

    def _skipped(self, skipped: Skipped) -> None:
        self.context.skip(skipped.reason, skipped.detail)
        if skipped.reason != MALFORMED:
            self._malformed_in_a_row = 0
            return
        self._malformed_in_a_row += 1
        if self._malformed_in_a_row >= MAX_MALFORMED_IN_A_ROW:
            raise SourceInvalidPayload(
                f"{self._malformed_in_a_row} Jetstream frames in a row were not events "
                f"(last: {skipped.detail})"
            )

    def _commit(self, commit: Commit) -> None:
        key = f"{commit.uri}@{commit.cid}"
        if key in self.recent or key in self._pending_keys:
            return
        self._pending_keys.add(key)
        self.known.add(commit.uri, commit.did)
        if not self.profiles.has(commit.did):
            self._unknown_authors.add(commit.did)
        self._queue("edit" if commit.update else "ingest").commits.append(commit)

    def _queue(self, kind: Literal["ingest", "edit", "remove"]) -> _Batch:
        if not self._batches:
            self._pending_since = self.clock()
        if not self._batches or self._batches[-1].kind != kind:
            self._batches.append(_Batch(kind))
        return self._batches[-1]

    def _pending(self) -> int:
        return sum(len(batch.commits) + len(batch.uris) for batch in self._batches)

    def _timeout(self) -> float | None:
        if self._batches:
            return self._pending_since + self.tuning.flush_after - self.clock()
        if self.position.dirty:
            return self._saved_at + self.tuning.save_every - self.clock()
        return None

    def _due(self) -> bool:
        now = self.clock()
        if self._batches:
            return (
                now - self._pending_since >= self.tuning.flush_after
                or len(self._unknown_authors) >= MAX_ACTORS
                or self._pending() >= MAX_BATCH
            )
        return self.position.dirty and now - self._saved_at >= self.tuning.save_every

    async def flush(self) -> None:
        """Write what is queued, with the cursor of the last frame read."""
        batches, self._batches = self._batches, []
        keys, self._pending_keys = self._pending_keys, set()
        self._unknown_authors = set()
        cursor = None
        if self.position.read_us is not None:
            cursor = CursorUpdate(self.context.key, str(self.position.read_us))
        posts = await self._posts(batches)
        if not batches:
            await self.context.ingest([], cursor=cursor)
        for index, batch in enumerate(batches):
            last = cursor if index == len(batches) - 1 else None
            await self._write(batch, posts, last)
        for key in keys:
            self.recent.add(key)
        self.position.saved_us = self.position.read_us
        self._saved_at = self.clock()

    async def _write(
        self, batch: _Batch, posts: dict[str, IncomingPost], cursor: CursorUpdate | None
    ) -> None:
        if batch.kind == "remove":
            await self.context.remove(batch.uris, source=SOURCE, cursor=cursor)
            return
        ready = [posts[commit.uri] for commit in batch.commits if commit.uri in posts]
        if batch.kind == "edit":
            await self.context.edit(ready, cursor=cursor)
            return
        results = await self.context.ingest(ready, cursor=cursor)
        for post, result in zip(ready, results, strict=True):
            if result.post_id is None:
                self.known.discard(post.external_id)

    async def _posts(self, batches: list[_Batch]) -> dict[str, IncomingPost]:
        commits = [commit for batch in batches for commit in batch.commits]
        if not commits:
            return {}
        lookup = await self.profiles.lookup(commit.did for commit in commits)
        posts: dict[str, IncomingPost] = {}
        for commit in commits:
            profile = lookup.profiles.get(commit.did)
            if profile is not None and profile.hidden_from_logged_out:
                self.context.skip(LOGGED_OUT_OPT_OUT, commit.uri)
                continue
            if profile is None:
                detail = lookup.failure or "the AppView does not know this account"
                self.context.skip(PROFILE_FALLBACK, f"{commit.did}: {detail}")
            post = post_from_record(
                commit.did,
                commit.rkey,
                commit.record,
                profile,
                cdn_url=self.cdn_url,
                seen_at=datetime_from_us(commit.time_us),
            )
            if post is None:
                self.context.skip("unknown record type", commit.uri)
                continue
            posts[commit.uri] = post
        return posts
