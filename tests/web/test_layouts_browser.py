"""Every wall layout in a real browser, at 1920 × 1080, 3840 × 2160 and on a 1080 × 1920 kiosk:
tidy (no card over another, nothing outside the screen or its card), legible (post text at least
the size docs/display.md promises), live (posts arrive, change and leave), and placeholders for
images the server could not fetch, whose URL is never requested."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from PIL import Image, ImageDraw
from playwright.async_api import Browser, Page, Route

from sotong.domain import Author, IncomingPost, Media, TokenScope
from tests.browser import chromium
from tests.support import LiveServer, ingest_body, live_server, make_settings, make_token

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

LAYOUTS = ["masonry", "spotlight", "carousel", "ticker", "mixed"]
VIEWPORTS = [(1920, 1080), (3840, 2160), (1080, 1920)]
SLUG = "seoul2017"
POSTS = f"/api/v1/walls/{SLUG}/posts"
PICTURES = "https://pictures.test"
GONE = "https://gone.test"

# docs/display.md: post text is at least 2.2 % of the screen height on a landscape screen and
# 1.7 % on a 9:16 portrait one; every other text at least 1.6 --u.
LANDSCAPE_TEXT = 0.022
PORTRAIT_TEXT = 0.017
SECONDARY_U = 1.6

LONG_KOREAN = (
    "서울시는 시민과 소통하기 위해 여러 소셜미디어 채널을 운영합니다. 오늘 들은 이야기 가운데 "
    "메신저 챗봇이 뉴스와 행사, 날씨를 알려 주고 시민을 담당 공무원과 바로 이어 주는 사례가 가장 "
    "인상 깊었어요. 심야버스 노선도 시민들이 온라인에 남긴 의견에서 시작됐다고 하니 놀랍습니다. "
) * 4


def picture(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).ellipse(
        (width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=(245, 245, 245)
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


PICTURE_BYTES = {
    "wide": picture(480, 320, (196, 88, 64)),
    "tall": picture(320, 480, (64, 120, 196)),
    "square": picture(400, 400, (72, 160, 96)),
}


def image(name: str, width: int, height: int, alt: str = "") -> dict[str, Any]:
    return {"url": f"{PICTURES}/{name}.png", "width": width, "height": height, "alt": alt}


@dataclass
class Wall:
    server: LiveServer
    browser: Browser
    client: httpx.AsyncClient
    ingest_token: str
    moderate_token: str
    ids: dict[str, str] = field(default_factory=dict)
    seeded: int = 0

    async def post(self, key: str, **fields: Any) -> str:
        response = await self.client.post(
            POSTS,
            json=ingest_body(key, **fields),
            headers={"Authorization": f"Bearer {self.ingest_token}"},
        )
        assert response.status_code == 201, response.text
        post_id: str = response.json()["id"]
        self.ids[key] = post_id
        return post_id

    async def decide(self, key: str, action: str) -> None:
        response = await self.client.post(
            f"{POSTS}/{self.ids[key]}/decision",
            json={"action": action},
            headers={"Authorization": f"Bearer {self.moderate_token}"},
        )
        assert response.status_code == 200, response.text

    async def post_unavailable(self, key: str, text: str, media: Media) -> None:
        """A post whose image the server could not fetch, as the media step stores it."""
        services = self.server.app.state.services
        result = await services.pipeline.ingest(
            services.wall(SLUG),
            IncomingPost(
                source="api",
                external_id=key,
                author=Author("박지은", "@jieun"),
                text=text,
                media=(media,),
            ),
        )
        assert result.post_id is not None
        self.ids[key] = result.post_id


async def seed(wall: Wall) -> None:
    await wall.post("quote", text="도착 ✌️ #서울소셜컨퍼런스")
    await wall.post("long", text=f"{LONG_KOREAN}#2017서울소통컨퍼런스")
    await wall.post(
        "wide", text="무대가 잘 보여요 #서울소셜컨퍼런스", media=[image("wide", 1200, 800, "무대")]
    )
    await wall.post(
        "tall",
        text=f"세로 사진과 긴 설명 {LONG_KOREAN[:260]} #서울소셜컨퍼런스",
        media=[image("tall", 800, 1200)],
    )
    await wall.post(
        "medium",
        text="10시 시작인데 9시 40분에 벌써 줄이 길다 ㅋㅋ 다들 부지런하셔 #2017서울소통컨퍼런스",
        author={"name": "탁현우", "handle": "@hyunwoo.tak"},
    )
    await wall.post(
        "url",
        text="https://example.org/"
        + "a-very-long-address-without-any-space" * 4
        + " #서울소셜컨퍼런스",
    )
    await wall.post(
        "featured",
        text="버스 정책이 시민의 목소리에서 나왔다니 #서울소셜컨퍼런스",
        media=[image("square", 1000, 1000), image("wide", 1200, 800)],
    )
    await wall.post("pinned", text="오후 세션은 2시에 다목적홀에서 시작합니다 #서울소셜컨퍼런스")
    await wall.post(
        "name",
        text="다목적홀 벌써 자리 꽉 찼어요 😮 뒤에서 열심히 듣는 중 #서울소셜컨퍼런스",
        author={"name": "아주아주긴이름을가진서울시민소통러" * 2, "handle": "@" + "x" * 60},
    )
    await wall.post("photo-only", text="#서울소셜컨퍼런스", media=[image("tall", 900, 1400)])
    await wall.post_unavailable(
        "unavailable",
        "사진을 불러오지 못한 게시물 #서울소셜컨퍼런스",
        Media(url=f"{GONE}/plain.jpg", kind="unavailable", width=1200, height=900),
    )
    await wall.post_unavailable(
        "blurred",
        "블러해시만 남은 게시물 #서울소셜컨퍼런스",
        Media(
            url=f"{GONE}/blurred.jpg",
            kind="unavailable",
            width=1000,
            height=700,
            blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        ),
    )
    await wall.decide("pinned", "pin")
    await wall.decide("featured", "feature")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def wall(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Wall]:
    folder: Path = tmp_path_factory.mktemp("layouts")
    settings = make_settings(f"sqlite:///{folder / 'wall.db'}", folder / "media")
    # Pictures stay at their URLs, which the browser gets from `serve_pictures` below.
    settings.media.cache_remote = False
    # The sample posts repeat their words and one is a bare link, on purpose: no rule holds
    # them back.
    settings.walls[0].rules.duplicate_text_hours = 0
    settings.walls[0].rules.link_only = False
    async with live_server(settings) as server, chromium() as browser:
        ingest = await make_token(server.app, SLUG, TokenScope.INGEST)
        moderate = await make_token(server.app, SLUG, TokenScope.MODERATE)
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            shared = Wall(server, browser, client, ingest, moderate)
            await seed(shared)
            shared.seeded = len(shared.ids)
            yield shared


async def serve_pictures(route: Route) -> None:
    name = route.request.url.rsplit("/", 1)[-1].removesuffix(".png")
    await route.fulfill(
        body=PICTURE_BYTES.get(name, PICTURE_BYTES["wide"]), content_type="image/png"
    )


@dataclass
class Screen:
    page: Page
    errors: list[str]
    requests: list[str]


async def open_screen(
    wall: Wall, layout: str, viewport: tuple[int, int], query: str = "", *, reduced: bool = False
) -> Screen:
    width, height = viewport
    page = await wall.browser.new_page(
        viewport={"width": width, "height": height},
        reduced_motion="reduce" if reduced else "no-preference",
    )
    screen = Screen(page, [], [])
    page.on("pageerror", lambda error: screen.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            screen.errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("request", lambda request: screen.requests.append(request.url))
    await page.route(f"{PICTURES}/**", serve_pictures)
    await page.goto(f"{wall.server.url}/w/{SLUG}?layout={layout}{query}")
    await page.wait_for_selector("body[data-connection='live']")
    await page.wait_for_function(
        "count => document.querySelectorAll('#wall .card[data-post-id]').length >= count"
        " && !document.querySelector('#wall .card--unplaced')",
        arg=wall.seeded,
    )
    return screen


# Waits for every finite animation and transition, then measures what a viewer sees.
INSPECT = """
async ({ minText, secondary, boxed }) => {
  for (let round = 0; round < 20; round++) {
    const running = document.getAnimations().filter(
      (a) => a.playState === "running" && a.effect?.getComputedTiming().iterations !== Infinity);
    if (running.length === 0) break;
    await Promise.all(running.map((a) => a.finished.catch(() => null)));
  }
  await document.fonts.ready;
  const seen = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const rect = (el) => el.getBoundingClientRect();
  const meet = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const label = (el) => el.dataset.postId || el.className;
  const wall = rect(document.getElementById("wall"));
  const screen = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const cards = [...document.querySelectorAll("#wall .card")]
    .filter((card) => seen(card) && meet(rect(card), wall));
  const problems = { overlaps: [], outside: [], overflowing: [], small: [], covered: [] };

  cards.forEach((card, i) => {
    const r = rect(card);
    for (const other of cards.slice(i + 1)) {
      if (meet(r, rect(other))) problems.overlaps.push([label(card), label(other)]);
    }
    // Flowing layouts may fade a card out at the bottom edge of the wall; nothing else is cut.
    const cut = r.left < wall.left - 1 || r.right > wall.right + 1 || r.top < wall.top - 1 ||
      (boxed && r.bottom > wall.bottom + 1);
    if (cut) problems.outside.push(label(card));
    for (const part of card.querySelectorAll(".card__inner, .card__body, .card__text")) {
      const tall = part.matches(".card__text") ? false : part.scrollHeight > part.clientHeight + 1;
      if (tall || part.scrollWidth > part.clientWidth + 1) {
        problems.overflowing.push(`${label(card)} ${part.className}`);
      }
    }
    for (const text of card.querySelectorAll(".card__text")) {
      const style = getComputedStyle(text);
      const size = parseFloat(style.fontSize);
      if (size < minText) problems.small.push(`${label(card)} post text ${size}px`);
      // Clamped or not, the paragraph shows whole lines (the quote mark above them aside).
      const mark = getComputedStyle(text, "::before");
      const markHeight = mark.display === "block"
        ? parseFloat(mark.height) + parseFloat(mark.marginTop) + parseFloat(mark.marginBottom)
        : 0;
      const lines = (text.clientHeight - parseFloat(style.paddingTop) -
        parseFloat(style.paddingBottom) - markHeight) / parseFloat(style.lineHeight);
      if (Math.abs(lines - Math.round(lines)) > 0.1 || Math.round(lines) < 1) {
        problems.overflowing.push(`${label(card)} text cut at ${lines.toFixed(2)} lines`);
      }
    }
  });

  const u = parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--u0")) ||
    parseFloat(getComputedStyle(document.body).fontSize) / 2.3;
  // Everything around the posts: the title, the overlays (announcement, the rail's panels,
  // sponsor strip) and the ticker band. None may cover a card, leave the screen or overflow.
  const chrome = [...document.querySelectorAll(
    ".masthead, .announce, .rail > .panel, .band, .sponsors")].filter(seen);
  for (const part of chrome) {
    const r = rect(part);
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) {
      problems.outside.push(part.className);
    }
    if (!part.matches(".band") && (part.scrollHeight > part.clientHeight + 1 ||
        part.scrollWidth > part.clientWidth + 1)) {
      problems.overflowing.push(`${part.className} overflows`);
    }
    for (const other of chrome) {
      if (other !== part && !other.contains(part) && !part.contains(other) &&
          meet(r, rect(other)) && part.compareDocumentPosition(other) & 4) {
        problems.covered.push(`${part.className} over ${other.className}`);
      }
    }
    for (const card of cards) {
      const c = rect(card);
      const shown = { ...c.toJSON(), bottom: Math.min(c.bottom, wall.bottom) };
      if (meet(r, shown)) problems.covered.push(`${part.className} over ${label(card)}`);
    }
  }
  for (const text of document.querySelectorAll(".announce__text")) {
    if (!seen(text)) continue;
    const size = parseFloat(getComputedStyle(text).fontSize);
    if (size < minText) problems.small.push(`announcement ${size}px`);
  }
  for (const item of document.querySelectorAll(".band__item")) {
    if (!seen(item) || !meet(rect(item), screen)) continue;
    const size = parseFloat(getComputedStyle(item).fontSize);
    if (size < minText) problems.small.push(`band ${size}px`);
  }
  const texts = [...cards, ...chrome].flatMap((el) => [...el.querySelectorAll("*")])
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .filter((el) => seen(el) && meet(rect(el), screen));
  for (const el of texts) {
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < secondary * u - 0.5) problems.small.push(`${el.className} ${size}px`);
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > innerWidth || page.scrollHeight > innerHeight) {
    problems.outside.push(`page scrolls ${page.scrollWidth}x${page.scrollHeight}`);
  }
  return { visible: cards.map(label), ...problems };
}
"""


async def inspect(screen: Screen, layout: str, viewport: tuple[int, int]) -> dict[str, Any]:
    width, height = viewport
    share = LANDSCAPE_TEXT if width >= height else PORTRAIT_TEXT
    report: dict[str, Any] = await screen.page.evaluate(
        INSPECT,
        {
            "minText": share * height,
            "secondary": SECONDARY_U,
            "boxed": layout in {"spotlight", "carousel", "mixed"},
        },
    )
    return report


async def check_tidy_and_legible(wall: Wall, layout: str, viewport: tuple[int, int]) -> None:
    screen = await open_screen(wall, layout, viewport)
    try:
        await screen.page.wait_for_function(
            "() => [...document.querySelectorAll('#wall .card__img')].every(img => img.complete)"
        )
        report = await inspect(screen, layout, viewport)
        where = f"{layout} at {viewport[0]}x{viewport[1]}"
        least = {"spotlight": 1, "carousel": 1, "mixed": 3}.get(layout, 4)
        assert len(report["visible"]) >= least, (where, report)
        if layout == "spotlight":
            assert len(report["visible"]) == 1, (where, report)
        for problem in ("overlaps", "outside", "overflowing", "small", "covered"):
            assert report[problem] == [], (where, problem, report[problem])
        if layout == "ticker":
            assert await screen.page.locator(".band .band__item").count() > 0, where
        assert screen.errors == [], where
    finally:
        await screen.page.close()


@pytest.mark.parametrize("layout", LAYOUTS)
async def test_layout_is_tidy_and_legible(wall: Wall, layout: str) -> None:
    """At every screen size at once (each in its own page)."""
    await asyncio.gather(*(check_tidy_and_legible(wall, layout, size) for size in VIEWPORTS))


@pytest.mark.parametrize("layout", LAYOUTS)
async def test_posts_arrive_change_and_leave_in_every_layout(wall: Wall, layout: str) -> None:
    screen = await open_screen(wall, layout, (1920, 1080), "&dwell=2")
    page = screen.page
    try:
        key = f"live-{layout}"
        post_id = await wall.post(key, text=f"{layout} 화면에 새로 올라온 글 #서울소셜컨퍼런스")
        card = page.locator(f"#wall .card[data-post-id='{post_id}']")
        await card.wait_for(state="attached")
        if layout == "ticker":
            await page.locator(f".band__item[data-post-id='{post_id}']").wait_for(state="attached")

        await wall.decide(key, "pin")
        await page.locator(f"#wall .card[data-post-id='{post_id}'][data-pinned='true']").wait_for(
            state="attached"
        )
        assert await page.locator(f"#wall .card[data-post-id='{post_id}']").count() == 1

        await wall.decide(key, "reject")
        await page.wait_for_function(
            "id => document.querySelectorAll(`[data-post-id='${id}']`).length === 0", arg=post_id
        )
        report = await inspect(screen, layout, (1920, 1080))
        assert report["overlaps"] == []
        assert post_id not in report["visible"]
        assert screen.errors == []
    finally:
        await page.close()


async def current_spotlight(page: Page) -> str:
    handle = await page.wait_for_function(
        "() => document.querySelector('#wall .card.is-current')?.dataset.postId"
    )
    value: str = await handle.json_value()
    return value


async def test_spotlight_shows_a_live_post_right_after_the_current_one(wall: Wall) -> None:
    screen = await open_screen(wall, "spotlight", (1920, 1080), "&dwell=2")
    page = screen.page
    try:
        await current_spotlight(page)
        post_id = await wall.post(
            "jumps-the-queue", text="방금 올린 글이 먼저 나와요 #서울소셜컨퍼런스"
        )
        # A dozen posts wait their turn at 2 s each; the new one is shown within two turns.
        await page.wait_for_function(
            "id => document.querySelector('#wall .card.is-current')?.dataset.postId === id",
            arg=post_id,
            timeout=6_000,
        )

        await wall.decide("jumps-the-queue", "reject")
        await page.wait_for_function(
            "id => !document.querySelector(`[data-post-id='${id}']`)"
            " && document.querySelectorAll('#wall .card.is-current').length === 1",
            arg=post_id,
        )
        assert screen.errors == []
    finally:
        await page.close()


async def test_long_posts_are_clamped_in_fixed_size_cards(wall: Wall) -> None:
    """Featured long posts lead the rotating layouts; the newer one takes the large place of
    "mixed"."""
    long_media = await wall.post(
        "long-media",
        text=f"{LONG_KOREAN}#서울소셜컨퍼런스",
        media=[image("wide", 1600, 900, "무대 위 발표자")],
    )
    long_text = await wall.post("long-text", text=f"{LONG_KOREAN * 2}#서울소셜컨퍼런스")
    await wall.decide("long-text", "feature")
    await wall.decide("long-media", "feature")

    async def check(layout: str, viewport: tuple[int, int], shown: list[str]) -> None:
        # Each post stays long enough to be measured before the next one fades in.
        screen = await open_screen(wall, layout, viewport, "&dwell=5")
        try:
            for post_id in shown:
                card = f"#wall .card[data-post-id='{post_id}']"
                if layout == "spotlight":
                    card += ".is-current"
                await screen.page.locator(card).wait_for(timeout=15_000)
                report = await inspect(screen, layout, viewport)
                assert post_id in report["visible"], (layout, viewport, report)
                assert report["overflowing"] == [], (layout, viewport)
                assert report["outside"] == [], (layout, viewport)
                assert report["small"] == [], (layout, viewport)
                lines = await screen.page.locator(card).evaluate(
                    "card => Number(card.style.getPropertyValue('--lines'))"
                )
                assert 1 <= lines < 30, (layout, viewport, lines)
            assert screen.errors == []
        finally:
            await screen.page.close()

    try:
        await asyncio.gather(
            *(
                check(layout, viewport, shown)
                for viewport in ((1920, 1080), (1080, 1920))
                for layout, shown in (
                    ("carousel", [long_text, long_media]),
                    ("mixed", [long_text]),
                    ("spotlight", [long_text, long_media]),
                )
            )
        )
    finally:
        await wall.decide("long-media", "reject")
        await wall.decide("long-text", "reject")


ROTATION = """
async () => {
  const { Rotation } = await import("/static/wall/rotation.js");
  const steps = [];
  const spotlight = new Rotation(1);
  spotlight.sync(["pin", "a", "b", "c"], new Set(["a"]));  // a first screen: nothing jumps
  steps.push(spotlight.shown.join());
  spotlight.advance();
  steps.push(spotlight.shown.join());
  spotlight.sync(["pin", "new", "a", "b", "c"], new Set(["new"]));  // arrives live
  steps.push(spotlight.shown.join());
  for (let i = 0; i < 6; i++) {
    spotlight.advance();
    steps.push(spotlight.shown.join());
  }
  spotlight.sync(["pin", "new", "a", "c"]);  // b leaves
  for (let i = 0; i < 4; i++) {
    spotlight.advance();
    steps.push(spotlight.shown.join());
  }
  const row = new Rotation(3);
  row.sync(["a", "b", "c", "d"]);
  const carousel = [row.shown.join()];
  row.advance();
  carousel.push(row.shown.join());
  row.sync(["n", "a", "b", "c", "d"], new Set(["n"]));
  row.advance();
  carousel.push(row.shown.join());
  row.sync(["n", "a", "b", "d"]);  // c, on screen, leaves
  carousel.push(row.shown.join());
  const pair = new Rotation(1);
  pair.sync(["pin", "a"]);
  const alternating = [pair.shown.join()];
  for (let i = 0; i < 3; i++) {
    pair.advance();
    alternating.push(pair.shown.join());
  }
  return { steps, carousel, alternating };
}
"""


async def test_rotation_goes_round_and_lets_live_posts_jump_the_queue(wall: Wall) -> None:
    page = await wall.browser.new_page()
    try:
        await page.goto(f"{wall.server.url}/w/{SLUG}")
        result = await page.evaluate(ROTATION)
    finally:
        await page.close()
    assert result["steps"] == [
        "pin",
        "a",
        "a",  # the live post waits for the current one...
        "new",  # ...and comes next
        "b",
        "c",
        "pin",  # a new round, in priority order
        "new",
        "a",
        "c",  # b has left the wall
        "pin",
        "new",
        "a",
    ]
    assert result["carousel"] == ["a,b,c", "b,c,d", "c,d,n", "d,n,a"]
    assert result["alternating"] == ["pin", "a", "pin", "a"]


async def test_reduced_motion_swaps_instantly_and_stills_the_band(wall: Wall) -> None:
    for layout in ("spotlight", "ticker"):
        screen = await open_screen(wall, layout, (1920, 1080), "&dwell=2", reduced=True)
        page = screen.page
        try:
            durations = await page.eval_on_selector_all(
                "#wall .card",
                "cards => cards.map(card => getComputedStyle(card).transitionDuration)",
            )
            assert set(",".join(durations).replace(" ", "").split(",")) == {"0s"}
            if layout == "ticker":
                await page.locator(".band.band--still .band__item.is-current").wait_for()
                shown = await page.eval_on_selector_all(
                    ".band__item",
                    "items => items.filter(i => i.checkVisibility({ checkVisibilityCSS: true }))"
                    ".length",
                )
                assert shown == 1
            else:
                first = await current_spotlight(page)
                await page.wait_for_function(
                    "first => document.querySelector('#wall .card.is-current')?.dataset.postId"
                    " !== first",
                    arg=first,
                    timeout=10_000,
                )
                assert await page.evaluate("document.getAnimations().length") == 0
            assert screen.errors == []
        finally:
            await page.close()


async def test_unavailable_images_are_placeholders_and_never_requested(wall: Wall) -> None:
    screen = await open_screen(wall, "masonry", (1920, 1080))
    page = screen.page
    try:
        plain = page.locator(f".card[data-post-id='{wall.ids['unavailable']}'] .card__media")
        blurred = page.locator(f".card[data-post-id='{wall.ids['blurred']}'] .card__media")
        await plain.wait_for()
        await blurred.wait_for()
        assert "이미지를 불러오지 못했습니다" in await plain.inner_text()
        assert await plain.locator(".card__unavailable .icon").count() == 1
        assert await plain.locator("img").count() == 0
        assert await blurred.locator("canvas.card__blur").count() == 1
        assert await blurred.locator("img").count() == 0
        for figure, ratio in ((plain, 1200 / 900), (blurred, 1000 / 700)):
            box = await figure.bounding_box()
            assert box is not None
            assert box["width"] / box["height"] == pytest.approx(ratio, rel=0.02)
        assert [url for url in screen.requests if url.startswith(GONE)] == []
        assert await page.get_attribute(
            f".card[data-post-id='{wall.ids['unavailable']}'] .card__media", "aria-label"
        )
    finally:
        await page.close()


async def test_cards_keep_their_size_while_images_load(wall: Wall) -> None:
    page = await wall.browser.new_page(viewport={"width": 1920, "height": 1080})
    gate = asyncio.Event()

    async def slow_pictures(route: Route) -> None:
        await gate.wait()
        await serve_pictures(route)

    try:
        await page.route(f"{PICTURES}/**", slow_pictures)
        # Held images can delay the load event itself: wait for the document only.
        await page.goto(
            f"{wall.server.url}/w/{SLUG}?layout=masonry&qr=0", wait_until="domcontentloaded"
        )
        card = page.locator(f".card[data-post-id='{wall.ids['wide']}']")
        await card.wait_for()
        await page.wait_for_function(
            "() => !document.querySelector('#wall .card--unplaced')"
            " && document.getAnimations().every(a => a.playState !== 'running'"
            " || a.effect?.getComputedTiming().iterations === Infinity)"
        )
        before = await card.bounding_box()
        gate.set()
        await card.locator(".card__media.is-loaded").wait_for()
        assert await card.bounding_box() == before
        assert await page.locator(".qr").is_hidden()
    finally:
        gate.set()
        await page.close()
