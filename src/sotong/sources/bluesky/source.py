"""The Bluesky source: options, the Jetstream run with its cursor, search backfill, `check`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sotong.domain import IncomingPost
from sotong.sources.base import (
    Backoff,
    SourceAuthError,
    SourceContext,
    SourceError,
    SourceUnavailable,
)
from sotong.sources.bluesky.backfill import SessionKeeper, backfill
from sotong.sources.bluesky.client import Xrpc, get_profiles, open_jetstream
from sotong.sources.bluesky.consumer import Consumer, Position, RecentlyStored, Tuning
from sotong.sources.bluesky.firehose import FirehoseFilter, TagMatcher
from sotong.sources.bluesky.known import KnownPosts, load_known
from sotong.sources.bluesky.parse import (
    Profile,
    split_at_uri,
    usable_handle,
    valid_did,
    wall_tag_bodies,
)
from sotong.sources.bluesky.profiles import ProfileCache

logger = logging.getLogger("sotong.sources.bluesky")

DEFAULT_JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"
DEFAULT_APPVIEW = "https://public.api.bsky.app"
DEFAULT_CDN = "https://cdn.bsky.app"
DEFAULT_PDS = "https://bsky.social"
BLUESKY_DID = "did:plc:z72i7hdynmk6r22z27h6tvur"  # @bsky.app, for `check` when no event has one
LONG_GAP_SECONDS = 3600.0


def _base_url(value: str, schemes: tuple[str, ...], key: str) -> str:
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"{key} must be an absolute {' or '.join(schemes)} URL")
    return value


class BlueskyOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jetstream_url: str = DEFAULT_JETSTREAM
    appview_url: str = DEFAULT_APPVIEW
    cdn_url: str = DEFAULT_CDN
    identifier: str | None = Field(default=None, min_length=1, max_length=300)
    app_password_env: str | None = Field(default=None, min_length=1)
    pds_url: str = DEFAULT_PDS
    rewind_seconds: float = Field(default=5.0, ge=0, le=3600)

    @field_validator("jetstream_url")
    @classmethod
    def _websocket(cls, value: str) -> str:
        return _base_url(value, ("ws", "wss"), "jetstream_url")

    @field_validator("appview_url", "cdn_url", "pds_url")
    @classmethod
    def _http(cls, value: str, info: ValidationInfo) -> str:
        return _base_url(value, ("http", "https"), info.field_name or "url")

    @model_validator(mode="after")
    def _credentials_in_pairs(self) -> BlueskyOptions:
        if (self.identifier is None) != (self.app_password_env is None):
            raise ValueError("identifier and app_password_env go together (search backfill)")
        return self


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Network timings; tests shrink them."""

    open: float = 10.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    profiles: float = 3.0
    check: float = 10.0
    consumer: Tuning = field(default_factory=Tuning)
    backfill_retry: Backoff = field(default_factory=lambda: Backoff(initial=5.0, maximum=300.0))


@dataclass(frozen=True, slots=True)
class _BackfillPlan:
    since: datetime | None


def parse_cursor(value: str | None) -> int | None:
    """A saved `time_us` (unix microseconds), or None when there is none worth resuming from."""
    if value is None or not value.isdigit():
        return None
    cursor = int(value)
    return cursor if 10**15 <= cursor < 10**17 else None


def _now_us() -> int:
    return time.time_ns() // 1000


