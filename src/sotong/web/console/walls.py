"""Walls in the console: create one, edit its settings and sources, archive it. A saved change
reaches every process and every screen at once (see `sotong.registry`); nothing restarts."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Annotated, Any

import regex
from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from sotong.config import WallSettings
from sotong.domain import Role
from sotong.sources.http import http_client
from sotong.sources.registry import SOURCE_TYPES, SourceTableError, wall_sources
from sotong.store.walls import WallChanged, WallExists, WallRecord
from sotong.web.console.nav import wall_sections
from sotong.web.console.render import FORM_LIMITS, STALE_EDIT, checkbox, field, render, text
from sotong.web.console.session import (
    CSRF_FIELD,
    check_csrf,
    require_role,
    require_signed_in,
)
from sotong.web.console.toml_text import TomlProblem, tables_to_toml, toml_to_tables
from sotong.web.policy import policy
from sotong.web.services import Services, get_services
from sotong.web.translations import N_

router = APIRouter(prefix="/admin/walls", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]

LAYOUTS = {
    "masonry": N_("masonry"),
    "spotlight": N_("spotlight"),
    "carousel": N_("carousel"),
    "ticker": N_("ticker"),
    "mixed": N_("mixed"),
}
SOURCE_CHECK_SECONDS = 20.0
_TAG_SEPARATORS = regex.compile(r"[\s,，、]+")


def parse_hashtags(value: str) -> list[str]:
    return [tag for tag in _TAG_SEPARATORS.split(value) if tag]


def _problem(field_name: str, _: Callable[[str], str]) -> str:
    messages = {
        "slug": _(
            "Use 1 to 63 lowercase letters, digits and hyphens, starting with a letter or a digit."
        ),
        "title": _("Give the wall a title of 1 to 200 characters."),
        "hashtags": _("List 1 to 50 hashtags that contain at least one letter."),
        "moderation": _("Choose pre- or post-moderation."),
        "locale": _("Choose Korean or English."),
        "layout": _("Choose one of the layouts."),
    }
    return messages.get(field_name, _("This value is not valid."))


def settings_from_form(
    form: FormData, current: WallSettings | None, _: Callable[[str], str]
) -> tuple[WallSettings | None, dict[str, str]]:
    """The settings a submitted form asks for, or the problems per field."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = current.model_dump() if current else {}
    data.update(
        title=field(form, "title").strip(),
        hashtags=parse_hashtags(field(form, "hashtags")),
        moderation=field(form, "moderation"),
        locale=field(form, "locale"),
        match_particles=checkbox(form, "match_particles"),
        layout=field(form, "layout"),
        uploads=checkbox(form, "uploads"),
        show_qr=checkbox(form, "show_qr"),
    )
    if current is None:
        data["slug"] = field(form, "slug").strip().lower()
    try:
        data["sources"] = toml_to_tables("sources", field(form, "sources"))
    except TomlProblem as problem:
        errors["sources"] = _("The sources are not valid TOML: %(problem)s") % {"problem": problem}
        data["sources"] = current.sources if current else []
    try:
        settings = WallSettings.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(name, _problem(name, _))
        return None, errors
    if "sources" not in errors:
        try:
            wall_sources(settings, os.environ)
        except SourceTableError as problem:
            errors["sources"] = _("Sources: %(problem)s") % {"problem": problem}
    return (None if errors else settings), errors


def _form_values(settings: WallSettings | None, form: FormData | None) -> dict[str, Any]:
    """What the form fields show: the submitted values after a failed save, else the settings."""
    if form is not None:
        return {
            "slug": field(form, "slug"),
            "title": field(form, "title"),
            "hashtags": field(form, "hashtags"),
            "moderation": field(form, "moderation"),
            "locale": field(form, "locale"),
            "match_particles": checkbox(form, "match_particles"),
            "layout": field(form, "layout"),
            "uploads": checkbox(form, "uploads"),
            "show_qr": checkbox(form, "show_qr"),
            "sources": field(form, "sources"),
        }
    settings = settings or WallSettings(slug="new", title="-", hashtags=["#sotong"])
    return {
        "slug": "" if settings.slug == "new" else settings.slug,
        "title": "" if settings.title == "-" else settings.title,
        "hashtags": "" if settings.slug == "new" else " ".join(settings.hashtags),
        "moderation": settings.moderation,
        "locale": settings.locale,
        "match_particles": settings.match_particles,
        "layout": settings.layout,
        "uploads": settings.uploads,
        "show_qr": settings.show_qr,
        "sources": tables_to_toml(
            "sources", [source.model_dump(exclude_defaults=True) for source in settings.sources]
        ),
    }


