"""Server-rendered pages: the wall display, its embeddable variant, the attendee upload page, the
uploader's status page, and the participation QR code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from sotong import __version__
from sotong.clock import utc_now
from sotong.config import DisplaySettings, ScreenSettings
from sotong.contest.text import contest_messages
from sotong.display.actions import agenda_on_screen, announcement_to_wire
from sotong.display.brand import legible_themes, stylesheet
from sotong.media.qr import qr_png, qr_svg
from sotong.store.announcements import current_announcement
from sotong.web import translations
from sotong.web.errors import ApiError
from sotong.web.i18n import MESSAGES, messages
from sotong.web.policy import policy
from sotong.web.screens import SCREEN_NAME
from sotong.web.services import Services, get_services
from sotong.web.uploads import (
    device_of,
    load_upload,
    new_device,
    prize_of_upload,
    set_device_cookie,
)
from sotong.wire import wall_settings_to_wire

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

# Post content is untrusted: pages run only our own scripts and talk only to this server.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; "
    "img-src 'self' https: http: data: blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)

router = APIRouter(include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]


class RevalidatedStaticFiles(StaticFiles):
    """Static files that browsers must revalidate (cheaply, by ETag), so an upgrade never leaves a
    screen running a stale mix of old and new script modules."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)  # type: ignore[arg-type]
        response.headers["Cache-Control"] = "no-cache"
        return response


def page_headers(*, embeddable: bool) -> dict[str, str]:
    ancestors = "*" if embeddable else "'self'"
    headers = {"Content-Security-Policy": f"{PAGE_POLICY}; frame-ancestors {ancestors}"}
    if not embeddable:
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return headers


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    translations.install(templates.env)
    return templates


def _screen_of(request: Request, display: DisplaySettings) -> tuple[str, ScreenSettings | None]:
    """The screen this page is (`?screen=NAME`), and its definition when the wall has one."""
    name = request.query_params.get("screen", "").strip().lower()
    if not SCREEN_NAME.match(name):
        return "", None
    return name, next((screen for screen in display.screens if screen.name == name), None)


async def _render_wall(request: Request, services: Services, slug: str, *, embed: bool) -> Response:
    wall = services.wall(slug)
    record = services.wall_record(slug)
    configured = record.settings
    display = configured.display
    screen_name, screen = _screen_of(request, display)
    legible = legible_themes(display)
    asked_theme = request.query_params.get("theme", "")
    theme = next(
        (t for t in (asked_theme, screen.theme if screen else None) if t in legible),
        display.theme,
    )
    now = utc_now()
    async with services.db.read() as connection:
        announcement = await current_announcement(connection, wall.id, now)
        agenda = await agenda_on_screen(connection, wall.id, now)
    templates: Jinja2Templates = request.app.state.templates
    preview = request.query_params.get("preview") == "1"
    headers = page_headers(embeddable=embed)
    return templates.TemplateResponse(
        request,
        "wall.html",
        {
            "wall": wall,
            "t": messages(wall.locale),
            "asset_version": __version__,
            "events_url": f"/api/v1/walls/{wall.slug}/events",
            "embed": embed,
            "preview": preview,
            "layout": (screen.layout if screen and screen.layout else None) or configured.layout,
            "show_qr": configured.uploads and configured.show_qr and not embed,
            "uploads": configured.uploads and not embed,
            "upload_url": upload_page_url(services, wall.slug),
            "qr_url": f"/w/{wall.slug}/qr.svg",
            "brand_url": f"/w/{wall.slug}/brand.css?v={record.version}",
            "display": display,
            "theme": theme,
            "screen_name": screen_name,
            "wall_wire": wall_settings_to_wire(configured, record.version),
            "announcement": announcement_to_wire(announcement),
            "agenda": agenda,
            "now": now.isoformat(),
        },
        headers=headers,
    )


@router.get("/w/sw.js")
@policy("public")
async def service_worker() -> Response:
    """The screens' service worker, served from /w/ so that it may control the wall pages."""
    return Response(
        (STATIC_DIR / "wall" / "sw.js").read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/w/"},
    )


@router.get("/w/{slug}")
@policy("public")
async def wall_page(slug: str, request: Request, services: ServicesDep) -> Response:
    return await _render_wall(request, services, slug, embed=False)


