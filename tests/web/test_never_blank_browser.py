"""A wall screen never goes blank: through a cut network (content stays, a discreet marker shows,
everything missed arrives once on reconnect), through a server restart (the card count never
drops to zero, not even for one frame), and through a reload while the server is down (the
page and its posts come back from the browser's own copy)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page

from sotong.app import create_app
from sotong.config import Settings
from sotong.domain import TokenScope
from tests.browser import chromium
from tests.support import LiveServer, _Server, ingest_body, make_settings, make_token

pytestmark = pytest.mark.browser

SLUG = "seoul2017"
POSTS = f"/api/v1/walls/{SLUG}/posts"

# Counts the cards on every frame; the lowest count since the page started is kept.
SAMPLE_EVERY_FRAME = """
() => {
  window.__fewest = Infinity;
  window.__frames = 0;
  const count = () => document.querySelectorAll('#wall .card[data-post-id]').length;
  const tick = () => {
    window.__frames++;
    window.__fewest = Math.min(window.__fewest, count());
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def serve_on(settings: Settings, port: int) -> AsyncIterator[LiveServer]:
    """The app on a given loopback port (so it can be stopped and started again there)."""
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    server = _Server(
        uvicorn.Config(app, log_level="critical", lifespan="on", timeout_graceful_shutdown=1)  # type: ignore[arg-type]
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    await server.ready.wait()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}")
    finally:
        app.state.services.hub.close_all()
        server.should_exit = True
        await task
        sock.close()


class Poster:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    async def post(self, key: str, text: str) -> str:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as client:
            response = await client.post(
                POSTS,
                json=ingest_body(key, text=text),
                headers={"Authorization": f"Bearer {self.token}"},
            )
        assert response.status_code == 201, response.text
        post_id: str = response.json()["id"]
        return post_id


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "media")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


async def card_ids(page: Page) -> list[str]:
    ids: list[str] = await page.eval_on_selector_all(
        "#wall .card[data-post-id]", "cards => cards.map(card => card.dataset.postId)"
    )
    return ids


async def open_wall(context: BrowserContext, url: str, count: int) -> Page:
    page = await context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error on the wall: {error}"))
    await page.goto(f"{url}/w/{SLUG}?screen=hall")
    await page.wait_for_selector("body[data-connection='live']")
    await page.wait_for_function(
        "n => document.querySelectorAll('#wall .card[data-post-id]').length >= n", arg=count
    )
    return page


async def test_a_cut_network_keeps_the_wall_and_catches_up_once(
    settings: Settings, browser: Browser
) -> None:
    port = free_port()
    async with serve_on(settings, port) as server:
        url = server.url
        poster = Poster(url, await make_token(server.app, SLUG, TokenScope.INGEST))
        before = [
            await poster.post(f"before-{i}", f"끊기기 전 {i} #서울소셜컨퍼런스") for i in range(3)
        ]
        context = await browser.new_context(viewport={"width": 1920, "height": 1080})
        page = await open_wall(context, url, 3)
        await page.evaluate(SAMPLE_EVERY_FRAME)

        await context.set_offline(True)
        server.app.state.services.hub.close_all()  # the open stream ends, as when Wi-Fi drops
        await page.wait_for_selector("body[data-connection='offline']", timeout=20_000)
        assert sorted(await card_ids(page)) == sorted(before)
        marker = page.locator(".connection")
        assert await marker.is_visible()
        assert "연결이 끊겼습니다" in await marker.inner_text()
        during = [
            await poster.post(f"cut-{i}", f"끊긴 동안 {i} #서울소셜컨퍼런스") for i in range(4)
        ]

        await context.set_offline(False)
        await page.wait_for_selector("body[data-connection='live']", timeout=30_000)
        await page.locator(f"#wall .card[data-post-id='{during[-1]}']").wait_for()
        ids = await card_ids(page)
        assert len(ids) == len(set(ids)) == 7
        assert set(ids) == set(before) | set(during)
        assert await page.evaluate("window.__fewest") == 3
        await context.close()


async def test_a_server_restart_never_blanks_the_wall_and_a_reload_while_down_still_shows_it(
    settings: Settings, browser: Browser
) -> None:
    port = free_port()
    async with serve_on(settings, port) as server:
        url = server.url
        token = await make_token(server.app, SLUG, TokenScope.INGEST)
        poster = Poster(url, token)
        shown = [await poster.post(f"p-{i}", f"재시작 전 {i} #서울소셜컨퍼런스") for i in range(5)]
        context = await browser.new_context(viewport={"width": 1920, "height": 1080})
        page = await open_wall(context, url, 5)
        await page.evaluate(SAMPLE_EVERY_FRAME)
        # The offline copy is ready: the worker controls the page, the posts are kept.
        await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        await page.wait_for_function(
            "() => ((JSON.parse(localStorage.getItem('sotong:wall:seoul2017')) || {}).posts"
            " || []).length === 5"
        )

    # The server is down: the screen keeps its cards and says it is offline.
    await page.wait_for_selector("body[data-connection='offline']", timeout=20_000)
    assert sorted(await card_ids(page)) == sorted(shown)

    async with serve_on(settings, port) as server:
        poster = Poster(server.url, token)
        after = await poster.post("after", "재시작 뒤 #서울소셜컨퍼런스")
        await page.wait_for_selector("body[data-connection='live']", timeout=30_000)
        await page.locator(f"#wall .card[data-post-id='{after}']").wait_for()
        frames = await page.evaluate("window.__frames")
        assert frames > 10
        assert await page.evaluate("window.__fewest") == 5, "a frame showed fewer cards"
        ids = await card_ids(page)
        assert len(ids) == len(set(ids)) == 6
        await page.wait_for_function(
            "id => (localStorage.getItem('sotong:wall:seoul2017') || '').includes(id)", arg=after
        )

    # Reloaded while the server is down: the page, its styles and its posts come back.
    await page.reload()
    await page.wait_for_function(
        "() => document.querySelectorAll('#wall .card[data-post-id]').length === 6"
    )
    assert await page.locator(".masthead__title").inner_text() == "2017 서울소통컨퍼런스"
    assert await page.evaluate(
        "getComputedStyle(document.body).fontFamily.includes('Sotong Gothic')"
    )
    await page.wait_for_selector("body[data-connection='offline']", timeout=20_000)

    async with serve_on(settings, port) as server:
        await page.wait_for_selector("body[data-connection='live']", timeout=30_000)
        poster = Poster(server.url, token)
        last = await poster.post("last", "다시 연결됨 #서울소셜컨퍼런스")
        await page.locator(f"#wall .card[data-post-id='{last}']").wait_for()
        ids = await card_ids(page)
        assert len(ids) == len(set(ids)) == 7
    await context.close()
