"""A fake Bluesky on loopback: Jetstream over WebSocket, and an AppView/PDS/CDN over HTTP.

The Jetstream side speaks `/subscribe` as the real one does: text frames of JSON events, replay
from `?cursor=` (events with `time_us` >= cursor), then the live tail. Both sides have a `fault`
switch for the shared failure table.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request as WsRequest
from websockets.http11 import Response as WsResponse

from tests.support import serve_asgi

FIXTURES = Path(__file__).with_name("fixtures")
ENORMOUS_BYTES = 20 * 1024 * 1024
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
STATUS_FAULTS = {"401": 401, "403": 403, "404": 404, "429": 429, "500": 500}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def event(name: str) -> dict[str, Any]:
    events: dict[str, dict[str, Any]] = fixture("jetstream_events.json")
    return copy.deepcopy(events[name])


def post_event(
    did: str, rkey: str, text: str, *, operation: str = "create", cid: str | None = None
) -> dict[str, Any]:
    """A Jetstream post commit in the fixtures' shape, with other text and keys."""
    base = event("create_record_tags")
    base["did"] = did
    record = base["commit"]["record"]
    record.pop("tags")
    record["text"] = text
    base["commit"].update(rkey=rkey, operation=operation, cid=cid or f"bafyrei{rkey.lower()}")
    if operation == "delete":
        del base["commit"]["record"], base["commit"]["cid"]
    return base


def _now_us() -> int:
    return time.time_ns() // 1000


class FakeJetstream:
    def __init__(self) -> None:
        self.frames: list[tuple[int, str]] = []
        self.fault: str | None = None
        self.drop_after = 2
        self.connections: list[dict[str, list[str]]] = []
        self.attempts = 0
        self.changed = asyncio.Condition()
        self._changed = asyncio.Event()
        self._release = asyncio.Event()
        self._server: Server | None = None
        self.url = ""

    async def publish(self, payload: dict[str, Any]) -> int:
        """Send an event to every subscriber (stamped with a fresh `time_us`)."""
        time_us = max(_now_us(), self.frames[-1][0] + 1 if self.frames else 0)
        if "time_us" in payload:
            payload = {**payload, "time_us": time_us}
        await self.publish_raw(orjson.dumps(payload).decode(), time_us)
        return time_us

    async def publish_raw(self, frame: str, time_us: int | None = None) -> None:
        if time_us is None:
            time_us = max(_now_us(), self.frames[-1][0] + 1 if self.frames else 0)
        self.frames.append((time_us, frame))
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def clear(self) -> None:
        self.fault = None
        self._release.set()
        self._release = asyncio.Event()

    async def until(self, predicate: Callable[[FakeJetstream], bool], timeout: float = 10) -> None:
        async with asyncio.timeout(timeout), self.changed:
            await self.changed.wait_for(lambda: predicate(self))

    async def _seen(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    @property
    def cursors(self) -> list[int | None]:
        return [int(q["cursor"][0]) if "cursor" in q else None for q in self.connections]

    async def _process_request(
        self, connection: ServerConnection, request: WsRequest
    ) -> WsResponse | None:
        self.attempts += 1
        await self._seen()
        if self.fault == "timeout":
            await self._release.wait()
        status = STATUS_FAULTS.get(self.fault or "")
        if status is None:
            return None
        response = connection.respond(HTTPStatus(status), f"fake Jetstream fault {status}\n")
        if status == 429:
            response.headers["Retry-After"] = "7"
        return response

    async def _handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query)
        self.connections.append(query)
        await self._seen()
        cursor = int(query["cursor"][0]) if "cursor" in query else None
        index = len(self.frames)
        if cursor is not None:
            index = next((i for i, (t, _) in enumerate(self.frames) if t >= cursor), index)
        fault, sent = self.fault, 0
        if fault == "malformed":
            for _ in range(60):
                await ws.send("{not json")
        if fault == "enormous":
            await ws.send('{"did":"' + "x" * ENORMOUS_BYTES + '"}')
        closed = asyncio.ensure_future(ws.wait_closed())
        try:
            while True:
                changed = self._changed
                while index < len(self.frames):
                    if fault in ("drop", "truncated") and sent >= self.drop_after:
                        self._cut(ws, fault)
                        return
                    await ws.send(self.frames[index][1])
                    index, sent = index + 1, sent + 1
                waiter = asyncio.ensure_future(changed.wait())
                await asyncio.wait({waiter, closed}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                if closed.done():
                    return
        finally:
            closed.cancel()

    @staticmethod
    def _cut(ws: ServerConnection, fault: str) -> None:
        if fault == "truncated":
            # A text frame header announcing 1,000 bytes, then only a few of them.
            ws.transport.write(b"\x81\x7e\x03\xe8" + b'{"did":"did:plc:')
            ws.transport.close()
        else:
            ws.transport.abort()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FakeJetstream]:
        async with serve(
            self._handler, "127.0.0.1", 0, process_request=self._process_request, max_size=None
        ) as server:
            self._server = server
            port = next(iter(server.sockets)).getsockname()[1]
            self.url = f"ws://127.0.0.1:{port}/subscribe"
            try:
                yield self
            finally:
                self._release.set()
                server.close()


