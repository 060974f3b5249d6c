"""Signing in to the console: cookies, wrong passwords, throttling, session fixation, CSRF,
password change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from sotong.accounts.service import add_user
from sotong.clock import utc_now
from sotong.domain import Role
from tests.support import make_settings, running_app

PASSWORD = "correct horse battery"


async def console_app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    async with running_app(make_settings(database_url, tmp_path / "media")) as application:
        db = application.state.services.db
        await add_user(db, "owner@example.org", Role.OWNER, PASSWORD, utc_now(), actor="test")
        yield application


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    """SQLite: password hashing makes each case slow; the store is tested on both databases."""
    async for application in console_app(f"sqlite:///{tmp_path / 'console.db'}", tmp_path):
        yield application


@pytest.fixture
async def any_db_app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    async for application in console_app(database_url, tmp_path):
        yield application


def browser(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def sign_in(
    client: httpx.AsyncClient, password: str = PASSWORD, next_url: str = "/admin/"
) -> httpx.Response:
    return await client.post(
        "/admin/login",
        data={"email": "Owner@Example.org", "password": password, "next": next_url},
    )


async def csrf_token(client: httpx.AsyncClient) -> str:
    page = (await client.get("/admin/password")).text
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


async def test_signing_in_sets_a_locked_down_cookie(any_db_app: FastAPI) -> None:
    async with browser(any_db_app) as client:
        assert (await client.get("/admin/")).headers["location"] == "/admin/login?next=/admin/"
        response = await sign_in(client)
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        assert "secure" not in cookie
        home = await client.get("/admin/")
        assert home.status_code == 200
        assert "owner@example.org" in home.text


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", "/w/x"])
async def test_only_console_paths_are_followed_after_signing_in(
    app: FastAPI, next_url: str
) -> None:
    async with browser(app) as client:
        response = await sign_in(client, next_url=next_url)
    assert response.headers["location"] == "/admin/"


async def test_wrong_and_unknown_accounts_get_the_same_answer(app: FastAPI) -> None:
    async with browser(app) as client:
        wrong = await sign_in(client, "not the password")
        unknown = await client.post(
            "/admin/login", data={"email": "nobody@example.org", "password": PASSWORD}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert "이메일 또는 비밀번호가 맞지 않습니다" in wrong.text
    assert "sotong_session" not in wrong.headers.get("set-cookie", "")


async def test_repeated_failures_lock_the_account_for_a_while(app: FastAPI) -> None:
    async with browser(app) as client:
        for _ in range(5):
            assert (await sign_in(client, "guess guess guess")).status_code == 401
        locked = await sign_in(client)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "sotong_session" not in locked.headers.get("set-cookie", "")


async def test_a_planted_session_id_is_never_adopted(app: FastAPI) -> None:
    async with browser(app) as client:
        client.cookies.set("sotong_session", "planted-by-an-attacker")
        response = await sign_in(client)
        issued = response.cookies["sotong_session"]
        assert issued != "planted-by-an-attacker"
    async with browser(app) as attacker:
        attacker.cookies.set("sotong_session", "planted-by-an-attacker")
        assert (await attacker.get("/admin/")).status_code == 303


async def test_cross_site_sign_in_is_refused(app: FastAPI) -> None:
    async with browser(app) as client:
        response = await client.post(
            "/admin/login",
            data={"email": "owner@example.org", "password": PASSWORD},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
    assert response.status_code == 403


async def test_signing_out_needs_the_csrf_token(app: FastAPI) -> None:
    async with browser(app) as client:
        await sign_in(client)
        assert (await client.post("/admin/logout")).status_code == 403
        forged = await client.post("/admin/logout", data={"csrf_token": "forged"})
        assert forged.status_code == 403
        assert (await client.get("/admin/")).status_code == 200
        token = await csrf_token(client)
        done = await client.post("/admin/logout", data={"csrf_token": token})
        assert done.status_code == 303
        client.cookies.clear()
        assert (await client.get("/admin/")).status_code == 303


async def test_a_password_change_ends_every_other_session(any_db_app: FastAPI) -> None:
    app = any_db_app
    async with browser(app) as laptop, browser(app) as tablet:
        await sign_in(laptop)
        await sign_in(tablet)
        token = await csrf_token(laptop)
        form = {"csrf_token": token, "current": "wrong", "new": "a new long phrase", "confirm": "x"}
        assert (await laptop.post("/admin/password", data=form)).status_code == 422
        form |= {"current": PASSWORD, "confirm": "a new long phrase"}
        changed = await laptop.post("/admin/password", data=form)
        assert changed.status_code == 200
        assert (await laptop.get("/admin/")).status_code == 200
        assert (await tablet.get("/admin/")).status_code == 303
    async with browser(app) as client:
        assert (await sign_in(client)).status_code == 401
        assert (await sign_in(client, "a new long phrase")).status_code == 303
