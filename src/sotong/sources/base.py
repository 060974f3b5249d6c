"""What every connector shares: the Source protocol, three errors, and the supervisor.

Connectors only translate their network's failures into the errors below; the supervisor alone
decides about retries and backoff, and it reports each source's health.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from sotong.clock import Clock, utc_now
from sotong.domain import CursorUpdate, IncomingPost, IngestResult, Wall
from sotong.pipeline.ingest import IngestPipeline
from sotong.sources.leadership import Leadership, SoleLeadership
from sotong.store.cursors import load_cursor
from sotong.store.database import Database

logger = logging.getLogger("sotong.sources")


class SourceError(Exception):
    """Base of the errors a connector may raise."""


class SourceAuthError(SourceError):
    """The credentials were refused; retrying soon will not help."""


class SourceUnavailable(SourceError):
    """The network is down, slow or rate-limiting; try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SourceInvalidPayload(SourceError):
    """The network answered with something that is not what its API promises."""


@dataclass(slots=True)
class SourceHealth:
    state: Literal["standby", "starting", "up", "down", "stopped"] = "starting"
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    posts_today: int = 0
    day: str = ""
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
            "posts_today": self.posts_today,
            "skipped": dict(self.skipped),
        }


@dataclass(slots=True)
class SourceContext:
    """What a running source may use: its wall, the pipeline, its saved cursor, a media folder."""

    wall: Wall
    key: str
    pipeline: IngestPipeline
    db: Database
    media_dir: Path
    http: httpx.AsyncClient
    clock: Clock = utc_now
    health: SourceHealth = field(default_factory=SourceHealth)

    async def load_cursor(self) -> str | None:
        async with self.db.read() as connection:
            return await load_cursor(connection, self.wall.id, self.key)

    async def ingest(
        self, posts: Sequence[IncomingPost], *, cursor: CursorUpdate | None = None
    ) -> list[IngestResult]:
        results = await self.pipeline.ingest_batch(self.wall, posts, cursor=cursor)
        self.mark_success(sum(1 for result in results if result.created))
        return results

    async def remove(
        self, external_ids: Sequence[str], *, source: str, cursor: CursorUpdate | None = None
    ) -> int:
        """Posts deleted at the source (or by a deactivated account) leave every screen."""
        removed = await self.pipeline.remove_at_source(
            self.wall, source, external_ids, cursor=cursor
        )
        self.mark_success()
        return removed

    async def edit(
        self, posts: Sequence[IncomingPost], *, cursor: CursorUpdate | None = None
    ) -> int:
        changed = await self.pipeline.edit_at_source(self.wall, posts, cursor=cursor)
        self.mark_success()
        return changed

    def skip(self, reason: str, detail: object = None) -> None:
        """Count an item the source could not use; the first of each kind is logged."""
        count = self.health.skipped.get(reason, 0)
        if count == 0:
            logger.warning("source %s skipped an item: %s (%s)", self.key, reason, detail)
        self.health.skipped[reason] = count + 1

    def mark_success(self, new_posts: int = 0) -> None:
        now = self.clock()
        today = now.date().isoformat()
        if self.health.day != today:
            self.health.day, self.health.posts_today = today, 0
        self.health.posts_today += new_posts
        self.health.last_success = now
        if self.health.state != "up":
            if self.health.state == "down":
                logger.info("source %s is back up", self.key)
            self.health.state = "up"


class Source(Protocol):
    async def run(self, context: SourceContext) -> None:
        """Produce posts until cancelled; raise a SourceError when the network fails."""

    async def check(self, http: httpx.AsyncClient) -> str:
        """Try the credentials and the hashtag feed once: a short success message, or a
        SourceError whose message tells the operator what to fix."""


@dataclass(frozen=True, slots=True)
class SourceManifest:
    """What the registry, `sotong check` and the docs need to know about a connector."""

    type: str
    title: str
    push: bool
    docs_url: str
    build: Callable[[dict[str, Any], Mapping[str, str]], Source]


OptionsModel = TypeVar("OptionsModel", bound=BaseModel)


