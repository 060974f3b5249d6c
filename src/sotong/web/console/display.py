"""The wall's look in the console: theme, colours (refused when illegible), type scale, time zone,
countdown, logo, background picture and sponsor logos, with a live preview of the wall.

Pictures go through the media pipeline like attendees' photos (formats recognised by content,
limits, metadata stripped, WebP renditions; no SVG) and are stored in the media directory.
Every save goes through the wall registry, so screens apply it at once."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from sotong.config import BrandImage, DisplaySettings, WallSettings
from sotong.domain import Role
from sotong.media.process import MediaRejected
from sotong.media.store import save_renditions
from sotong.store.walls import WallChanged, WallRecord
from sotong.web.console.render import FORM_LIMITS, STALE_EDIT, checkbox, field, render, text
from sotong.web.console.session import CSRF_FIELD, check_csrf, require_role, require_role_api
from sotong.web.errors import ApiError
from sotong.web.policy import policy
from sotong.web.responses import JSONResponse
from sotong.web.services import Services, get_services
from sotong.wire import wall_settings_to_wire

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

IMAGE_KINDS: Final = ("logo", "background_image", "sponsor")
IMAGE_FORM_OVERHEAD: Final = 64 * 1024
COMMON_ZONES: Final = (
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
)


def is_image_upload(method: str, path: str) -> bool:
    parts = path.split("/")
    return (
        method == "POST"
        and len(parts) == 6
        and parts[1:3] == ["admin", "walls"]
        and (parts[4:6] == ["display", "images"])
    )


def display_from_form(form: FormData, current: DisplaySettings) -> dict[str, Any]:
    """The display settings a form asks for (pictures and screens stay as they are)."""
    data = current.model_dump()

    def colour(name: str) -> str | None:
        if not checkbox(form, f"{name}_custom"):
            return None
        return field(form, name).strip().lower() or None

    zone_name = field(form, "timezone").strip() or current.timezone
    countdown_at: datetime | str | None = None
    raw_at = field(form, "countdown_at").strip()
    if raw_at:
        try:
            moment = datetime.fromisoformat(raw_at)
            countdown_at = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone_name))
        except (ValueError, KeyError):
            countdown_at = raw_at  # refused, with its field named, by the model
    data.update(
        theme=field(form, "theme"),
        accent=colour("accent"),
        background=colour("background"),
        text=colour("text"),
        font_scale=field(form, "font_scale") or "1",
        timezone=zone_name,
        show_agenda=checkbox(form, "show_agenda"),
        countdown_at=countdown_at,
        countdown_label=field(form, "countdown_label").strip(),
        countdown_next_session=checkbox(form, "countdown_next_session"),
        sponsors_label=field(form, "sponsors_label").strip(),
    )
    return data


def _problems(error: ValidationError, _: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in error.errors():
        location = [str(part) for part in item["loc"]]
        name = next((part for part in location if part not in ("display",)), "form")
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        if "colours too close" in message:
            found["colours"] = _("These colours are too close to read from afar: %(detail)s") % {
                "detail": message.split(": ", 1)[-1]
            }
        else:
            found.setdefault(name, _("This value is not valid.") + f" ({message})")
    return found


def with_display(record: WallRecord, display: dict[str, Any]) -> WallSettings:
    data = record.settings.model_dump()
    data["display"] = display
    return WallSettings.model_validate(data)


def _values(display: DisplaySettings) -> dict[str, Any]:
    zone = ZoneInfo(display.timezone)
    at = (
        display.countdown_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        if display.countdown_at
        else ""
    )
    return {**display.model_dump(mode="json"), "countdown_at": at}


async def _page(
    request: Request,
    services: Services,
    slug: str,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    context = {
        "record": record,
        "values": values or _values(record.settings.display),
        "errors": errors or {},
        "zones": COMMON_ZONES,
        "saved": request.query_params.get("saved") == "1",
    }
    return render(
        request, "display.html", context, session=session, wall_slug=slug, status_code=status_code
    )


async def _save(services: Services, record: WallRecord, settings: WallSettings, actor: str) -> None:
    try:
        await services.registry.save(settings, expected_version=record.version, actor=actor)
    except WallChanged:
        raise ApiError(409, "wall_changed", "the wall was saved by someone else; reload") from None


@router.get("/{slug}/display")
@policy(Role.OWNER)
async def display_page(slug: str, request: Request, services: ServicesDep) -> Response:
    return await _page(request, services, slug)


@router.post("/{slug}/display")
@policy(Role.OWNER)
async def save_display(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        wanted = display_from_form(form, record.settings.display)
        version = field(form, "version")
        submitted = {key: field(form, key) for key in form}
    try:
        settings = with_display(record, wanted)
        if version != str(record.version):
            raise WallChanged(slug)
        await services.registry.save(
            settings, expected_version=record.version, actor=session.user.label
        )
    except ValidationError as error:
        values = {**_values(record.settings.display), **submitted}
        for name in ("accent", "background", "text"):
            values[name] = submitted.get(name) if f"{name}_custom" in submitted else None
        return await _page(
            request, services, slug, errors=_problems(error, _), values=values, status_code=422
        )
    except WallChanged:
        message = _(STALE_EDIT)
        return await _page(request, services, slug, errors={"form": message}, status_code=409)
    return RedirectResponse(f"/admin/walls/{slug}/display?saved=1", status_code=303)


@router.post("/{slug}/display/preview")
@policy(Role.OWNER)
async def preview_display(slug: str, request: Request, services: ServicesDep) -> JSONResponse:
    """The wall as screens would get it with the submitted (unsaved) form; 422 with the problems."""
    session = await require_role_api(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        wanted = display_from_form(form, record.settings.display)
    try:
        settings = with_display(record, wanted)
    except ValidationError as error:
        return JSONResponse({"errors": _problems(error, _)}, status_code=422)
    return JSONResponse({"wall": wall_settings_to_wire(settings, record.version)})


async def _picture(services: Services, upload: UploadFile, name: str) -> BrandImage:
    limit = services.settings.media.max_bytes
    data = await upload.read(limit + 1)
    if not data:
        raise ApiError(422, "photo_required", "file: the file is empty", field="file")
    if len(data) > limit:
        raise ApiError(413, "too_large", f"file: larger than {limit} bytes", field="file")
    try:
        processed = await services.media_pool().process(data)
    except MediaRejected as refused:
        raise ApiError(refused.http_status, refused.code, refused.message, field="file") from None
    stored = await asyncio.to_thread(
        save_renditions, services.settings.storage.media_dir, processed
    )
    return BrandImage(url=stored.url, width=stored.width, height=stored.height, name=name[:100])


@router.post("/{slug}/display/images")
@policy(Role.OWNER)
async def add_image(slug: str, request: Request, services: ServicesDep) -> Response:
    """A logo, background picture or sponsor logo (multipart: `kind`, `file`, `name`)."""
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    part_limit = services.settings.media.max_bytes + IMAGE_FORM_OVERHEAD
    async with request.form(max_files=1, max_fields=8, max_part_size=part_limit) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        kind = field(form, "kind")
        upload = form.get("file")
        name = field(form, "name").strip()
        if kind not in IMAGE_KINDS or not isinstance(upload, UploadFile):
            message = _("Choose a picture to upload.")
            return await _page(
                request, services, slug, errors={kind or "form": message}, status_code=422
            )
        try:
            picture = await _picture(services, upload, name)
        except ApiError as refused:
            message = _("This file is not a picture the wall can show: %(reason)s") % {
                "reason": refused.message
            }
            return await _page(
                request, services, slug, errors={kind: message}, status_code=refused.status
            )
    display = record.settings.display.model_dump()
    if kind == "sponsor":
        if len(display["sponsors"]) >= 12:
            message = _("A wall shows at most 12 sponsor logos.")
            return await _page(
                request, services, slug, errors={"sponsor": message}, status_code=422
            )
        display["sponsors"].append(picture.model_dump())
    else:
        display[kind] = picture.model_dump()
    await _save(services, record, with_display(record, display), session.user.label)
    return RedirectResponse(f"/admin/walls/{slug}/display?saved=1", status_code=303)


@router.post("/{slug}/display/images/remove")
@policy(Role.OWNER)
async def remove_image(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        kind = field(form, "kind")
        index = field(form, "index")
    display = record.settings.display.model_dump()
    if kind in ("logo", "background_image"):
        display[kind] = None
    elif kind == "sponsor" and index.isdigit() and int(index) < len(display["sponsors"]):
        del display["sponsors"][int(index)]
    await _save(services, record, with_display(record, display), session.user.label)
    return RedirectResponse(f"/admin/walls/{slug}/display?saved=1", status_code=303)
