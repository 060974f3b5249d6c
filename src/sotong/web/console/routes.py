"""Console pages: sign in and out, the home page, password change."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from sotong import __version__
from sotong.accounts.passwords import (
    MAX_LENGTH,
    WeakPassword,
    hash_password,
    needs_rehash,
    verify_password,
)
from sotong.clock import utc_now
from sotong.store import audit, users
from sotong.web.console.messages import console_messages
from sotong.web.console.session import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    check_csrf,
    clear_session_cookie,
    current_session,
    require_signed_in,
    safe_next,
    set_session_cookie,
)
from sotong.web.errors import ApiError
from sotong.web.origin import is_cross_site
from sotong.web.pages import page_headers, page_locale, upload_page_url
from sotong.web.policy import policy
from sotong.web.services import Services, get_services
from sotong.web.uploads import address_of

router = APIRouter(prefix="/admin", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]
FORM_LIMITS: dict[str, Any] = {"max_files": 0, "max_fields": 10, "max_part_size": 4 * MAX_LENGTH}


def _render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> Response:
    locale = page_locale(request, "ko")
    templates: Jinja2Templates = request.app.state.templates
    headers = page_headers(embeddable=False)
    headers["Cache-Control"] = "no-store"
    return templates.TemplateResponse(
        request,
        f"admin/{name}",
        {"t": console_messages(locale), "locale": locale, "asset_version": __version__, **context},
        status_code=status_code,
        headers=headers,
    )


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.get("/login")
@policy("public")
async def login_page(request: Request, services: ServicesDep, next: str = "/admin/") -> Response:
    if await current_session(request, services) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _render(request, "login.html", {"next": safe_next(next), "error": None, "email": ""})


@router.post("/login")
@policy("public")
async def login(request: Request, services: ServicesDep) -> Response:
    if is_cross_site(request, services.settings.server.public_url):
        raise ApiError(403, "cross_site", "sign in from this console's own page")
    async with request.form(**FORM_LIMITS) as form:
        email = users.normalise_email(_field(form, "email"))
        password = _field(form, "password")
        next_url = safe_next(_field(form, "next"))
    t = console_messages(page_locale(request, "ko"))
    address = address_of(request)
    wait = services.login_throttle.wait(email, address)
    if wait:
        context = {"next": next_url, "error": t["throttled"].format(seconds=wait), "email": email}
        response = _render(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    async with services.db.read() as connection:
        user = await users.find_user(connection, email)
    stored_hash = user.password_hash if user and user.disabled_at is None else None
    if user is None or not await asyncio.to_thread(verify_password, stored_hash, password):
        services.login_throttle.failed(email, address)
        async with services.db.write() as connection:
            await audit.record(
                connection,
                audit.AuditEntry(at=utc_now(), actor=f"user:{email}"[:400], action="login.failed"),
            )
        context = {"next": next_url, "error": t["bad_login"], "email": email}
        return _render(request, "login.html", context, status_code=401)
    now = utc_now()
    async with services.db.write() as connection:
        # A new token on every sign-in: a session id planted before login is never adopted.
        old_token = request.cookies.get(SESSION_COOKIE)
        if old_token:
            await users.end_session(connection, old_token)
        await users.purge_expired_sessions(connection, now)
        token, _ = await users.create_session(connection, user, now, SESSION_LIFETIME)
        if needs_rehash(user.password_hash):
            await users.set_password(
                connection, user.id, await asyncio.to_thread(hash_password, password), now
            )
        await audit.record(connection, audit.AuditEntry(at=now, actor=user.label, action="login"))
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(response, token, secure=request.url.scheme == "https")
    return response


@router.post("/logout")
@policy("signed-in")
async def logout(request: Request, services: ServicesDep) -> Response:
    session = await require_signed_in(request, services)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, _field(form, CSRF_FIELD))
    async with services.db.write() as connection:
        await users.end_session(connection, request.cookies.get(SESSION_COOKIE, ""))
        await audit.record(
            connection, audit.AuditEntry(at=utc_now(), actor=session.user.label, action="logout")
        )
    response = RedirectResponse("/admin/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/")
@policy("signed-in")
async def home(request: Request, services: ServicesDep) -> Response:
    session = await require_signed_in(request, services)
    walls = [
        {
            "wall": wall,
            "upload_url": upload_page_url(services, wall.slug),
            "uploads": services.wall_settings(wall.slug).uploads,
        }
        for wall in services.walls.values()
    ]
    return _render(request, "home.html", {"session": session, "walls": walls})


@router.get("/password")
@policy("signed-in")
async def password_page(request: Request, services: ServicesDep) -> Response:
    session = await require_signed_in(request, services)
    return _render(request, "password.html", {"session": session, "error": None, "done": False})


@router.post("/password")
@policy("signed-in")
async def change_password(request: Request, services: ServicesDep) -> Response:
    session = await require_signed_in(request, services)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, _field(form, CSRF_FIELD))
        current = _field(form, "current")
        new = _field(form, "new")
        confirm = _field(form, "confirm")
    t = console_messages(page_locale(request, "ko"))
    error: str | None = None
    if not await asyncio.to_thread(verify_password, session.user.password_hash, current):
        error = t["wrong_current"]
    elif new != confirm:
        error = t["mismatch"]
    else:
        try:
            new_hash = await asyncio.to_thread(hash_password, new)
        except WeakPassword as weak:
            error = str(weak)
    if error is not None:
        context = {"session": session, "error": error, "done": False}
        return _render(request, "password.html", context, status_code=422)
    now = utc_now()
    async with services.db.write() as connection:
        await users.set_password(connection, session.user.id, new_hash, now)
        await users.end_sessions_of(
            connection, session.user.id, keep_token=request.cookies.get(SESSION_COOKIE)
        )
        await audit.record(
            connection, audit.AuditEntry(at=now, actor=session.user.label, action="password.change")
        )
    return _render(request, "password.html", {"session": session, "error": None, "done": True})
