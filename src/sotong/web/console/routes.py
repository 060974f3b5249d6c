"""Console pages: sign in and out, the home page, password change."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from sotong.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    WeakPassword,
    hash_password,
    needs_rehash,
    verify_password,
)
from sotong.clock import utc_now
from sotong.store import audit, users
from sotong.store.posts import pending_counts
from sotong.web.console.nav import wall_sections
from sotong.web.console.render import FORM_LIMITS, field, render, text
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
from sotong.web.pages import upload_page_url
from sotong.web.policy import policy
from sotong.web.services import Services, get_services
from sotong.web.uploads import address_of

router = APIRouter(prefix="/admin", include_in_schema=False)
ServicesDep = Annotated[Services, Depends(get_services)]


@router.get("/login")
@policy("public")
async def login_page(request: Request, services: ServicesDep, next: str = "/admin/") -> Response:
    if await current_session(request, services) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None, "email": ""})


@router.post("/login")
@policy("public")
async def login(request: Request, services: ServicesDep) -> Response:
    if is_cross_site(request, services.settings.server.public_url):
        raise ApiError(403, "cross_site", "sign in from this console's own page")
    async with request.form(**FORM_LIMITS) as form:
        email = users.normalise_email(field(form, "email"))
        password = field(form, "password")
        next_url = safe_next(field(form, "next"))
    _ = text(request)
    address = address_of(request)
    wait = services.login_throttle.wait(email, address)
    if wait:
        error = _("Too many sign-in attempts. Try again in %(seconds)s seconds.") % {
            "seconds": wait
        }
        context = {"next": next_url, "error": error, "email": email}
        response = render(request, "login.html", context, status_code=429)
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
        context = {
            "next": next_url,
            "error": _("The e-mail address or the password is wrong."),
            "email": email,
        }
        return render(request, "login.html", context, status_code=401)
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
        check_csrf(request, session, field(form, CSRF_FIELD))
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
    async with services.db.read() as connection:
        waiting = await pending_counts(connection)
    walls = []
    for record in services.registry.records():
        sections = wall_sections(record.wall.slug, session.user.role)
        walls.append(
            {
                "wall": record.wall,
                "home": sections[0]["href"] if sections else f"/w/{record.wall.slug}",
                "sections": sections,
                "waiting": waiting.get(record.wall.id, 0),
                "upload_url": upload_page_url(services, record.wall.slug),
                "uploads": record.settings.uploads,
            }
        )
    return render(request, "home.html", {"walls": walls}, session=session)


@router.get("/password")
@policy("signed-in")
async def password_page(request: Request, services: ServicesDep) -> Response:
    session = await require_signed_in(request, services)
    return render(request, "password.html", {"error": None, "done": False}, session=session)


@router.post("/password")
@policy("signed-in")
async def change_password(request: Request, services: ServicesDep) -> Response:
    session = await require_signed_in(request, services)
    async with request.form(**FORM_LIMITS) as form:
        check_csrf(request, session, field(form, CSRF_FIELD))
        current = field(form, "current")
        new = field(form, "new")
        confirm = field(form, "confirm")
    _ = text(request)
    error: str | None = None
    if not await asyncio.to_thread(verify_password, session.user.password_hash, current):
        error = _("The current password is wrong.")
    elif new != confirm:
        error = _("The two new passwords differ.")
    else:
        try:
            new_hash = await asyncio.to_thread(hash_password, new)
        except WeakPassword:
            error = _(
                "Choose a password of %(minimum)s to %(maximum)s characters, with more than a "
                "few different ones."
            ) % {"minimum": MIN_LENGTH, "maximum": MAX_LENGTH}
    if error is not None:
        context = {"error": error, "done": False}
        return render(request, "password.html", context, session=session, status_code=422)
    now = utc_now()
    async with services.db.write() as connection:
        await users.set_password(connection, session.user.id, new_hash, now)
        await users.end_sessions_of(
            connection, session.user.id, keep_token=request.cookies.get(SESSION_COOKIE)
        )
        await audit.record(
            connection, audit.AuditEntry(at=now, actor=session.user.label, action="password.change")
        )
    return render(request, "password.html", {"error": None, "done": True}, session=session)
