"""Request body size limit, enforced while the body streams in, not after it was buffered."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sotong.web.errors import ApiError, error_response


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, "body_too_large", f"the request body is larger than {limit} bytes")


class BodyLimitMiddleware:
    """`max_bytes` for every request, except those `larger_for(method, path)` gives more."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        larger_for: Callable[[str, str], int | None] = lambda method, path: None,
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.larger_for = larger_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.larger_for(scope["method"], scope["path"]) or self.default_max_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > max_bytes or declared < 0:
                    error = BodyTooLarge(max_bytes) if declared > 0 else None
                    response = (
                        error_response(error.status, error.code, error.message)
                        if error
                        else error_response(400, "bad_request", "invalid Content-Length header")
                    )
                    await response(scope, receive, send)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        await self.app(scope, limited_receive, send)
