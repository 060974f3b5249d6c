"""The ASGI application, built from settings by `create_app`; nothing is built at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from sotong import __version__
from sotong.clock import utc_now
from sotong.config import ConfigError, RuleSettings, Settings
from sotong.contest.runtime import ContestRuntime
from sotong.display.actions import DisplayActions
from sotong.display.presence import ScreenPresence
from sotong.domain import StoredEvent, Wall
from sotong.live.bus import Bus, MemoryBus
from sotong.live.hub import LiveHub
from sotong.live.redis_bus import RedisBus
from sotong.media.fetch import fetch_client
from sotong.media.pool import MediaPool
from sotong.media.remote import RemoteMedia
from sotong.metrics import Metrics
from sotong.moderation.bans import Bans
from sotong.moderation.decisions import Decisions
from sotong.moderation.history import History
from sotong.pipeline.ingest import IngestPipeline
from sotong.pipeline.media import MediaStep
from sotong.pipeline.rules import RulesFor, RulesStep
from sotong.registry import WallRegistry
from sotong.sources.base import Source, SourceContext, SourceSupervisor
from sotong.sources.http import http_client
from sotong.sources.leadership import Leadership, PostgresLeadership, SoleLeadership
from sotong.sources.registry import (
    ConfiguredSource,
    SourceTableError,
    runnable_sources,
    wall_sources,
)
from sotong.store.database import Database
from sotong.store.posts import pending_counts
from sotong.store.walls import WallRecord, sync_walls
from sotong.web import api, contest_public, health, pages, uploads
from sotong.web.console import agenda as console_agenda
from sotong.web.console import audit as console_audit
from sotong.web.console import contest_desk, contest_judging, contests
from sotong.web.console import display as console_display
from sotong.web.console import live as console_live
from sotong.web.console import moderation_api as console_moderation
from sotong.web.console import queue as console_queue
from sotong.web.console import routes as console
from sotong.web.console import rules as console_rules
from sotong.web.console import screens as console_screens
from sotong.web.console import tokens as console_tokens
from sotong.web.console import walls as console_walls
from sotong.web.console.session import LoginRequired, login_url
from sotong.web.cors import PublicReadCorsMiddleware
from sotong.web.errors import install_error_handlers
from sotong.web.limits import BodyLimitMiddleware
from sotong.web.policy import policy
from sotong.web.rate_limit import UploadGuard
from sotong.web.responses import JSONResponse
from sotong.web.security import SecurityHeadersMiddleware
from sotong.web.services import Services

logger = logging.getLogger("sotong")
Run = tuple[Source, SourceContext]


def configured_sources(
    settings: Settings, config_name: str = "config", env: Mapping[str, str] | None = None
) -> list[ConfiguredSource]:
    """Every enabled source of the config file's walls, built; a bad table raises ConfigError
    naming it."""
    env = os.environ if env is None else env
    found = []
    for wall_index, wall in enumerate(settings.walls):
        try:
            found += wall_sources(wall, env)
        except SourceTableError as error:
            raise ConfigError(
                config_name, f"walls[{wall_index}].{error.location}", error.problem
            ) from None
    return found


def rules_of(registry: WallRegistry) -> RulesFor:
    def rules_for(wall: Wall) -> RuleSettings:
        record = registry.by_id(wall.id)
        return record.settings.rules if record else RuleSettings()

    return rules_for


def build_bus(settings: Settings) -> Bus:
    url = settings.storage.broker_url
    return RedisBus(url) if url else MemoryBus()


def gauges_refresher(
    services: Services, supervisor: SourceSupervisor
) -> Callable[[], Awaitable[None]]:
    async def refresh() -> None:
        metrics = services.metrics
        metrics.viewers.set(services.hub.viewer_count)
        metrics.source_up.clear()
        for key, source_health in supervisor.health.items():
            state = source_health.state
            metrics.source_up.labels(key, state).set(1 if state == "up" else 0)
        async with services.db.read() as connection:
            waiting = await pending_counts(connection)
        metrics.queue_depth.clear()
        for wall in services.walls.values():
            metrics.queue_depth.labels(wall.slug).set(waiting.get(wall.id, 0))

    return refresh


def build_leadership(db: Database) -> Leadership:
    if db.dialect == "postgresql":
        return PostgresLeadership(db.plain_url)
    return SoleLeadership()


def _hoist_schema_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """Request bodies read by hand carry their own `$defs`; OpenAPI wants them under components."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                components.update(media.get("schema", {}).pop("$defs", {}))
    return schema


def build_media_step(
    settings: Settings, db: Database, pool: MediaPool, client: httpx.AsyncClient, metrics: Metrics
) -> MediaStep:
    media = settings.media
    remote = (
        RemoteMedia(
            pool,
            settings.storage.media_dir,
            client,
            timeout=media.fetch_timeout_seconds,
            max_bytes=media.max_bytes,
            metrics=metrics,
        )
        if media.cache_remote
        else None
    )
    return MediaStep(
        db,
        remote,
        near_duplicate_distance=media.near_duplicate_distance,
        near_duplicate_window=media.near_duplicate_window,
    )


@policy("public")
async def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=308)


