"""Walls made and edited in the console take effect at once: screens, ingest and sources, no
restart."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sotong.domain import Role, TokenScope
from tests.support import (
    ConsoleUser,
    LiveServer,
    console_user,
    ingest_body,
    live_server,
    make_settings,
    make_token,
    open_stream,
)

NEW_WALL = {
    "slug": "citizens",
    "title": "시민 소통의 날",
    "hashtags": "#시민소통 ＃CitizenDay",
    "moderation": "post",
    "locale": "ko",
    "layout": "masonry",
    "uploads": "on",
    "show_qr": "on",
    "sources": "",
}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(f"sqlite:///{tmp_path / 'walls.db'}", tmp_path / "media")
    async with live_server(settings) as running:
        yield running


@pytest.fixture
def app(server: LiveServer) -> FastAPI:
    return server.app


@pytest.fixture
async def public(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


@pytest.fixture
async def owner(server: LiveServer) -> AsyncIterator[ConsoleUser]:
    async with console_user(server.app, Role.OWNER, url=server.url) as user:
        yield user


def settings_form(app: FastAPI, slug: str, **changes: Any) -> dict[str, Any]:
    record = app.state.services.registry.record(slug)
    settings = record.settings
    form = {
        "version": str(record.version),
        "title": settings.title,
        "hashtags": " ".join(settings.hashtags),
        "moderation": settings.moderation,
        "locale": settings.locale,
        "layout": settings.layout,
        "uploads": "on",
        "show_qr": "on",
        "sources": "",
    }
    form.update(changes)
    return form


async def test_a_wall_made_in_the_console_is_served_at_once(
    app: FastAPI, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    created = await owner.post_form("/admin/walls/new", NEW_WALL)
    assert created.status_code == 303
    assert created.headers["location"] == "/admin/walls/citizens/settings?created=1"
    info = (await public.get("/api/v1/walls/citizens")).json()
    assert info["hashtags"] == ["#시민소통", "＃CitizenDay"]
    assert (await public.get("/w/citizens")).status_code == 200
    token = await make_token(app, "citizens", TokenScope.INGEST)
    answer = await public.post(
        "/api/v1/walls/citizens/posts",
        json=ingest_body("c-1", "오늘도 #citizenday"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.json()["status"] == "approved"
    page = (await owner.client.get("/admin/")).text
    assert "시민 소통의 날" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"slug": "seoul2017"}, "slug"),
        ({"title": ""}, "title"),
        ({"hashtags": "#\u200b"}, "hashtags"),
        ({"hashtags": ""}, "hashtags"),
        ({"moderation": "maybe"}, "moderation"),
        ({"layout": "spiral"}, "layout"),
        ({"sources": "[[sources]\ntype = "}, "sources"),
        ({"sources": '[[sources]]\ntype = "myspace"'}, "sources"),
        ({"sources": '[[sources]]\ntype = "mastodon"'}, "sources"),
        ({"sources": '[walls]\nslug = "x"'}, "sources"),
    ],
)
async def test_a_bad_form_names_the_field_and_creates_nothing(
    app: FastAPI, owner: ConsoleUser, changes: dict[str, str], field: str
) -> None:
    answer = await owner.post_form("/admin/walls/new", {**NEW_WALL, **changes})
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', answer.text), "announced"
    assert set(app.state.services.walls) == {"seoul2017", "other"}


async def test_a_source_secret_must_be_in_the_environment_and_is_named(
    app: FastAPI, owner: ConsoleUser
) -> None:
    sources = (
        '[[sources]]\ntype = "naver"\nclient_id_env = "SOTONG_TEST_UNSET_ID"\n'
        'client_secret_env = "SOTONG_TEST_UNSET_SECRET"\n'
    )
    answer = await owner.post_form(
        "/admin/walls/seoul2017/settings", settings_form(app, "seoul2017", sources=sources)
    )
    assert answer.status_code == 422
    assert "SOTONG_TEST_UNSET_ID" in answer.text


async def test_new_hashtags_reach_screens_and_ingest_without_a_restart(
    app: FastAPI, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    token = await make_token(app, "seoul2017", TokenScope.INGEST)
    headers = {"Authorization": f"Bearer {token}"}
    async with open_stream(public, "/api/v1/walls/seoul2017/events") as stream:
        assert (await stream.next()).event == "reset"
        saved = await owner.post_form(
            "/admin/walls/seoul2017/settings",
            settings_form(app, "seoul2017", hashtags="#소통의날", title="소통의 날"),
        )
        assert saved.status_code == 303
        wall_event = await stream.next()
        assert wall_event.event == "wall"
        assert wall_event.json()["title"] == "소통의 날"
        assert wall_event.json()["hashtags"] == ["#소통의날"]
        old_tag = await public.post(
            "/api/v1/walls/seoul2017/posts", json=ingest_body("old"), headers=headers
        )
        new_tag = await public.post(
            "/api/v1/walls/seoul2017/posts",
            json=ingest_body("new", "#소통의날 입니다"),
            headers=headers,
        )
        assert old_tag.json()["status"] == "ignored"
        assert new_tag.json()["status"] == "approved"
        arrived = await stream.next()
        assert (arrived.event, arrived.json()["external_id"]) == ("post", "new")


async def test_a_source_added_in_the_console_starts_and_a_removed_one_stops(
    app: FastAPI, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    supervisor = app.state.supervisor
    demo = '[[sources]]\ntype = "demo"\ninterval_seconds = 3600\nburst = 2\nloop = false\n'
    async with open_stream(public, "/api/v1/walls/other/events") as stream:
        assert (await stream.next()).event == "reset"
        saved = await owner.post_form(
            "/admin/walls/other/settings",
            settings_form(app, "other", hashtags="#서울소셜컨퍼런스", sources=demo),
        )
        assert saved.status_code == 303
        assert "other/demo-0" in supervisor.health
        kinds = [(await stream.next()).event for _ in range(3)]
        assert kinds == ["wall", "post", "post"]
    removed = await owner.post_form(
        "/admin/walls/other/settings", settings_form(app, "other", sources="")
    )
    assert removed.status_code == 303
    assert "other/demo-0" not in supervisor.health


async def test_a_save_from_a_stale_page_is_refused_with_409(
    app: FastAPI, owner: ConsoleUser
) -> None:
    stale = settings_form(app, "seoul2017", title="first")
    assert (await owner.post_form("/admin/walls/seoul2017/settings", stale)).status_code == 303
    again = await owner.post_form("/admin/walls/seoul2017/settings", {**stale, "title": "two"})
    assert again.status_code == 409
    assert app.state.services.walls["seoul2017"].title == "first"


async def test_archiving_needs_the_slug_typed_and_then_stops_serving(
    app: FastAPI, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    refused = await owner.post_form("/admin/walls/other/archive", {"confirm_slug": "oth"})
    assert refused.status_code == 422
    assert "other" in app.state.services.walls
    done = await owner.post_form("/admin/walls/other/archive", {"confirm_slug": "other"})
    assert done.status_code == 303
    assert (await public.get("/w/other")).status_code == 404


async def test_the_source_check_reports_each_source(app: FastAPI, owner: ConsoleUser) -> None:
    demo = '[[sources]]\ntype = "demo"\ninterval_seconds = 3600\nburst = 0\n'
    await owner.post_form("/admin/walls/other/settings", settings_form(app, "other", sources=demo))
    page = await owner.post_form("/admin/walls/other/sources/check")
    assert page.status_code == 200
    assert 'class="ok"' in page.text
    assert "demo-0 (demo)" in page.text


async def test_the_form_shows_the_saved_sources_as_toml(app: FastAPI, owner: ConsoleUser) -> None:
    demo = '[[sources]]\ntype = "demo"\nname = "samples"\nburst = 0\n'
    await owner.post_form("/admin/walls/other/settings", settings_form(app, "other", sources=demo))
    page = (await owner.client.get("/admin/walls/other/settings")).text
    assert "[[sources]]\ntype = &#34;demo&#34;\nname = &#34;samples&#34;\nburst = 0" in page


async def test_sources_restart_only_when_their_wall_or_tables_change(
    app: FastAPI, owner: ConsoleUser
) -> None:
    supervisor = app.state.supervisor
    registry = app.state.services.registry
    demo = '[[sources]]\ntype = "demo"\ninterval_seconds = 3600\nburst = 0\n'
    await owner.post_form("/admin/walls/other/settings", settings_form(app, "other", sources=demo))
    running = supervisor.health["other/demo-0"]
    record = registry.record("other")
    rules = record.settings.rules.model_copy(update={"author_hourly_cap": 3})
    await registry.save(
        record.settings.model_copy(update={"rules": rules}),
        expected_version=record.version,
        actor="test",
    )
    assert supervisor.health["other/demo-0"] is running, "a rules change keeps the source"
    saved = await owner.post_form(
        "/admin/walls/other/settings", settings_form(app, "other", hashtags="#새태그", sources=demo)
    )
    assert saved.status_code == 303
    assert supervisor.health["other/demo-0"] is not running, "new hashtags restart it"