def parse_options(model: type[OptionsModel], options: dict[str, Any]) -> OptionsModel:
    """A connector's options, or a ValueError naming the key that is wrong."""
    try:
        return model.model_validate(options)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or "options"
        raise ValueError(f"{key}: {first['msg']}") from None


def secret_from_env(env: Mapping[str, str], variable: str | None, key: str) -> str | None:
    """The secret held by the environment variable an `*_env` option names."""
    if not variable:
        return None
    value = env.get(variable, "")
    if not value:
        raise ValueError(f"{key}: environment variable {variable} is not set")
    return value


@dataclass(frozen=True, slots=True)
class Backoff:
    initial: float = 1.0
    maximum: float = 300.0
    auth_failure: float = 600.0

    def delay(self, attempt: int, error: BaseException) -> float:
        if isinstance(error, SourceUnavailable) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.maximum)
        if isinstance(error, SourceAuthError):
            return self.auth_failure
        ceiling = min(self.maximum, self.initial * 2 ** min(attempt, 16))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


class SourceSupervisor:
    """Runs every source, each in its own task; the sources of one wall can be replaced while the
    others keep running (a wall edited in the console)."""

    def __init__(
        self,
        runs: Sequence[tuple[Source, SourceContext]],
        *,
        backoff: Backoff | None = None,
        leadership: Leadership | None = None,
    ):
        self._runs = list(runs)
        self._backoff = backoff or Backoff()
        self._leadership = leadership or SoleLeadership()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._started = False

    @property
    def health(self) -> dict[str, SourceHealth]:
        """Each source's health, named `wall/source`."""
        return {f"{context.wall.slug}/{context.key}": context.health for _, context in self._runs}

    def start(self) -> None:
        self._started = True
        for run in self._runs:
            self._start(run)

    def _start(self, run: tuple[Source, SourceContext]) -> None:
        source, context = run
        self._tasks[id(context)] = asyncio.create_task(
            self._lead(source, context), name=f"{context.wall.slug}/{context.key}"
        )

    async def replace_wall(
        self, wall_slug: str, runs: Sequence[tuple[Source, SourceContext]]
    ) -> None:
        """Stop the sources of a wall and run these instead (none: the wall stopped)."""
        leaving = [run for run in self._runs if run[1].wall.slug == wall_slug]
        await self._stop([context for _, context in leaving])
        self._runs = [run for run in self._runs if run[1].wall.slug != wall_slug] + list(runs)
        if self._started:
            for run in runs:
                self._start(run)

    async def stop(self) -> None:
        await self._stop([context for _, context in self._runs])
        self._started = False

    async def _stop(self, contexts: Sequence[SourceContext]) -> None:
        tasks = [self._tasks.pop(id(context)) for context in contexts if id(context) in self._tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for context in contexts:
            context.health.state = "stopped"

    async def _lead(self, source: Source, context: SourceContext) -> None:
        """Run the source while this process leads it; stand by while another process does."""
        while True:
            context.health.state = "standby"
            async with self._leadership.lead(f"{context.wall.slug}/{context.key}") as lost:
                context.health.state = "starting"
                running = asyncio.create_task(self._supervise(source, context))
                losing = asyncio.create_task(lost.wait())
                try:
                    done, _ = await asyncio.wait(
                        {running, losing}, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    for task in (running, losing):
                        task.cancel()
                    await asyncio.gather(running, losing, return_exceptions=True)
                if running in done:
                    return
            logger.warning("source %s: leadership lost; standing by", context.key)

    async def _supervise(self, source: Source, context: SourceContext) -> None:
        attempt = 0
        while True:
            success_before = context.health.last_success
            try:
                await source.run(context)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a failing source must never stop the server
                if context.health.state != "down":
                    unexpected = not isinstance(error, SourceError)
                    logger.warning("source %s is down: %s", context.key, error, exc_info=unexpected)
                context.health.state = "down"
                context.health.last_error = str(error) or type(error).__name__
                context.health.last_error_at = context.clock()
                if context.health.last_success != success_before:
                    attempt = 0
                await asyncio.sleep(self._backoff.delay(attempt, error))
                attempt += 1
