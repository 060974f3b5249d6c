"""The attendee upload page and the uploader's status page, on a phone-sized Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pillow_heif
import pytest
from PIL import Image
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Route,
    expect,
)

from sotong.domain import TokenScope
from tests.browser import chromium
from tests.support import LiveServer, live_server, make_settings, make_token

pytestmark = pytest.mark.browser

WALL = "seoul2017"
UPLOADS = f"/api/v1/walls/{WALL}/uploads"
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ko-KR",
}
CAPTION = "무대 위 발표가 정말 멋져요! 소통이 최고예요 🎉"
STATUS_TIMEOUT_MS = 15_000  # the status page polls every 5 s


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    # Pre-moderated, so the status page goes from "waiting for review" to "on screen".
    settings = make_settings(
        f"sqlite:///{tmp_path / 'wall.db'}", tmp_path / "media", moderation="pre"
    )
    async with live_server(settings) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as running:
        yield running


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(**PHONE)
    try:
        yield context
    finally:
        await context.close()


@dataclass(frozen=True)
class Photo:
    path: Path
    size: int


def write_photo(path: Path, width: int, height: int) -> Photo:
    """A camera-sized JPEG: smooth colours with sensor-like noise, so it compresses like a photo."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    colours = np.stack(
        [x / width * 200 + 30, y / height * 160 + 40, (x + y) / (width + height) * 220], axis=-1
    )
    noise = np.random.default_rng(7).normal(0, 18, (height, width, 3))
    pixels = np.clip(colours + noise, 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, "JPEG", quality=90)
    return Photo(path, path.stat().st_size)


@pytest.fixture(scope="module")
def big_photo(tmp_path_factory: pytest.TempPathFactory) -> Photo:
    return write_photo(tmp_path_factory.mktemp("photos") / "IMG_0001.jpg", 4000, 3000)


@pytest.fixture(scope="module")
def small_photo(tmp_path_factory: pytest.TempPathFactory) -> Photo:
    return write_photo(tmp_path_factory.mktemp("photos") / "small.jpg", 800, 600)


@pytest.fixture(scope="module")
def heic_photo(tmp_path_factory: pytest.TempPathFactory) -> Photo:
    """HEIC, as iPhones take them: Chromium cannot decode it, the server can."""
    path = tmp_path_factory.mktemp("photos") / "IMG_0002.HEIC"
    jpeg = write_photo(path.with_suffix(".jpg"), 800, 600)
    with Image.open(jpeg.path) as picture:
        pillow_heif.from_pillow(picture).save(path, quality=80)
    return Photo(path, path.stat().st_size)


