"""Takes the console screenshots of the README and docs/console.md: the moderation queue with posts
the rules flagged, and a contest's page. It runs its own pre-moderated demo wall in a temporary
folder and drives Debian's Chromium:

    .venv/bin/python scripts/console_screenshots.py [--out docs/images]

Look at every picture afterwards: Hangul must show as letters, not boxes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402
from tests.support import CONSOLE_PASSWORD, live_server  # noqa: E402

from sotong.accounts.service import add_user  # noqa: E402
from sotong.cli import demo_settings  # noqa: E402
from sotong.clock import utc_now  # noqa: E402
from sotong.config import SourceSettings  # noqa: E402
from sotong.contest.demo import seed_demo_contest  # noqa: E402
from sotong.domain import Author, IncomingPost, Role  # noqa: E402

EMAIL = "owner@sotong.demo"
OFFER = "공유 오피스 할인 행사 중입니다 지금 문의 주세요"
FLAGGED = [
    ("flag-1", Author("김민수", "@minsu"), "ㅅㅂ 줄이 너무 길어요 언제 들어가요 #서울소셜컨퍼런스"),
    ("flag-2", Author("광고봇", "@promo_bot"), "https://spam.example/win #서울소셜컨퍼런스"),
    (
        "flag-3",
        Author("이지현", "@jihyun"),
        "공유 오피스 할인 행사 중입니다 지금 문의 주세요 #서울소셜컨퍼런스",
    ),
    (
        "flag-4",
        Author("박서준", "@seojun"),
        "공유 오피스 할인 행사 중입니다 지금 문의 주세요! #서울소셜컨퍼런스",
    ),
]


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="sotong-console-") as folder:
        settings = demo_settings(Path(folder), "127.0.0.1", 0)
        wall_settings = settings.walls[0]
        wall_settings.moderation = "pre"
        wall_settings.sources = [
            SourceSettings.model_validate({"type": "demo", "burst": 5, "loop": False})
        ]
        wall_settings.rules.duplicate_text_hours = 24
        async with live_server(settings) as server, chromium() as browser:
            services = server.app.state.services
            await add_user(
                services.db, EMAIL, Role.OWNER, CONSOLE_PASSWORD, utc_now(), actor="demo"
            )
            wall = services.wall("demo")
            await seed_demo_contest(services.db, wall.id, utc_now())
            for external_id, author, text in FLAGGED:
                await services.pipeline.ingest(wall, IncomingPost("api", external_id, author, text))
            page = await browser.new_page(
                viewport={"width": 1440, "height": 900}, locale="ko-KR", device_scale_factor=1
            )
            await page.goto(f"{server.url}/admin/login")
            await page.get_by_label("이메일").fill(EMAIL)
            await page.get_by_label("비밀번호").fill(CONSOLE_PASSWORD)
            await page.get_by_role("button", name="로그인").click()
            await page.wait_for_url(f"{server.url}/admin/")
            await page.goto(f"{server.url}/admin/walls/demo/queue")
            await page.wait_for_function(
                "() => document.querySelectorAll('.mod-item[data-id]').length >= 5"
            )
            await page.evaluate("() => document.fonts.ready")
            await page.screenshot(path=str(out / "console-queue.png"))
            await page.goto(f"{server.url}/admin/walls/demo/contests/1")
            await page.evaluate("() => document.fonts.ready")
            await page.screenshot(path=str(out / "console-contest.png"))
            await page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(shoot(arguments.out))


if __name__ == "__main__":
    main()
