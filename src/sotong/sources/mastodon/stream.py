"""The streaming API: one multiplexed WebSocket, or one server-sent-event stream per tag.

https://docs.joinmastodon.org/methods/streaming/ : `wss://<streaming host>/api/v1/streaming` with
`{"type": "subscribe", "stream": "hashtag", "tag": "..."}` per tag, and as a fallback
`GET /api/v1/streaming/hashtag?tag=...` (SSE). Both need a user token since Mastodon 4.2; it goes in
the `Authorization` header, which the docs recommend over the `access_token` query parameter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosedError,
    ConnectionClosedOK,
    InvalidHandshake,
    InvalidStatus,
    WebSocketException,
)
from websockets.frames import CloseCode

from sotong.sources.base import (
    SourceAuthError,
    SourceError,
    SourceInvalidPayload,
    SourceUnavailable,
)
from sotong.sources.http import retry_after
from sotong.sources.mastodon.client import raise_for_status
from sotong.sources.mastodon.parse import SseParser, StreamEvent, parse_frame

STREAMING_PATH = "/api/v1/streaming"
MAX_EVENT_BYTES = 4 * 1024 * 1024
SSE_QUEUE = 256
WS_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
HTTP_SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


class StreamRefused(Exception):
    """The WebSocket handshake was refused for a reason other than credentials: try SSE."""


@dataclass(frozen=True, slots=True)
class StreamSettings:
    open_timeout: float = 15.0
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    # Mastodon writes a heartbeat comment every 15 s on SSE streams.
    sse_read_timeout: float = 60.0
    max_event_bytes: int = MAX_EVENT_BYTES


class EventStream(Protocol):
    transport: str

    def __aiter__(self) -> EventStream: ...

    async def __anext__(self) -> StreamEvent: ...

    async def aclose(self) -> None: ...


def _with_scheme(base: str, schemes: dict[str, str], path: str) -> str:
    parts = urlsplit(base)
    scheme = schemes.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        raise SourceUnavailable(f"the streaming URL {base!r} is not an http(s) or ws(s) URL")
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + path, "", ""))


def websocket_url(streaming_base: str) -> str:
    return _with_scheme(streaming_base, WS_SCHEMES, STREAMING_PATH)


def sse_url(streaming_base: str) -> str:
    return _with_scheme(streaming_base, HTTP_SCHEMES, STREAMING_PATH + "/hashtag")


class WebSocketEvents:
    transport = "WebSocket"

    def __init__(self, connection: ClientConnection, max_bytes: int) -> None:
        self._connection = connection
        self._max_bytes = max_bytes

    def __aiter__(self) -> WebSocketEvents:
        return self

    async def __anext__(self) -> StreamEvent:
        while True:
            try:
                message = await self._connection.recv()
            except ConnectionClosedOK:
                raise StopAsyncIteration from None
            except ConnectionClosedError as exc:
                if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
                    raise SourceInvalidPayload(
                        f"a stream message was larger than {self._max_bytes} bytes"
                    ) from exc
                raise SourceUnavailable(f"the WebSocket stream was cut: {exc}") from exc
            event = parse_frame(message)
            if event is not None:
                return event

    async def aclose(self) -> None:
        await self._connection.close()


async def open_websocket(
    url: str,
    tags: Sequence[str],
    *,
    token: str,
    token_env: str | None,
    user_agent: str | None,
    settings: StreamSettings,
) -> WebSocketEvents:
    """Connect, authenticate and subscribe to every tag."""
    try:
        connection = await connect(
            url,
            additional_headers={"Authorization": f"Bearer {token}"},
            user_agent_header=user_agent,
            open_timeout=settings.open_timeout,
            ping_interval=settings.ping_interval,
            ping_timeout=settings.ping_timeout,
            max_size=settings.max_event_bytes,
        )
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status == 401:
            raise SourceAuthError(
                f"the streaming server refused the access token in {token_env} (401): it may be "
                "revoked, mistyped or lack the read:statuses scope"
            ) from exc
        if status == 429:
            wait = retry_after(exc.response.headers.get("Retry-After"))
            raise SourceUnavailable(f"{url}: rate limited (429)", retry_after=wait) from exc
        raise StreamRefused(f"{url} refused the WebSocket with HTTP {status}") from exc
    except InvalidHandshake as exc:
        raise StreamRefused(f"{url} refused the WebSocket: {exc}") from exc
    except (OSError, TimeoutError, WebSocketException) as exc:
        raise SourceUnavailable(
            f"cannot open the stream {url}: {exc or type(exc).__name__}"
        ) from exc
    try:
        for tag in tags:
            subscribe = {"type": "subscribe", "stream": "hashtag", "tag": tag}
            await connection.send(orjson.dumps(subscribe).decode())
    except ConnectionClosedError as exc:
        raise SourceUnavailable(f"the WebSocket stream was cut: {exc}") from exc
    return WebSocketEvents(connection, settings.max_event_bytes)


class SseEvents:
    """Several SSE responses (one per tag) read into one queue; the first to fail or end wins."""

    transport = "SSE"

    def __init__(
        self, stack: AsyncExitStack, responses: list[tuple[str, httpx.Response]], max_bytes: int
    ) -> None:
        self._stack = stack
        self._queue: asyncio.Queue[StreamEvent | SourceError | None] = asyncio.Queue(SSE_QUEUE)
        self._tasks = [
            asyncio.create_task(self._pump(tag, response, max_bytes)) for tag, response in responses
        ]

    async def _pump(self, tag: str, response: httpx.Response, max_bytes: int) -> None:
        parser = SseParser(max_bytes)
        outcome: SourceError | None = None
        try:
            async for chunk in response.aiter_bytes():
                for event in parser.feed(chunk):
                    await self._queue.put(event)
        except httpx.ReadTimeout:
            outcome = SourceUnavailable(f"the #{tag} stream sent no heartbeat in time")
        except httpx.HTTPError as exc:
            outcome = SourceUnavailable(f"the #{tag} stream was cut: {type(exc).__name__}: {exc}")
        except SourceError as exc:
            outcome = exc
        await self._queue.put(outcome)

    def __aiter__(self) -> SseEvents:
        return self

    async def __anext__(self) -> StreamEvent:
        item = await self._queue.get()
        if item is None:
            raise StopAsyncIteration
        if isinstance(item, SourceError):
            raise item
        return item

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._stack.aclose()


async def open_sse(
    http: httpx.AsyncClient,
    url: str,
    tags: Sequence[str],
    *,
    token: str,
    token_env: str | None,
    settings: StreamSettings,
) -> SseEvents:
    """One `GET /api/v1/streaming/hashtag?tag=...` per tag, all open before this returns."""
    stack = AsyncExitStack()
    timeout = httpx.Timeout(settings.open_timeout, read=settings.sse_read_timeout)
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    responses = []
    try:
        for tag in tags:
            what = f"GET {urlsplit(url).path}?tag={tag}"
            request = http.build_request(
                "GET", url, params={"tag": tag}, headers=headers, timeout=timeout
            )
            response = await http.send(request, stream=True)
            stack.push_async_callback(response.aclose)
            raise_for_status(response, what, token_env=token_env)
            if not response.headers.get("Content-Type", "").startswith("text/event-stream"):
                raise SourceUnavailable(f"{what}: the answer is not an event stream")
            responses.append((tag, response))
    except httpx.TimeoutException as exc:
        await stack.aclose()
        raise SourceUnavailable(f"cannot open the stream {url}: no answer in time") from exc
    except httpx.HTTPError as exc:
        await stack.aclose()
        raise SourceUnavailable(f"cannot open the stream {url}: {exc}") from exc
    except BaseException:
        await stack.aclose()
        raise
    return SseEvents(stack, responses, settings.max_event_bytes)