class PageProblems:
    """Script errors and Content-Security-Policy refusals seen by a page."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        page.on("pageerror", lambda error: self.seen.append(f"script error: {error}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.seen.append(f"CSP: {message.text}")

    async def _dialog(self, dialog: Dialog) -> None:
        self.seen.append(f"dialog: {dialog.message}")
        await dialog.dismiss()


async def open_upload_page(
    context: BrowserContext, server: LiveServer
) -> tuple[Page, PageProblems]:
    page = await context.new_page()
    problems = PageProblems(page)
    await page.goto(f"{server.url}/w/{WALL}/post")
    return page, problems


def is_upload(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith(UPLOADS)


async def sent_body_size(request: Request) -> int:
    # The body of a file upload is not kept by the browser's protocol; its declared length is.
    return int(await request.header_value("content-length") or 0)


async def upload_status(server: LiveServer, status_page: str) -> dict[str, Any]:
    secret = status_page.split("/u/", 1)[1].split("?", 1)[0]
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        response = await client.get(f"/api/v1/uploads/{secret}")
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


async def moderate(server: LiveServer, post_id: str, action: str) -> None:
    token = await make_token(server.app, WALL, TokenScope.MODERATE)
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        response = await client.post(
            f"/api/v1/walls/{WALL}/posts/{post_id}/decision",
            json={"action": action},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text


async def test_a_phone_posts_a_photo_that_reaches_the_wall_and_is_then_deleted(
    server: LiveServer, browser: Browser, phone: BrowserContext, big_photo: Photo
) -> None:
    page, problems = await open_upload_page(phone, server)
    await expect(page.get_by_role("heading", level=1)).to_have_text("2017 서울소통컨퍼런스")
    await expect(page.locator(".chip")).to_have_text(["#2017서울소통컨퍼런스", "#서울소셜컨퍼런스"])

    await page.locator("#photo").set_input_files(big_photo.path)
    await page.locator("#photo-preview[data-state='shown']").wait_for()
    await page.get_by_label("하고 싶은 말").fill(CAPTION)
    await expect(page.locator("#caption-count")).to_have_text(f"{len(CAPTION)}/500자")
    await page.get_by_label("공개 화면에 나오는 것에 동의합니다").tap()

    async with page.expect_request(is_upload) as sending:
        await page.get_by_role("button", name="화면에 올리기").tap()
    sent = await sent_body_size(await sending.value)
    assert 0 < sent < big_photo.size / 2, f"sent {sent} bytes of a {big_photo.size}-byte photo"

    await page.wait_for_url("**/u/**")
    upload = await upload_status(server, page.url)
    assert upload["status"] == "pending"
    headline = page.locator("#status-headline")
    await expect(headline).to_have_text("검토를 기다리는 중이에요")
    await expect(page.locator("#status-caption")).to_have_text(CAPTION)
    await expect(page.locator("#status-name")).not_to_be_empty()
    await page.locator("#status-photo[data-state='shown']").wait_for()
    await expect(page.get_by_text("이 링크를 꼭 저장해 두세요")).to_be_visible()

    await moderate(server, upload["id"], "approve")
    await expect(headline).to_contain_text("부터 화면에 나오고 있어요", timeout=STATUS_TIMEOUT_MS)
    await expect(page.locator("body")).to_have_attribute("data-status", "approved")

    wall = await browser.new_page(viewport={"width": 1920, "height": 1080})
    await wall.goto(f"{server.url}/w/{WALL}")
    await wall.wait_for_selector("body[data-connection='live']")
    card = wall.locator(f"#wall .card[data-post-id='{upload['id']}']")
    await expect(card).to_be_visible()
    await expect(card).to_contain_text("무대 위 발표가 정말 멋져요")

    await page.get_by_role("button", name="내 게시물 삭제").tap()
    confirm = page.get_by_role("button", name="네, 삭제할게요")
    await expect(confirm).to_be_visible()
    await expect(page.get_by_text("정말 삭제할까요?")).to_be_focused()
    await confirm.tap()

    await card.wait_for(state="detached")
    await expect(headline).to_have_text("삭제했어요")
    await expect(page.locator("body")).to_have_attribute("data-reason", "withdrawn")
    await expect(page.get_by_role("button", name="내 게시물 삭제")).to_be_hidden()
    assert problems.seen == []


async def test_the_upload_page_uses_the_korean_web_font(
    server: LiveServer, phone: BrowserContext
) -> None:
    page, problems = await open_upload_page(phone, server)
    loaded = await page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].filter(f => f.status === "loaded").map(f => f.family);
        }"""
    )
    assert any("Sotong Gothic" in family for family in loaded)
    style = await page.locator(".sheet__lead").evaluate(
        "node => { const s = getComputedStyle(node); return [s.wordBreak, s.fontFamily]; }"
    )
    assert style[0] == "keep-all"
    assert "Sotong Gothic" in style[1]
    assert problems.seen == []


async def test_without_consent_nothing_is_sent(
    server: LiveServer, phone: BrowserContext, small_photo: Photo
) -> None:
    page, problems = await open_upload_page(phone, server)
    uploads: list[Request] = []
    page.on("request", lambda request: uploads.append(request) if is_upload(request) else None)

    await page.locator("#photo").set_input_files(small_photo.path)
    await page.get_by_label("하고 싶은 말").fill("동의 없이 올려 봐요")
    await page.get_by_role("button", name="화면에 올리기").tap()

    consent = page.get_by_label("공개 화면에 나오는 것에 동의합니다")
    await expect(page.locator("#consent-error")).to_contain_text("동의가 필요해요")
    await expect(consent).to_have_attribute("aria-invalid", "true")
    await expect(consent).to_be_focused()
    await expect(page.locator("#consent-error")).to_have_attribute("aria-live", "polite")
    assert uploads == []
    assert page.url.endswith(f"/w/{WALL}/post")

    await consent.tap()
    await expect(page.locator("#consent-error")).to_be_empty()
    assert problems.seen == []


async def test_a_photo_the_browser_cannot_decode_is_sent_as_it_is(
    server: LiveServer, phone: BrowserContext, heic_photo: Photo
) -> None:
    page, problems = await open_upload_page(phone, server)
    await page.locator("#photo").set_input_files(heic_photo.path)
    await expect(page.locator("#photo-preview")).to_have_attribute("data-state", "unavailable")
    await expect(page.locator("#preview-note")).to_be_visible()
    await page.get_by_label("공개 화면에 나오는 것에 동의합니다").tap()

    async with page.expect_request(is_upload) as sending:
        await page.get_by_role("button", name="화면에 올리기").tap()
    sent = await sent_body_size(await sending.value)
    assert heic_photo.size < sent < heic_photo.size + 2048, "the file went as it was chosen"
    await page.wait_for_url("**/u/**")
    await page.locator("#status-photo[data-state='shown']").wait_for()
    assert problems.seen == []


