"""A wall page's stream says which screen it is (`?screen=NAME&layout=L`); such streams are
listed in the console while they are open (see `sotong.display.presence`)."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator
from typing import Final, get_args

from starlette.requests import Request

from sotong.config import Layout
from sotong.display.presence import ScreenPresence, ScreenStream
from sotong.domain import Wall
from sotong.web.services import Services

SCREEN_NAME: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
LAYOUTS: Final = frozenset(get_args(Layout))


def address_of(request: Request) -> str:
    return (request.client.host if request.client else "")[:64]


def screen_stream(
    services: Services, wall: Wall, screen: str | None, layout: str | None, address: str
) -> ScreenStream | None:
    """The presence record of a screen's stream; None for other clients (embeds, the API)."""
    if screen is None or services.presence is None:
        return None
    name = screen.strip().lower()
    return services.presence.connect(
        wall.id,
        name=name if SCREEN_NAME.match(name) else "",
        layout=layout if layout is not None and layout in LAYOUTS else "",
        address=address,
    )


async def presence_tracked(
    frames: AsyncGenerator[bytes, None], presence: ScreenPresence, stream: ScreenStream
) -> AsyncGenerator[bytes, None]:
    try:
        async for frame in frames:
            yield frame
    finally:
        presence.disconnect(stream)
        await frames.aclose()