@dataclass
class FakeAppView:
    """getProfiles (AppView), createSession/refreshSession/searchPosts (PDS) and the image CDN."""

    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    search_pages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fault: str | None = None
    fault_on: str = "getProfiles"
    password: str = "app-pass-word-1234"
    profile_calls: list[list[str]] = field(default_factory=list)
    search_calls: list[dict[str, list[str]]] = field(default_factory=list)
    session_calls: int = 0
    refresh_calls: int = 0
    valid_access: set[str] = field(default_factory=set)
    expire_before_search: set[int] = field(default_factory=set)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""

    def __post_init__(self) -> None:
        for profile in fixture("get_profiles.json")["profiles"]:
            self.profiles.setdefault(profile["did"], profile)

    def clear(self) -> None:
        self.fault = None
        self._release.set()
        self._release = asyncio.Event()

    async def until(self, predicate: Callable[[FakeAppView], bool], timeout: float = 10) -> None:
        async with asyncio.timeout(timeout), self.changed:
            await self.changed.wait_for(lambda: predicate(self))

    async def _seen(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def _fault(self, method: str) -> Response | None:
        if self.fault is None or self.fault_on != method:
            return None
        fault = self.fault
        if fault == "timeout":
            await self._release.wait()
            return None
        if fault in STATUS_FAULTS:
            status = STATUS_FAULTS[fault]
            headers = {"Retry-After": "7"} if status == 429 else {}
            body = {"error": "RateLimitExceeded" if status == 429 else "Fault", "message": fault}
            return JSONResponse(body, status_code=status, headers=headers)
        if fault == "malformed":
            return Response(b'{"profiles": [', media_type="application/json")
        if fault == "truncated":
            return Response(
                b'{"profiles": []',
                media_type="application/json",
                headers={"Content-Length": "4000"},
            )
        if fault == "drop":

            async def cut() -> AsyncIterator[bytes]:
                yield b'{"profiles": ['
                raise ConnectionResetError("fake drop mid-body")

            return StreamingResponse(cut(), media_type="application/json")
        if fault == "enormous":

            async def flood() -> AsyncIterator[bytes]:
                yield b'{"posts": ['
                chunk = b'{"uri": "x"},' * 8192
                for _ in range(ENORMOUS_BYTES // len(chunk) + 1):
                    yield chunk
                yield b"{}]}"

            return StreamingResponse(flood(), media_type="application/json")
        if fault == "empty":
            key = "profiles" if method == "getProfiles" else "posts"
            return JSONResponse({key: []})
        raise AssertionError(f"unknown fault {fault}")

    async def get_profiles(self, request: Request) -> Response:
        actors = request.query_params.getlist("actors")
        self.profile_calls.append(actors)
        await self._seen()
        if (faulty := await self._fault("getProfiles")) is not None:
            return faulty
        if len(actors) > 25:
            return JSONResponse({"error": "InvalidRequest", "message": "too many"}, 400)
        found = [self.profiles[did] for did in actors if did in self.profiles]
        return JSONResponse({"profiles": found})

    async def create_session(self, request: Request) -> Response:
        self.session_calls += 1
        await self._seen()
        if (faulty := await self._fault("createSession")) is not None:
            return faulty
        body = await request.json()
        if body.get("password") != self.password:
            return JSONResponse(
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
                401,
            )
        return JSONResponse(self._new_session(f"access-{self.session_calls}"))

    async def refresh_session(self, request: Request) -> Response:
        self.refresh_calls += 1
        if request.headers.get("authorization", "").startswith("Bearer refresh-"):
            return JSONResponse(self._new_session(f"access-r{self.refresh_calls}"))
        return JSONResponse({"error": "ExpiredToken", "message": "Token has expired"}, 400)

    def _new_session(self, access: str) -> dict[str, Any]:
        session: dict[str, Any] = fixture("create_session.json")
        session["accessJwt"] = access
        session["refreshJwt"] = f"refresh-{access}"
        self.valid_access.add(access)
        return session

    async def search_posts(self, request: Request) -> Response:
        params = {key: request.query_params.getlist(key) for key in request.query_params}
        self.search_calls.append(params)
        await self._seen()
        if len(self.search_calls) in self.expire_before_search:
            self.valid_access.clear()
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.valid_access:
            return JSONResponse({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        if (faulty := await self._fault("searchPosts")) is not None:
            return faulty
        pages = self.search_pages.get(params["tag"][0], [])
        page = int(params.get("cursor", ["0"])[0])
        if page >= len(pages):
            return JSONResponse({"posts": []})
        return JSONResponse(pages[page])

    async def image(self, request: Request) -> Response:
        return Response(TINY_PNG, media_type="image/png")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/xrpc/app.bsky.actor.getProfiles", self.get_profiles),
                Route(
                    "/xrpc/com.atproto.server.createSession", self.create_session, methods=["POST"]
                ),
                Route(
                    "/xrpc/com.atproto.server.refreshSession",
                    self.refresh_session,
                    methods=["POST"],
                ),
                Route("/xrpc/app.bsky.feed.searchPosts", self.search_posts),
                Route("/img/{path:path}", self.image),
            ]
        )

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FakeAppView]:
        async with serve_asgi(self.app()) as url:
            self.url = url
            try:
                yield self
            finally:
                self._release.set()
