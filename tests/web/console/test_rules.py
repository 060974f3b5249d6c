"""A wall's moderation rules edited in the console apply to the next post."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from sotong.domain import Role, TokenScope
from tests.support import (
    ConsoleUser,
    asgi_client,
    console_user,
    ingest_body,
    make_settings,
    make_token,
    running_app,
)

FORM = {
    "blocked_words": "광고문의\n",
    "allowed_words": "",
    "trusted_authors": "@seoulcity",
    "bundled_words": "on",
    "author_hourly_cap": "0",
    "duplicate_text_hours": "24",
    "link_only": "on",
}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        f"sqlite:///{tmp_path / 'rules.db'}", tmp_path / "media", moderation="pre"
    )
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def moderator(app: FastAPI) -> AsyncIterator[ConsoleUser]:
    async with console_user(app, Role.MODERATOR) as user:
        yield user


def version(app: FastAPI) -> str:
    return str(app.state.services.registry.record("seoul2017").version)


async def test_saved_rules_apply_to_the_next_post(app: FastAPI, moderator: ConsoleUser) -> None:
    saved = await moderator.post_form(
        "/admin/walls/seoul2017/rules", {**FORM, "version": version(app)}
    )
    assert saved.status_code == 303
    rules = app.state.services.wall_settings("seoul2017").rules
    assert (rules.blocked_words, rules.trusted_authors) == (["광고문의"], ["@seoulcity"])
    token = await make_token(app, "seoul2017", TokenScope.INGEST)
    async with asgi_client(app) as api:
        headers = {"Authorization": f"Bearer {token}"}
        trusted = ingest_body("1", "시청 공지입니다 #서울소셜컨퍼런스")
        trusted["author"] = {"name": "서울시", "handle": "@seoulcity"}
        ad = ingest_body("2", "광고문의 환영 #서울소셜컨퍼런스")
        first = await api.post("/api/v1/walls/seoul2017/posts", json=trusted, headers=headers)
        second = await api.post("/api/v1/walls/seoul2017/posts", json=ad, headers=headers)
    assert first.json()["status"] == "approved", "trusted: no pre-moderation"
    assert second.json()["status"] == "rejected"
    assert "광고문의" in second.json()["reason"]
    page = (await moderator.client.get("/admin/walls/seoul2017/rules")).text
    assert "광고문의" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"author_hourly_cap": "-1"}, "author_hourly_cap"),
        ({"author_hourly_cap": "5000"}, "author_hourly_cap"),
        ({"duplicate_text_hours": "abc"}, "duplicate_text_hours"),
        ({"blocked_words": "x" * 301}, "blocked_words"),
    ],
)
async def test_a_bad_value_is_named_and_nothing_changes(
    app: FastAPI, moderator: ConsoleUser, changes: dict[str, str], field: str
) -> None:
    before = app.state.services.wall_settings("seoul2017").rules
    answer = await moderator.post_form(
        "/admin/walls/seoul2017/rules", {**FORM, **changes, "version": version(app)}
    )
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.text
    assert app.state.services.wall_settings("seoul2017").rules == before


async def test_trying_a_text_shows_what_the_rules_say_without_storing_it(
    moderator: ConsoleUser,
) -> None:
    tried = await moderator.post_form("/admin/walls/seoul2017/rules/try", {"sample": "ㅆㅣ발 뭐야"})
    assert tried.status_code == 200
    assert "대기열로 보냄" in tried.text
    assert "변형 표기" in tried.text
    passes = await moderator.post_form(
        "/admin/walls/seoul2017/rules/try", {"sample": "시발점부터 다시"}
    )
    assert "통과" in passes.text
