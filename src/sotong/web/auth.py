"""Bearer tokens with a scope, checked against the database on every request, so a token made by
`sotong token create` works at once and a revoked one stops at once, on every process."""

from __future__ import annotations

from fastapi import Request

from sotong.domain import TokenScope, Wall
from sotong.store.tokens import TokenRecord, find_active_token
from sotong.web.errors import ApiError
from sotong.web.services import Services

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sotong"'}


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def require_scope(
    request: Request, services: Services, wall: Wall, scope: TokenScope
) -> TokenRecord:
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthorized", "a Bearer token is required", headers=_CHALLENGE)
    async with services.db.read() as connection:
        record = await find_active_token(connection, token)
    if record is None:
        raise ApiError(401, "unauthorized", "the token is unknown or revoked", headers=_CHALLENGE)
    if record.wall_id != wall.id:
        raise ApiError(403, "forbidden", f"this token is not valid for wall {wall.slug!r}")
    if not record.scope.grants(scope):
        raise ApiError(403, "forbidden", f"this token lacks the {scope.value!r} scope")
    return record
