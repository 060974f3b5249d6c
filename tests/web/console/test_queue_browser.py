"""The moderation page in a real browser, beside the wall in another page: sign in, approve with
the keyboard, posts arriving live, bulk approval, and a ban that takes every card of the author
off the wall."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.async_api import Browser, Locator, Page, Request, Route, expect

from sotong.domain import Author, IncomingPost, Media, Role, TokenScope
from sotong.store import bans
from tests.browser import chromium
from tests.support import (
    CONSOLE_PASSWORD,
    LiveServer,
    ingest_body,
    live_server,
    make_settings,
    make_token,
)

pytestmark = pytest.mark.browser

QUEUE = "/admin/walls/seoul2017/queue"
PICTURES = "https://pictures.test"
GONE = "https://gone.test"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(
        f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "media", moderation="pre"
    )
    async with live_server(settings) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


class Poster:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client, self.token, self.count = client, token, 0

    async def __call__(self, name: str, handle: str, text: str) -> str:
        self.count += 1
        body = ingest_body(f"b{self.count}", text=f"{text} #서울소셜컨퍼런스")
        body["author"] = {"name": name, "handle": handle}
        reply = await self.client.post(
            "/api/v1/walls/seoul2017/posts",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert reply.status_code == 201, reply.text
        post_id: str = reply.json()["id"]
        return post_id


@pytest.fixture
async def post(server: LiveServer) -> AsyncIterator[Poster]:
    token = await make_token(server.app, "seoul2017", TokenScope.INGEST)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield Poster(client, token)


async def sign_in(browser: Browser, server: LiveServer) -> Page:
    from sotong.accounts.service import add_user
    from sotong.clock import utc_now

    email = "moderator@example.org"
    await add_user(
        server.app.state.services.db, email, Role.MODERATOR, CONSOLE_PASSWORD, utc_now(), actor="t"
    )
    context = await browser.new_context(viewport={"width": 1366, "height": 900}, locale="ko-KR")
    page = await context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error in the console: {error}"))
    await page.goto(f"{server.url}{QUEUE}")
    await page.fill("#email", email)
    await page.fill("#password", CONSOLE_PASSWORD)
    await page.press("#password", "Enter")
    await page.wait_for_url(f"**{QUEUE}")
    await page.locator(".mod-connection[data-connection='live']").wait_for()
    return page


async def open_wall(browser: Browser, server: LiveServer) -> Page:
    page = await browser.new_page(viewport={"width": 1920, "height": 1080})
    page.on("pageerror", lambda error: pytest.fail(f"script error on the wall: {error}"))
    await page.goto(f"{server.url}/w/seoul2017")
    await page.wait_for_selector("body[data-connection='live']")
    return page


def card(wall: Page, post_id: str) -> Locator:
    return wall.locator(f"#wall .card[data-post-id='{post_id}']")


async def test_approve_with_the_keyboard_then_ban_the_author_off_the_wall(
    server: LiveServer, browser: Browser, post: Poster
) -> None:
    first = await post("고연실", "@yeonsil", "첫 번째 글이에요")
    bystander = await post("김민수", "@minsu", "저는 다른 사람이에요")
    console = await sign_in(browser, server)
    wall = await open_wall(browser, server)
    queue = console.locator("[data-list='queue']")
    await expect(queue.locator(".mod-item")).to_have_count(2)
    await expect(console.locator("html")).to_have_attribute("lang", "ko")

    # The oldest waiting post is the current one; A approves it and the next becomes current.
    await expect(queue.locator(".mod-item.is-current")).to_have_attribute("data-id", first)
    await console.keyboard.press("a")
    await card(wall, first).wait_for()
    await expect(queue.locator(f".mod-item[data-id='{first}']")).to_have_count(0)
    current = queue.locator(".mod-item.is-current")
    await expect(current).to_have_attribute("data-id", bystander)
    await expect(current).to_be_focused()
    await expect(console.locator("[data-announce]")).to_contain_text("고연실")
    await console.keyboard.press("a")
    await card(wall, bystander).wait_for()

    # New posts arrive without a reload; X selects, Shift+A approves the selection.
    more = [await post("고연실", "@yeonsil", f"또 올려요 {n}") for n in range(2)]
    await expect(queue.locator(".mod-item")).to_have_count(2)
    await console.keyboard.press("x")
    await console.keyboard.press("j")
    await console.keyboard.press("x")
    await expect(console.locator("[data-bulk='queue']")).to_be_visible()
    await console.keyboard.press("Shift+A")
    for post_id in more:
        await card(wall, post_id).wait_for()
    await expect(queue.locator(".mod-item")).to_have_count(0)

    # A cut connection resumes from the last event: what came meanwhile arrives, and a post
    # another moderator decides leaves the queue.
    requests: list[Request] = []
    console.on("request", lambda r: requests.append(r) if "/events" in r.url else None)
    server.app.state.services.hub.close_all()
    meanwhile = await post("박지은", "@jieun", "연결이 끊긴 사이에 왔어요")
    await expect(queue.locator(f".mod-item[data-id='{meanwhile}']")).to_have_count(
        1, timeout=20_000
    )
    headers = await requests[-1].all_headers()
    resumed_from = headers.get("last-event-id") or requests[-1].url.partition("last_event_id=")[2]
    assert resumed_from.isdigit(), "the console resumed instead of starting over"
    moderate = await make_token(server.app, "seoul2017", TokenScope.MODERATE)
    decided = await post.client.post(
        f"/api/v1/walls/seoul2017/posts/{meanwhile}/decision",
        json={"action": "reject"},
        headers={"Authorization": f"Bearer {moderate}"},
    )
    assert decided.status_code == 200
    await expect(queue.locator(".mod-item")).to_have_count(0)

    # On screen: move to one of the author's cards and ban them from this wall.
    await console.keyboard.press("2")
    screen = console.locator("[data-list='screen']")
    await expect(screen.locator(".mod-item")).to_have_count(4)
    for _ in range(4):
        if await screen.locator(".mod-item.is-current").get_attribute("data-id") == first:
            break
        await console.keyboard.press("j")
    await expect(screen.locator(".mod-item.is-current")).to_have_attribute("data-id", first)
    await console.keyboard.press("b")
    dialog = console.locator("#ban-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.locator("#ban-scope-wall")).to_be_focused()
    await expect(dialog.locator("[data-ban-title]")).to_contain_text("고연실")
    # Letters typed in the dialog are text, not shortcuts.
    await dialog.locator("#ban-reason").fill("")
    await dialog.locator("#ban-reason").press_sequentially("ar 도배")
    await expect(screen.locator(".mod-item")).to_have_count(4)
    await dialog.locator("button[type='submit']").click()
    await expect(dialog).to_be_hidden()

    for post_id in [first, *more]:
        await card(wall, post_id).wait_for(state="detached")
    await expect(wall.locator("#wall .card[data-post-id]")).to_have_count(1)
    await card(wall, bystander).wait_for()
    await expect(screen.locator(".mod-item")).to_have_count(1)
    await expect(console.locator("[data-announce]")).to_contain_text("3")
    async with server.app.state.services.db.read() as connection:
        wall_id = server.app.state.services.wall("seoul2017").id
        (ban,) = await bans.bans_for_wall(connection, wall_id)
    assert (ban.author_key, ban.wall_id, ban.reason) == ("@yeonsil", wall_id, "ar 도배")

    # The history shows the ban; U undoes it and the cards come back.
    await console.keyboard.press("3")
    await expect(console.locator("[data-history] .mod-history__entry").first).to_contain_text(
        "고연실"
    )
    await console.keyboard.press("u")
    for post_id in [first, *more]:
        await card(wall, post_id).wait_for()


async def test_a_decision_the_server_refuses_is_explained_in_the_console_language(
    server: LiveServer, browser: Browser, post: Poster
) -> None:
    waiting = await post("고연실", "@yeonsil", "검수를 기다려요")
    console = await sign_in(browser, server)
    queue = console.locator("[data-list='queue']")
    await expect(queue.locator(".mod-item.is-current")).to_have_attribute("data-id", waiting)

    # The server answers as it does for a post that has left the wall: 404 `post_not_found`.
    async def gone(route: Route) -> None:
        await route.continue_(url=route.request.url.replace(waiting, "0" * 26))

    await console.route(f"**/posts/{waiting}/decision", gone)
    await console.keyboard.press("a")
    await expect(console.locator("[data-alert]")).to_have_text(
        "저장하지 못했습니다: 그 게시물은 이제 이 소셜월에 없습니다."
    )
    await expect(queue.locator(f".mod-item[data-id='{waiting}']")).to_have_count(1)


def png(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (196, 88, 64))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def test_on_a_tablet_filters_touch_and_a_cancelled_ban(
    tmp_path: Path, browser: Browser
) -> None:
    settings = make_settings(
        f"sqlite:///{tmp_path / 'tablet.db'}", tmp_path / "media", moderation="pre"
    )
    settings.media.cache_remote = False  # images stay on their (routed) origin
    async with live_server(settings) as server:
        services = server.app.state.services
        wall = services.wall("seoul2017")

        async def ingest(external_id: str, source: str, *media: Media) -> str:
            result = await services.pipeline.ingest(
                wall,
                IncomingPost(
                    source,
                    external_id,
                    Author("박지은", f"@{source}"),
                    "#서울소셜컨퍼런스",
                    media=media,
                ),
            )
            assert result.post_id is not None
            return result.post_id

        plain = await ingest("plain", "api")
        pictured = await ingest("pictured", "rss", Media(url=f"{PICTURES}/a.png", alt="무대"))
        gone = await ingest("gone", "rss", Media(url=f"{GONE}/b.jpg", kind="unavailable"))

        from sotong.accounts.service import add_user
        from sotong.clock import utc_now

        await add_user(
            services.db, "t@example.org", Role.MODERATOR, CONSOLE_PASSWORD, utc_now(), actor="t"
        )
        context = await browser.new_context(
            viewport={"width": 820, "height": 1180}, has_touch=True, locale="ko-KR"
        )
        page = await context.new_page()
        page.on("pageerror", lambda error: pytest.fail(f"script error in the console: {error}"))
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))

        async def serve(route: Route) -> None:
            await route.fulfill(status=200, content_type="image/png", body=png(320, 200))

        await page.route(f"{PICTURES}/**", serve)
        await page.goto(f"{server.url}{QUEUE}")
        await page.fill("#email", "t@example.org")
        await page.fill("#password", CONSOLE_PASSWORD)
        await page.press("#password", "Enter")
        queue = page.locator("[data-list='queue']")
        await expect(queue.locator(".mod-item:visible")).to_have_count(3)

        await expect(queue.locator(f"[data-id='{pictured}'] img")).to_have_attribute("alt", "무대")
        await page.wait_for_function(
            "id => document.querySelector(`[data-id='${id}'] img`).naturalWidth > 0", arg=pictured
        )
        unavailable = queue.locator(f"[data-id='{gone}']")
        await expect(unavailable.locator("img")).to_have_count(0)
        await expect(unavailable.locator(".mod-item__unavailable")).to_be_visible()

        await page.select_option("#filter-source", "rss")
        await expect(queue.locator(".mod-item:visible")).to_have_count(2)
        await page.select_option("#filter-source", "")
        await page.select_option("#filter-image", "no")
        await expect(queue.locator(".mod-item:visible")).to_have_count(1)
        await expect(queue.locator(".mod-item:visible")).to_have_attribute("data-id", plain)
        await page.select_option("#filter-rule", "any")
        await expect(page.locator("[data-empty='queue']")).to_be_visible()
        await page.select_option("#filter-rule", "")
        await page.select_option("#filter-image", "")

        await queue.locator(f"[data-id='{plain}'] [data-action='approve']").tap()
        await expect(queue.locator(f"[data-id='{plain}']")).to_have_count(0)
        await expect(page.locator("[data-count='screen']")).to_have_text("1")

        ban_button = queue.locator(f"[data-id='{pictured}'] [data-action='ban']")
        await ban_button.tap()
        dialog = page.locator("#ban-dialog")
        await expect(dialog).to_be_visible()
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()
        await expect(ban_button).to_be_focused()
        await expect(queue.locator(".mod-item")).to_have_count(2)
        assert [url for url in requested if url.startswith(GONE)] == []
        await context.close()
