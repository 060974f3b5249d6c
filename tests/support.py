"""Shared test machinery: settings, a running app, a real server on loopback, an SSE reader."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvicorn
from fastapi import FastAPI

from sotong.app import create_app
from sotong.config import (
    LiveSettings,
    ServerSettings,
    Settings,
    SourceSettings,
    StorageSettings,
    WallSettings,
)
from sotong.domain import Role, TokenScope
from sotong.store import tokens
from sotong.store.database import Database
from sotong.store.walls import get_wall

SEED_TAGS = ["#2017서울소통컨퍼런스", "#서울소셜컨퍼런스"]


def make_settings(
    database_url: str,
    media_dir: Path,
    *,
    moderation: str = "post",
    match_particles: bool = False,
    sources: list[SourceSettings] | None = None,
    live: LiveSettings | None = None,
) -> Settings:
    return Settings(
        server=ServerSettings(),
        storage=StorageSettings(database_url=database_url, media_dir=media_dir),
        live=live or LiveSettings(heartbeat_seconds=15),
        walls=[
            WallSettings(
                slug="seoul2017",
                title="2017 서울소통컨퍼런스",
                hashtags=SEED_TAGS,
                moderation=moderation,  # type: ignore[arg-type]
                match_particles=match_particles,
                sources=sources or [],
            ),
            WallSettings(slug="other", title="Other wall", hashtags=["#other"], moderation="post"),
        ],
    )


async def make_token(app: FastAPI, slug: str, scope: TokenScope, name: str = "test") -> str:
    db: Database = app.state.services.db
    async with db.write() as connection:
        wall = await get_wall(connection, slug)
        assert wall is not None
        from sotong.clock import utc_now

        _, value = await tokens.create_token(connection, wall.id, scope, name, utc_now())
    return value


@contextlib.asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


@contextlib.asynccontextmanager
async def serve_asgi(app: Any, *, lifespan: str = "off") -> AsyncIterator[str]:
    """An ASGI app served by uvicorn on a free loopback port in this event loop; yields its URL.

    Startup is awaited through an event, never by polling.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="critical",
        lifespan=lifespan,
        timeout_graceful_shutdown=1,  # type: ignore[arg-type]
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    ready = asyncio.create_task(server.ready.wait())
    done, _ = await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        ready.cancel()
        task.result()
        raise RuntimeError("the server stopped during startup")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class LiveServer:
    app: FastAPI
    url: str


@contextlib.asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """The Sotong app with its lifespan, served on a free loopback port in this event loop."""
    app = create_app(settings)
    async with serve_asgi(app, lifespan="on") as url:
        try:
            yield LiveServer(app, url)
        finally:
            # Open streams would hold the shutdown up; end them first, as `sotong serve` does.
            app.state.services.hub.close_all()


@dataclass
class SseEvent:
    id: str | None
    event: str
    data: str

    def json(self) -> Any:
        return orjson.loads(self.data)


class SseReader:
    """Reads Server-Sent Events from a streaming httpx response, per the WHATWG parsing rules."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.comments = 0
        self._lines = response.aiter_lines()

    async def next(self, timeout: float = 5.0) -> SseEvent:
        return await asyncio.wait_for(self._next(), timeout)

    async def next_comment(self, timeout: float = 5.0) -> str:
        async def read() -> str:
            async for line in self._lines:
                if line.startswith(":"):
                    return line
            raise EOFError("stream ended")

        return await asyncio.wait_for(read(), timeout)

    async def _next(self) -> SseEvent:
        event_id: str | None = None
        event_type = "message"
        data: list[str] = []
        async for line in self._lines:
            if line == "":
                if data:
                    return SseEvent(event_id, event_type, "\n".join(data))
                event_type = "message"
                continue
            if line.startswith(":"):
                self.comments += 1
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "id":
                event_id = value
            elif name == "event":
                event_type = value
            elif name == "data":
                data.append(value)
        raise EOFError("stream ended")


@contextlib.asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient, url: str, last_event_id: str | None = None
) -> AsyncIterator[SseReader]:
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    async with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200, response.status_code
        yield SseReader(response)


def ingest_body(
    external_id: str, text: str = "최고의 컨퍼런스! #2017서울소통컨퍼런스", **extra: Any
) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "author": {"name": "고연실", "handle": "@yeonsil"},
        "text": text,
        **extra,
    }


CONSOLE_PASSWORD = "console password 1"


@dataclass
class ConsoleUser:
    """A signed-in console user's browser: its cookie jar and the session's CSRF token."""

    client: httpx.AsyncClient
    csrf: str

    async def post_form(self, path: str, data: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(path, data={"csrf_token": self.csrf, **(data or {})})

    async def post_json(self, path: str, body: Any) -> httpx.Response:
        return await self.client.post(path, json=body, headers={"X-CSRF-Token": self.csrf})


def asgi_client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@contextlib.asynccontextmanager
async def console_user(
    app: FastAPI, role: Role = Role.OWNER, email: str | None = None, *, url: str | None = None
) -> AsyncIterator[ConsoleUser]:
    """A new console user of `role`, signed in through the login form; with `url`, over HTTP to
    that server (streams need a real server), else straight to the app."""
    from sotong.accounts.service import add_user
    from sotong.clock import utc_now

    email = email or f"{role.value}@example.org"
    db: Database = app.state.services.db
    await add_user(db, email, role, CONSOLE_PASSWORD, utc_now(), actor="test")
    client = httpx.AsyncClient(base_url=url, timeout=10) if url else asgi_client(app)
    async with client:
        signed_in = await client.post(
            "/admin/login", data={"email": email, "password": CONSOLE_PASSWORD}
        )
        assert signed_in.status_code == 303, signed_in.text
        page = (await client.get("/admin/password")).text
        marker = 'name="csrf_token" value="'
        start = page.index(marker) + len(marker)
        yield ConsoleUser(client, page[start : page.index('"', start)])
