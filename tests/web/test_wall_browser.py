"""The wall page in a real browser: posts arrive, vanish, and survive a cut connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, Request

from sotong.domain import TokenScope
from tests.browser import chromium
from tests.support import LiveServer, ingest_body, live_server, make_settings, make_token

pytestmark = pytest.mark.browser

POSTS = "/api/v1/walls/seoul2017/posts"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "media")
    async with live_server(settings) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


class Api:
    def __init__(self, client: httpx.AsyncClient, ingest: str, moderate: str) -> None:
        self.client, self.ingest_token, self.moderate_token = client, ingest, moderate

    async def post(self, external_id: str, **fields: object) -> str:
        response = await self.client.post(
            POSTS,
            json=ingest_body(external_id, **fields),  # type: ignore[arg-type]
            headers={"Authorization": f"Bearer {self.ingest_token}"},
        )
        assert response.status_code == 201, response.text
        post_id: str = response.json()["id"]
        return post_id

    async def decide(self, post_id: str, action: str) -> None:
        response = await self.client.post(
            f"{POSTS}/{post_id}/decision",
            json={"action": action},
            headers={"Authorization": f"Bearer {self.moderate_token}"},
        )
        assert response.status_code == 200, response.text


@pytest.fixture
async def api(server: LiveServer) -> AsyncIterator[Api]:
    ingest = await make_token(server.app, "seoul2017", TokenScope.INGEST)
    moderate = await make_token(server.app, "seoul2017", TokenScope.MODERATE)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield Api(client, ingest, moderate)


async def open_wall(browser: Browser, server: LiveServer) -> Page:
    page = await browser.new_page(viewport={"width": 1920, "height": 1080})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.on("pageerror", lambda error: pytest.fail(f"script error on the wall: {error}"))
    await page.goto(f"{server.url}/w/seoul2017")
    await page.wait_for_selector("body[data-connection='live']")
    page.dialogs = dialogs  # type: ignore[attr-defined]
    return page


async def card_ids(page: Page) -> list[str]:
    ids: list[str] = await page.eval_on_selector_all(
        "#wall .card[data-post-id]", "cards => cards.map(card => card.dataset.postId)"
    )
    return ids


async def test_cards_arrive_vanish_and_survive_a_cut_connection(
    server: LiveServer, browser: Browser, api: Api
) -> None:
    page = await open_wall(browser, server)

    first = await api.post("first", text="첫 게시물이에요 #서울소셜컨퍼런스")
    card = page.locator(f".card[data-post-id='{first}']")
    await card.wait_for()
    assert "첫 게시물이에요" in await card.inner_text()

    hostile = await api.post(
        "hostile",
        text="<img src=x onerror=alert(1)> 그대로 보여요 #서울소셜컨퍼런스",
        author={"name": "<script>alert(2)</script>", "handle": "@x"},
    )
    hostile_card = page.locator(f".card[data-post-id='{hostile}']")
    await hostile_card.wait_for()
    shown = await hostile_card.inner_text()
    assert "<img src=x onerror=alert(1)>" in shown
    assert "<script>alert(2)</script>" in shown
    assert await page.locator("#wall img[src='x']").count() == 0

    await api.decide(first, "reject")
    await card.wait_for(state="detached")

    requests: list[Request] = []
    page.on(
        "request", lambda request: requests.append(request) if "/events" in request.url else None
    )
    await page.route("**/api/v1/walls/seoul2017/events**", lambda route: route.abort())
    server.app.state.services.hub.close_all()
    await page.wait_for_selector("body[data-connection='offline']", timeout=20_000)

    during_cut = [
        await api.post(f"cut-{i}", text=f"끊긴 동안 {i} #2017서울소통컨퍼런스") for i in range(3)
    ]
    await api.decide(hostile, "reject")
    await api.decide(during_cut[0], "pin")
    await page.unroute("**/api/v1/walls/seoul2017/events**")

    await page.wait_for_selector("body[data-connection='live']", timeout=30_000)
    await page.locator(f".card[data-post-id='{during_cut[2]}']").wait_for()
    await hostile_card.wait_for(state="detached")
    ids = await card_ids(page)
    assert sorted(ids) == sorted(during_cut)
    assert ids[0] == during_cut[0], "the pinned post leads the wall"
    await page.locator(f".card[data-post-id='{during_cut[0]}'][data-pinned='true']").wait_for()

    resumed = requests[-1]
    headers = await resumed.all_headers()
    resumed_from = headers.get("last-event-id") or resumed.url.partition("last_event_id=")[2]
    assert resumed_from.isdigit(), (
        f"the reconnect asked to resume, not to start over: {resumed.url}"
    )
    assert page.dialogs == []  # type: ignore[attr-defined]


async def test_korean_web_font_is_served_and_used(
    server: LiveServer, browser: Browser, api: Api
) -> None:
    page = await open_wall(browser, server)
    await api.post("font", text="한글이 글자로 보여야 합니다 #서울소셜컨퍼런스")
    await page.locator("#wall .card").first.wait_for()
    loaded = await page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].filter(f => f.status === "loaded").map(f => f.family);
        }"""
    )
    assert any("Sotong Gothic" in family for family in loaded)
    style = await page.locator("#wall .card").first.evaluate(
        "card => { const s = getComputedStyle(card.querySelector('p, .card__text') || card);"
        " return [s.wordBreak, s.fontFamily]; }"
    )
    assert style[0] == "keep-all"
    assert "Sotong Gothic" in style[1]
