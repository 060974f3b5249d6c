"""The HTTP API against CONTRACT.md, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from sotong.domain import TokenScope
from sotong.moderation.reasons import reason
from tests.support import ingest_body, make_settings, make_token, running_app


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    async with running_app(make_settings(database_url, tmp_path / "media")) as application:
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def ingest_headers(app: FastAPI) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_token(app, 'seoul2017', TokenScope.INGEST)}"}


@pytest.fixture
async def moderate_headers(app: FastAPI) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_token(app, 'seoul2017', TokenScope.MODERATE)}"}


POSTS = "/api/v1/walls/seoul2017/posts"


def assert_error(response: httpx.Response, status: int, field: str | None = None) -> dict[str, str]:
    assert response.status_code == status, response.text
    error: dict[str, str] = response.json()["error"]
    assert error["code"]
    assert error["message"]
    assert "Traceback" not in response.text
    if field is not None:
        assert error["field"] == field
        assert field in error["message"]
    return error


async def test_wall_info(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/walls/seoul2017")
    assert response.status_code == 200
    assert response.json()["hashtags"] == ["#2017서울소통컨퍼런스", "#서울소셜컨퍼런스"]
    assert response.json()["locale"] == "ko"
    assert_error(await client.get("/api/v1/walls/nope"), 404)


async def test_ingest_then_list(client: httpx.AsyncClient, ingest_headers: dict[str, str]) -> None:
    body = ingest_body(
        "abc-123",
        media=[
            {"url": "https://example.org/a.jpg", "alt": "무대 사진", "width": 1200, "height": 800}
        ],
        created_at="2017-11-10T10:05:00+09:00",
    )
    created = await client.post(POSTS, json=body, headers=ingest_headers)
    assert created.status_code == 201
    assert created.json()["status"] == "approved"
    assert created.json()["reason"] is None
    again = await client.post(POSTS, json=body, headers=ingest_headers)
    assert again.status_code == 200
    assert again.json() == created.json()
    listing = (await client.get(POSTS)).json()
    assert listing["next"] is None
    (post,) = listing["posts"]
    assert post["id"] == created.json()["id"]
    assert post["tags"] == ["2017서울소통컨퍼런스"]
    assert post["media"][0]["alt"] == "무대 사진"
    assert post["created_at"] == "2017-11-10T01:05:00+00:00"
    assert post["author"] == {"name": "고연실", "handle": "@yeonsil", "avatar_url": None}


async def test_ingest_ignores_posts_without_a_wall_tag(
    client: httpx.AsyncClient, ingest_headers: dict[str, str]
) -> None:
    for text in (
        "#서울소셜컨퍼런스에서 만나요",
        "https://blog.example/p#서울소셜컨퍼런스",
        "#2017",
    ):
        response = await client.post(
            POSTS, json=ingest_body(text, text=text), headers=ingest_headers
        )
        assert response.status_code == 200
        assert response.json() == {"id": None, "status": "ignored", "reason": "no matching hashtag"}


async def test_source_reported_tags_count(
    client: httpx.AsyncClient, ingest_headers: dict[str, str]
) -> None:
    body = ingest_body("t1", text="사진 한 장", tags=["＃서울소셜컨퍼런스"])
    assert (await client.post(POSTS, json=body, headers=ingest_headers)).status_code == 201


async def test_pagination(client: httpx.AsyncClient, ingest_headers: dict[str, str]) -> None:
    for i in range(5):
        await client.post(POSTS, json=ingest_body(f"p{i}"), headers=ingest_headers)
    first = (await client.get(POSTS, params={"limit": 2})).json()
    assert [p["external_id"] for p in first["posts"]] == ["p4", "p3"]
    second = (await client.get(POSTS, params={"limit": 2, "before": first["next"]})).json()
    third = (await client.get(POSTS, params={"limit": 2, "before": second["next"]})).json()
    assert [p["external_id"] for p in second["posts"] + third["posts"]] == ["p2", "p1", "p0"]
    assert third["next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 500}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"before": "zz"}, "before"),
    ],
)
async def test_list_rejects_bad_queries(
    client: httpx.AsyncClient, params: dict[str, object], field: str
) -> None:
    assert_error(await client.get(POSTS, params=params), 422, field)


async def test_auth_failures(client: httpx.AsyncClient, app: FastAPI) -> None:
    body = ingest_body("a1")
    assert_error(await client.post(POSTS, json=body), 401)
    assert_error(
        await client.post(POSTS, json=body, headers={"Authorization": "Bearer sotong_wrong"}), 401
    )
    assert_error(await client.post(POSTS, json=body, headers={"Authorization": "Basic abc"}), 401)
    read_only = await make_token(app, "seoul2017", TokenScope.READ)
    assert_error(
        await client.post(POSTS, json=body, headers={"Authorization": f"Bearer {read_only}"}), 403
    )
    other_wall = await make_token(app, "other", TokenScope.INGEST)
    assert_error(
        await client.post(POSTS, json=body, headers={"Authorization": f"Bearer {other_wall}"}), 403
    )
    ingest_only = await make_token(app, "seoul2017", TokenScope.INGEST)
    assert_error(
        await client.get(
            "/api/v1/walls/seoul2017/queue", headers={"Authorization": f"Bearer {ingest_only}"}
        ),
        403,
    )
    assert_error(await client.post("/api/v1/walls/nope/posts", json=body), 404)


async def test_revoked_token_stops_at_once(client: httpx.AsyncClient, app: FastAPI) -> None:
    from sotong.clock import utc_now
    from sotong.store import tokens

    value = await make_token(app, "seoul2017", TokenScope.INGEST, "revoke-me")
    headers = {"Authorization": f"Bearer {value}"}
    assert (await client.post(POSTS, json=ingest_body("r1"), headers=headers)).status_code == 201
    async with app.state.services.db.write() as connection:
        (record,) = [t for t in await tokens.list_tokens(connection) if t.name == "revoke-me"]
        await tokens.revoke_token(connection, record.id, utc_now())
    assert_error(await client.post(POSTS, json=ingest_body("r2"), headers=headers), 401)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "#서울소셜컨퍼런스"}, "external_id"),
        ({"external_id": "x"}, "body"),
        ({"external_id": "x", "text": 5}, "text"),
        ({"external_id": "", "text": "#서울소셜컨퍼런스"}, "external_id"),
        (
            {"external_id": "x", "text": "#서울소셜컨퍼런스", "author": {"name": "n" * 201}},
            "author.name",
        ),
        ({"external_id": "x", "media": [{"url": "javascript:alert(1)"}]}, "media[0].url"),
        (
            {"external_id": "x", "media": [{"url": "https://a/b.jpg", "width": -3}]},
            "media[0].width",
        ),
        (
            {"external_id": "x", "text": "#서울소셜컨퍼런스", "created_at": "yesterday"},
            "created_at",
        ),
        (
            {"external_id": "x", "text": "#서울소셜컨퍼런스", "created_at": "2017-11-10T10:05:00"},
            "created_at",
        ),
        ({"external_id": "x", "text": "#서울소셜컨퍼런스", "colour": "red"}, "colour"),
        ({"external_id": "x", "text": "#서울소셜컨퍼런스", "tags": "서울"}, "tags"),
        ({"external_id": "x", "text": "t" * 10_001}, "text"),
    ],
)
async def test_malformed_ingest_names_the_field(
    client: httpx.AsyncClient, ingest_headers: dict[str, str], body: dict[str, object], field: str
) -> None:
    assert_error(await client.post(POSTS, json=body, headers=ingest_headers), 422, field)


async def test_ingest_body_not_an_object(
    client: httpx.AsyncClient, ingest_headers: dict[str, str]
) -> None:
    assert_error(await client.post(POSTS, json=[1, 2], headers=ingest_headers), 422)


async def test_transport_level_bad_input(
    client: httpx.AsyncClient, ingest_headers: dict[str, str]
) -> None:
    json_headers = {**ingest_headers, "Content-Type": "application/json"}
    assert_error(await client.post(POSTS, content=b'{"external_id": ', headers=json_headers), 400)
    assert_error(
        await client.post(POSTS, content=b'{"external_id": "\xff\xfe"}', headers=json_headers), 400
    )
    assert_error(
        await client.post(
            POSTS, content=b'{"external_id": "\\ud800", "text": "#a"}', headers=json_headers
        ),
        400,
    )
    form = {**ingest_headers, "Content-Type": "application/x-www-form-urlencoded"}
    assert_error(await client.post(POSTS, content=b"external_id=1", headers=form), 415)
    latin1 = {**ingest_headers, "Content-Type": "application/json; charset=latin-1"}
    assert_error(await client.post(POSTS, content=b"{}", headers=latin1), 415)
    huge = b'{"external_id": "x", "text": "' + b"a" * (1024 * 1024) + b'"}'
    assert_error(await client.post(POSTS, content=huge, headers=json_headers), 413)


async def test_chunked_oversized_body_is_refused(
    client: httpx.AsyncClient, ingest_headers: dict[str, str]
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"external_id": "x", "text": "'
        for _ in range(20):
            yield b"a" * 65536
        yield b'"}'

    headers = {**ingest_headers, "Content-Type": "application/json"}
    assert_error(await client.post(POSTS, content=chunks(), headers=headers), 413)


async def test_markup_stays_text_and_html_is_sanitised(
    client: httpx.AsyncClient, ingest_headers: dict[str, str]
) -> None:
    body = ingest_body(
        "xss",
        text="<script>alert(1)</script> #서울소셜컨퍼런스",
        author={"name": "<img src=x onerror=alert(1)>", "handle": "@x"},
        html=(
            '<p onclick="steal()">hi <a href="javascript:alert(1)">x</a>'
            ' <a href="https://ok.example/">ok</a><img src=x onerror=alert(1)>'
            '<script>alert(2)</script><iframe src="data:text/html,x"></iframe><b>bold'
        ),
        media=[{"url": "https://example.org/a.jpg", "alt": '"><script>alert(3)</script>'}],
    )
    created = await client.post(POSTS, json=body, headers=ingest_headers)
    assert created.status_code == 201
    (post,) = (await client.get(POSTS)).json()["posts"]
    assert post["text"] == "<script>alert(1)</script> #서울소셜컨퍼런스"
    assert post["author"]["name"] == "<img src=x onerror=alert(1)>"
    assert post["media"][0]["alt"] == '"><script>alert(3)</script>'
    html = post["html"]
    for forbidden in ("onclick", "javascript:", "<script", "<img", "<iframe", "onerror", "data:"):
        assert forbidden not in html
    assert 'href="https://ok.example/"' in html
    assert "<b>bold</b>" in html


async def test_queue_and_decisions(
    client: httpx.AsyncClient,
    app: FastAPI,
    ingest_headers: dict[str, str],
    moderate_headers: dict[str, str],
) -> None:
    app.state.services.walls["seoul2017"] = _with_mode(app, "pre")
    created = (await client.post(POSTS, json=ingest_body("q1"), headers=ingest_headers)).json()
    assert created["status"] == "pending"
    assert (await client.get(POSTS)).json()["posts"] == []
    queue = (await client.get("/api/v1/walls/seoul2017/queue", headers=moderate_headers)).json()
    assert [p["id"] for p in queue["posts"]] == [created["id"]]
    decide = f"{POSTS}/{created['id']}/decision"
    approved = await client.post(decide, json={"action": "approve"}, headers=moderate_headers)
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["shown_at"]
    pinned = (await client.post(decide, json={"action": "pin"}, headers=moderate_headers)).json()
    assert pinned["pinned"] is True
    rejected = (
        await client.post(decide, json={"action": "reject"}, headers=moderate_headers)
    ).json()
    assert rejected["status"] == "rejected"
    assert (await client.get(POSTS)).json()["posts"] == []
    assert_error(
        await client.post(decide, json={"action": "explode"}, headers=moderate_headers),
        422,
        "action",
    )
    assert_error(await client.post(decide, json={}, headers=moderate_headers), 422, "action")
    missing = f"{POSTS}/01ARZ3NDEKTSV4RRFFQ69G5FAV/decision"
    assert_error(
        await client.post(missing, json={"action": "approve"}, headers=moderate_headers), 404
    )
    assert_error(await client.post(decide, json={"action": "approve"}), 401)


def _with_mode(app: FastAPI, mode: str) -> object:
    from dataclasses import replace

    from sotong.domain import ModerationMode

    return replace(app.state.services.walls["seoul2017"], moderation=ModerationMode(mode))


async def test_particle_matches_are_queued(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(database_url, tmp_path / "media", match_particles=True)
    async with running_app(settings) as application:
        token = await make_token(application, "seoul2017", TokenScope.INGEST)
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            headers = {"Authorization": f"Bearer {token}"}
            glued = await http.post(
                POSTS, json=ingest_body("g", text="#서울소셜컨퍼런스에서 만나요"), headers=headers
            )
            both = await http.post(
                POSTS,
                json=ingest_body("b", text="#서울소셜컨퍼런스에서 #서울소셜컨퍼런스"),
                headers=headers,
            )
    assert glued.json()["status"] == "pending"
    assert glued.json()["reason"] == reason("particle", "ko")
    assert both.json()["status"] == "approved"


async def test_health_and_openapi(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
    spec = (await client.get("/openapi.json")).json()
    ingest = spec["paths"]["/api/v1/walls/{slug}/posts"]["post"]
    schema = ingest["requestBody"]["content"]["application/json"]["schema"]
    assert "external_id" in schema["properties"]
    assert "AuthorIn" in spec["components"]["schemas"]
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert (await client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")).status_code == 200


async def test_unexpected_failures_answer_500_without_a_trace(
    client: httpx.AsyncClient,
    app: FastAPI,
    ingest_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.state.services.pipeline, "ingest", explode)
    response = await client.post(POSTS, json=ingest_body("boom"), headers=ingest_headers)
    assert_error(response, 500)
    assert "secret internal detail" not in response.text
    assert "secret internal detail" in caplog.text


async def test_unknown_routes_answer_json(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/v1/nothing"), 404)
    assert_error(await client.delete("/api/v1/walls/seoul2017"), 405)
