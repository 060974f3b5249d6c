"""A `text/event-stream` response that costs little per open connection.

Starlette's StreamingResponse runs each response in a task group of two tasks (one writing, one
waiting for the client to leave). A wall has thousands of idle viewers, so here the request's own
task writes, and one plain task waiting on `receive` cancels it when the client goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping

from starlette.responses import Response
from starlette.types import Receive, Scope, Send


class EventStreamResponse(Response):
    media_type = "text/event-stream"

    def __init__(self, frames: AsyncGenerator[bytes, None], headers: Mapping[str, str]) -> None:
        # A Response for FastAPI's sake (it passes Responses through), with its own sending. No
        # `body` is set, so no Content-Length is added: the stream has no end.
        self.status_code = 200
        self.background = None
        self.init_headers(dict(headers))
        self.frames = frames

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        writer = asyncio.current_task()
        assert writer is not None
        gone = asyncio.create_task(_client_gone(receive))
        gone.add_done_callback(lambda _: writer.cancel() if not gone.cancelled() else None)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async for chunk in self.frames:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            if not gone.done() or gone.cancelled():
                raise
            # The client left: nothing more to write, and nothing went wrong.
        finally:
            gone.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await gone
            await self.frames.aclose()


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
