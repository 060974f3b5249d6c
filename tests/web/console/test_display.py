"""The display in the console: branding saved (and refused when illegible), pictures through the
media pipeline, the agenda imported, announcements and screen orders on the live stream, named
screens defined, and connected screens listed."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image

from sotong.domain import Role
from tests.support import (
    ConsoleUser,
    LiveServer,
    SseReader,
    console_user,
    live_server,
    make_settings,
    open_stream,
)

SLUG = "seoul2017"
EVENTS = f"/api/v1/walls/{SLUG}/events"
DISPLAY_FORM = {
    "theme": "dark",
    "font_scale": "1.2",
    "timezone": "Asia/Seoul",
    "show_agenda": "on",
    "countdown_label": "",
    "sponsors_label": "후원",
}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(f"sqlite:///{tmp_path / 'display.db'}", tmp_path / "media")
    async with live_server(settings) as running:
        yield running


@pytest.fixture
async def owner(server: LiveServer) -> AsyncIterator[ConsoleUser]:
    async with console_user(server.app, Role.OWNER, url=server.url) as user:
        yield user


@pytest.fixture
async def public(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


def version_of(server: LiveServer) -> str:
    return str(server.app.state.services.wall_record(SLUG).version)


def png(size: tuple[int, int] = (300, 120), mode: str = "RGBA") -> bytes:
    image = Image.new(mode, size, (200, 40, 90, 0) if mode == "RGBA" else (200, 40, 90))
    image.paste((30, 90, 200, 255) if mode == "RGBA" else (30, 90, 200), (20, 20, 200, 100))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=None)
    return buffer.getvalue()


async def next_of(reader: SseReader, event_type: str) -> dict[str, object]:
    while True:
        event = await reader.next(timeout=10)
        if event.event == event_type:
            data: dict[str, object] = event.json()
            return data


async def test_branding_is_saved_refused_when_illegible_and_reaches_screens(
    server: LiveServer, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    async with open_stream(public, EVENTS) as reader:
        reset = await next_of(reader, "reset")
        assert reset["wall"]["display"]["theme"] == "dark"  # type: ignore[index]
        form = {
            **DISPLAY_FORM,
            "version": version_of(server),
            "accent_custom": "on",
            "accent": "#ffb703",
        }
        saved = await owner.post_form(f"/admin/walls/{SLUG}/display", form)
        assert saved.status_code == 303, saved.text
        wall = await next_of(reader, "wall")
    assert wall["display"]["accent"] == "#ffb703"  # type: ignore[index]
    assert wall["display"]["font_scale"] == 1.2  # type: ignore[index]
    assert wall["palette"]["dark"]["accent"] == "#ffb703"  # type: ignore[index]
    css = await public.get(f"/w/{SLUG}/brand.css")
    assert css.headers["content-type"].startswith("text/css")
    assert "--accent: #ffb703;" in css.text
    assert "--scale: 1.200;" in css.text

    illegible = {
        **DISPLAY_FORM,
        "version": version_of(server),
        "background_custom": "on",
        "background": "#ffffff",
        "text_custom": "on",
        "text": "#dddddd",
    }
    refused = await owner.post_form(f"/admin/walls/{SLUG}/display", illegible)
    assert refused.status_code == 422
    assert "text on background" in refused.text
    assert server.app.state.services.wall_settings(SLUG).display.background is None

    preview = await owner.client.post(
        f"/admin/walls/{SLUG}/display/preview",
        data={
            **illegible,
            "background": "#fffbe6",
            "text": "#1d1a10",
            "accent_custom": "on",
            "accent": "#1d4ed8",
        },
        headers={"X-CSRF-Token": owner.csrf},
    )
    assert preview.status_code == 200
    assert preview.json()["wall"]["palette"]["dark"]["background"] == "#fffbe6"
    assert server.app.state.services.wall_settings(SLUG).display.background is None


async def test_pictures_go_through_the_media_pipeline(
    server: LiveServer, owner: ConsoleUser, public: httpx.AsyncClient, tmp_path: Path
) -> None:
    upload = await owner.client.post(
        f"/admin/walls/{SLUG}/display/images",
        data={"csrf_token": owner.csrf, "kind": "logo"},
        files={"file": ("logo.png", png(), "image/png")},
    )
    assert upload.status_code == 303, upload.text
    logo = server.app.state.services.wall_settings(SLUG).display.logo
    assert logo is not None
    assert logo.url.endswith(".webp")
    served = await public.get(logo.url)
    assert served.status_code == 200
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.format == "WEBP"
        assert image.mode == "RGBA"
        assert not image.info.get("exif")

    sponsor = await owner.client.post(
        f"/admin/walls/{SLUG}/display/images",
        data={"csrf_token": owner.csrf, "kind": "sponsor", "name": "서울시"},
        files={"file": ("s.png", png((400, 200), "RGB"), "image/png")},
    )
    assert sponsor.status_code == 303
    page = await public.get(f"/w/{SLUG}")
    assert 'alt="서울시"' in page.text
    assert logo.url in page.text

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = await owner.client.post(
        f"/admin/walls/{SLUG}/display/images",
        data={"csrf_token": owner.csrf, "kind": "background_image"},
        files={"file": ("bg.svg", svg, "image/svg+xml")},
    )
    assert refused.status_code == 415
    assert server.app.state.services.wall_settings(SLUG).display.background_image is None

    removed = await owner.post_form(
        f"/admin/walls/{SLUG}/display/images/remove", {"kind": "sponsor", "index": "0"}
    )
    assert removed.status_code == 303
    assert server.app.state.services.wall_settings(SLUG).display.sponsors == []


AGENDA_CSV = (
    "제목,시작,종료,연사,장소\n"
    "개회사,2017-11-10 10:00,2017-11-10 10:20,박원순,다목적홀\n"
    "기조연설: 시민과 소통하는 도시,2017-11-10 10:20,,김소통,다목적홀\n"
    "깨진 줄,내일,모레,,\n"
).encode("cp949")


async def test_agenda_import_reaches_screens_and_reports_skipped_rows(
    server: LiveServer, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    async with open_stream(public, EVENTS) as reader:
        await next_of(reader, "reset")
        page = await owner.client.post(
            f"/admin/walls/{SLUG}/agenda/import",
            data={"csrf_token": owner.csrf, "mode": "replace"},
            files={"file": ("agenda.csv", AGENDA_CSV, "text/csv")},
        )
        assert page.status_code == 200, page.text
        assert "세션 2개를 가져왔습니다" in page.text or "2 sessions imported" in page.text
        assert "row 4" in page.text
        agenda = await next_of(reader, "agenda")
    # Sessions from 2017 are over: screens only get those still to come.
    assert agenda == {"sessions": []}
    listing = await owner.client.get(f"/admin/walls/{SLUG}/agenda")
    assert "기조연설: 시민과 소통하는 도시" in listing.text
    assert "10:20–11:20" in listing.text

    soon = (datetime.now(UTC) + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    later = (soon + timedelta(days=3)).strftime("%Y%m%dT%H%M%SZ")
    ics = (
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:곧 시작할 세션\r\n"
        f"DTSTART:{soon:%Y%m%dT%H%M%SZ}\r\nDURATION:PT1H\r\nLOCATION:무대\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:사흘 뒤 세션\r\n"
        f"DTSTART:{later}\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    async with open_stream(public, EVENTS) as reader:
        await next_of(reader, "reset")
        added = await owner.client.post(
            f"/admin/walls/{SLUG}/agenda/import",
            data={"csrf_token": owner.csrf, "mode": "add"},
            files={"file": ("x.ics", ics, "text/calendar")},
        )
        assert added.status_code == 200
        agenda = await next_of(reader, "agenda")
    sessions = agenda["sessions"]
    assert isinstance(sessions, list)
    # Screens get the sessions of the next day and a half.
    assert [s["title"] for s in sessions] == ["곧 시작할 세션"]
    assert sessions[0]["starts_at"] == soon.isoformat()

    broken = await owner.client.post(
        f"/admin/walls/{SLUG}/agenda/import",
        data={"csrf_token": owner.csrf},
        files={"file": ("x.csv", b"\x00\x01\x02" * 10, "text/csv")},
    )
    assert broken.status_code == 422


async def test_announcements_show_clear_and_survive_a_reconnect(
    server: LiveServer, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    async with console_user(server.app, Role.MODERATOR, url=server.url) as moderator:
        async with open_stream(public, EVENTS) as reader:
            assert (await next_of(reader, "reset"))["announcement"] is None
            shown = await moderator.post_form(
                f"/admin/walls/{SLUG}/announcements",
                {"text": "  오후 세션은 2시에\n시작합니다 ", "level": "urgent", "minutes": "15"},
            )
            assert shown.status_code == 303
            event = await next_of(reader, "announce")
        announcement = event["announcement"]
        assert isinstance(announcement, dict)
        assert announcement["text"] == "오후 세션은 2시에 시작합니다"
        assert announcement["level"] == "urgent"
        assert announcement["expires_at"]

        async with open_stream(public, EVENTS) as reader:  # a screen that starts now
            reset = await next_of(reader, "reset")
            assert reset["announcement"]["id"] == announcement["id"]  # type: ignore[index]
            cleared = await moderator.post_form(f"/admin/walls/{SLUG}/announcements/clear")
            assert cleared.status_code == 303
            assert await next_of(reader, "announce") == {"announcement": None}

        too_long = await moderator.post_form(
            f"/admin/walls/{SLUG}/announcements", {"text": "가" * 301}
        )
        assert too_long.status_code == 422


async def test_screens_are_listed_defined_and_controlled(
    server: LiveServer, owner: ConsoleUser, public: httpx.AsyncClient
) -> None:
    presence = server.app.state.services.presence
    async with open_stream(public, f"{EVENTS}?screen=stage&layout=spotlight") as stage:
        await next_of(stage, "reset")
        async with open_stream(public, f"{EVENTS}?screen=&layout=masonry") as lobby:
            await next_of(lobby, "reset")
            await presence.flush()
            listed = (await owner.client.get(f"/admin/api/walls/{SLUG}/screens")).json()
        names = {screen["name"]: screen for screen in listed["screens"]}
        assert set(names) == {"stage", ""}
        assert names["stage"]["layouts"] == ["spotlight"]
        assert names["stage"]["count"] == 1
        assert names["stage"]["addresses"] == ["127.0.0.1"]

        sent = await owner.post_form(
            f"/admin/walls/{SLUG}/screens/control",
            {"name": "stage", "action": "layout", "layout": "carousel"},
        )
        assert sent.status_code == 303
        order = await next_of(stage, "screen")
        assert order["name"] == "stage"
        assert order["layout"] == "carousel"

        refused = await owner.post_form(
            f"/admin/walls/{SLUG}/screens/control", {"name": "stage", "action": "explode"}
        )
        assert refused.status_code == 422

        defined = await owner.post_form(
            f"/admin/walls/{SLUG}/screens/definitions",
            {"definitions": '[[screens]]\nname = "stage"\nlayout = "spotlight"\nshow_qr = false\n'},
        )
        assert defined.status_code == 303
        wall = await next_of(stage, "wall")
        assert wall["display"]["screens"][0]["show_qr"] is False  # type: ignore[index]
    await asyncio.wait_for(presence.until_open(0), 10)
    await presence.flush()
    after = (await owner.client.get(f"/admin/api/walls/{SLUG}/screens")).json()
    assert after["screens"] == []

    bad = await owner.post_form(
        f"/admin/walls/{SLUG}/screens/definitions",
        {"definitions": '[[screens]]\nname = "Bad Name"\n'},
    )
    assert bad.status_code == 422
