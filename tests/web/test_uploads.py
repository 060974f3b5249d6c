"""Attendee uploads through HTTP: the hostile corpus, consent and limits, cross-site refusal, rate
limits, the private status link, withdrawal, near-duplicates and the QR code."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from sotong.config import MediaSettings, Settings, UploadSettings
from sotong.domain import TokenScope
from sotong.media.qr import qr_svg
from tests.media import corpus
from tests.support import live_server, make_settings, make_token, open_stream, running_app

UPLOADS = "/api/v1/walls/seoul2017/uploads"
POSTS = "/api/v1/walls/seoul2017/posts"
GENEROUS = UploadSettings(per_device=1000, per_ip=1000)


def upload_settings(
    tmp_path: Path,
    *,
    database_url: str | None = None,
    moderation: str = "post",
    uploads: UploadSettings = GENEROUS,
    media: MediaSettings | None = None,
) -> Settings:
    settings = make_settings(
        database_url or f"sqlite:///{tmp_path / 'uploads.db'}",
        tmp_path / "media",
        moderation=moderation,
    )
    settings.uploads = uploads
    settings.media = media or MediaSettings(workers=1)
    settings.walls[1].uploads = False
    return settings


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    async with running_app(upload_settings(tmp_path)) as application:
        yield application


async def make_client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with await make_client(app) as http:
        yield http


def form(
    photo: bytes | None = None,
    *,
    caption: str = "무대 정말 멋져요",
    name: str = "고연실",
    consent: str | None = "true",
    filename: str = "photo.jpg",
) -> dict[str, Any]:
    data = {"caption": caption, "name": name}
    if consent is not None:
        data["consent"] = consent
    files = {"photo": (filename, photo, "image/jpeg")} if photo is not None else None
    return {"data": data, "files": files}


async def send(client: httpx.AsyncClient, photo: bytes | None, **fields: Any) -> httpx.Response:
    headers = fields.pop("headers", None)
    return await client.post(UPLOADS, **form(photo, **fields), headers=headers)


def picture(seed: int = 7, width: int = 640, height: int = 480, quality: int = 88) -> bytes:
    return corpus.encode(corpus.photo(width, height, seed), "JPEG", quality=quality)


def stored_files(app: FastAPI) -> list[Path]:
    media_dir: Path = app.state.services.settings.storage.media_dir
    return sorted(path for path in media_dir.rglob("*") if path.is_file())


async def test_an_upload_reaches_the_wall_without_its_metadata(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await send(client, corpus.jpeg_with_gps())
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "approved"
    assert created["status_url"].startswith("/u/")
    assert "sotong_device" in response.cookies

    (post,) = (await client.get(POSTS)).json()["posts"]
    assert post["id"] == created["id"]
    assert post["source"] == "upload"
    assert post["text"] == "무대 정말 멋져요"
    assert post["author"]["name"] == "고연실"
    assert "2017서울소통컨퍼런스" in post["tags"]
    (image,) = post["media"]
    assert image["url"].startswith("/media/img/")
    assert image["url"].endswith(".webp")
    assert image["blurhash"]
    assert image["width"]
    assert image["height"]

    files = stored_files(app)
    assert len(files) == 2
    for path in files:
        data = path.read_bytes()
        assert corpus.SECRET.encode() not in data
        with Image.open(io.BytesIO(data)) as stored:
            assert stored.format == "WEBP"
            assert not stored.getexif()
            assert not {"exif", "xmp", "icc_profile"} & set(stored.info)
    served = await client.get(image["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/webp"


UPLOAD_STATUS = {
    "corrupt": 422,
    "too_many_pixels": 422,
    "polyglot": 415,
    "unsupported_type": 415,
    "too_large": 413,
}


@pytest.mark.parametrize("name", sorted(set(corpus.HOSTILE) - {"empty"}))
async def test_hostile_files_get_a_clear_refusal_and_leave_nothing(
    app: FastAPI, client: httpx.AsyncClient, name: str
) -> None:
    hostile = corpus.HOSTILE[name]
    response = await send(client, hostile.make())
    assert response.status_code == UPLOAD_STATUS[hostile.code], response.text
    error = response.json()["error"]
    assert error["code"] in {hostile.code, "body_too_large"}
    assert "Traceback" not in response.text
    assert (await client.get(POSTS)).json()["posts"] == []
    assert stored_files(app) == []


async def test_iphone_heic_is_accepted(client: httpx.AsyncClient) -> None:
    response = await send(client, corpus.heic_with_gps_and_orientation(), filename="IMG_0001.HEIC")
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"consent": None}, "consent_required", "consent"),
        ({"consent": "false"}, "consent_required", "consent"),
        ({"caption": "가" * 501}, "caption_too_long", "caption"),
        ({"name": "나" * 41}, "name_too_long", "name"),
    ],
)
async def test_form_fields_are_checked(
    client: httpx.AsyncClient, fields: dict[str, Any], code: str, field: str
) -> None:
    response = await send(client, corpus.jpeg(), **fields)
    assert response.status_code == 422
    assert response.json()["error"] | {"message": ""} == {
        "code": code,
        "field": field,
        "message": "",
    }
    assert (await client.get(POSTS)).json()["posts"] == []


async def test_a_photo_is_required(client: httpx.AsyncClient) -> None:
    response = await client.post(UPLOADS, files={"consent": (None, "true")})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "photo_required"
    empty = await send(client, b"")
    assert empty.status_code == 422


async def test_text_sent_as_a_file_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        UPLOADS,
        data={"consent": "true"},
        files={"photo": ("a.jpg", corpus.jpeg(), "image/jpeg"), "caption": ("c.txt", b"x")},
    )
    assert response.status_code in {400, 422}
    assert "error" in response.json()


async def test_only_multipart_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(UPLOADS, json={"consent": "true"})
    assert response.status_code == 415
    garbled = await client.post(
        UPLOADS,
        content=b"--x\r\nnot a part",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert garbled.status_code in {400, 422}
    assert "error" in garbled.json()


async def test_an_oversized_photo_is_refused_before_it_is_read(tmp_path: Path) -> None:
    settings = upload_settings(tmp_path, media=MediaSettings(workers=1, max_bytes=64 * 1024))
    async with running_app(settings) as app, await make_client(app) as client:
        response = await send(client, corpus.large_jpeg())
        assert response.status_code == 413
        assert response.json()["error"]["code"] in {"too_large", "body_too_large"}
        declared = await client.post(
            UPLOADS,
            content=b"",
            headers={
                "Content-Type": "multipart/form-data; boundary=x",
                "Content-Length": str(10 * 1024 * 1024),
            },
        )
        assert declared.status_code == 413


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
    ],
)
async def test_cross_site_uploads_are_refused(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await send(client, corpus.jpeg(), headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_site"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Origin": "http://127.0.0.1:8000"},
        {},
    ],
)
async def test_same_site_and_programs_may_upload(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await send(client, corpus.jpeg(), headers=headers)
    assert response.status_code == 201, response.text


async def test_uploads_are_rate_limited_per_device_and_per_address(tmp_path: Path) -> None:
    limits = UploadSettings(per_device=2, per_ip=4)
    async with running_app(upload_settings(tmp_path, uploads=limits)) as app:
        async with await make_client(app) as phone:
            first = await send(phone, picture(1))
            assert first.status_code == 201
            phone.cookies = first.cookies
            assert (await send(phone, picture(2))).status_code == 201
            limited = await send(phone, picture(3))
            assert limited.status_code == 429
            assert limited.json()["error"]["code"] == "rate_limited"
            assert int(limited.headers["Retry-After"]) >= 1
        # Other phones behind the same venue address still get the address's allowance.
        statuses = []
        for seed in range(4, 7):
            async with await make_client(app) as other:
                statuses.append((await send(other, picture(seed))).status_code)
        assert statuses == [201, 201, 429]


async def test_status_link_follows_the_post_and_withdrawal_clears_it(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    created = (await send(client, corpus.jpeg())).json()
    secret = created["status_url"].removeprefix("/u/")
    status = (await client.get(f"/api/v1/uploads/{secret}")).json()
    assert status["status"] == "approved"
    assert status["shown_at"] is not None
    assert status["reason"] is None
    assert status["caption"] == "무대 정말 멋져요"
    assert status["thumb_url"].startswith("/media/img/")

    withdrawn = await client.delete(f"/api/v1/uploads/{secret}")
    assert withdrawn.status_code == 200
    assert withdrawn.json() | {"shown_at": None} == status | {
        "status": "removed",
        "reason": "withdrawn",
        "shown_at": None,
    }
    assert (await client.get(POSTS)).json()["posts"] == []
    again = await client.delete(f"/api/v1/uploads/{secret}")
    assert again.status_code == 200
    assert again.json()["status"] == "removed"

    moderate = await make_token(app, "seoul2017", TokenScope.MODERATE)
    decision = await client.post(
        f"{POSTS}/{created['id']}/decision",
        json={"action": "approve"},
        headers={"Authorization": f"Bearer {moderate}"},
    )
    assert decision.status_code == 404


@pytest.mark.parametrize("secret", ["nope", "x" * 65, "%00", "A" * 32])
async def test_unknown_status_links_are_404(client: httpx.AsyncClient, secret: str) -> None:
    for method in ("GET", "DELETE"):
        response = await client.request(method, f"/api/v1/uploads/{secret}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "upload_not_found"


async def test_withdrawal_is_refused_cross_site(client: httpx.AsyncClient) -> None:
    created = (await send(client, corpus.jpeg())).json()
    response = await client.delete(
        f"/api/v1{created['status_url'].replace('/u/', '/uploads/')}",
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403


async def test_pre_moderated_uploads_wait_and_say_why_they_are_not_shown(tmp_path: Path) -> None:
    async with running_app(upload_settings(tmp_path, moderation="pre")) as app:
        moderate = {
            "Authorization": f"Bearer {await make_token(app, 'seoul2017', TokenScope.MODERATE)}"
        }
        async with await make_client(app) as client:
            declined = (await send(client, picture(11))).json()
            assert declined["status"] == "pending"
            shown = (await send(client, picture(12))).json()

            async def decide(post_id: str, action: str) -> None:
                url = f"{POSTS}/{post_id}/decision"
                reply = await client.post(url, json={"action": action}, headers=moderate)
                assert reply.status_code == 200

            async def status_of(created: dict[str, Any]) -> dict[str, Any]:
                secret = created["status_url"].removeprefix("/u/")
                reply = await client.get(f"/api/v1/uploads/{secret}")
                result: dict[str, Any] = reply.json()
                return result

            assert (await status_of(declined))["status"] == "pending"
            await decide(declined["id"], "reject")
            rejected = await status_of(declined)
            assert (rejected["status"], rejected["reason"]) == ("rejected", "declined")

            await decide(shown["id"], "approve")
            on_screen = await status_of(shown)
            assert on_screen["status"] == "approved"
            assert on_screen["shown_at"]
            await decide(shown["id"], "reject")
            taken_down = await status_of(shown)
            assert (taken_down["status"], taken_down["reason"]) == ("rejected", "taken_down")


async def test_a_near_duplicate_goes_to_the_queue_with_its_reason(app: FastAPI) -> None:
    async with await make_client(app) as client:
        original = (await send(client, picture(1, 1200, 900, quality=90))).json()
        assert original["status"] == "approved"
        repost = (await send(client, picture(1, 1000, 750, quality=60))).json()
        assert repost["status"] == "pending"
        different = (await send(client, picture(99, 1200, 900))).json()
        assert different["status"] == "approved"
        moderate = await make_token(app, "seoul2017", TokenScope.MODERATE)
        queue = await client.get(
            "/api/v1/walls/seoul2017/queue", headers={"Authorization": f"Bearer {moderate}"}
        )
    (waiting,) = queue.json()["posts"]
    assert waiting["id"] == repost["id"]
    assert original["id"] in waiting["reason"]
    assert "이미지와 거의 같습니다" in waiting["reason"], "in the wall's language"


async def test_closed_walls_take_no_uploads(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/walls/other/uploads", **form(corpus.jpeg()))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "uploads_closed"
    assert (await client.get("/w/other/post")).status_code == 404
    missing = await client.post("/api/v1/walls/nowhere/uploads", **form(corpus.jpeg()))
    assert missing.status_code == 404


async def test_the_qr_code_points_at_the_upload_page(client: httpx.AsyncClient) -> None:
    svg = await client.get("/w/seoul2017/qr.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    expected = qr_svg("http://127.0.0.1:8000/w/seoul2017/post", title="2017 서울소통컨퍼런스")
    assert svg.content == expected
    assert "content-disposition" not in svg.headers
    png = await client.get("/w/seoul2017/qr.png?download=1")
    assert png.headers["content-disposition"] == 'attachment; filename="sotong-seoul2017-qr.png"'
    with Image.open(io.BytesIO(png.content)) as image:
        assert image.format == "PNG"
        assert image.width == image.height >= 200
    assert (await client.get("/w/nowhere/qr.svg")).status_code == 404


async def test_uploads_and_withdrawals_reach_live_screens(
    database_url: str, tmp_path: Path
) -> None:
    settings = upload_settings(tmp_path, database_url=database_url)
    async with (
        live_server(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=10) as client,
        open_stream(client, "/api/v1/walls/seoul2017/events") as stream,
    ):
        assert (await stream.next()).event == "reset"
        created = (await send(client, corpus.jpeg())).json()
        arrived = await stream.next()
        assert (arrived.event, arrived.json()["id"]) == ("post", created["id"])
        secret = created["status_url"].removeprefix("/u/")
        assert (await client.delete(f"/api/v1/uploads/{secret}")).status_code == 200
        removed = await stream.next()
        assert (removed.event, removed.json()) == ("remove", {"id": created["id"]})
