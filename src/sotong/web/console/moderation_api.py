"""The console's moderation API (JSON, for the queue page): decisions one by one or in bulk, bans
and lifting them, the history and undo. Signed-in moderators and owners, with the session's CSRF
token in the `X-CSRF-Token` header on every change."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from sotong.domain import DecisionAction, Role
from sotong.moderation.bans import BanNotFound, BanScope
from sotong.moderation.decisions import PostNotFound
from sotong.moderation.history import DecisionNotFound, HistoryEntry, NothingToUndo
from sotong.store.bans import Ban
from sotong.store.users import Session
from sotong.web.console.session import check_csrf, require_role_api
from sotong.web.errors import ApiError
from sotong.web.json_body import read_json
from sotong.web.policy import policy
from sotong.web.responses import JSONResponse
from sotong.web.services import Services, get_services
from sotong.wire import post_to_console_wire, timestamp

router = APIRouter(prefix="/admin/api/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

MAX_BULK = 200
MAX_REASON = 300


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecisionBody(_Body):
    action: DecisionAction


class BulkBody(_Body):
    action: DecisionAction
    ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=MAX_BULK
    )


class BanBody(_Body):
    scope: BanScope
    reason: str | None = Field(default=None, max_length=MAX_REASON)


async def _moderator(request: Request, services: Services, *, changes: bool) -> Session:
    session = await require_role_api(request, services, Role.MODERATOR)
    if changes:
        check_csrf(request, session, None)
    return session


def _post_not_found(post_id: str) -> ApiError:
    return ApiError(404, "post_not_found", f"there is no post {post_id!r} on this wall")


def ban_to_wire(ban: Ban, services: Services) -> dict[str, Any]:
    record = services.registry.by_id(ban.wall_id) if ban.wall_id is not None else None
    return {
        "id": ban.id,
        "scope": BanScope.ALL.value if ban.wall_id is None else BanScope.WALL.value,
        "wall": record.wall.slug if record else None,
        "source": ban.source,
        "author_key": ban.author_key,
        "author_name": ban.author_name,
        "reason": ban.reason,
        "created_by": ban.created_by,
        "created_at": timestamp(ban.created_at),
        "lifted_at": timestamp(ban.lifted_at),
        "lifted_by": ban.lifted_by,
    }


def history_entry_to_wire(entry: HistoryEntry) -> dict[str, Any]:
    first = entry.first
    return {
        "id": first.id,
        "action": first.action,
        "actor": first.actor,
        "at": timestamp(first.decided_at),
        "reason": first.reason,
        "count": len(entry.decisions),
        "undoable": entry.undoable,
        "undone_at": timestamp(first.undone_at),
        "undone_by": first.undone_by,
        "posts": [post_to_console_wire(post) for post in entry.posts],
    }


@router.post("/{slug}/posts/{post_id}/decision")
@policy(Role.MODERATOR)
async def decide(slug: str, post_id: str, request: Request, services: ServicesDep) -> JSONResponse:
    session = await _moderator(request, services, changes=True)
    wall = services.wall(slug)
    body = await read_json(request, DecisionBody)
    try:
        (decided,) = await services.decisions.decide_many(
            wall, [post_id], body.action, session.user.label
        )
    except PostNotFound:
        raise _post_not_found(post_id) from None
    return JSONResponse(
        {"post": post_to_console_wire(decided.post), "decision_id": decided.decision_id}
    )


@router.post("/{slug}/decisions")
@policy(Role.MODERATOR)
async def decide_many(slug: str, request: Request, services: ServicesDep) -> JSONResponse:
    """One action on up to 200 posts of the wall, all in one transaction, or none of them."""
    session = await _moderator(request, services, changes=True)
    wall = services.wall(slug)
    body = await read_json(request, BulkBody)
    try:
        decided = await services.decisions.decide_many(
            wall, body.ids, body.action, session.user.label
        )
    except PostNotFound as missing:
        raise _post_not_found(str(missing)) from None
    return JSONResponse(
        {
            "posts": [post_to_console_wire(item.post) for item in decided],
            "decision_ids": [item.decision_id for item in decided],
        }
    )


@router.post("/{slug}/posts/{post_id}/ban")
@policy(Role.MODERATOR)
async def ban_author(
    slug: str, post_id: str, request: Request, services: ServicesDep
) -> JSONResponse:
    """Ban the post's author from this wall (`scope: "wall"`) or every wall (`"all"`)."""
    session = await _moderator(request, services, changes=True)
    wall = services.wall(slug)
    body = await read_json(request, BanBody)
    reason = body.reason.strip() if body.reason else None
    try:
        outcome = await services.bans.ban(
            wall, post_id, body.scope, session.user.label, reason or None
        )
    except PostNotFound:
        raise _post_not_found(post_id) from None
    return JSONResponse(
        {
            "ban": ban_to_wire(outcome.ban, services),
            "created": outcome.created,
            "removed": outcome.removed,
            "unqueued": outcome.unqueued,
            "decision_id": outcome.decision_id,
        }
    )


@router.get("/{slug}/bans")
@policy(Role.MODERATOR)
async def list_bans(
    slug: str,
    request: Request,
    services: ServicesDep,
    lifted: Annotated[bool, Query(description="include lifted bans")] = False,
) -> JSONResponse:
    await _moderator(request, services, changes=False)
    wall = services.wall(slug)
    found = await services.bans.list(wall, include_lifted=lifted)
    return JSONResponse({"bans": [ban_to_wire(ban, services) for ban in found]})


@router.post("/{slug}/bans/{ban_id}/lift")
@policy(Role.MODERATOR)
async def lift_ban(slug: str, ban_id: int, request: Request, services: ServicesDep) -> JSONResponse:
    session = await _moderator(request, services, changes=True)
    wall = services.wall(slug)
    try:
        ban = await services.bans.lift(wall, ban_id, session.user.label)
    except BanNotFound:
        raise ApiError(404, "ban_not_found", f"there is no ban {ban_id} on this wall") from None
    return JSONResponse({"ban": ban_to_wire(ban, services)})


@router.get("/{slug}/history")
@policy(Role.MODERATOR)
async def history(
    slug: str,
    request: Request,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, description="a decision id")] = None,
) -> JSONResponse:
    """The wall's decisions, newest first; decisions made together come as one entry."""
    await _moderator(request, services, changes=False)
    wall = services.wall(slug)
    entries, next_before = await services.history.entries(wall, limit, before)
    return JSONResponse(
        {"entries": [history_entry_to_wire(entry) for entry in entries], "next": next_before}
    )


@router.post("/{slug}/history/{decision_id}/undo")
@policy(Role.MODERATOR)
async def undo(
    slug: str, decision_id: int, request: Request, services: ServicesDep
) -> JSONResponse:
    session = await _moderator(request, services, changes=True)
    wall = services.wall(slug)
    try:
        outcome = await services.history.undo(wall, decision_id, session.user.label)
    except DecisionNotFound:
        raise ApiError(
            404, "decision_not_found", f"there is no decision {decision_id} on this wall"
        ) from None
    except NothingToUndo:
        raise ApiError(
            409,
            "nothing_to_undo",
            "this decision was undone already, or its posts changed since",
        ) from None
    return JSONResponse(
        {
            "restored": outcome.restored,
            "skipped": outcome.skipped,
            "lifted_bans": outcome.lifted_bans,
        }
    )