@router.get("/w/{slug}/embed")
@policy("public")
async def wall_embed(slug: str, request: Request, services: ServicesDep) -> Response:
    return await _render_wall(request, services, slug, embed=True)


@router.get("/w/{slug}/brand.css")
@policy("public")
async def wall_brand(slug: str, services: ServicesDep) -> Response:
    return Response(
        stylesheet(services.wall_settings(slug).display),
        media_type="text/css",
        headers={"Cache-Control": "no-cache"},
    )


def page_locale(request: Request, default: str) -> str:
    """`?lang=en` or `?lang=ko` picks the page's language; otherwise the wall's."""
    chosen = request.query_params.get("lang", "")
    return chosen if chosen in MESSAGES else default


def upload_page_url(services: Services, slug: str) -> str:
    return f"{services.settings.server.public_url}/w/{slug}/post"


@router.get("/w/{slug}/post")
@policy("public")
async def upload_page(slug: str, request: Request, services: ServicesDep) -> Response:
    wall = services.wall(slug)
    if not services.wall_settings(slug).uploads:
        raise ApiError(404, "uploads_closed", f"wall {slug!r} does not take uploads")
    locale = page_locale(request, wall.locale)
    limits = services.settings.uploads
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(
        request,
        "post.html",
        {
            "wall": wall,
            "t": messages(locale),
            "locale": locale,
            "asset_version": __version__,
            "upload_api": f"/api/v1/walls/{wall.slug}/uploads",
            "limits": {
                "max_bytes": services.settings.media.max_bytes,
                "caption_max": limits.caption_max,
                "name_max": limits.name_max,
            },
        },
        headers=page_headers(embeddable=False),
    )
    if device_of(request) is None:
        set_device_cookie(response, new_device(), secure=request.url.scheme == "https")
    return response


@router.get("/u/{secret}")
@policy("secret-link")
async def upload_status_page(secret: str, request: Request, services: ServicesDep) -> Response:
    wall, status = await load_upload(services, secret)
    status["prize"] = await prize_of_upload(request, status)
    locale = page_locale(request, wall.locale)
    templates: Jinja2Templates = request.app.state.templates
    headers = page_headers(embeddable=False)
    headers["Cache-Control"] = "no-store"
    headers["X-Robots-Tag"] = "noindex"
    return templates.TemplateResponse(
        request,
        "upload_status.html",
        {
            "wall": wall,
            "t": messages(locale),
            "locale": locale,
            "asset_version": __version__,
            "status_api": f"/api/v1/uploads/{secret}",
            "status": status,
            "post_page": f"/w/{wall.slug}/post",
            "prize_t": contest_messages(locale),
        },
        headers=headers,
    )


def _qr_headers(slug: str, extension: str, download: bool) -> dict[str, str]:
    headers = {"Cache-Control": "no-cache"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="sotong-{slug}-qr.{extension}"'
    return headers


@router.get("/w/{slug}/qr.svg")
@policy("public")
async def upload_qr_svg(slug: str, services: ServicesDep, download: bool = False) -> Response:
    wall = services.wall(slug)
    return Response(
        qr_svg(upload_page_url(services, slug), title=wall.title),
        media_type="image/svg+xml",
        headers=_qr_headers(slug, "svg", download),
    )


@router.get("/w/{slug}/qr.png")
@policy("public")
async def upload_qr_png(slug: str, services: ServicesDep, download: bool = False) -> Response:
    services.wall(slug)
    return Response(
        qr_png(upload_page_url(services, slug)),
        media_type="image/png",
        headers=_qr_headers(slug, "png", download),
    )


@router.get("/")
@policy("public")
async def index(services: ServicesDep) -> Response:
    if services.walls:
        first = next(iter(services.walls))
        return RedirectResponse(f"/w/{first}", status_code=307)
    return RedirectResponse("/docs", status_code=307)


def api_docs_router(openapi_url: str) -> APIRouter:
    """`/docs`, with Swagger UI served from this server: venue networks are often offline."""
    docs = APIRouter(include_in_schema=False)

    @docs.get("/docs")
    @policy("public")
    async def api_docs() -> Response:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title="Sotong API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    return docs
