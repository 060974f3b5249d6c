"""Attendee uploads (CONTRACT.md, "Uploads"): a photo from the QR page onto the wall, no account.

Nothing here needs a login: an upload grants nothing to anyone. What guards it is validation (the
media pipeline decides what an image is, from its bytes), per-device and per-address rate limits,
and the refusal of cross-site requests. The uploader gets a private status link whose secret is
the only key to withdrawing the post.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import secrets
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData, UploadFile

from sotong.clock import utc_now
from sotong.domain import Author, IncomingPost, Media, Post, PostStatus, Wall
from sotong.media.process import MediaRejected
from sotong.media.store import save_renditions
from sotong.moderation.decisions import REASON_WITHDRAWN, PostNotFound
from sotong.pipeline.normalise import clean_text
from sotong.store import posts
from sotong.store.uploads import find_upload, new_secret, record_upload
from sotong.web.errors import ApiError
from sotong.web.origin import is_cross_site
from sotong.web.policy import policy
from sotong.web.responses import JSONResponse
from sotong.web.services import Services, get_services
from sotong.wire import timestamp

router = APIRouter(prefix="/api/v1", default_response_class=JSONResponse)
ServicesDep = Annotated[Services, Depends(get_services)]

SOURCE: Final = "upload"
DEVICE_COOKIE: Final = "sotong_device"
DEVICE_COOKIE_MAX_AGE: Final = 365 * 24 * 3600
FORM_OVERHEAD_BYTES: Final = 256 * 1024
"""Room for the text fields and multipart framing beside the photo itself."""
CONSENT_VALUES: Final = frozenset({"true", "on", "1", "yes"})
ANONYMOUS: Final = {"ko": "익명 참가자", "en": "Anonymous"}
MAX_SECRET_CHARS: Final = 64


def upload_body_limit(max_image_bytes: int) -> int:
    return max_image_bytes + FORM_OVERHEAD_BYTES


def is_upload_request(method: str, path: str) -> bool:
    parts = path.split("/")
    return (
        method == "POST"
        and len(parts) == 6
        and parts[1:4] == ["api", "v1", "walls"]
        and (parts[5] == "uploads")
    )


def device_of(request: Request) -> str | None:
    value = request.cookies.get(DEVICE_COOKIE, "")
    if 16 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum():
        return value
    return None


def new_device() -> str:
    return secrets.token_urlsafe(16)


def set_device_cookie(response: Any, device: str, *, secure: bool) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def address_of(request: Request) -> str:
    """The client's address; an IPv6 client is counted by its /64, which one host can fill."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _text_field(form: FormData, name: str, limit: int, code: str) -> str:
    value = form.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(422, f"invalid_{name}", f"{name}: must be text, not a file", field=name)
    text = clean_text(value, limit + 1)
    if len(text) > limit:
        raise ApiError(422, code, f"{name}: at most {limit} characters", field=name)
    return text


async def _photo_bytes(form: FormData, max_bytes: int) -> bytes:
    photo = form.get("photo")
    if not isinstance(photo, UploadFile):
        raise ApiError(422, "photo_required", "photo: attach an image file", field="photo")
    data = await photo.read(max_bytes + 1)
    if not data:
        raise ApiError(422, "photo_required", "photo: the file is empty", field="photo")
    if len(data) > max_bytes:
        raise ApiError(413, "too_large", f"photo: larger than {max_bytes} bytes", field="photo")
    return data


def upload_status(post: Post, withdrawn: bool) -> dict[str, Any]:
    reason: str | None = None
    if post.status is PostStatus.REMOVED:
        reason = "withdrawn" if withdrawn or post.reason == REASON_WITHDRAWN else "taken_down"
    elif post.status is PostStatus.REJECTED:
        reason = "taken_down" if post.shown_at is not None else "declined"
    thumbnail = next((m.thumb_url or m.url for m in post.media if m.kind == "image"), None)
    return {
        "id": post.id,
        "wall": post.wall_slug,
        "status": post.status.value,
        "shown_at": timestamp(post.shown_at) if post.status is PostStatus.APPROVED else None,
        "reason": reason,
        "caption": post.text,
        "name": post.author.name,
        "thumb_url": thumbnail,
        "created_at": timestamp(post.received_at),
    }


