"""The contest in Chromium, from creating it in the console to the reveal on the wall and a
winner's claim on a phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from sotong.accounts.service import add_user
from sotong.clock import utc_now
from sotong.domain import Role, TokenScope
from tests.browser import chromium
from tests.support import LiveServer, ingest_body, live_server, make_settings, make_token

pytestmark = pytest.mark.browser

PASSWORD = "contest browser password 1"
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ko-KR",
}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "media")
    async with live_server(settings) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


def fail_on_script_errors(page: Page) -> None:
    page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))


async def sign_in(browser: Browser, server: LiveServer) -> Page:
    await add_user(
        server.app.state.services.db,
        "owner@example.org",
        Role.OWNER,
        PASSWORD,
        utc_now(),
        actor="t",
    )
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    fail_on_script_errors(page)
    await page.goto(f"{server.url}/admin/login")
    await page.fill("#email", "owner@example.org")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{server.url}/admin/")
    return page


async def post_entries(server: LiveServer, handles: list[str]) -> None:
    token = await make_token(server.app, "seoul2017", TokenScope.INGEST)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        for handle in handles:
            body = ingest_body(handle, author={"name": f"{handle} 님", "handle": f"@{handle}"})
            answer = await client.post(
                "/api/v1/walls/seoul2017/posts",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 201, answer.text


async def test_from_a_new_contest_to_the_reveal_and_a_claim(
    server: LiveServer, browser: Browser
) -> None:
    console = await sign_in(browser, server)
    await console.goto(f"{server.url}/admin/walls/seoul2017/contests")
    await console.click("text=새 콘테스트")
    await console.fill("#name", "창의성 콘테스트")
    await console.fill("#rules_text", "개성 있는 게시물에 경품을 드려요.")
    # The form starts with the conference's prizes: 텀블러 × 10, 에코백 × 20, 보틀 × 30.
    assert await console.input_value("input[name=prize_name_0]") == "텀블러"
    await console.fill("input[name=prize_winners_0]", "1")
    await console.fill("input[name=prize_winners_1]", "2")
    await console.click("button.primary:has-text('저장')")
    await console.wait_for_url("**/contests/1?done=created")

    await post_entries(server, ["alpha", "bravo", "charlie", "delta"])
    await console.reload()
    await expect(console.locator("tr[data-entry]")).to_have_count(4)

    wall = await browser.new_page(viewport={"width": 1920, "height": 1080})
    fail_on_script_errors(wall)
    await wall.goto(f"{server.url}/w/seoul2017")
    await wall.wait_for_selector("body[data-connection='live']")
    overlay = wall.locator(".contest-reveal")
    await expect(overlay).to_be_hidden()

    await console.click("text=참가작을 고정하고 추첨 확정")
    await console.wait_for_url("**?done=commit")
    commitment = await console.locator("[data-commitment]").inner_text()
    await console.click("text=추첨하고 시드 공개")
    await console.wait_for_url("**?done=run")
    assert len(await console.locator("[data-seed]").inner_text()) == 64
    assert commitment == await console.locator("[data-commitment]").inner_text()

    await console.click(".reveal-controls button[value=start]")
    await expect(overlay).to_be_visible()
    await expect(overlay.locator(".contest-reveal__title")).to_have_text("창의성 콘테스트")
    await console.click(".reveal-controls button[value=next_prize]")
    await expect(overlay.locator(".contest-reveal__title")).to_have_text("텀블러 당첨자")
    await console.click(".reveal-controls button[value=next_winner]")
    winner = overlay.locator(".contest-winner")
    await expect(winner).to_have_count(1)
    name = await winner.locator(".contest-winner__name").inner_text()
    assert name.startswith("@"), name
    assert name.endswith("***"), name  # masked
    assert await overlay.locator(".contest-confetti__piece").count() > 0
    animated = await winner.evaluate("el => getComputedStyle(el).animationName")
    assert animated == "contest-pop"

    calm = await browser.new_page(viewport={"width": 1920, "height": 1080}, reduced_motion="reduce")
    fail_on_script_errors(calm)
    await calm.goto(f"{server.url}/w/seoul2017")
    await expect(calm.locator(".contest-winner")).to_have_count(1)  # fetched mid-reveal
    await console.click(".reveal-controls button[value=next_prize]")
    await console.click(".reveal-controls button[value=all_winners]")
    await expect(calm.locator(".contest-winner")).to_have_count(2)
    still = await calm.locator(".contest-winner--new").first.evaluate(
        "el => getComputedStyle(el).animationName"
    )
    assert still == "none"
    await expect(calm.locator(".contest-confetti")).to_be_hidden()
    await console.click(".reveal-controls button[value=end]")
    await expect(overlay).to_be_hidden()

    await console.goto(f"{server.url}/admin/walls/seoul2017/contests/1/desk")
    message = await console.locator("textarea[readonly]").first.input_value()
    link = message.split(": ")[-1].strip()
    # The message links to server.public_url (the default, in these settings).
    assert link.startswith("http://127.0.0.1:8000/claim/")
    claim_path = link.removeprefix("http://127.0.0.1:8000")

    phone_context = await browser.new_context(**PHONE)
    phone = await phone_context.new_page()
    fail_on_script_errors(phone)
    await phone.goto(f"{server.url}{claim_path}")
    await expect(phone.locator(".privacy")).to_contain_text("보유 기간")
    await phone.fill("#name", "홍길동")
    await phone.fill("#phone", "010-1234-5678")
    await phone.click("button[type=submit]")
    await expect(phone.locator("#consent-error")).to_be_visible()  # consent is required
    await phone.check("#consent")
    await phone.click("button[type=submit]")
    await expect(phone.locator("body")).to_have_attribute("data-state", "done")
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows the phone's width

    await console.reload()
    await expect(console.locator("text=홍*동")).to_be_visible()
    await phone_context.close()


async def test_an_uploader_finds_the_prize_on_the_status_page(
    server: LiveServer, browser: Browser
) -> None:
    from sotong.contest.reveal import RevealAction
    from sotong.contest.rules import ContestRules, PrizeSpec
    from tests.media import corpus

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        answer = await client.post(
            "/api/v1/walls/seoul2017/uploads",
            data={"caption": "소통해요", "name": "홍길동", "consent": "true"},
            files={"photo": ("photo.jpg", corpus.jpeg(), "image/jpeg")},
        )
    assert answer.status_code == 201, answer.text
    status_url = answer.json()["status_url"]
    service = server.app.state.contest.service
    wall = server.app.state.services.wall("seoul2017")
    rules = ContestRules(
        name="사진 콘테스트", prizes=(PrizeSpec(name="에코백", winners=1, stock=1),)
    )
    contest_id = await service.create(wall, rules, "test")
    await service.commit_draw(wall, contest_id, "test")
    await service.perform_draw(wall, contest_id, "test")

    phone_context = await browser.new_context(**PHONE)
    phone = await phone_context.new_page()
    fail_on_script_errors(phone)
    await phone.goto(f"{server.url}{status_url}")
    box = phone.locator("#prize-box")
    await expect(box).to_be_hidden()  # won, but not announced on the wall yet
    for action in (RevealAction.START, RevealAction.END):
        await service.reveal(wall, contest_id, action, "test")
    await expect(box).to_be_visible(timeout=15_000)  # the page polls its status
    await expect(box).to_contain_text("에코백")
    code = (await phone.locator("#prize-code").inner_text()).split(":")[-1].strip()
    assert len(code) == 19
    await phone.click("#prize-claim")
    await phone.wait_for_url(f"**/claim/{code}")
    await expect(phone.locator(".claim-code strong")).to_have_text(code)
    await phone_context.close()
