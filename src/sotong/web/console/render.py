"""Rendering console pages and reading their forms."""

from __future__ import annotations

from typing import Any, Final

from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from sotong import __version__
from sotong.store.users import Session
from sotong.web.console.nav import wall_sections
from sotong.web.pages import page_headers
from sotong.web.translations import N_, gettext_for, remember_locale, request_locale

STALE_EDIT: Final = N_(
    "Someone else saved this wall while you were editing. Reload the page to see their changes, "
    "then make yours again."
)
FORM_LIMITS: Final[dict[str, Any]] = {
    "max_files": 0,
    "max_fields": 200,
    "max_part_size": 256 * 1024,
}


def text(request: Request) -> Any:
    """`gettext` in the language of this request, for strings made in Python."""
    return gettext_for(request_locale(request)).gettext


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    session: Session | None = None,
    wall_slug: str | None = None,
    status_code: int = 200,
) -> Response:
    """A console page. With `wall_slug`, the page belongs to that wall and shows its sections."""
    locale = request_locale(request)
    templates: Jinja2Templates = request.app.state.templates
    headers = page_headers(embeddable=False)
    headers["Cache-Control"] = "no-store"
    sections = (
        wall_sections(wall_slug, session.user.role) if session and wall_slug is not None else []
    )
    response = templates.TemplateResponse(
        request,
        f"admin/{name}",
        {
            "locale": locale,
            "asset_version": __version__,
            "session": session,
            "wall_slug": wall_slug,
            "sections": sections,
            "current_path": request.url.path,
            **context,
        },
        status_code=status_code,
        headers=headers,
    )
    remember_locale(request, response)
    return response


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def checkbox(form: FormData, name: str) -> bool:
    return field(form, name) in ("on", "true", "1")