async def test_the_status_page_explains_a_declined_post_in_english(
    server: LiveServer, phone: BrowserContext, small_photo: Photo
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        response = await client.post(
            UPLOADS,
            files={"photo": ("small.jpg", small_photo.path.read_bytes(), "image/jpeg")},
            data={"consent": "true", "caption": "<b>not bold</b>", "name": ""},
        )
    assert response.status_code == 201, response.text
    upload = response.json()
    await moderate(server, upload["id"], "reject")

    page = await phone.new_page()
    problems = PageProblems(page)
    await page.goto(f"{server.url}{upload['status_url']}?lang=en")
    await expect(page.locator("#status-headline")).to_have_text("Not shown")
    await expect(page.locator("#status-detail")).to_have_text(
        "The organisers decided not to show this post."
    )
    await expect(page.locator("#status-caption")).to_have_text("<b>not bold</b>")
    await expect(page.get_by_text("Keep this link")).to_be_visible()
    await expect(page.get_by_role("link", name="Post another photo")).to_have_attribute(
        "href", f"/w/{WALL}/post?lang=en"
    )
    assert problems.seen == []


@pytest.mark.parametrize("failure", ["server_error", "connection_lost"])
async def test_try_again_resends_the_photo_without_choosing_it_again(
    server: LiveServer, phone: BrowserContext, small_photo: Photo, failure: str
) -> None:
    page, problems = await open_upload_page(phone, server)
    attempts: list[Request] = []

    async def fail_the_first(route: Route) -> None:
        attempts.append(route.request)
        if len(attempts) > 1:
            await route.continue_()
        elif failure == "server_error":
            await route.fulfill(
                status=503,
                json={"error": {"code": "unavailable", "message": "try again later"}},
            )
        else:
            await route.abort("connectionreset")

    await page.route(f"**{UPLOADS}", fail_the_first)
    await page.locator("#photo").set_input_files(small_photo.path)
    await page.get_by_label("하고 싶은 말").fill("두 번째에는 올라가요")
    await page.get_by_label("공개 화면에 나오는 것에 동의합니다").tap()
    await page.get_by_role("button", name="화면에 올리기").tap()

    retry = page.get_by_role("button", name="다시 시도")
    await expect(retry).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("다시 시도해 주세요")
    await expect(page.get_by_role("button", name="화면에 올리기")).to_be_hidden()
    assert await page.locator("#photo").evaluate("input => input.files.length") == 0

    await retry.tap()
    await page.wait_for_url("**/u/**")
    assert len(attempts) == 2
    await expect(page.locator("#status-caption")).to_have_text("두 번째에는 올라가요")
    await page.locator("#status-photo[data-state='shown']").wait_for()
    assert problems.seen == []


@pytest.mark.parametrize(
    ("status", "error", "headers", "where", "says"),
    [
        pytest.param(
            422,
            {"code": "caption_too_long", "message": "caption: too long", "field": "caption"},
            {},
            "#caption-error",
            "글이 너무 길어요. 500자 이내로",
            id="next-to-the-caption",
        ),
        pytest.param(
            415,
            {"code": "unsupported_type", "message": "not an image", "field": "photo"},
            {},
            "#photo-error",
            "올릴 수 없는 파일이에요",
            id="next-to-the-photo",
        ),
        pytest.param(
            429,
            {"code": "rate_limited", "message": "too many uploads"},
            {"Retry-After": "120"},
            "#form-message",
            "2분 뒤에 다시 시도해 주세요",
            id="how-long-to-wait",
        ),
        pytest.param(
            404,
            {"code": "some_new_code", "message": "the server's own words"},
            {},
            "#form-message",
            "the server's own words",
            id="unknown-code-in-the-servers-words",
        ),
    ],
)
async def test_refusals_are_explained_where_they_belong(
    server: LiveServer,
    phone: BrowserContext,
    small_photo: Photo,
    status: int,
    error: dict[str, str],
    headers: dict[str, str],
    where: str,
    says: str,
) -> None:
    page, problems = await open_upload_page(phone, server)

    async def refuse(route: Route) -> None:
        await route.fulfill(status=status, json={"error": error}, headers=headers)

    await page.route(f"**{UPLOADS}", refuse)
    await page.locator("#photo").set_input_files(small_photo.path)
    await page.get_by_label("공개 화면에 나오는 것에 동의합니다").tap()
    await page.get_by_role("button", name="화면에 올리기").tap()

    await expect(page.locator(where)).to_contain_text(says)
    if status == 429:
        await expect(page.get_by_role("button", name="화면에 올리기")).to_be_disabled()
    assert page.url.endswith(f"/w/{WALL}/post")
    assert problems.seen == []
