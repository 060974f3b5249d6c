"""The wall's agenda in the console: import it from CSV or iCalendar, add a session by hand,
delete sessions. Screens get every change at once (an `agenda` event) and work out "now on
stage" and "up next" themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from sotong.display.agenda import (
    MAX_FILE_BYTES,
    ROOM_MAX,
    SPEAKER_MAX,
    TITLE_MAX,
    AgendaFileError,
    Imported,
    Session,
    check_times,
    clean,
)
from sotong.display.agenda_csv import parse_csv
from sotong.display.agenda_ics import parse_ics
from sotong.domain import Role
from sotong.store.agenda import list_sessions
from sotong.web.console.render import FORM_LIMITS, field, render, text
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role
from sotong.web.policy import policy
from sotong.web.services import Services, get_services

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

IMPORT_BODY_BYTES: Final = MAX_FILE_BYTES + 64 * 1024


def is_agenda_import(method: str, path: str) -> bool:
    parts = path.split("/")
    return (
        method == "POST"
        and len(parts) == 6
        and parts[1:3] == ["admin", "walls"]
        and (parts[4:6] == ["agenda", "import"])
    )


def parse_agenda(name: str, data: bytes, zone: ZoneInfo) -> Imported:
    """By content first (an iCalendar file starts with BEGIN:VCALENDAR), else by name."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t").upper()
    if head.startswith(b"BEGIN:VCALENDAR") or name.lower().endswith((".ics", ".ical")):
        return parse_ics(data, zone)
    return parse_csv(data, zone)


async def _page(
    request: Request,
    services: Services,
    slug: str,
    *,
    imported: Imported | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    zone = ZoneInfo(record.settings.display.timezone)
    async with services.db.read() as connection:
        found = await list_sessions(connection, record.wall.id)
    rows = [
        {
            "id": stored.id,
            "session": stored.session,
            "day": stored.session.starts_at.astimezone(zone).strftime("%Y-%m-%d"),
            "start": stored.session.starts_at.astimezone(zone).strftime("%H:%M"),
            "end": stored.session.ends_at.astimezone(zone).strftime("%H:%M")
            if stored.session.ends_at
            else "",
        }
        for stored in found
    ]
    context = {
        "sessions": rows,
        "zone": record.settings.display.timezone,
        "imported": imported,
        "error": error,
        "notice": request.query_params.get("done", ""),
    }
    return render(
        request, "agenda.html", context, session=session, wall_slug=slug, status_code=status_code
    )


@router.get("/{slug}/agenda")
@policy(Role.OWNER)
async def agenda_page(slug: str, request: Request, services: ServicesDep) -> Response:
    return await _page(request, services, slug)


@router.post("/{slug}/agenda/import")
@policy(Role.OWNER)
async def import_agenda(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(max_files=1, max_fields=8, max_part_size=IMPORT_BODY_BYTES) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        upload = form.get("file")
        replace = field(form, "mode") != "add"
        if not isinstance(upload, UploadFile):
            message = _("Choose a CSV or iCalendar (.ics) file.")
            return await _page(request, services, slug, error=message, status_code=422)
        data = await upload.read(MAX_FILE_BYTES + 1)
        name = upload.filename or ""
    zone = ZoneInfo(record.settings.display.timezone)
    try:
        imported = parse_agenda(name, data, zone)
    except AgendaFileError as problem:
        message = _("The file could not be read: %(problem)s") % {"problem": problem}
        return await _page(request, services, slug, error=message, status_code=422)
    if not imported.sessions:
        message = _("No session could be read from the file.")
        return await _page(
            request, services, slug, imported=imported, error=message, status_code=422
        )
    await services.display_actions().add_sessions(
        record.wall, imported.sessions, replace=replace, actor=session.user.label
    )
    return await _page(request, services, slug, imported=imported)


@router.post("/{slug}/agenda/add")
@policy(Role.OWNER)
async def add_session(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    zone = ZoneInfo(record.settings.display.timezone)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        title = clean(field(form, "title"), TITLE_MAX)
        starts_at: datetime | None
        ends_at: datetime | None
        try:
            starts_at = datetime.fromisoformat(field(form, "starts_at")).replace(tzinfo=zone)
            ends_at = datetime.fromisoformat(field(form, "ends_at")).replace(tzinfo=zone)
        except ValueError:
            starts_at = ends_at = None
        speaker = clean(field(form, "speaker"), SPEAKER_MAX)
        room = clean(field(form, "room"), ROOM_MAX)
    problem = None
    if not title:
        problem = _("Give the session a title.")
    elif starts_at is None or ends_at is None:
        problem = _("Give the session a start and an end.")
    elif check_times(starts_at, ends_at):
        problem = _("The session must end after it starts, on the same or the next day.")
    if problem or starts_at is None:
        return await _page(request, services, slug, error=problem, status_code=422)
    new = Session(title=title, starts_at=starts_at, ends_at=ends_at, speaker=speaker, room=room)
    await services.display_actions().add_sessions(
        record.wall, [new], replace=False, actor=session.user.label
    )
    return RedirectResponse(f"/admin/walls/{slug}/agenda?done=added", status_code=303)


@router.post("/{slug}/agenda/{session_id}/delete")
@policy(Role.OWNER)
async def delete_session(
    slug: str, session_id: int, request: Request, services: ServicesDep
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    await services.display_actions().delete_sessions(wall, [session_id], actor=session.user.label)
    return RedirectResponse(f"/admin/walls/{slug}/agenda?done=deleted", status_code=303)


@router.post("/{slug}/agenda/clear")
@policy(Role.OWNER)
async def clear_agenda(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    wall = services.wall(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    await services.display_actions().delete_sessions(wall, None, actor=session.user.label)
    return RedirectResponse(f"/admin/walls/{slug}/agenda?done=cleared", status_code=303)
