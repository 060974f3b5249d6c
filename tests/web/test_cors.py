"""Other sites may read a wall's public JSON (and its live stream) from their own pages: the
public GETs answer with `Access-Control-Allow-Origin: *` and never with credentials; their
preflight is answered; nothing else becomes readable cross-origin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from sotong.domain import TokenScope
from tests.support import (
    LiveServer,
    asgi_client,
    live_server,
    make_settings,
    make_token,
    running_app,
)

ORIGIN = {"Origin": "https://city.example"}


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(f"sqlite:///{tmp_path / 'cors.db'}", tmp_path / "media")
    async with running_app(settings) as app, asgi_client(app) as http:
        http.app = app  # type: ignore[attr-defined]
        yield http


@pytest.mark.parametrize(
    "path", ["/api/v1/walls/seoul2017", "/api/v1/walls/seoul2017/posts?limit=5"]
)
async def test_public_reads_are_open_to_every_origin_without_credentials(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, headers=ORIGIN)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


async def test_errors_of_public_reads_are_readable_too(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/walls/nowhere/posts", headers=ORIGIN)
    assert response.status_code == 404
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["error"]["code"] == "wall_not_found"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/walls/seoul2017", "/api/v1/walls/seoul2017/posts", "/api/v1/walls/seoul2017/events"],
)
async def test_preflight_of_public_reads(client: httpx.AsyncClient, path: str) -> None:
    response = await client.options(
        path,
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "last-event-id",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert "last-event-id" in response.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in response.headers


async def test_preflight_for_writes_or_other_headers_is_refused(client: httpx.AsyncClient) -> None:
    for method, headers in (("POST", "content-type"), ("GET", "authorization")):
        response = await client.options(
            "/api/v1/walls/seoul2017/posts",
            headers={
                **ORIGIN,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": headers,
            },
        )
        assert response.status_code == 403
        assert "access-control-allow-origin" not in response.headers


async def test_nothing_else_is_readable_cross_origin(client: httpx.AsyncClient) -> None:
    token = await make_token(client.app, "seoul2017", TokenScope.MODERATE)  # type: ignore[attr-defined]
    queue = await client.get(
        "/api/v1/walls/seoul2017/queue", headers={**ORIGIN, "Authorization": f"Bearer {token}"}
    )
    assert queue.status_code == 200
    assert "access-control-allow-origin" not in queue.headers
    ingest = await client.post("/api/v1/walls/seoul2017/posts", headers=ORIGIN, json={})
    assert "access-control-allow-origin" not in ingest.headers
    for path in ("/admin/", "/w/seoul2017", "/api/v1/uploads/" + "A" * 32):
        response = await client.get(path, headers=ORIGIN)
        assert "access-control-allow-origin" not in response.headers, path


async def test_the_live_stream_is_readable_cross_origin(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'cors-live.db'}", tmp_path / "media")
    server: LiveServer
    async with (
        live_server(settings) as server,
        httpx.AsyncClient(base_url=server.url) as http,
        http.stream("GET", "/api/v1/walls/seoul2017/events", headers=ORIGIN) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["access-control-allow-origin"] == "*"
        assert stream.headers["content-type"].startswith("text/event-stream")