async def load_upload(services: Services, secret: str) -> tuple[Wall, dict[str, Any]]:
    """The wall and the status of the upload behind a status link; 404 for an unknown secret."""
    if not secret or len(secret) > MAX_SECRET_CHARS:
        raise ApiError(404, "upload_not_found", "there is no upload with this link")
    post = wall = None
    async with services.db.read() as connection:
        record = await find_upload(connection, secret)
        if record is not None:
            wall = next((w for w in services.walls.values() if w.id == record.wall_id), None)
        if record is not None and wall is not None:
            post = await posts.get_post(connection, wall.id, record.post_id)
    if record is None or wall is None or post is None:
        raise ApiError(404, "upload_not_found", "there is no upload with this link")
    return wall, upload_status(post, record.withdrawn_at is not None)


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["photo", "consent"],
                    "properties": {
                        "photo": {
                            "type": "string",
                            "format": "binary",
                            "description": "JPEG, PNG, WebP, GIF or HEIC/HEIF",
                        },
                        "caption": {"type": "string"},
                        "name": {"type": "string", "description": "shown on the card"},
                        "consent": {
                            "type": "string",
                            "enum": ["true"],
                            "description": "agreement to be shown on the public screen",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/walls/{slug}/uploads",
    status_code=201,
    summary="Upload a photo from the venue (no account)",
    openapi_extra=_UPLOAD_BODY,
    responses={
        201: {"description": "stored; `status_url` is the uploader's private status page"},
        413: {"description": "the photo is over the byte limit"},
        415: {"description": "not an allowed image format"},
        422: {"description": "consent missing, a field too long, over the pixel limit, corrupt"},
        429: {"description": "too many uploads; see Retry-After"},
    },
)
@policy("public")
async def upload(slug: str, request: Request, services: ServicesDep) -> JSONResponse:
    wall = services.wall(slug)
    if not services.wall_settings(slug).uploads:
        raise ApiError(404, "uploads_closed", f"wall {slug!r} does not take uploads")
    settings = services.settings
    if is_cross_site(request, settings.server.public_url):
        raise ApiError(403, "cross_site", "uploads are accepted from this site's own pages only")
    known_device = device_of(request)
    device = known_device or new_device()
    wait = services.upload_guard.admit(device, address_of(request))
    if wait:
        services.metrics.uploads.labels("rate_limited").inc()
        raise ApiError(
            429,
            "rate_limited",
            f"too many uploads; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    try:
        response = await _accept(request, services, wall, device)
    except ApiError as error:
        services.metrics.uploads.labels(error.code).inc()
        raise
    services.metrics.uploads.labels("accepted").inc()
    if known_device is None:
        set_device_cookie(response, device, secure=request.url.scheme == "https")
    return response


async def _accept(request: Request, services: Services, wall: Wall, device: str) -> JSONResponse:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", "send multipart/form-data")
    limits = services.settings.uploads
    media = services.settings.media
    async with request.form(max_files=1, max_fields=8, max_part_size=64 * 1024) as form:
        if str(form.get("consent", "")).strip().lower() not in CONSENT_VALUES:
            raise ApiError(
                422,
                "consent_required",
                "consent: agree to the photo being shown on the public screen",
                field="consent",
            )
        caption = _text_field(form, "caption", limits.caption_max, "caption_too_long")
        name = _text_field(form, "name", limits.name_max, "name_too_long")
        data = await _photo_bytes(form, media.max_bytes)
    try:
        processed = await services.media_pool().process(data)
    except MediaRejected as refused:
        raise ApiError(refused.http_status, refused.code, refused.message, field="photo") from None
    media_dir = services.settings.storage.media_dir
    stored = await asyncio.to_thread(save_renditions, media_dir, processed)
    external_id = secrets.token_hex(16)
    device_key = hashlib.sha256(device.encode()).hexdigest()[:32]
    incoming = IncomingPost(
        source=SOURCE,
        external_id=external_id,
        author=Author(
            name=name or ANONYMOUS.get(wall.locale, ANONYMOUS["ko"]), key=f"device:{device_key}"
        ),
        text=caption,
        tags=wall.hashtags,
        media=(
            Media(
                url=stored.url,
                thumb_url=stored.thumb_url,
                width=stored.width,
                height=stored.height,
                blurhash=stored.blurhash,
                phash=stored.phash,
            ),
        ),
        created_at=utc_now(),
    )
    result = await services.pipeline.ingest(wall, incoming)
    if result.post_id is None:
        raise ApiError(500, "internal_error", "the upload could not be stored")
    secret = new_secret()
    async with services.db.write() as connection:
        await record_upload(connection, secret, result.post_id, wall.id, utc_now())
    return JSONResponse(
        {"id": result.post_id, "status": result.status, "status_url": f"/u/{secret}"},
        status_code=201,
    )


@router.get("/uploads/{secret}", summary="The status of an upload (its private link)")
@policy("secret-link")
async def upload_state(secret: str, request: Request, services: ServicesDep) -> JSONResponse:
    _, status = await load_upload(services, secret)
    status["prize"] = await prize_of_upload(request, status)
    return JSONResponse(status, headers={"Cache-Control": "no-store"})


async def prize_of_upload(request: Request, status: dict[str, Any]) -> dict[str, Any] | None:
    """The uploader's prize (contest, prize, claim code and link) once the win is announced."""
    prize: dict[str, Any] | None = await request.app.state.contest.desk.prize_of_post(status["id"])
    return prize


@router.delete("/uploads/{secret}", summary="Withdraw an upload: it leaves every screen at once")
@policy("secret-link")
async def withdraw_upload(secret: str, request: Request, services: ServicesDep) -> JSONResponse:
    if is_cross_site(request, services.settings.server.public_url):
        raise ApiError(403, "cross_site", "uploads are withdrawn from this site's own pages only")
    wall, status = await load_upload(services, secret)
    try:
        withdrawn = await services.decisions.withdraw(wall, status["id"])
    except PostNotFound:
        raise ApiError(404, "upload_not_found", "there is no upload with this link") from None
    body = upload_status(withdrawn, True)
    body["prize"] = await prize_of_upload(request, body)
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
