"""The console in a real browser, as a tablet user and a keyboard user meet it: every control has a
name, text has enough contrast (WCAG AA), focus is visible, nothing scrolls sideways, Hangul is
drawn with the bundled font, and no page runs into a script error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from sotong.accounts.service import add_user
from sotong.clock import utc_now
from sotong.contest.demo import seed_demo_contest
from sotong.domain import Role
from tests.browser import chromium
from tests.support import CONSOLE_PASSWORD, LiveServer, live_server, make_settings

pytestmark = pytest.mark.browser

PAGES = [
    "/admin/",
    "/admin/walls/new",
    "/admin/walls/seoul2017/queue",
    "/admin/walls/seoul2017/settings",
    "/admin/walls/seoul2017/rules",
    "/admin/walls/seoul2017/display",
    "/admin/walls/seoul2017/agenda",
    "/admin/walls/seoul2017/screens",
    "/admin/walls/seoul2017/contests",
    "/admin/walls/seoul2017/contests/new",
    "/admin/walls/seoul2017/contests/1",
    "/admin/walls/seoul2017/contests/1/edit",
    "/admin/walls/seoul2017/contests/1/desk",
    "/admin/walls/seoul2017/contests/1/report",
    "/admin/walls/seoul2017/judging",
    "/admin/walls/seoul2017/tokens",
    "/admin/audit",
    "/admin/password",
]
VIEWPORTS = [{"width": 768, "height": 1024}, {"width": 1366, "height": 768}]

# Every text node's colour against the first opaque background behind it, by WCAG 2's formula.
CONTRAST_PROBLEMS = """() => {
  const channel = c => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const parse = value => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = element => {
    for (let node = element; node; node = node.parentElement) {
      const rgba = parse(getComputedStyle(node).backgroundColor);
      if (rgba.length === 3 || (rgba.length === 4 && rgba[3] > 0.9)) return rgba.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || !element || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    const skipped = "[aria-hidden='true'], .visually-hidden, .skip-link";
    if (style.visibility === "hidden" || element.closest(skipped)) continue;
    const fg = luminance(parse(style.color)), bg = luminance(background(element));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) problems.push(`${text.slice(0, 40)}: ${ratio.toFixed(2)} < ${needed}`);
  }
  return problems;
}"""

UNNAMED_CONTROLS = """() => [...document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, a[href]")]
  .filter(control => {
    const labelled = control.labels && control.labels.length > 0;
    const named = (control.getAttribute("aria-label") || "").trim()
      || (control.getAttribute("aria-labelledby") || "").trim()
      || (control.textContent || "").trim() || (control.getAttribute("title") || "").trim();
    return !labelled && !named;
  })
  .map(control => control.outerHTML.slice(0, 80))"""


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(f"sqlite:///{tmp_path / 'a11y.db'}", tmp_path / "media")
    async with live_server(settings) as running:
        await add_user(
            running.app.state.services.db,
            "owner@example.org",
            Role.OWNER,
            CONSOLE_PASSWORD,
            utc_now(),
            actor="test",
        )
        seoul = running.app.state.services.wall("seoul2017")
        await seed_demo_contest(running.app.state.services.db, seoul.id, utc_now())
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


async def signed_in(browser: Browser, server: LiveServer, viewport: dict[str, int]) -> Page:
    page = await browser.new_page(viewport=viewport, locale="ko-KR")  # type: ignore[arg-type]
    page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
    await page.goto(f"{server.url}/admin/login")
    await page.get_by_label("이메일").fill("owner@example.org")
    await page.get_by_label("비밀번호").fill(CONSOLE_PASSWORD)
    await page.get_by_role("button", name="로그인").click()
    await page.wait_for_url(f"{server.url}/admin/")
    return page


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["tablet", "laptop"])
async def test_console_pages_are_named_legible_and_fit(
    browser: Browser, server: LiveServer, viewport: dict[str, int]
) -> None:
    page = await signed_in(browser, server, viewport)
    try:
        for path in PAGES:
            await page.goto(f"{server.url}{path}")
            assert await page.evaluate(UNNAMED_CONTROLS) == [], path
            assert await page.evaluate(CONTRAST_PROBLEMS) == [], path
            overflow = await page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
            assert await page.evaluate(
                "() => document.fonts.check('16px \"Sotong Gothic\"', '소통')"
            )
    finally:
        await page.close()


async def test_the_keyboard_reaches_everything_with_a_visible_focus(
    browser: Browser, server: LiveServer
) -> None:
    page = await signed_in(browser, server, VIEWPORTS[1])
    try:
        await page.goto(f"{server.url}/admin/walls/seoul2017/settings")
        await page.keyboard.press("Tab")
        assert await page.evaluate("() => document.activeElement.className") == "skip-link"
        assert await page.evaluate(
            "() => document.activeElement.getBoundingClientRect().left >= 0"
        ), "the skip link shows itself when focused"
        seen = set()
        for _ in range(80):
            await page.keyboard.press("Tab")
            focused = await page.evaluate(
                """() => {
                  const element = document.activeElement, style = getComputedStyle(element);
                  if (element === document.body) return null;
                  return [element.id || element.name || element.textContent.trim().slice(0, 20),
                          style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2];
                }"""
            )
            if focused is None:
                break  # past the last control: the page is done
            name, outlined = focused
            assert outlined, f"{name} has no visible focus"
            seen.add(name)
        assert {"title", "hashtags", "sources"} <= seen
    finally:
        await page.close()
