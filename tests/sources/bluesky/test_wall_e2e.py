"""End to end: a fake Jetstream publishes a post, the card appears in Chromium; a delete at the
source takes it away. The fake AppView serves profiles and the images' CDN."""

from __future__ import annotations

from pathlib import Path

import pytest

from sotong.config import MediaSettings, SourceSettings
from sotong.sources import registry
from sotong.sources.bluesky import MANIFEST
from tests.browser import chromium
from tests.sources.bluesky.fake import FakeAppView, FakeJetstream, event, post_event
from tests.support import live_server, make_settings

pytestmark = pytest.mark.browser

ALICE = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


async def test_a_bluesky_post_reaches_the_wall_and_leaves_with_its_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.SOURCE_TYPES, "bluesky", MANIFEST)
    jetstream, appview = FakeJetstream(), FakeAppView()
    async with jetstream.running(), appview.running():
        source = SourceSettings.model_validate(
            {
                "type": "bluesky",
                "jetstream_url": jetstream.url,
                "appview_url": appview.url,
                "cdn_url": appview.url,
            }
        )
        settings = make_settings(
            f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "media", sources=[source]
        )
        # The fake CDN is on loopback, which the media fetcher's SSRF guard refuses; this test
        # follows the CDN address itself to the screen (caching: tests/pipeline/test_media.py).
        settings.media = MediaSettings(cache_remote=False)
        async with live_server(settings) as server, chromium() as browser:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            page.on("pageerror", lambda error: pytest.fail(f"script error on the wall: {error}"))
            await page.goto(f"{server.url}/w/seoul2017")
            await page.wait_for_selector("body[data-connection='live']")
            await jetstream.until(lambda jet: len(jet.connections) >= 1)

            await jetstream.publish(event("create_other_tag"))
            await jetstream.publish(event("create_images"))
            card = page.locator("#wall .card[data-post-id]", has_text="오늘의 사진들")
            await card.wait_for()
            shown = await card.inner_text()
            assert "고연실" in shown
            assert "@alice.seoul.example" in shown
            image = card.locator("img[src*='/img/feed_fullsize/plain/']").first
            await image.wait_for(state="attached")
            assert (await image.get_attribute("src") or "").startswith(appview.url)
            assert await page.locator("#wall .card[data-post-id]").count() == 1

            await jetstream.publish(post_event(ALICE, "3lbqzki4aaa2d", "", operation="delete"))
            await card.wait_for(state="detached")
