"""The wall's screens in the console: the announcement (shown and cleared live), the screens
connected right now on every process (with a remote reload or layout switch for each named
one), and the owner's definitions of named screens."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from sotong.clock import utc_now
from sotong.config import WallSettings
from sotong.display.actions import ALL_SCREENS, ANNOUNCEMENT_MAX
from sotong.domain import Role
from sotong.store.announcements import current_announcement, recent_announcements
from sotong.store.presence import PresenceRow
from sotong.store.walls import WallChanged
from sotong.web.console.render import FORM_LIMITS, STALE_EDIT, field, render, text
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role, require_role_api
from sotong.web.console.toml_text import TomlProblem, tables_to_toml, toml_to_tables
from sotong.web.console.walls import LAYOUTS
from sotong.web.policy import policy
from sotong.web.responses import JSONResponse
from sotong.web.screens import SCREEN_NAME
from sotong.web.services import Services, get_services

router = APIRouter(include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

ANNOUNCE_MINUTES: Final = (0, 5, 10, 15, 30, 60, 120)


def group_screens(rows: list[PresenceRow]) -> list[dict[str, Any]]:
    """Connected streams grouped by screen name (unnamed screens last)."""
    groups: dict[str, list[PresenceRow]] = defaultdict(list)
    for row in rows:
        groups[row.name].append(row)
    listed = []
    for name in sorted(groups, key=lambda n: (n == "", n)):
        members = sorted(groups[name], key=lambda row: row.connected_at)
        listed.append(
            {
                "name": name,
                "count": len(members),
                "layouts": sorted({row.layout for row in members if row.layout}),
                "connected_since": members[0].connected_at.isoformat(),
                "last_event_id": max(row.last_event_id for row in members),
                "addresses": sorted({row.address for row in members if row.address}),
            }
        )
    return listed


async def connected_screens(services: Services, wall_id: int) -> list[dict[str, Any]]:
    if services.presence is None:
        return []
    return group_screens(await services.presence.connected(wall_id))


async def _page(
    request: Request,
    services: Services,
    slug: str,
    *,
    errors: dict[str, str] | None = None,
    definitions: str | None = None,
    status_code: int = 200,
) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    record = services.wall_record(slug)
    now = utc_now()
    async with services.db.read() as connection:
        current = await current_announcement(connection, record.wall.id, now)
        recent = await recent_announcements(connection, record.wall.id)
    screens = record.settings.display.screens
    context = {
        "record": record,
        "announcement": current,
        "recent": recent,
        "minutes": ANNOUNCE_MINUTES,
        "connected": await connected_screens(services, record.wall.id),
        "layouts": LAYOUTS,
        "is_owner": session.user.role.grants(Role.OWNER),
        "definitions": definitions
        if definitions is not None
        else tables_to_toml("screens", [s.model_dump(exclude_defaults=True) for s in screens]),
        "errors": errors or {},
        "notice": request.query_params.get("done", ""),
        "text_max": ANNOUNCEMENT_MAX,
    }
    return render(
        request, "screens.html", context, session=session, wall_slug=slug, status_code=status_code
    )


@router.get("/admin/walls/{slug}/screens")
@policy(Role.MODERATOR)
async def screens_page(slug: str, request: Request, services: ServicesDep) -> Response:
    return await _page(request, services, slug)


@router.get("/admin/api/walls/{slug}/screens")
@policy(Role.MODERATOR)
async def screens_json(slug: str, request: Request, services: ServicesDep) -> JSONResponse:
    await require_role_api(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    return JSONResponse({"screens": await connected_screens(services, wall.id)})


@router.post("/admin/walls/{slug}/announcements")
@policy(Role.MODERATOR)
async def announce(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        message = " ".join(field(form, "text").split())
        level = field(form, "level")
        minutes = field(form, "minutes")
    if not message or len(message) > ANNOUNCEMENT_MAX:
        problem = _("Write an announcement of 1 to %(count)s characters.") % {
            "count": ANNOUNCEMENT_MAX
        }
        return await _page(request, services, slug, errors={"text": problem}, status_code=422)
    await services.display_actions().announce(
        wall,
        message,
        level="urgent" if level == "urgent" else "info",
        minutes=int(minutes) if minutes.isdigit() and int(minutes) in ANNOUNCE_MINUTES else None,
        actor=session.user.label,
    )
    return RedirectResponse(f"/admin/walls/{slug}/screens?done=announced", status_code=303)


@router.post("/admin/walls/{slug}/announcements/clear")
@policy(Role.MODERATOR)
async def clear_announcement(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    await services.display_actions().clear_announcement(wall, actor=session.user.label)
    return RedirectResponse(f"/admin/walls/{slug}/screens?done=cleared", status_code=303)


@router.post("/admin/walls/{slug}/screens/control")
@policy(Role.MODERATOR)
async def control_screen(slug: str, request: Request, services: ServicesDep) -> Response:
    """Reload one named screen (or every screen: name `*`), or switch its layout until reload."""
    session = await require_role(request, services, Role.MODERATOR)
    wall = services.wall(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        name = field(form, "name").strip().lower()
        action = field(form, "action")
        layout = field(form, "layout")
    valid_name = name == ALL_SCREENS or bool(SCREEN_NAME.match(name))
    valid_action = action == "reload" or (action == "layout" and layout in LAYOUTS)
    if not (valid_name and valid_action):
        problem = _("Choose a named screen and what to do.")
        return await _page(request, services, slug, errors={"control": problem}, status_code=422)
    await services.display_actions().control_screen(
        wall,
        name,
        "reload" if action == "reload" else "layout",
        layout=layout if action == "layout" else None,
        actor=session.user.label,
    )
    return RedirectResponse(f"/admin/walls/{slug}/screens?done={action}", status_code=303)


@router.post("/admin/walls/{slug}/screens/definitions")
@policy(Role.OWNER)
async def save_definitions(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        written = field(form, "definitions")
    try:
        tables = toml_to_tables("screens", written)
        data = record.settings.model_dump()
        data["display"]["screens"] = tables
        settings = WallSettings.model_validate(data)
    except TomlProblem as problem:
        message = _("The screens are not valid TOML: %(problem)s") % {"problem": problem}
        return await _page(
            request,
            services,
            slug,
            errors={"definitions": message},
            definitions=written,
            status_code=422,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"][2:]) or "screens"
        message = _("Screens: %(problem)s") % {"problem": f"{where}: {first['msg']}"}
        return await _page(
            request,
            services,
            slug,
            errors={"definitions": message},
            definitions=written,
            status_code=422,
        )
    try:
        await services.registry.save(
            settings, expected_version=record.version, actor=session.user.label
        )
    except WallChanged:
        message = _(STALE_EDIT)
        return await _page(
            request,
            services,
            slug,
            errors={"definitions": message},
            definitions=written,
            status_code=409,
        )
    return RedirectResponse(f"/admin/walls/{slug}/screens?done=saved", status_code=303)
