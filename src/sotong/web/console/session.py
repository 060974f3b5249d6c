"""Console login sessions: the cookie, the signed-in user, role checks and CSRF.

The session cookie is HttpOnly, SameSite=Lax, Secure when the console is served over HTTPS, and
scoped to /admin. Every state-changing console request must carry the session's CSRF token (a form
field or the X-CSRF-Token header); SameSite already stops most cross-site posts, the token stops the
rest (old browsers, same-site attackers).
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Final
from urllib.parse import quote

from fastapi import Request
from starlette.responses import Response

from sotong.clock import utc_now
from sotong.domain import Role
from sotong.store.users import Session, find_session
from sotong.web.errors import ApiError
from sotong.web.services import Services

SESSION_COOKIE: Final = "sotong_session"
SESSION_LIFETIME: Final = timedelta(hours=12)
COOKIE_PATH: Final = "/"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"


class LoginRequired(Exception):
    """Raised by a console page without a session; answered with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax")


async def current_session(request: Request, services: Services) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    async with services.db.read() as connection:
        return await find_session(connection, token, utc_now())


def login_url(next_url: str) -> str:
    return f"/admin/login?next={quote(next_url, safe='/')}"


async def require_signed_in(request: Request, services: Services) -> Session:
    """The signed-in session, whatever the role; else a redirect to the login page."""
    session = await current_session(request, services)
    if session is None:
        raise LoginRequired(request.url.path)
    return session


async def require_role(request: Request, services: Services, role: Role) -> Session:
    """The signed-in session if its user may act as `role`; else a login redirect or 403."""
    session = await require_signed_in(request, services)
    if not session.user.role.grants(role):
        raise ApiError(403, "forbidden", f"this needs the {role.value} role")
    return session


async def require_role_api(request: Request, services: Services, role: Role) -> Session:
    """As `require_role`, for console JSON endpoints: 401 instead of a redirect."""
    session = await current_session(request, services)
    if session is None:
        raise ApiError(401, "unauthorized", "sign in to the console first")
    if not session.user.role.grants(role):
        raise ApiError(403, "forbidden", f"this needs the {role.value} role")
    return session


def check_csrf(request: Request, session: Session, submitted: str | None) -> None:
    token = submitted or request.headers.get(CSRF_HEADER, "")
    if not token or not hmac.compare_digest(token, session.csrf_token):
        raise ApiError(403, "csrf_failed", "the form expired or came from elsewhere; reload it")


def safe_next(value: str | None) -> str:
    """Where to go after login: a path on this console only, never another site."""
    if value and value.startswith("/admin") and not value.startswith("//") and "\\" not in value:
        return value
    return "/admin/"
