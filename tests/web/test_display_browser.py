"""The display's overlays and controls in a real browser: every layout stays tidy and legible with
the announcement, agenda, countdown, logo and sponsor strip on screen (1080p, 4K, portrait);
announcements, branding, remote layout switches and reloads arrive live, each only where it
belongs; the embed fits a 320 px iframe."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from PIL import Image, ImageDraw
from playwright.async_api import Page

from sotong.domain import Role, TokenScope
from tests.browser import chromium
from tests.support import (
    CONSOLE_PASSWORD,
    ConsoleUser,
    console_user,
    live_server,
    make_settings,
    make_token,
)
from tests.web.test_layouts_browser import (
    LAYOUTS,
    SLUG,
    VIEWPORTS,
    Wall,
    inspect,
    open_screen,
    seed,
)

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

OVERLAYS_SHOWN = (
    "() => ['.announce', '.agenda', '.countdown', '.sponsors',"
    " '.agenda__slot--next .countdown__time']"
    ".every((selector) => !document.querySelector(selector).hidden)"
)
DRAW_AT = datetime.now(UTC) + timedelta(hours=3)


def logo_png(text_colour: tuple[int, int, int], size: tuple[int, int] = (420, 140)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((6, 6, size[0] - 6, size[1] - 6), radius=28, fill=(*text_colour, 255))
    draw.ellipse((30, 30, size[1] - 30, size[1] - 30), fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def agenda_csv(now: datetime) -> bytes:
    def at(minutes: int) -> str:
        return (now + timedelta(minutes=minutes)).isoformat(timespec="seconds")

    rows = [
        (
            "기조연설: 시민과 소통하는 도시, 서울의 새로운 소셜미디어 실험",
            -10,
            20,
            "김소통",
            "다목적홀",
        ),
        ("패널 토론: 메신저 챗봇이 바꾼 민원 창구", 20, 60, "이민원 외 3명", "다목적홀"),
        ("점심", 60, 120, "", "로비"),
    ]
    lines = ["title,start,end,speaker,room"]
    lines += [f'"{t}",{at(a)},{at(b)},"{s}","{r}"' for t, a, b, s, r in rows]
    return ("\n".join(lines) + "\n").encode()


class Display:
    def __init__(self, wall: Wall, owner: ConsoleUser) -> None:
        self.wall, self.owner = wall, owner

    @property
    def url(self) -> str:
        return self.wall.server.url

    async def announce(self, text: str, level: str = "info") -> None:
        response = await self.owner.post_form(
            f"/admin/walls/{SLUG}/announcements", {"text": text, "level": level, "minutes": "0"}
        )
        assert response.status_code == 303

    async def clear(self) -> None:
        response = await self.owner.post_form(f"/admin/walls/{SLUG}/announcements/clear")
        assert response.status_code == 303

    async def upload(self, kind: str, data: bytes, name: str = "") -> None:
        response = await self.owner.client.post(
            f"/admin/walls/{SLUG}/display/images",
            data={"csrf_token": self.owner.csrf, "kind": kind, "name": name},
            files={"file": ("picture.png", data, "image/png")},
        )
        assert response.status_code == 303, response.text

    async def save_display(self, **values: str) -> None:
        version = self.wall.server.app.state.services.wall_record(SLUG).version
        form = {
            "theme": "dark",
            "font_scale": "1",
            "show_agenda": "on",
            "countdown_next_session": "on",
            "sponsors_label": "후원",
            "countdown_at": DRAW_AT.strftime("%Y-%m-%dT%H:%M"),
            "timezone": "UTC",
            "countdown_label": "경품 추첨까지",
            "version": str(version),
            **values,
        }
        response = await self.owner.post_form(f"/admin/walls/{SLUG}/display", form)
        assert response.status_code == 303, response.text

    async def control(self, name: str, action: str, layout: str = "") -> None:
        response = await self.owner.post_form(
            f"/admin/walls/{SLUG}/screens/control",
            {"name": name, "action": action, "layout": layout},
        )
        assert response.status_code == 303


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def display(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Display]:
    folder: Path = tmp_path_factory.mktemp("display")
    settings = make_settings(f"sqlite:///{folder / 'wall.db'}", folder / "media")
    settings.media.cache_remote = False
    # The sample posts repeat their words and one is a bare link, on purpose: no rule holds
    # them back.
    settings.walls[0].rules.duplicate_text_hours = 0
    settings.walls[0].rules.link_only = False
    settings.media.workers = 1
    async with live_server(settings) as server, chromium() as browser:
        ingest = await make_token(server.app, SLUG, TokenScope.INGEST)
        moderate = await make_token(server.app, SLUG, TokenScope.MODERATE)
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=20) as client,
            console_user(server.app, Role.OWNER, url=server.url) as owner,
        ):
            wall = Wall(server, browser, client, ingest, moderate)
            await seed(wall)
            wall.seeded = len(wall.ids)
            shown = Display(wall, owner)
            await shown.upload("logo", logo_png((36, 86, 201)))
            for index, colour in enumerate([(200, 60, 60), (40, 140, 90), (120, 80, 200)]):
                await shown.upload("sponsor", logo_png(colour, (360, 160)), f"후원사 {index + 1}")
            await shown.save_display()
            imported = await owner.client.post(
                f"/admin/walls/{SLUG}/agenda/import",
                data={"csrf_token": owner.csrf, "mode": "replace"},
                files={"file": ("agenda.csv", agenda_csv(datetime.now(UTC)), "text/csv")},
            )
            assert imported.status_code == 200, imported.text
            await shown.announce("오후 세션은 2시에 다목적홀에서 시작합니다. 자리를 채워 주세요!")
            yield shown


async def check_overlays(display: Display, layout: str, viewport: tuple[int, int]) -> None:
    screen = await open_screen(display.wall, layout, viewport)
    page = screen.page
    try:
        await page.wait_for_function(OVERLAYS_SHOWN)
        await page.wait_for_function(
            "() => [...document.querySelectorAll('img')].every(img => img.complete)"
        )
        report = await inspect(screen, layout, viewport)
        where = f"{layout} at {viewport[0]}x{viewport[1]}"
        for problem in ("overlaps", "outside", "overflowing", "small", "covered"):
            assert report[problem] == [], (where, problem, report[problem])
        assert report["visible"], where
        now_title = await page.locator(".agenda__slot--now .agenda__title").inner_text()
        assert now_title.startswith("기조연설"), where
        assert "패널 토론" in await page.locator(".agenda__slot--next .agenda__title").inner_text()
        assert await page.locator(".sponsors__logo").count() == 3
        assert await page.locator(".masthead__logo").is_visible()
        assert screen.errors == [], where
    finally:
        await page.close()


@pytest.mark.parametrize("layout", LAYOUTS)
async def test_every_layout_stays_tidy_with_every_overlay(display: Display, layout: str) -> None:
    await asyncio.gather(*(check_overlays(display, layout, size) for size in VIEWPORTS))


async def test_an_announcement_appears_and_a_cleared_one_disappears(display: Display) -> None:
    screen = await open_screen(display.wall, "masonry", (1920, 1080))
    page = screen.page
    try:
        band = page.locator(".announce")
        await display.announce("지금 바로 경품 추첨을 시작합니다", level="urgent")
        await page.wait_for_function(
            "() => document.querySelector('.announce__text').textContent"
            " === '지금 바로 경품 추첨을 시작합니다'"
        )
        assert await band.get_attribute("data-level") == "urgent"
        assert await band.is_visible()
        await display.clear()
        await band.wait_for(state="hidden")
        # A screen that opens now shows no announcement either.
        fresh = await open_screen(display.wall, "masonry", (1920, 1080))
        assert await fresh.page.locator(".announce").is_hidden()
        await fresh.page.close()
    finally:
        await display.announce("오후 세션은 2시에 다목적홀에서 시작합니다. 자리를 채워 주세요!")
        await page.close()


async def marked(page: Page) -> None:
    """Leaves a mark in the page's memory: gone after a reload, kept otherwise."""
    await page.evaluate("window.__sameDocument = true")


