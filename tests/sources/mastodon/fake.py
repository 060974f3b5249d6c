"""A local Mastodon speaking the real protocols, with switches for every failure we must survive.

- REST (Starlette on uvicorn): `GET /api/v2/instance`, `/api/v1/instance`,
  `/api/v1/apps/verify_credentials`, `/api/v1/timelines/tag/{tag}` with `any[]`, `limit`, `min_id`,
  `max_id`, `since_id` as https://docs.joinmastodon.org/methods/timelines/#tag describes (newest
  first; a `Link` header that drops `any[]`, as real servers do; `X-RateLimit-*` headers), and the
  SSE stream `GET /api/v1/streaming/hashtag?tag=` (https://docs.joinmastodon.org/methods/streaming/).
- WebSocket streaming (`websockets.serve`, on its own port, advertised as
  `configuration.urls.streaming` like instances with a separate streaming host): subscribe
  messages, `{"stream", "event", "payload": "<JSON string>"}` frames, 401 for a bad token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as WsRequest
from websockets.http11 import Response as WsResponse

from tests.support import serve_asgi

FIXTURES = Path(__file__).parent / "fixtures"
FIRST_ID = 109348677773283527
REST_FAULTS = (
    "401",
    "403",
    "404",
    "429",
    "500",
    "timeout",
    "malformed",
    "truncated",
    "drop",
    "empty",
    "enormous",
    "many",
)
STREAM_FAULTS = ("drop", "truncated", "malformed", "enormous", "close", "hang", "error-frame")


def template() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "status_images.json").read_text("utf-8"))
    return data


def instance_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "instance_v2.json").read_text("utf-8"))
    return data


@dataclass(eq=False)
class Subscriber:
    tags: set[str] = field(default_factory=set)
    queue: asyncio.Queue[tuple[str, str, str] | None] = field(default_factory=asyncio.Queue)


class FakeMastodon:
    def __init__(self, *, token: str = "good-token", require_token: bool = False) -> None:
        self.token = token
        self.require_token = require_token
        self.statuses: list[dict[str, Any]] = []
        self.next_id = FIRST_ID
        self.faults: list[str] = []
        self.stream_faults: list[str] = []
        self.hold: asyncio.Event | None = None
        self.ws_connections: set[ServerConnection] = set()
        self.instance = instance_document()
        self.instance_versions = {1, 2}
        self.rate_limit_remaining: int | None = None
        self.requests: list[Request] = []
        self.timeline_requests: list[dict[str, list[str]]] = []
        self.websocket_headers: list[dict[str, str]] = []
        self.subscribers: set[Subscriber] = set()
        self.connections = 0
        self.changed = asyncio.Condition()
        self.release = asyncio.Event()
        self.url = ""
        self.ws_url = ""
        self.app = Starlette(
            routes=[
                Route("/api/v2/instance", self._instance_v2),
                Route("/api/v1/instance", self._instance_v1),
                Route("/api/v1/apps/verify_credentials", self._verify_credentials),
                Route("/api/v1/timelines/tag/{tag}", self._tag_timeline),
                Route("/api/v1/streaming/hashtag", self._sse),
            ]
        )

    # --- the network's content ------------------------------------------------------------------

    def status(
        self, text: str = "", *, tags: tuple[str, ...] = ("서울소셜컨퍼런스",), **extra: Any
    ) -> dict[str, Any]:
        """A new status shaped like the fixture, with the next id."""
        status = template()
        status_id = str(self.next_id)
        self.next_id += 1
        links = " ".join(
            f'<a href="https://social.example.kr/tags/{tag}" class="mention hashtag" '
            f'rel="tag">#<span>{tag}</span></a>'
            for tag in tags
        )
        status.update(
            id=status_id,
            uri=f"https://social.example.kr/users/yeonsil/statuses/{status_id}",
            url=f"https://social.example.kr/@yeonsil/{status_id}",
            content=f"<p>{text or 'post ' + status_id} {links}</p>",
            tags=[{"name": tag, "url": f"https://social.example.kr/tags/{tag}"} for tag in tags],
            media_attachments=[],
        )
        status.update(extra)
        return status

    async def publish(self, status: dict[str, Any], *, stream: bool = True) -> str:
        self.statuses.append(status)
        if stream:
            self._push("update", json.dumps(status, ensure_ascii=False), self._tags_of(status))
        async with self.changed:
            self.changed.notify_all()
        return str(status["id"])

    async def post(self, count: int = 1, *, stream: bool = True, **kwargs: Any) -> list[str]:
        return [await self.publish(self.status(**kwargs), stream=stream) for _ in range(count)]

    def edit(
        self, status_id: str, text: str, *, tags: tuple[str, ...] = ("서울소셜컨퍼런스",)
    ) -> None:
        index = next(i for i, s in enumerate(self.statuses) if s["id"] == status_id)
        old = self.statuses[index]
        edited = self.status(text, tags=tags, id=status_id, url=old["url"], uri=old["uri"])
        self.next_id -= 1
        edited["edited_at"] = "2017-11-10T01:30:00.000Z"
        self.statuses[index] = edited
        self._push("status.update", json.dumps(edited, ensure_ascii=False), self._tags_of(old))

    def delete(self, status_id: str) -> None:
        status = next(s for s in self.statuses if s["id"] == status_id)
        self.statuses.remove(status)
        self._push("delete", status_id, self._tags_of(status))

    @staticmethod
    def _tags_of(status: dict[str, Any]) -> set[str]:
        return {tag["name"].lower() for tag in status.get("tags") or ()}

    def _push(self, event: str, payload: str, tags: set[str]) -> None:
        for subscriber in self.subscribers:
            for tag in sorted(subscriber.tags & tags):
                subscriber.queue.put_nowait((event, payload, tag))

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(predicate), timeout)

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    # --- REST -----------------------------------------------------------------------------------

    def _authorised(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization")
        if header is None and not self.require_token:
            return None
        if header == f"Bearer {self.token}":
            return None
        return JSONResponse({"error": "The access token is invalid"}, status_code=401)

    async def _instance_v2(self, request: Request) -> Response:
        if 2 not in self.instance_versions:
            return JSONResponse({"error": "Record not found"}, status_code=404)
        return JSONResponse(self.instance)

    async def _instance_v1(self, request: Request) -> Response:
        if 1 not in self.instance_versions:
            return JSONResponse({"error": "Record not found"}, status_code=404)
        v1: dict[str, Any] = json.loads((FIXTURES / "instance_v1.json").read_text("utf-8"))
        v1["urls"]["streaming_api"] = self.instance["configuration"]["urls"]["streaming"]
        return JSONResponse(v1)

    async def _verify_credentials(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused or "Authorization" not in request.headers:
            return refused or JSONResponse({"error": "The access token is invalid"}, 401)
        return JSONResponse({"name": "Sotong", "website": None, "scopes": ["read:statuses"]})

    async def _tag_timeline(self, request: Request) -> Response:
        self.requests.append(request)
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        params["tag"] = [request.path_params["tag"]]
        self.timeline_requests.append(params)
        await self._notify()
        if self.faults:
            return await self._fault(self.faults.pop(0))
        refused = self._authorised(request)
        if refused:
            return refused
        tags = {request.path_params["tag"].lower(), *(t.lower() for t in params.get("any[]", []))}
        matching = sorted(
            (s for s in self.statuses if self._tags_of(s) & tags), key=lambda s: int(s["id"])
        )
        limit = min(int(params.get("limit", ["20"])[0]), 40)
        if "min_id" in params:
            floor = int(params["min_id"][0])
            page = [s for s in matching if int(s["id"]) > floor][:limit]
        else:
            if "since_id" in params:
                matching = [s for s in matching if int(s["id"]) > int(params["since_id"][0])]
            if "max_id" in params:
                matching = [s for s in matching if int(s["id"]) < int(params["max_id"][0])]
            page = matching[-limit:]
        page.reverse()
        headers = self._rate_limit_headers()
        if page:
            base = f"{self.url}/api/v1/timelines/tag/{quote(request.path_params['tag'])}"
            headers["Link"] = (
                f'<{base}?max_id={page[-1]["id"]}>; rel="next", '
                f'<{base}?min_id={page[0]["id"]}>; rel="prev"'
            )
        return JSONResponse(page, headers=headers)

    def _rate_limit_headers(self) -> dict[str, str]:
        if self.rate_limit_remaining is None:
            return {}
        self.rate_limit_remaining = max(self.rate_limit_remaining - 1, 0)
        reset = (datetime.now(UTC) + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(self.rate_limit_remaining),
            "X-RateLimit-Reset": reset,
        }

    async def _fault(self, fault: str) -> Response:
        error = {"error": "fault"}
        if fault in ("401", "403", "404", "500"):
            return JSONResponse(error, status_code=int(fault))
        if fault == "429":
            return JSONResponse(error, status_code=429, headers={"Retry-After": "30"})
        if fault == "timeout":
            await self.release.wait()
            return JSONResponse([])
        if fault == "malformed":
            return Response(b'[{"id": "1", "content": ', media_type="application/json")
        if fault == "empty":
            return JSONResponse([])
        if fault == "many":
            return Response(
                b"[" + b",".join([b"{}"] * 100_000) + b"]", media_type="application/json"
            )
        if fault in ("truncated", "drop", "enormous"):
            return _BrokenBody(fault)
        raise AssertionError(f"unknown fault {fault}")

    # --- SSE streaming --------------------------------------------------------------------------

    async def _sse(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return JSONResponse({"error": "Missing access token"}, status_code=401)
        subscriber = Subscriber({request.query_params["tag"].lower()})
        self.subscribers.add(subscriber)
        self.connections += 1
        await self._notify()

        async def events() -> AsyncIterator[bytes]:
            try:
                yield b":)\n"
                while (item := await subscriber.queue.get()) is not None:
                    event, payload, _ = item
                    yield f"event: {event}\ndata: {payload}\n\n".encode()
                    yield b":thump\n"
            finally:
                self.subscribers.discard(subscriber)

        return StreamingResponse(events(), media_type="text/event-stream")

    # --- WebSocket streaming --------------------------------------------------------------------

    async def _ws_request(
        self, connection: ServerConnection, request: WsRequest
    ) -> WsResponse | None:
        self.websocket_headers.append(dict(request.headers.raw_items()))
        await self._notify()
        if self.stream_faults and self.stream_faults[0] == "hang":
            self.stream_faults.pop(0)
            await self.release.wait()
        if self.hold is not None:
            await self.hold.wait()
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return connection.respond(HTTPStatus.UNAUTHORIZED, '{"error":"Invalid access token"}')
        return None

    async def _ws_handler(self, connection: ServerConnection) -> None:
        subscriber = Subscriber()
        fault = self.stream_faults.pop(0) if self.stream_faults else None
        self.subscribers.add(subscriber)
        self.ws_connections.add(connection)
        self.connections += 1
        reader = asyncio.create_task(self._ws_read(connection, subscriber))
        try:
            if fault is not None:
                await self.wait_for(lambda: bool(subscriber.tags))
                await self._ws_fault(connection, fault)
                return
            while (item := await subscriber.queue.get()) is not None:
                event, payload, tag = item
                frame = {"stream": ["hashtag", tag], "event": event, "payload": payload}
                await connection.send(json.dumps(frame, ensure_ascii=False))
        except ConnectionClosed:
            pass
        finally:
            self.subscribers.discard(subscriber)
            self.ws_connections.discard(connection)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    def drop_streams(self) -> None:
        """Cut every WebSocket connection without a goodbye, like a network failure."""
        for connection in self.ws_connections:
            connection.transport.abort()

    def subscribed(self, *tags: str) -> bool:
        wanted = {tag.lower() for tag in tags}
        return any(wanted <= subscriber.tags for subscriber in self.subscribers)

    async def _ws_read(self, connection: ServerConnection, subscriber: Subscriber) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for message in connection:
                request = json.loads(message)
                if request.get("type") == "subscribe" and request.get("stream") == "hashtag":
                    subscriber.tags.add(str(request["tag"]).lower())
                    await self._notify()

    async def _ws_fault(self, connection: ServerConnection, fault: str) -> None:
        if fault == "drop":
            connection.transport.abort()
        elif fault == "truncated":
            # A text frame announcing 100 bytes, of which 10 arrive before the line goes dead.
            connection.transport.write(b"\x81\x64" + b'{"event":"')
            connection.transport.abort()
        elif fault == "malformed":
            await connection.send('{"stream": ["hashtag"], "event": "update", "payload": "{\\"id')
        elif fault == "error-frame":
            await connection.send('{"error": "Unknown stream type", "status": 400}')
        elif fault == "enormous":
            await connection.send("x" * (1024 * 1024))
        elif fault == "close":
            await connection.close()
        await connection.wait_closed()

    # --- life cycle -----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FakeMastodon]:
        async with serve_asgi(self.app) as url:
            self.url = url
            ws_server: Server = await serve(
                self._ws_handler,
                "127.0.0.1",
                0,
                process_request=self._ws_request,
                max_size=None,
            )
            port = next(iter(ws_server.sockets)).getsockname()[1]
            self.ws_url = f"ws://127.0.0.1:{port}"
            self.instance["configuration"]["urls"]["streaming"] = self.ws_url
            try:
                yield self
            finally:
                self.release.set()
                for subscriber in self.subscribers:
                    subscriber.queue.put_nowait(None)
                ws_server.close()
                await ws_server.wait_closed()


class _BrokenBody(Response):
    """Bodies a plain Response cannot send: cut short, dropped mid-way, or enormous."""

    def __init__(self, fault: str) -> None:
        super().__init__()
        self.fault = fault

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = json.dumps([template()] * 3).encode()
        headers = [(b"content-type", b"application/json")]
        if self.fault == "truncated":
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if self.fault == "enormous":
            chunk = b'{"id": "1", "content": "' + b"x" * (1024 * 1024) + b'"},'
            await send({"type": "http.response.body", "body": b"[", "more_body": True})
            for _ in range(20):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"{}]", "more_body": False})
            return
        await send(
            {"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True}
        )
        raise ConnectionAbortedError("the fake drops the connection mid-body")