def _page_context(
    record: WallRecord | None,
    values: dict[str, Any],
    errors: dict[str, str],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "record": record,
        "values": values,
        "errors": errors,
        "layouts": LAYOUTS,
        "source_types": sorted(SOURCE_TYPES.values(), key=lambda manifest: manifest.type),
        "saved": False,
        "checks": None,
        **extra,
    }


@router.get("/new")
@policy(Role.OWNER)
async def new_wall_page(request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    context = _page_context(None, _form_values(None, None), {})
    return render(request, "wall_settings.html", context, session=session)


@router.post("/new")
@policy(Role.OWNER)
async def create_wall(request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        settings, errors = settings_from_form(form, None, _)
        if settings is not None:
            try:
                await services.registry.create(settings, actor=session.user.label)
            except WallExists:
                errors["slug"] = _("Another wall already uses this address.")
        if errors or settings is None:
            context = _page_context(None, _form_values(None, form), errors)
            return render(request, "wall_settings.html", context, session=session, status_code=422)
    return RedirectResponse(f"/admin/walls/{settings.slug}/settings?created=1", status_code=303)


@router.get("/{slug}")
@policy("signed-in")
async def wall_home(slug: str, request: Request, services: ServicesDep) -> Response:
    """A wall's first section this user may open."""
    session = await require_signed_in(request, services)
    services.wall_record(slug)
    sections = wall_sections(slug, session.user.role)
    return RedirectResponse(sections[0]["href"] if sections else "/admin/", status_code=303)


@router.get("/{slug}/settings")
@policy(Role.OWNER)
async def settings_page(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    context = _page_context(
        record,
        _form_values(record.settings, None),
        {},
        saved=request.query_params.get("saved") == "1",
        created=request.query_params.get("created") == "1",
    )
    return render(request, "wall_settings.html", context, session=session, wall_slug=slug)


@router.post("/{slug}/settings")
@policy(Role.OWNER)
async def save_settings(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        settings, errors = settings_from_form(form, record.settings, _)
        status_code = 422
        if settings is not None:
            try:
                version = int(field(form, "version") or 0)
                await services.registry.save(
                    settings, expected_version=version, actor=session.user.label
                )
            except WallChanged:
                errors["form"] = _(STALE_EDIT)
                status_code = 409
            except ValueError:
                errors["form"] = _("This value is not valid.")
        if errors or settings is None:
            context = _page_context(record, _form_values(None, form), errors)
            return render(
                request,
                "wall_settings.html",
                context,
                session=session,
                wall_slug=slug,
                status_code=status_code,
            )
    return RedirectResponse(f"/admin/walls/{slug}/settings?saved=1", status_code=303)


@router.post("/{slug}/sources/check")
@policy(Role.OWNER)
async def check_sources(slug: str, request: Request, services: ServicesDep) -> Response:
    """Try each saved source once, as `sotong check` does, and show what each said."""
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
    checks: list[dict[str, Any]] = []
    try:
        configured = wall_sources(record.settings, os.environ)
    except SourceTableError as problem:
        checks.append({"label": problem.location, "ok": False, "message": problem.problem})
        configured = []
    async with http_client(services.settings) as http:

        async def one(index: int) -> dict[str, Any]:
            source = configured[index]
            label = f"{source.key} ({source.type})"
            try:
                message = await asyncio.wait_for(source.source.check(http), SOURCE_CHECK_SECONDS)
                return {"label": label, "ok": True, "message": message}
            except TimeoutError:
                return {"label": label, "ok": False, "message": _("No answer in time.")}
            except Exception as error:
                return {"label": label, "ok": False, "message": str(error)}

        checks += await asyncio.gather(*(one(index) for index in range(len(configured))))
    if not checks:
        checks.append({"label": "", "ok": True, "message": _("This wall has no sources.")})
    context = _page_context(record, _form_values(record.settings, None), {}, checks=checks)
    return render(request, "wall_settings.html", context, session=session, wall_slug=slug)


@router.post("/{slug}/archive")
@policy(Role.OWNER)
async def archive(slug: str, request: Request, services: ServicesDep) -> Response:
    session = await require_role(request, services, Role.OWNER)
    record = services.wall_record(slug)
    _ = text(request)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        confirmed = field(form, "confirm_slug").strip() == slug
    if not confirmed:
        errors = {"archive": _("Type the wall's address name to confirm.")}
        context = _page_context(record, _form_values(record.settings, None), errors)
        return render(
            request,
            "wall_settings.html",
            context,
            session=session,
            wall_slug=slug,
            status_code=422,
        )
    await services.registry.archive(slug, actor=session.user.label)
    return RedirectResponse("/admin/?archived=1", status_code=303)
