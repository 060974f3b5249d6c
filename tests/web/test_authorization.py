"""The authorisation matrix, generated from the application's route table: every route declares a
policy (a new route without one fails here), anonymous callers are turned away from everything that
is not public, the wrong role or scope gets 403, and the right one gets through."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Route

from sotong.accounts.service import add_user
from sotong.clock import utc_now
from sotong.domain import Role, TokenScope
from sotong.web.policy import Policy, policy_of
from tests.support import make_settings, make_token, running_app

PASSWORD = "matrix password 1"
FRAMEWORK_ROUTES = {"/openapi.json"}
# Streams never end: tests/web/test_stream.py and tests/web/console/test_live.py check who gets one.
STREAMS = {"/api/v1/walls/{slug}/events", "/admin/api/walls/{slug}/events"}
PATH_VALUES = {
    "slug": "seoul2017",
    "post_id": "01J0000000000000000000000Z",
    "secret": "A" * 32,
    "token_id": "1",
    "contest_id": "1",
    "winner_id": "1",
    "step": "commit",
    "code": "AAAA-BBBB-CCCC-DDDD",
    "session_id": "1",
    "ban_id": "1",
    "decision_id": "1",
}
WEAKER_ROLE = {Role.OWNER: Role.MODERATOR, Role.MODERATOR: Role.JUDGE}
WEAKER_SCOPE = {TokenScope.INGEST: TokenScope.READ, TokenScope.MODERATE: TokenScope.INGEST}


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    policy: Policy

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def flattened(routes: list[BaseRoute]) -> list[BaseRoute]:
    """Routes of included routers too (FastAPI keeps an included router as one entry)."""
    found: list[BaseRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        found += flattened(included.routes) if included is not None else [route]
    return found


def route_table(app: FastAPI) -> list[tuple[str, str, Policy | None]]:
    found = []
    for route in flattened(app.routes):
        if not isinstance(route, APIRoute | Route) or route.path in FRAMEWORK_ROUTES:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            found.append((method, route.path, policy_of(route.endpoint)))
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda match: PATH_VALUES[match.group(1)], path)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    from sotong.app import create_app

    app = create_app(
        make_settings(
            f"sqlite:///{tmp_path_factory.mktemp('db') / 'routes.db'}",
            tmp_path_factory.mktemp("media"),
        )
    )
    found_cases = [
        Case(method, path, found)
        for method, path, found in route_table(app)
        if found is not None and path not in STREAMS
    ]
    # Signing out ends the session the later cases need, so it goes last.
    return sorted(found_cases, key=lambda case: case.path == "/admin/logout")


def test_every_route_declares_who_may_call_it(tmp_path: Path) -> None:
    from sotong.app import create_app

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'routes.db'}", tmp_path))
    missing = [f"{method} {path}" for method, path, found in route_table(app) if found is None]
    assert missing == []
    assert {path for _, path, _ in route_table(app)} >= {"/admin/", "/api/v1/walls/{slug}/posts"}


@dataclass
class Callers:
    app: FastAPI
    sessions: dict[Role, httpx.AsyncClient]
    csrf: dict[Role, str]
    tokens: dict[TokenScope, str]
    anonymous: httpx.AsyncClient


def client_for(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def callers(tmp_path: Path) -> AsyncIterator[Callers]:
    settings = make_settings(f"sqlite:///{tmp_path / 'matrix.db'}", tmp_path / "media")
    async with running_app(settings) as app:
        sessions: dict[Role, httpx.AsyncClient] = {}
        csrf: dict[Role, str] = {}
        for role in Role:
            email = f"{role.value}@example.org"
            await add_user(app.state.services.db, email, role, PASSWORD, utc_now(), actor="test")
            client = client_for(app)
            signed_in = await client.post(
                "/admin/login", data={"email": email, "password": PASSWORD}
            )
            assert signed_in.status_code == 303
            page = (await client.get("/admin/password")).text
            marker = 'name="csrf_token" value="'
            start = page.index(marker) + len(marker)
            csrf[role] = page[start : page.index('"', start)]
            sessions[role] = client
        tokens = {scope: await make_token(app, "seoul2017", scope) for scope in TokenScope}
        anonymous = client_for(app)
        try:
            yield Callers(app, sessions, csrf, tokens, anonymous)
        finally:
            for client in [*sessions.values(), anonymous]:
                await client.aclose()


def turned_away(response: httpx.Response) -> bool:
    if response.status_code == 303:
        return response.headers["location"].startswith("/admin/login?next=")
    if response.status_code in (401, 403):
        content_type = response.headers.get("content-type", "")
        if "json" not in content_type:
            return response.status_code == 403
        code = response.json()["error"]["code"]
        return code in {"unauthorized", "forbidden", "csrf_failed"}
    return False


async def call(client: httpx.AsyncClient, case: Case, headers: dict[str, str]) -> httpx.Response:
    return await client.request(case.method, concrete(case.path), headers=headers)


async def test_the_matrix(callers: Callers, cases: list[Case]) -> None:
    problems = []
    for case in cases:
        anonymous = await call(callers.anonymous, case, {})
        match case.policy:
            case "signed-in":
                if not turned_away(anonymous) or anonymous.status_code == 403:
                    problems.append(f"{case}: anonymous got {anonymous.status_code}")
                for role, session in callers.sessions.items():
                    reply = await call(session, case, {"X-CSRF-Token": callers.csrf[role]})
                    if turned_away(reply):
                        problems.append(f"{case}: {role} was turned away ({reply.status_code})")
            case "public" | "secret-link":
                if turned_away(anonymous):
                    problems.append(f"{case}: public, but anonymous got {anonymous.status_code}")
            case TokenScope() as scope:
                if anonymous.status_code != 401:
                    problems.append(f"{case}: anonymous got {anonymous.status_code}, not 401")
                if scope in WEAKER_SCOPE:
                    weak = {"Authorization": f"Bearer {callers.tokens[WEAKER_SCOPE[scope]]}"}
                    if (await call(callers.anonymous, case, weak)).status_code != 403:
                        problems.append(f"{case}: a weaker token was not refused with 403")
                right = {"Authorization": f"Bearer {callers.tokens[scope]}"}
                if turned_away(await call(callers.anonymous, case, right)):
                    problems.append(f"{case}: the right token was turned away")
            case Role() as role:
                if not turned_away(anonymous) or anonymous.status_code == 403:
                    problems.append(f"{case}: anonymous got {anonymous.status_code}")
                if role in WEAKER_ROLE:
                    weaker = WEAKER_ROLE[role]
                    headers = {"X-CSRF-Token": callers.csrf[weaker]}
                    weak_reply = await call(callers.sessions[weaker], case, headers)
                    if weak_reply.status_code != 403:
                        problems.append(f"{case}: {weaker} got {weak_reply.status_code}, not 403")
                allowed = callers.sessions[role]
                reply = await call(allowed, case, {"X-CSRF-Token": callers.csrf[role]})
                if turned_away(reply):
                    problems.append(f"{case}: {role} was turned away ({reply.status_code})")
    assert problems == []
