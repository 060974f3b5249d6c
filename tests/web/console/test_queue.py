"""The moderation page as the server renders it: its scripts get their configuration and strings
in a JSON block (the page allows no inline script), in the console's language."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi import FastAPI

from sotong.domain import Role
from sotong.web.console.queue import RULES, STRINGS
from tests.support import console_user, make_settings, running_app


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(f"sqlite:///{tmp_path / 'queue.db'}", tmp_path / "media")
    async with running_app(settings) as application:
        yield application


def page_config(html: str) -> Any:
    found = re.search(
        r'<script type="application/json" id="moderation-config">(.*?)</script>', html, re.S
    )
    assert found is not None
    return orjson.loads(found.group(1))


async def test_the_page_hands_its_scripts_their_configuration(app: FastAPI) -> None:
    async with console_user(app, Role.MODERATOR) as moderator:
        reply = await moderator.client.get("/admin/walls/seoul2017/queue")
        assert reply.status_code == 200
        policy = reply.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert re.findall(r"<script(?![^>]*(?:type=\"application/json\"|src=))", reply.text) == []
        config = page_config(reply.text)
        assert config["csrf"] == moderator.csrf
        assert config["events"] == "/admin/api/walls/seoul2017/events"
        assert config["api"] == "/admin/api/walls/seoul2017"
        assert set(config["strings"]) == set(STRINGS)
        assert set(config["rules"]) == set(RULES)
        assert config["strings"]["approve"] == "승인"
        english = page_config(
            (await moderator.client.get("/admin/walls/seoul2017/queue?lang=en")).text
        )
        assert english["strings"]["approve"] == "Approve"
        assert english["rules"]["words"] == "Word list"
        assert 'href="/admin/walls/seoul2017/queue" aria-current="page"' in reply.text


async def test_an_unknown_wall_has_no_moderation_page(app: FastAPI) -> None:
    async with console_user(app, Role.OWNER) as owner:
        assert (await owner.client.get("/admin/walls/nowhere/queue")).status_code == 404
