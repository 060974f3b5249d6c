from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sotong.config import WallSettings
from tests.support import make_settings, running_app


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(f"sqlite:///{tmp_path / 'p.db'}", tmp_path / "media")
    settings.walls.append(
        WallSettings(
            slug="xss", title="</script><script>alert(1)</script>", hashtags=["#<b>태그</b>"]
        )
    )
    async with running_app(settings) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield http


async def test_wall_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/w/seoul2017")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="ko">' in page.text
    assert "#서울소셜컨퍼런스" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_embed_may_be_framed_anywhere(client: httpx.AsyncClient) -> None:
    page = await client.get("/w/seoul2017/embed")
    assert page.status_code == 200
    assert "frame-ancestors *" in page.headers["content-security-policy"]
    assert "x-frame-options" not in page.headers
    assert 'data-embed="true"' in page.text


async def test_wall_settings_are_escaped_in_the_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/w/xss")
    assert "<script>alert(1)</script>" not in page.text
    assert "<b>태그</b>" not in page.text


async def test_unknown_wall_page_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/w/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "wall_not_found"


async def test_static_files_are_revalidated(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/wall/main.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert (await client.get("/static/fonts/SotongGothic-Regular.woff2")).status_code == 200
    assert (await client.get("/favicon.ico")).status_code == 308


async def test_root_leads_to_the_first_wall(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 307
    assert response.headers["location"] == "/w/seoul2017"
