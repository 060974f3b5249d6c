"""The console's live view of a wall: what the screens get, plus the moderation queue's private
events (`queued`, `unqueued`), with the same replay from `Last-Event-ID` as a screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from sotong.domain import EventType, Role
from sotong.live import sse
from sotong.store.posts import list_pending, screen_posts
from sotong.store.walls import last_event_seq
from sotong.web.console.session import require_role_api
from sotong.web.event_stream import EventStreamResponse
from sotong.web.policy import policy
from sotong.web.services import Services, get_services
from sotong.web.stream import parse_last_event_id, wall_stream
from sotong.wire import dumps, post_to_console_wire, wall_settings_to_wire

router = APIRouter(prefix="/admin/api/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
QUEUE_SNAPSHOT_LIMIT = 1000


@router.get("/{slug}/events")
@policy(Role.MODERATOR)
async def moderation_events(
    slug: str, request: Request, services: ServicesDep
) -> EventStreamResponse:
    """`reset` carries `posts` (on screen), `queue` (waiting, oldest first) and `wall`; then every
    event of the wall's log, private ones included."""
    await require_role_api(request, services, Role.MODERATOR)
    record = services.wall_record(slug)
    wall = record.wall
    live = services.settings.live

    async def snapshot() -> tuple[int, bytes]:
        async with services.db.read(snapshot=True) as connection:
            seq = await last_event_seq(connection, wall.id)
            shown = await screen_posts(connection, wall.id, live.snapshot_size)
            waiting = await list_pending(connection, wall.id, QUEUE_SNAPSHOT_LIMIT)
        current = services.wall_record(slug)
        data = {
            "posts": [post_to_console_wire(post) for post in shown],
            "queue": [post_to_console_wire(post) for post in waiting],
            "wall": wall_settings_to_wire(current.settings, current.version),
        }
        return seq, sse.frame(seq, EventType.RESET, dumps(data))

    resume_from = parse_last_event_id(
        request.headers.get("last-event-id"), request.query_params.get("last_event_id")
    )
    stream = wall_stream(
        services.db, services.hub, wall, live, resume_from, private=True, snapshot=snapshot
    )
    return EventStreamResponse(stream, STREAM_HEADERS)