async def still_marked(page: Page) -> bool:
    result: bool = await page.evaluate("window.__sameDocument === true")
    return result


async def test_remote_orders_reach_only_the_named_screen(display: Display) -> None:
    stage = await open_screen(display.wall, "masonry", (1920, 1080), "&screen=stage")
    lobby = await open_screen(display.wall, "masonry", (1920, 1080), "&screen=lobby")
    try:
        for screen in (stage, lobby):
            await marked(screen.page)
        await display.control("stage", "layout", "spotlight")
        await stage.page.wait_for_selector("body[data-layout='spotlight'] #wall .card.is-current")
        assert await lobby.page.get_attribute("body", "data-layout") == "masonry"
        assert await still_marked(stage.page)

        async with stage.page.expect_event("load"):
            await display.control("stage", "reload")
        await stage.page.wait_for_selector("body[data-connection='live']")
        assert not await still_marked(stage.page)
        assert await still_marked(lobby.page)
        assert await lobby.page.get_attribute("body", "data-layout") == "masonry"
        # After its reload the screen shows its own layout again (the address asks masonry).
        assert await stage.page.get_attribute("body", "data-layout") == "masonry"
        assert stage.errors == []
        assert lobby.errors == []
    finally:
        await stage.page.close()
        await lobby.page.close()


