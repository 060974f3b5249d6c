"""Server-rendered pages: the wall display and its embeddable variant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from sotong import __version__
from sotong.web.i18n import messages
from sotong.web.services import Services, get_services

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
    return Jinja2Templates(directory=TEMPLATES_DIR)


def _render_wall(request: Request, services: Services, slug: str, *, embed: bool) -> Response:
    wall = services.wall(slug)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "wall.html",
        {
            "wall": wall,
            "t": messages(wall.locale),
            "asset_version": __version__,
            "events_url": f"/api/v1/walls/{wall.slug}/events",
            "embed": embed,
        },
        headers=page_headers(embeddable=embed),
    )


@router.get("/w/{slug}")
async def wall_page(slug: str, request: Request, services: ServicesDep) -> Response:
    return _render_wall(request, services, slug, embed=False)


@router.get("/w/{slug}/embed")
async def wall_embed(slug: str, request: Request, services: ServicesDep) -> Response:
    return _render_wall(request, services, slug, embed=True)


@router.get("/")
async def index(services: ServicesDep) -> Response:
    if services.walls:
        first = next(iter(services.walls))
        return RedirectResponse(f"/w/{first}", status_code=307)
    return RedirectResponse("/docs", status_code=307)


def api_docs_router(openapi_url: str) -> APIRouter:
    """`/docs`, with Swagger UI served from this server: venue networks are often offline."""
    docs = APIRouter(include_in_schema=False)

    @docs.get("/docs")
    async def api_docs() -> Response:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title="Sotong API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    return docs