class BlueskySource:
    def __init__(
        self,
        options: BlueskyOptions,
        password: str | None = None,
        *,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.options = options
        self.timeouts = timeouts or Timeouts()
        self.keeper = (
            SessionKeeper(options.identifier, password)
            if options.identifier is not None and password is not None
            else None
        )
        self.known = KnownPosts()
        self.recent = RecentlyStored(self.timeouts.consumer.recent_capacity)
        self._profiles: ProfileCache | None = None
        self._origin_us: int | None = None
        self._known_loaded = False
        self._saved_here: int | None = None
        self._first_run = True
        self._backfill: _BackfillPlan | None = None

    async def run(self, context: SourceContext) -> None:
        profiles = self._profile_cache(context.http)
        saved = parse_cursor(await context.load_cursor())
        if not self._known_loaded or saved != self._saved_here:
            # First run, or another process led this source meanwhile and stored posts.
            self.known.clear()
            await load_known(context.db, context.wall.id, self.known)
            self._known_loaded = True
        if self._origin_us is None:
            # Where this process first connected: a stream that drops before its first save
            # resumes from here, not at the live tail.
            self._origin_us = saved if saved is not None else _now_us()
        start = saved if saved is not None else self._origin_us
        position = Position(saved)
        self._plan_backfill(saved, start)
        self._first_run = False
        backfilling = self._start_backfill(context, profiles)
        matcher = TagMatcher(context.wall.hashtags, match_particles=context.wall.match_particles)
        consumer = Consumer(
            context,
            FirehoseFilter(matcher, self.known),
            known=self.known,
            profiles=profiles,
            recent=self.recent,
            position=position,
            cdn_url=self.options.cdn_url,
            tuning=self.timeouts.consumer,
        )
        try:
            async with open_jetstream(
                self.options.jetstream_url,
                start - self._rewind_us,
                user_agent=context.http.headers.get("user-agent"),
                open_timeout=self.timeouts.open,
                ping_interval=self.timeouts.ping_interval,
                ping_timeout=self.timeouts.ping_timeout,
            ) as stream:
                await consumer.consume(stream)
        finally:
            self._saved_here = position.saved_us
            if backfilling is not None:
                backfilling.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await backfilling

    @property
    def _rewind_us(self) -> int:
        return int(self.options.rewind_seconds * 1_000_000)

    def _plan_backfill(self, saved_us: int | None, start_us: int) -> None:
        """Search on the first run (since the saved cursor, or the newest pages when there is
        none), and again after a gap longer than LONG_GAP_SECONDS; an unfinished one stays."""
        if self.keeper is None or self._backfill is not None:
            return
        if self._first_run:
            self._backfill = _BackfillPlan(self._since(saved_us))
        elif _now_us() - start_us > LONG_GAP_SECONDS * 1_000_000:
            self._backfill = _BackfillPlan(self._since(start_us))

    def _since(self, time_us: int | None) -> datetime | None:
        if time_us is None:
            return None
        return datetime.fromtimestamp((time_us - self._rewind_us) / 1_000_000, UTC)

    def _start_backfill(
        self, context: SourceContext, profiles: ProfileCache
    ) -> asyncio.Task[None] | None:
        if self._backfill is None:
            return None
        return asyncio.create_task(
            self._run_backfill(context, profiles, self._backfill), name=f"{context.key}-backfill"
        )

    async def _run_backfill(
        self, context: SourceContext, profiles: ProfileCache, plan: _BackfillPlan
    ) -> None:
        """Search until it succeeds once, beside the live stream; never takes the source down."""
        assert self.keeper is not None
        tags = wall_tag_bodies(context.wall.hashtags)
        attempt = 0
        while True:
            try:
                stored = await backfill(
                    context,
                    context.http,
                    pds_url=self.options.pds_url,
                    cdn_url=self.options.cdn_url,
                    keeper=self.keeper,
                    profiles=profiles,
                    tags=tags,
                    since=plan.since,
                    remember=self._remember,
                )
            except SourceAuthError as error:
                context.skip("search backfill refused", str(error))
                self._backfill = None
                return
            except SourceError as error:
                context.skip("search backfill failed", str(error))
                await asyncio.sleep(self.timeouts.backfill_retry.delay(attempt, error))
                attempt += 1
                continue
            logger.info("source %s: search backfill stored %d post(s)", context.key, stored)
            self._backfill = None
            return

    def _remember(self, post: IncomingPost) -> None:
        location = split_at_uri(post.external_id)
        if location is not None:
            self.known.add(post.external_id, location[0])

    def _profile_cache(self, http: httpx.AsyncClient) -> ProfileCache:
        if self._profiles is None:
            appview = Xrpc(http, self.options.appview_url, timeout=self.timeouts.profiles)

            async def fetch(dids: Sequence[str]) -> list[Profile]:
                return await get_profiles(appview, dids)

            self._profiles = ProfileCache(fetch)
        return self._profiles

    async def check(self, http: httpx.AsyncClient) -> str:
        """Receive one Jetstream event, look up one profile, sign in when configured."""
        url = self.options.jetstream_url
        started = time.monotonic()
        async with open_jetstream(
            url,
            None,
            user_agent=http.headers.get("user-agent"),
            open_timeout=self.timeouts.open,
            ping_interval=None,
            ping_timeout=None,
        ) as stream:
            raw = await stream.receive(self.timeouts.check)
        if raw is None:
            raise SourceUnavailable(
                f"Jetstream {url} accepted the connection but sent no event within "
                f"{self.timeouts.check:.0f} s"
            )
        parts = [f"Jetstream streaming (first event after {time.monotonic() - started:.1f} s)"]
        did = _did_of(raw) or BLUESKY_DID
        appview = Xrpc(http, self.options.appview_url, timeout=self.timeouts.check)
        found = await get_profiles(appview, [did])
        parts.append(f"AppView {self.options.appview_url} profiles OK ({len(found)} found)")
        if self.keeper is not None:
            session = await self.keeper.signed_in(Xrpc(http, self.options.pds_url))
            who = usable_handle(session.handle) or session.did or self.keeper.identifier
            parts.append(f"search backfill signed in as @{who}")
        else:
            parts.append("no search backfill (identifier and app_password_env not set)")
        return "; ".join(parts)


def _did_of(raw: bytes) -> str | None:
    try:
        event: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    did = event.get("did") if isinstance(event, dict) else None
    return did if valid_did(did) else None
