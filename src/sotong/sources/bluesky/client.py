"""All of the connector's network I/O: the Jetstream WebSocket and XRPC calls over HTTP.

Failures leave this module only as the three shared source errors:
- handshake or HTTP 401/403 -> SourceAuthError; 404 (and other 4xx) -> SourceAuthError too,
  because a fixed path that is not found means the configured URL is wrong, and retrying soon
  will not fix configuration;
- 429 -> SourceUnavailable with retry_after from `Retry-After` or atproto's `RateLimit-Reset`;
- 5xx, timeouts, refused or dropped connections, truncated streams -> SourceUnavailable;
- bodies that are not JSON, or larger than the cap, and frames over the size limit ->
  SourceInvalidPayload.
XRPC errors carry `{"error", "message"}` (https://atproto.com/specs/xrpc); an expired access
token (`ExpiredToken`, `InvalidToken`) raises TokenExpired so the session can refresh.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    ConnectionClosedOK,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)
from websockets.frames import CloseCode

from sotong.sources import http
from sotong.sources.base import SourceAuthError, SourceInvalidPayload, SourceUnavailable
from sotong.sources.bluesky.parse import (
    POST_COLLECTION,
    Profile,
    Session,
    parse_profiles,
    parse_search_page,
    parse_session,
)

MAX_MESSAGE_BYTES = 1_000_000  # asked of Jetstream; post records are far smaller
MAX_FRAME_BYTES = 2 * 1024 * 1024  # what we accept before closing the connection
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_ERROR_BODY_BYTES = 16 * 1024
_OWN_PARAMETERS = {"wantedCollections", "cursor", "maxMessageSizeBytes", "compress", "requireHello"}
_EXPIRED = {"ExpiredToken", "InvalidToken"}


class TokenExpired(SourceAuthError):
    """The session's access token is no longer accepted; refresh it and try again."""


def subscribe_url(base: str, cursor_us: int | None) -> str:
    """The configured Jetstream URL with our parameters (its own others are kept)."""
    parts = urlsplit(base)
    path = parts.path if parts.path not in ("", "/") else "/subscribe"
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in _OWN_PARAMETERS]
    query += [
        ("wantedCollections", POST_COLLECTION),
        ("maxMessageSizeBytes", str(MAX_MESSAGE_BYTES)),
    ]
    if cursor_us is not None:
        query.append(("cursor", str(cursor_us)))
    return urlunsplit(parts._replace(path=path, query=urlencode(query)))


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or a date) or atproto's `RateLimit-Reset`."""
    now = time.time() if now is None else now
    waited = http.retry_after(headers.get("retry-after"), datetime.fromtimestamp(now, UTC))
    if waited is not None:
        return waited
    reset = headers.get("ratelimit-reset")
    if reset:
        with suppress(ValueError):
            return max(float(reset) - now, 0.0)
    return None


def _status_error(what: str, status: int, headers: Mapping[str, str], detail: str) -> Exception:
    message = f"{what} answered HTTP {status}" + (f": {detail}" if detail else "")
    if status == 429:
        return SourceUnavailable(f"{message} (rate limited)", retry_after=retry_after(headers))
    if status >= 500 or status == 408:
        return SourceUnavailable(message, retry_after=retry_after(headers))
    if status in (401, 403):
        return SourceAuthError(f"{message} (access refused)")
    if status == 404:
        return SourceAuthError(f"{message} (not found: check the configured URL)")
    if 300 <= status < 400:
        location = headers.get("location", "")
        return SourceAuthError(f"{message} (redirects to {location!r}: configure that URL)")
    return SourceAuthError(message)


class JetstreamStream:
    """One open Jetstream connection: raw frames, or a shared error."""

    def __init__(self, connection: ClientConnection, url: str) -> None:
        self._connection = connection
        self._url = url

    async def receive(self, timeout: float | None = None) -> bytes | None:
        """The next frame's bytes (undecoded: orjson reads UTF-8), or None after `timeout`."""
        try:
            if timeout is None:
                data = await self._connection.recv(decode=False)
            else:
                async with asyncio.timeout(max(timeout, 0.0)):
                    data = await self._connection.recv(decode=False)
        except TimeoutError:
            return None
        except ConnectionClosed as exc:
            raise _closed_error(self._url, exc) from exc
        return data if isinstance(data, bytes) else data.encode()


def _closed_error(url: str, exc: ConnectionClosed) -> Exception:
    if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
        return SourceInvalidPayload(f"Jetstream {url} sent a frame over {MAX_FRAME_BYTES} bytes")
    if isinstance(exc, ConnectionClosedOK):
        return SourceUnavailable(f"Jetstream {url} closed the stream ({exc})")
    return SourceUnavailable(f"Jetstream {url}: connection lost ({exc})")


