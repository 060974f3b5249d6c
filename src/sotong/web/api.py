"""The JSON API under /api/v1 (CONTRACT.md, "HTTP")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from sotong.display.snapshot import screen_reset
from sotong.domain import TokenScope
from sotong.ids import is_valid_id
from sotong.moderation.decisions import PostNotFound
from sotong.store import posts
from sotong.web.auth import require_scope
from sotong.web.errors import ApiError
from sotong.web.event_stream import EventStreamResponse
from sotong.web.json_body import read_json, request_body_schema
from sotong.web.policy import policy
from sotong.web.responses import JSONResponse
from sotong.web.schemas import DecisionIn, IngestIn
from sotong.web.screens import address_of, presence_tracked, screen_stream
from sotong.web.services import Services, get_services
from sotong.web.stream import parse_last_event_id, wall_stream
from sotong.wire import post_to_wire, wall_to_wire

router = APIRouter(prefix="/api/v1", default_response_class=JSONResponse)
ServicesDep = Annotated[Services, Depends(get_services)]
Limit = Annotated[int, Query(ge=1, le=200, description="how many posts, 1 to 200")]

STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@router.get("/walls/{slug}", summary="Wall title, hashtags and locale")
@policy("public")
async def wall_info(slug: str, services: ServicesDep) -> JSONResponse:
    return JSONResponse(wall_to_wire(services.wall(slug)))


@router.get("/walls/{slug}/posts", summary="Visible posts, newest first")
@policy("public")
async def list_posts(
    slug: str,
    services: ServicesDep,
    limit: Limit = 50,
    before: Annotated[str | None, Query(description="a post id: list posts older than it")] = None,
) -> JSONResponse:
    wall = services.wall(slug)
    if before is not None and not is_valid_id(before):
        raise ApiError(422, "invalid_field", "before: not a post id", field="before")
    async with services.db.read() as connection:
        page = await posts.list_visible(connection, wall.id, limit + 1, before)
    has_more = len(page) > limit
    page = page[:limit]
    return JSONResponse(
        {"posts": [post_to_wire(p) for p in page], "next": page[-1].id if has_more else None}
    )


@router.get(
    "/walls/{slug}/events",
    summary="The live stream (Server-Sent Events)",
    response_class=Response,
    responses={200: {"content": {"text/event-stream": {}}}},
)
@policy("public")
async def events(
    slug: str,
    request: Request,
    services: ServicesDep,
    last_event_id: Annotated[
        str | None, Query(description="alternative to the Last-Event-ID header")
    ] = None,
    screen: Annotated[
        str | None,
        Query(description="a wall screen's name ('' for an unnamed one): lists it in the console"),
    ] = None,
    layout: Annotated[str | None, Query(description="the layout that screen shows")] = None,
) -> EventStreamResponse:
    wall = services.wall(slug)
    resume_from = parse_last_event_id(request.headers.get("last-event-id"), last_event_id)
    live = services.settings.live
    shown = screen_stream(services, wall, screen, layout, address_of(request))
    stream = wall_stream(
        services.db,
        services.hub,
        wall,
        live,
        resume_from,
        snapshot=lambda: screen_reset(services.db, wall, live),
        on_position=shown.seen if shown else None,
    )
    if shown is not None and services.presence is not None:
        stream = presence_tracked(stream, services.presence, shown)
    return EventStreamResponse(stream, STREAM_HEADERS)


@router.post(
    "/walls/{slug}/posts",
    summary="Ingest one post (token scope `ingest`)",
    openapi_extra=request_body_schema(IngestIn),
    responses={201: {"description": "stored"}, 200: {"description": "already stored, or ignored"}},
)
@policy(TokenScope.INGEST)
async def ingest(slug: str, request: Request, services: ServicesDep) -> JSONResponse:
    wall = services.wall(slug)
    await require_scope(request, services, wall, TokenScope.INGEST)
    body = await read_json(request, IngestIn)
    result = await services.pipeline.ingest(wall, body.to_incoming())
    payload: dict[str, Any] = {
        "id": result.post_id,
        "status": result.status,
        "reason": result.reason,
    }
    return JSONResponse(payload, status_code=201 if result.created else 200)


@router.get("/walls/{slug}/queue", summary="Posts waiting for a decision, oldest first")
@policy(TokenScope.MODERATE)
async def queue(
    slug: str, request: Request, services: ServicesDep, limit: Limit = 50
) -> JSONResponse:
    wall = services.wall(slug)
    await require_scope(request, services, wall, TokenScope.MODERATE)
    async with services.db.read() as connection:
        pending = await posts.list_pending(connection, wall.id, limit)
    return JSONResponse({"posts": [post_to_wire(p) | {"reason": p.reason} for p in pending]})


@router.post(
    "/walls/{slug}/posts/{post_id}/decision",
    summary="Approve, reject, pin or feature a post (token scope `moderate`)",
    openapi_extra=request_body_schema(DecisionIn),
)
@policy(TokenScope.MODERATE)
async def decision(
    slug: str, post_id: str, request: Request, services: ServicesDep
) -> JSONResponse:
    wall = services.wall(slug)
    token = await require_scope(request, services, wall, TokenScope.MODERATE)
    body = await read_json(request, DecisionIn)
    try:
        post = await services.decisions.decide(wall, post_id, body.action, f"token:{token.name}")
    except PostNotFound:
        raise ApiError(
            404, "post_not_found", f"there is no post {post_id!r} on this wall"
        ) from None
    return JSONResponse(post_to_wire(post))
