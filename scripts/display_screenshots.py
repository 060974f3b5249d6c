"""Takes the screenshots of docs/display.md: every layout with every overlay (announcement,
agenda, countdown, logo, sponsor strip, QR code) at 1920 × 1080 and on a 1080 × 1920 kiosk, the
light theme with an owner's colours, and the embed at 320 px. It runs its own demo wall in a
temporary folder and drives Debian's Chromium:

    .venv/bin/python scripts/display_screenshots.py [--out docs/images]

Look at every picture afterwards: Hangul must show as letters, not boxes.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402
from tests.support import live_server  # noqa: E402

from sotong.cli import demo_settings  # noqa: E402
from sotong.config import BrandImage, SourceSettings  # noqa: E402
from sotong.display.agenda import Session  # noqa: E402
from sotong.media.store import save_renditions  # noqa: E402

LAYOUTS = ["masonry", "spotlight", "carousel", "ticker", "mixed"]
SETTLE = """
async () => {
  await document.fonts.ready;
  for (let round = 0; round < 20; round++) {
    const running = document.getAnimations().filter(
      (a) => a.playState === "running" && a.effect?.getComputedTiming().iterations !== Infinity);
    if (running.length === 0) break;
    await Promise.all(running.map((a) => a.finished.catch(() => null)));
  }
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
}
"""


def badge(colour: tuple[int, int, int], size: tuple[int, int], rings: int) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    height = size[1]
    draw.rounded_rectangle((4, 4, size[0] - 4, height - 4), radius=height // 4, fill=(*colour, 255))
    for ring in range(rings):
        left = height // 5 + ring * (height // 2)
        draw.ellipse(
            (left, height // 5, left + height * 3 // 5, height * 4 // 5),
            outline=(255, 255, 255, 255),
            width=max(3, height // 14),
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def picture(services: object, data: bytes, name: str = "") -> BrandImage:
    processed = await services.media_pool().process(data)  # type: ignore[attr-defined]
    media_dir = services.settings.storage.media_dir  # type: ignore[attr-defined]
    stored = await asyncio.to_thread(save_renditions, media_dir, processed)
    return BrandImage(url=stored.url, width=stored.width, height=stored.height, name=name)


async def dress(services: object) -> None:
    """Logo, sponsors, countdown, agenda and an announcement on the demo wall."""
    record = services.wall_record("demo")  # type: ignore[attr-defined]
    display = record.settings.display.model_copy(
        update={
            "logo": await picture(services, badge((36, 86, 201), (420, 140), 2), "서울시"),
            "sponsors": [
                await picture(services, badge(colour, (360, 150), rings), name)
                for colour, rings, name in (
                    ((200, 64, 64), 1, "서울특별시"),
                    ((32, 140, 96), 2, "서울미디어재단"),
                    ((120, 80, 200), 3, "시민소통센터"),
                )
            ],
            "sponsors_label": "후원",
            "countdown_at": datetime.now(UTC) + timedelta(hours=2, minutes=14, seconds=30),
            "countdown_label": "경품 추첨까지",
            "countdown_next_session": True,
        }
    )
    settings = record.settings.model_copy(update={"display": display})
    await services.registry.save(settings, expected_version=record.version, actor="screenshots")  # type: ignore[attr-defined]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    sessions = [
        Session(
            "기조연설: 시민과 소통하는 도시",
            now - timedelta(minutes=15),
            now + timedelta(minutes=25),
            "김소통",
            "다목적홀",
        ),
        Session(
            "메신저 챗봇이 바꾼 민원 창구",
            now + timedelta(minutes=25),
            now + timedelta(minutes=65),
            "이민원",
            "다목적홀",
        ),
        Session(
            "시민 발언대", now + timedelta(minutes=65), now + timedelta(minutes=120), "", "다목적홀"
        ),
    ]
    wall = services.wall("demo")  # type: ignore[attr-defined]
    actions = services.display_actions()  # type: ignore[attr-defined]
    await actions.add_sessions(wall, sessions, replace=True, actor="screenshots")
    await actions.announce(
        wall,
        "오후 세션은 2시에 다목적홀에서 시작합니다. 자리를 채워 주세요!",
        level="info",
        minutes=None,
        actor="screenshots",
    )


async def shoot(out: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sotong-shots-"))
    settings = demo_settings(folder, "127.0.0.1", 0)
    settings.walls[0].sources = [
        SourceSettings.model_validate(
            {"type": "demo", "interval_seconds": 0, "burst": 40, "loop": False}
        )
    ]
    settings.walls[0].moderation = "post"
    async with live_server(settings) as server, chromium() as browser:
        services = server.app.state.services
        await dress(services)
        base = f"{server.url}/w/demo"

        async def capture(name: str, url: str, width: int, height: int, **extra: object) -> None:
            page = await browser.new_page(viewport={"width": width, "height": height}, **extra)
            await page.goto(url)
            await page.wait_for_selector("body[data-connection='live'] #wall .card[data-post-id]")
            await page.wait_for_function(
                "() => document.querySelectorAll('#wall .card[data-post-id]').length >= 12"
                " && !document.querySelector('#wall .card--unplaced')"
            )
            await page.evaluate(SETTLE)
            await page.screenshot(path=str(out / f"{name}.png"))
            await page.close()
            print(f"{name}.png", file=sys.stderr)

        for layout in LAYOUTS:
            await capture(f"display-{layout}", f"{base}?layout={layout}&dwell=60", 1920, 1080)
            await capture(
                f"display-{layout}-portrait", f"{base}?layout={layout}&dwell=60", 1080, 1920
            )
        record = services.wall_record("demo")
        light = record.settings.model_copy(
            update={
                "display": record.settings.display.model_copy(
                    update={"theme": "light", "accent": "#b3261e"}
                )
            }
        )
        await services.registry.save(light, expected_version=record.version, actor="screenshots")
        await capture("display-light", f"{base}?layout=mixed&dwell=60", 1920, 1080)
        await capture("display-embed-320", f"{base}/embed", 320, 560)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(shoot(arguments.out))


if __name__ == "__main__":
    main()
