"""Cross-origin reads of a wall's public JSON API, so other sites can build their own wall:
`GET /api/v1/walls/{slug}`, `.../posts` and `.../events` answer with
`Access-Control-Allow-Origin: *` (never with credentials), and their `OPTIONS` preflight is
answered here. Nothing else (ingest, decisions, uploads, the console) is readable cross-origin."""

from __future__ import annotations

import re
from typing import Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_READS: Final = re.compile(r"^/api/v1/walls/[^/]+(?:/posts|/events)?/?$")
ALLOWED_HEADERS: Final = frozenset({"last-event-id", "cache-control", "accept"})
MAX_AGE: Final = "86400"


def is_public_read(path: str) -> bool:
    return bool(PUBLIC_READS.match(path))


class PublicReadCorsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_public_read(scope["path"]):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "OPTIONS":
            await self._preflight(scope, send)
            return
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Access-Control-Allow-Origin"] = "*"
                headers["Access-Control-Expose-Headers"] = "Content-Type"
                if "access-control-allow-credentials" in headers:
                    del headers["access-control-allow-credentials"]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, send: Send) -> None:
        request_headers = Headers(scope=scope)
        asked_method = request_headers.get("access-control-request-method", "GET").upper()
        asked = {
            name.strip().lower()
            for name in request_headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        }
        allowed = asked_method in ("GET", "HEAD") and asked <= ALLOWED_HEADERS
        status = 204 if allowed else 403
        headers = [(b"vary", b"Origin, Access-Control-Request-Headers")]
        if allowed:
            headers += [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
                (b"access-control-allow-headers", ", ".join(sorted(ALLOWED_HEADERS)).encode()),
                (b"access-control-max-age", MAX_AGE.encode()),
            ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
