"""A wall's API tokens in the console: made (shown once), listed (never their values), revoked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from sotong.clock import utc_now
from sotong.domain import Role, TokenScope
from sotong.store import audit, tokens
from sotong.web.console.render import FORM_LIMITS, field, render, text
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role
from sotong.web.policy import policy
from sotong.web.services import Services, get_services
from sotong.web.translations import N_

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

SCOPE_NAMES = {
    TokenScope.INGEST: N_("ingest: send posts through the API"),
    TokenScope.MODERATE: N_("moderate: read the queue and decide on posts"),
    TokenScope.READ: N_("read"),
}
MAX_NAME = 200


async def _page(
    request: Request,
    services: Services,
    slug: str,
    *,
    created: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with services.db.read() as connection:
        found = await tokens.list_tokens(connection, wall.id)
    context = {
        "tokens": sorted(found, key=lambda record: record.revoked_at is not None),
        "scopes": SCOPE_NAMES,
        "created": created,
        "error": error,
        "revoked": request.query_params.get("revoked") == "1",
        "base_url": services.settings.server.public_url,
    }
    return render(
        request, "tokens.html", context, session=session, wall_slug=slug, status_code=status_code
    )


@router.get("/{slug}/tokens")
@policy(Role.OWNER)
async def tokens_page(slug: str, request: Request, services: ServicesDep) -> Response:
    return await _page(request, services, slug)


@router.post("/{slug}/tokens")
@policy(Role.OWNER)
async def create_token(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        name = field(form, "name").strip()
        scope_value = field(form, "scope")
    if scope_value not in {scope.value for scope in TokenScope}:
        return await _page(
            request, services, slug, error=_("Choose what the token may do."), status_code=422
        )
    if not name or len(name) > MAX_NAME:
        message = _("Give the token a name of 1 to %(count)s characters.") % {"count": MAX_NAME}
        return await _page(request, services, slug, error=message, status_code=422)
    now = utc_now()
    async with services.db.write() as connection:
        token_id, value = await tokens.create_token(
            connection, wall.id, TokenScope(scope_value), name, now
        )
        await audit.record(
            connection,
            audit.AuditEntry(
                at=now,
                actor=session.user.label,
                action="token.create",
                wall_id=wall.id,
                detail={"token_id": token_id, "scope": scope_value, "name": name},
            ),
        )
    return await _page(request, services, slug, created=value, status_code=201)


@router.post("/{slug}/tokens/{token_id}/revoke")
@policy(Role.OWNER)
async def revoke_token(
    slug: str, token_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    now = utc_now()
    async with services.db.write() as connection:
        mine = {record.id for record in await tokens.list_tokens(connection, wall.id)}
        if token_id in mine and await tokens.revoke_token(connection, token_id, now):
            await audit.record(
                connection,
                audit.AuditEntry(
                    at=now,
                    actor=session.user.label,
                    action="token.revoke",
                    wall_id=wall.id,
                    detail={"token_id": token_id},
                ),
            )
    return RedirectResponse(f"/admin/walls/{slug}/tokens?revoked=1", status_code=303)
