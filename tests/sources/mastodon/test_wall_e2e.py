"""End to end: a fake Mastodon streams to the real app; in Chromium a card comes, changes, goes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sotong.config import SourceSettings
from sotong.sources import registry
from sotong.sources.mastodon import MANIFEST
from tests.browser import chromium
from tests.sources.mastodon.fake import FakeMastodon
from tests.support import live_server, make_settings

pytestmark = pytest.mark.browser

TAGS = ("2017서울소통컨퍼런스", "서울소셜컨퍼런스")


@pytest.fixture
async def fake() -> AsyncIterator[FakeMastodon]:
    async with FakeMastodon().running() as running:
        yield running


async def test_a_streamed_post_appears_changes_and_goes(
    fake: FakeMastodon, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Until the registry lists the connector.
    monkeypatch.setitem(registry.SOURCE_TYPES, "mastodon", MANIFEST)
    monkeypatch.setenv("SOTONG_E2E_MASTODON_TOKEN", fake.token)
    earlier = await fake.post(1, stream=False, text="연결 전에 올린 글")
    source = SourceSettings.model_validate(
        {"type": "mastodon", "base_url": fake.url, "access_token_env": "SOTONG_E2E_MASTODON_TOKEN"}
    )
    settings = make_settings(
        f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "media", sources=[source]
    )
    async with live_server(settings) as server, chromium() as browser:
        page = await browser.new_page(viewport={"width": 1920, "height": 1080})
        page.on("pageerror", lambda error: pytest.fail(f"script error on the wall: {error}"))
        await page.goto(f"{server.url}/w/seoul2017")
        await page.wait_for_selector("body[data-connection='live']")
        await page.locator("#wall .card", has_text="연결 전에 올린 글").wait_for()
        await fake.wait_for(lambda: fake.subscribed(*TAGS))

        (live,) = await fake.post(1, text="마스토돈에서 방금 올린 글")
        card = page.locator("#wall .card", has_text="마스토돈에서 방금 올린 글")
        await card.wait_for()
        assert "@yeonsil@social.example.kr" in await card.inner_text()

        fake.edit(live, "마스토돈에서 고쳐 쓴 글")
        await page.locator("#wall .card", has_text="마스토돈에서 고쳐 쓴 글").wait_for()

        fake.delete(live)
        await page.locator("#wall .card", has_text="마스토돈에서 고쳐 쓴 글").wait_for(
            state="detached"
        )
        fake.delete(earlier[0])
        await page.locator("#wall .card", has_text="연결 전에 올린 글").wait_for(state="detached")
        assert await page.locator("#wall .card").count() == 0