@asynccontextmanager
async def open_jetstream(
    base_url: str,
    cursor_us: int | None,
    *,
    user_agent: str | None,
    open_timeout: float = 10.0,
    ping_interval: float | None = 20.0,
    ping_timeout: float | None = 20.0,
    max_frame: int = MAX_FRAME_BYTES,
) -> AsyncIterator[JetstreamStream]:
    url = subscribe_url(base_url, cursor_us)
    shown = base_url
    try:
        connection = await connect(
            url,
            user_agent_header=user_agent,
            open_timeout=open_timeout,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            close_timeout=2.0,
            max_size=max_frame,
            max_queue=64,
        )
    except InvalidStatus as exc:
        response = exc.response
        detail = response.body.decode("utf-8", "replace")[:200].strip() if response.body else ""
        error = _status_error(f"Jetstream {shown}", response.status_code, response.headers, detail)
        raise error from exc
    except InvalidURI as exc:
        raise SourceAuthError(f"jetstream_url {shown!r} is not a WebSocket URL") from exc
    except TimeoutError as exc:
        raise SourceUnavailable(f"Jetstream {shown}: no handshake within {open_timeout} s") from exc
    except (OSError, InvalidHandshake) as exc:
        raise SourceUnavailable(f"Jetstream {shown}: cannot connect ({exc})") from exc
    try:
        yield JetstreamStream(connection, shown)
    finally:
        with suppress(Exception):
            await asyncio.shield(connection.close())


class Xrpc:
    """XRPC calls to one host (an AppView or a PDS) through the shared httpx client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        timeout: float | None = None,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_body = max_body

    async def query(
        self,
        nsid: str,
        params: Sequence[tuple[str, str]],
        *,
        token: str | None = None,
    ) -> Any:
        return await self._call("GET", nsid, params=params, token=token)

    async def procedure(
        self, nsid: str, body: Mapping[str, Any] | None = None, *, token: str | None = None
    ) -> Any:
        return await self._call("POST", nsid, body=body, token=token)

    async def _call(
        self,
        method: str,
        nsid: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        body: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> Any:
        url = f"{self.base_url}/xrpc/{nsid}"
        what = f"{nsid} at {self.base_url}"
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        content = None
        if body is not None:
            content = orjson.dumps(body)
            headers["Content-Type"] = "application/json"
        timeout = self.timeout if self.timeout is not None else httpx.USE_CLIENT_DEFAULT
        request = self.http.build_request(
            method, url, params=list(params), content=content, headers=headers, timeout=timeout
        )
        with http.http_errors(what):
            response = await self.http.send(request, stream=True)
            try:
                if response.status_code != 200:
                    detail = await self._error_detail(response)
                    raise self._error(what, response, detail)
                raw = await self._read(response, what)
            finally:
                await response.aclose()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise SourceInvalidPayload(f"{what}: the answer is not JSON ({exc})") from exc

    def _error(self, what: str, response: httpx.Response, detail: tuple[str, str]) -> Exception:
        name, message = detail
        if name in _EXPIRED:
            return TokenExpired(f"{what}: {name} {message}".strip())
        text = f"{name}: {message}" if name and message else name or message
        return _status_error(what, response.status_code, response.headers, text)

    async def _read(self, response: httpx.Response, what: str) -> bytes:
        return await http.read_capped(response, self.max_body, f"{what}: the answer", "the cap")

    async def _error_detail(self, response: httpx.Response) -> tuple[str, str]:
        """XRPC's `error` name and `message` from an error body, read only up to a small cap."""
        body = bytearray()
        with suppress(httpx.HTTPError):
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ERROR_BODY_BYTES:
                    break
        try:
            parsed = orjson.loads(bytes(body))
        except orjson.JSONDecodeError:
            return "", body[:200].decode("utf-8", "replace").strip()
        if not isinstance(parsed, dict):
            return "", ""
        name, message = parsed.get("error"), parsed.get("message")
        return (
            name[:100] if isinstance(name, str) else "",
            message[:200] if isinstance(message, str) else "",
        )


MAX_ACTORS = 25  # app.bsky.actor.getProfiles: `actors`, at most 25 per call


async def get_profiles(appview: Xrpc, dids: Sequence[str]) -> list[Profile]:
    """https://docs.bsky.app/docs/api/app-bsky-actor-get-profiles (public, no session)."""
    if len(dids) > MAX_ACTORS:
        raise ValueError(f"at most {MAX_ACTORS} actors per getProfiles call")
    payload = await appview.query("app.bsky.actor.getProfiles", [("actors", did) for did in dids])
    return parse_profiles(payload)


async def create_session(pds: Xrpc, identifier: str, password: str) -> Session:
    """https://docs.bsky.app/docs/api/com-atproto-server-create-session (30 per 5 min)."""
    payload = await pds.procedure(
        "com.atproto.server.createSession", {"identifier": identifier, "password": password}
    )
    return parse_session(payload)


async def refresh_session(pds: Xrpc, session: Session) -> Session:
    """https://docs.bsky.app/docs/api/com-atproto-server-refresh-session (the refresh JWT)."""
    payload = await pds.procedure("com.atproto.server.refreshSession", token=session.refresh_jwt)
    return parse_session(payload)


async def search_posts(
    pds: Xrpc, token: str, params: Sequence[tuple[str, str]]
) -> tuple[list[object], str | None]:
    """https://docs.bsky.app/docs/api/app-bsky-feed-search-posts (needs a session)."""
    payload = await pds.query("app.bsky.feed.searchPosts", params, token=token)
    return parse_search_page(payload)