async def test_branding_applies_live_without_a_reload(display: Display) -> None:
    screen = await open_screen(display.wall, "masonry", (1920, 1080))
    page = screen.page
    try:
        await marked(page)
        await display.save_display(theme="light", accent_custom="on", accent="#b3261e")
        await page.wait_for_selector("body[data-theme='light']")
        styles = await page.evaluate(
            """() => {
              const body = getComputedStyle(document.body);
              const tag = document.querySelector('.masthead .hashtag');
              return { accent: body.getPropertyValue('--accent').trim(),
                       bg: body.backgroundColor, tag: getComputedStyle(tag).color };
            }"""
        )
        assert styles["accent"] == "#b3261e"
        assert styles["tag"] == "rgb(179, 38, 30)"
        assert await still_marked(page)
        report = await inspect(screen, "masonry", (1920, 1080))
        assert report["small"] == []
        assert report["covered"] == []
    finally:
        await display.save_display()
        await page.close()


async def test_the_embed_fits_a_narrow_iframe(display: Display) -> None:
    page = await display.wall.browser.new_page(viewport={"width": 320, "height": 560})
    try:
        await page.goto(f"{display.url}/w/{SLUG}/embed")
        await page.wait_for_selector("body[data-connection='live'] #wall .card[data-post-id]")
        facts = await page.evaluate(
            """() => {
              const seen = (el) => el && el.checkVisibility({ checkVisibilityCSS: true });
              const cards = [...document.querySelectorAll('#wall .card[data-post-id]')];
              const text = document.querySelector('#wall .card__text');
              return {
                scrollWidth: document.scrollingElement.scrollWidth,
                scrollHeight: document.scrollingElement.scrollHeight,
                qr: seen(document.querySelector('.qr')),
                announce: seen(document.querySelector('.announce')),
                rail: seen(document.querySelector('.rail')),
                sponsors: seen(document.querySelector('.sponsors')),
                widest: Math.max(...cards.map((c) => c.getBoundingClientRect().right)),
                textSize: parseFloat(getComputedStyle(text).fontSize),
              };
            }"""
        )
        assert facts["scrollWidth"] <= 320
        assert facts["scrollHeight"] <= 560
        assert not any(facts[k] for k in ("qr", "announce", "rail", "sponsors")), facts
        assert facts["widest"] <= 320
        assert facts["textSize"] >= 16
        asked = await display.wall.browser.new_page(viewport={"width": 320, "height": 560})
        await asked.goto(f"{display.url}/w/{SLUG}/embed?overlays=announce,agenda")
        await asked.wait_for_selector(".announce:not([hidden])")
        assert await asked.locator(".agenda").is_visible()
        assert await asked.locator(".qr").count() == 0
        await asked.close()
    finally:
        await page.close()


