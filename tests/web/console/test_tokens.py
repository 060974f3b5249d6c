"""API tokens made in the console work at once, are shown once, and stop when revoked."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from sotong.domain import Role
from sotong.store import audit
from tests.support import ConsoleUser, asgi_client, console_user, make_settings, running_app


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(f"sqlite:///{tmp_path / 'tokens.db'}", tmp_path / "media")
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def owner(app: FastAPI) -> AsyncIterator[ConsoleUser]:
    async with console_user(app, Role.OWNER) as user:
        yield user


async def test_a_token_is_shown_once_works_at_once_and_stops_when_revoked(
    app: FastAPI, owner: ConsoleUser
) -> None:
    made = await owner.post_form(
        "/admin/walls/seoul2017/tokens", {"name": "포토 부스", "scope": "moderate"}
    )
    assert made.status_code == 201
    (token,) = re.findall(r'<code class="token"[^>]*>([^<]+)</code>', made.text)
    async with asgi_client(app) as api:
        headers = {"Authorization": f"Bearer {token}"}
        assert (await api.get("/api/v1/walls/seoul2017/queue", headers=headers)).status_code == 200
        listing = (await owner.client.get("/admin/walls/seoul2017/tokens")).text
        assert "포토 부스" in listing
        assert token not in listing
        (token_id,) = re.findall(r"/tokens/(\d+)/revoke", listing)
        revoked = await owner.post_form(f"/admin/walls/seoul2017/tokens/{token_id}/revoke")
        assert revoked.status_code == 303
        assert (await api.get("/api/v1/walls/seoul2017/queue", headers=headers)).status_code == 401
    async with app.state.services.db.read() as connection:
        actions = [entry.action for entry in await audit.entries(connection)]
    assert {"token.create", "token.revoke"} <= set(actions)


async def test_a_token_of_another_wall_cannot_be_revoked_from_this_one(
    app: FastAPI, owner: ConsoleUser
) -> None:
    made = await owner.post_form("/admin/walls/other/tokens", {"name": "x", "scope": "read"})
    (token,) = re.findall(r'<code class="token"[^>]*>([^<]+)</code>', made.text)
    listing = (await owner.client.get("/admin/walls/other/tokens")).text
    (token_id,) = re.findall(r"/tokens/(\d+)/revoke", listing)
    await owner.post_form(f"/admin/walls/seoul2017/tokens/{token_id}/revoke")
    async with asgi_client(app) as api:
        reply = await api.get("/api/v1/walls/other", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200
    assert "/revoke" in (await owner.client.get("/admin/walls/other/tokens")).text


@pytest.mark.parametrize(
    "form", [{"name": "", "scope": "read"}, {"name": "x", "scope": "admin"}, {"name": "x" * 201}]
)
async def test_a_bad_token_form_is_refused(owner: ConsoleUser, form: dict[str, str]) -> None:
    answer = await owner.post_form("/admin/walls/seoul2017/tokens", form)
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text
