"""End to end: a feed on a fake host gains an item -> its card appears on the wall in Chromium;
the item is edited to drop the hashtag -> the card leaves (feeds have no deletes: items just
scroll out of the window, so an edit is how a feed takes a post back)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from sotong.config import SourceSettings
from sotong.sources import registry
from sotong.sources.base import Source, parse_options
from sotong.sources.rss import MANIFEST
from sotong.sources.rss.source import RssOptions, RssSource
from tests.browser import chromium
from tests.sources.rss.test_source import FakeFeed, fake_feed_host
from tests.support import live_server, make_settings

pytestmark = pytest.mark.browser


async def test_a_feed_item_appears_and_an_edit_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with fake_feed_host(FakeFeed()) as feed:
        feed.publish("p0", "태그 없는 예전 글", title="예전 글")

        def build(options: dict[str, Any], env: Any) -> Source:
            # The real options model; only the pause between polls waits for the feed to change.
            return RssSource(parse_options(RssOptions, options), pause=feed.wait_for_change)

        monkeypatch.setitem(
            registry.SOURCE_TYPES,  # type: ignore[arg-type]
            "rss",
            dataclasses.replace(MANIFEST, build=build),
        )
        settings = make_settings(
            f"sqlite:///{tmp_path / 'wall.db'}",
            tmp_path / "media",
            sources=[SourceSettings(type="rss", url=feed.url)],  # type: ignore[call-arg]
        )
        async with live_server(settings) as server, chromium() as browser:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            page.on("pageerror", lambda error: pytest.fail(f"script error on the wall: {error}"))
            await page.goto(f"{server.url}/w/seoul2017")
            await page.wait_for_selector("body[data-connection='live']")

            feed.publish("p1", "시청 앞에서 만나요 #서울소셜컨퍼런스", title="블로그 새 글")
            card = page.locator("#wall .card", has_text="시청 앞에서 만나요")
            await card.wait_for()
            assert "블로그 새 글" in await card.inner_text()
            assert await page.locator("#wall .card", has_text="태그 없는 예전 글").count() == 0

            feed.edit("p1", "해시태그를 지웠어요")
            await card.wait_for(state="detached")
            assert await page.locator("#wall .card").count() == 0