def create_app(settings: Settings) -> FastAPI:
    db = Database(settings.storage.database_url)
    bus = build_bus(settings)
    metrics = Metrics()
    hub = LiveHub(db, queue_size=settings.live.viewer_queue_size, metrics=metrics)
    media_dir = settings.storage.media_dir
    media_dir.mkdir(parents=True, exist_ok=True)
    # Worker processes start with the first image, not here.
    pool = MediaPool(
        settings.media.workers or None,
        max_bytes=settings.media.max_bytes,
        max_pixels=settings.media.max_pixels,
    )
    fetcher = fetch_client(timeout=settings.media.fetch_timeout_seconds)
    registry = WallRegistry(db, bus)
    services = Services(
        settings=settings,
        registry=registry,
        db=db,
        bus=bus,
        hub=hub,
        pipeline=IngestPipeline(
            db,
            bus,
            metrics=metrics,
            media=build_media_step(settings, db, pool, fetcher, metrics),
            rules=RulesStep(rules_of(registry)),
        ),
        decisions=Decisions(db, bus),
        metrics=metrics,
        upload_guard=UploadGuard.from_settings(settings.uploads),
        bans=Bans(db, bus),
        history=History(db, bus),
        media=pool,
        display=DisplayActions(db, bus),
        presence=ScreenPresence(db),
    )
    contest = ContestRuntime.build(settings, db, bus)
    configured_sources(settings)  # a bad source table in the file stops the start, named

    def source_runs(record: WallRecord, http: httpx.AsyncClient) -> list[Run]:
        return [
            (
                configured.source,
                SourceContext(record.wall, configured.key, services.pipeline, db, media_dir, http),
            )
            for configured in runnable_sources(record.settings, os.environ)
        ]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await db.upgrade()
        async with db.write() as connection:
            await sync_walls(connection, settings.walls, utc_now())
        await registry.load()

        async def deliver(event: StoredEvent) -> None:
            await registry.observe(event)
            await hub.deliver(event)

        async def resync() -> None:
            await registry.refresh_all()
            await hub.catch_up()

        await bus.start(deliver, resync)
        http = http_client(settings)
        leadership = build_leadership(db)
        supervisor = SourceSupervisor(
            [run for record in registry.records() for run in source_runs(record, http)],
            leadership=leadership,
        )

        async def restart_sources(old: WallRecord | None, new: WallRecord | None) -> None:
            # Sources carry the wall (its hashtags and mode) and their own tables; branding,
            # rules and screens change nothing for them.
            if (
                old is not None
                and new is not None
                and old.wall == new.wall
                and old.settings.sources == new.settings.sources
            ):
                return
            slug = (new or old).wall.slug  # type: ignore[union-attr]
            await supervisor.replace_wall(slug, source_runs(new, http) if new else [])

        registry.on_change(restart_sources)
        app.state.supervisor = supervisor
        metrics.refresh_with(gauges_refresher(services, supervisor))
        supervisor.start()
        contest.start()
        heartbeats = asyncio.create_task(hub.send_heartbeats(settings.live.heartbeat_seconds))
        presence = services.presence
        assert presence is not None
        screens = asyncio.create_task(presence.run(), name="screen-presence")
        try:
            yield
        finally:
            heartbeats.cancel()
            await contest.stop()
            hub.close_all()
            screens.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await screens
            try:
                await presence.close()
            except Exception:
                logger.exception("could not clear this process's screens")
            await supervisor.stop()
            await services.pipeline.close()
            await pool.close(cancel_pending=True)
            await leadership.stop()
            await http.aclose()
            await fetcher.aclose()
            await bus.stop()
            await db.close()

    app = FastAPI(
        title="Sotong",
        version=__version__,
        summary="A live social wall: hashtag posts on the big screen within a second.",
        lifespan=lifespan,
        default_response_class=JSONResponse,
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.state.contest = contest
    app.state.templates = pages.build_templates()
    install_error_handlers(app)
    upload_limit = uploads.upload_body_limit(settings.media.max_bytes)

    def larger_body(method: str, path: str) -> int | None:
        if uploads.is_upload_request(method, path) or console_display.is_image_upload(method, path):
            return upload_limit
        if console_agenda.is_agenda_import(method, path):
            return console_agenda.IMPORT_BODY_BYTES
        return None

    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.server.max_body_bytes, larger_for=larger_body
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(PublicReadCorsMiddleware)
    app.include_router(api.router)
    app.include_router(uploads.router)
    app.include_router(console.router)
    app.include_router(console_walls.router)
    app.include_router(console_rules.router)
    app.include_router(console_tokens.router)
    app.include_router(console_live.router)
    for router in (contests.router, contest_judging.router, contest_desk.router):
        app.include_router(router)
    app.include_router(contest_public.api)
    app.include_router(contest_public.pages)
    app.include_router(console_display.router)
    app.include_router(console_agenda.router)
    app.include_router(console_screens.router)
    app.include_router(console_moderation.router)
    app.include_router(console_queue.router)
    app.include_router(console_audit.router)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(pages.api_docs_router(app.openapi_url or "/openapi.json"))
    app.mount("/static", pages.RevalidatedStaticFiles(directory=pages.STATIC_DIR), name="static")
    app.mount("/media", StaticFiles(directory=media_dir), name="media")
    app.add_api_route("/favicon.ico", favicon, include_in_schema=False)

    async def to_login(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        return RedirectResponse(login_url(exc.next_url), status_code=303)

    app.add_exception_handler(LoginRequired, to_login)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _hoist_schema_definitions(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