PURE_MODULES = """
async () => {
  const { nowAndNext } = await import("/static/wall/agenda.js");
  const { screenOptions } = await import("/static/wall/config.js");
  const { isForScreen } = await import("/static/wall/remote.js");
  const { formatRemaining } = await import("/static/wall/countdown.js");
  const at = (m) => new Date(Date.UTC(2017, 10, 10, 1, m)).toISOString();
  const ms = (m) => Date.UTC(2017, 10, 10, 1, m);
  const agenda = [
    { id: 1, title: "A", starts_at: at(0), ends_at: at(30) },
    { id: 2, title: "B", starts_at: at(20), ends_at: at(50) },
    { id: 3, title: "C", starts_at: at(60), ends_at: at(90) },
    { id: 4, title: "broken", starts_at: "soon", ends_at: at(90) },
  ];
  const moments = [-5, 0, 25, 50, 55, 90].map((m) => {
    const { current, next, changesAt } = nowAndNext(agenda, ms(m));
    return [current?.title ?? null, next?.title ?? null, (changesAt - ms(0)) / 60000];
  });
  const wall = {
    layout: "masonry", uploads: true, show_qr: true,
    palette: { legible: ["dark"] },
    display: { theme: "dark", show_agenda: true, screens: [
      { name: "stage", layout: "spotlight", show_qr: false, dwell_seconds: 9, theme: "light" },
    ] },
  };
  const options = (name, search, embed = false) => {
    const o = screenOptions(wall, name, new URLSearchParams(search), { embed });
    return [o.layout, o.theme, o.dwellMs, [...o.overlays].sort().join(",")];
  };
  return {
    moments,
    screens: [
      options("", ""),
      options("stage", ""),
      options("stage", "?layout=ticker&dwell=4&overlays=qr,agenda"),
      options("lobby", "?qr=0&theme=light"),
      options("", "", true),
      options("", "?overlays=announce,qr", true),
    ],
    orders: [
      isForScreen({ name: "stage" }, "stage"),
      isForScreen({ name: "stage" }, "lobby"),
      isForScreen({ name: "*" }, ""),
      isForScreen({ name: "" }, ""),
      isForScreen(null, "stage"),
    ],
    remaining: [
      formatRemaining(61_000), formatRemaining(3_723_000), formatRemaining(90_061_000, "en"),
    ],
  };
}
"""


async def test_screen_logic_in_the_browser(display: Display) -> None:
    page = await display.wall.browser.new_page()
    try:
        await page.goto(f"{display.url}/w/{SLUG}?preview=1")
        result = await page.evaluate(PURE_MODULES)
    finally:
        await page.close()
    assert result["moments"] == [
        [None, "A", 0],
        ["A", "B", 20],
        ["B", "C", 30],  # the latest to have started is on stage
        [None, "C", 60],
        [None, "C", 60],
        [None, None, float("inf")],  # nothing left: never changes again
    ]
    everything = "agenda,announcements,countdown,qr,sponsors"
    assert result["screens"] == [
        ["masonry", "dark", None, everything],
        # the stage's own settings; its light theme is not legible with these colours
        ["spotlight", "dark", 9000, "agenda,announcements,countdown,sponsors"],
        # the address wins; a QR hidden by the screen's settings stays hidden
        ["ticker", "dark", 4000, "agenda"],
        ["masonry", "dark", None, "agenda,announcements,countdown,sponsors"],
        ["masonry", "dark", None, ""],  # an embed shows no overlay unless asked, never the QR
        ["masonry", "dark", None, "announcements"],
    ]
    assert result["orders"] == [True, False, True, False, False]
    assert result["remaining"] == ["01:01", "1:02:03", "1d 1:01:01"]


async def test_the_console_previews_unsaved_branding(display: Display) -> None:
    page = await display.wall.browser.new_page(viewport={"width": 1600, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(f"{display.url}/admin/login")
        await page.fill("input[name=email]", "owner@example.org")
        await page.fill("input[name=password]", CONSOLE_PASSWORD)
        async with page.expect_navigation():
            await page.click("button[type=submit]")
        await page.goto(f"{display.url}/admin/walls/{SLUG}/display")
        preview = page.frame_locator("#display-preview")
        await preview.locator("body[data-connection='live']").wait_for()
        await page.check("#accent_custom")
        await page.evaluate(
            """() => {
              const input = document.getElementById('accent');
              input.value = '#ff6f3c';
              input.dispatchEvent(new Event('input', { bubbles: true }));
            }"""
        )
        frame = page.frame_locator("#display-preview").locator("body")
        await frame.evaluate(
            """(body) => new Promise((resolve) => {
              const check = () => getComputedStyle(body).getPropertyValue('--accent').trim()
                === '#ff6f3c' ? resolve() : requestAnimationFrame(check);
              check();
            })"""
        )
        saved = display.wall.server.app.state.services.wall_settings(SLUG).display
        assert saved.accent is None  # a preview, not a save
        # An illegible choice is explained beside the form, and the preview keeps the last good one.
        await page.evaluate(
            """() => {
              const input = document.getElementById('accent');
              input.value = '#10131c';
              input.dispatchEvent(new Event('input', { bubbles: true }));
            }"""
        )
        await page.locator("#colours-error .field-error").wait_for()
        assert "accent" in await page.locator("#colours-error").inner_text()
        assert errors == []
    finally:
        await page.close()
