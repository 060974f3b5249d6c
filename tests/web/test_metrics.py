from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sotong.domain import TokenScope
from tests.support import ingest_body, make_settings, make_token, running_app


async def test_metrics_count_ingest_and_report_gauges(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'm.db'}", tmp_path / "media", moderation="pre")
    async with running_app(settings) as app:
        token = await make_token(app, "seoul2017", TokenScope.INGEST)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            headers = {"Authorization": f"Bearer {token}"}
            await client.post(
                "/api/v1/walls/seoul2017/posts", json=ingest_body("a"), headers=headers
            )
            await client.post(
                "/api/v1/walls/seoul2017/posts", json=ingest_body("b", text="없음"), headers=headers
            )
            response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'sotong_ingested_posts_total{source="api",status="pending"} 1.0' in text
    assert 'sotong_ingested_posts_total{source="api",status="ignored"} 1.0' in text
    assert 'sotong_moderation_queue_depth{wall="seoul2017"} 1.0' in text
    assert "sotong_viewers 0.0" in text
    assert "sotong_delivery_latency_seconds_bucket" in text


async def test_metrics_can_require_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'm.db'}", tmp_path / "media")
    settings.server.metrics_token_env = "METRICS_TOKEN"
    monkeypatch.setenv("METRICS_TOKEN", "scrape-me-please")
    async with running_app(settings) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/metrics")).status_code == 401
            wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            right = await client.get(
                "/metrics", headers={"Authorization": "Bearer scrape-me-please"}
            )
            assert right.status_code == 200
