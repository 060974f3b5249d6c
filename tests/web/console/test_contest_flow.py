"""A whole contest over HTTP on a real server: the owner sets it up, moderators shortlist, judges
score blind, the draw is committed, run and verified with `sotong contest verify`, the reveal
reaches the wall's stream, an uploader finds the claim code on the status page and claims, the desk
delivers; plus audience votes and the deletion job of the lifespan."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from sotong.cli import main
from sotong.config import ContestSettings
from sotong.domain import Role, TokenScope
from sotong.store import audit
from tests.media import corpus
from tests.support import (
    LiveServer,
    console_user,
    ingest_body,
    live_server,
    make_settings,
    make_token,
    open_stream,
)

WALL = "/admin/walls/seoul2017"
CONTESTS = f"{WALL}/contests"


def contest_form(**changes: Any) -> dict[str, Any]:
    form = {
        "name": "창의성 콘테스트",
        "rules_text": "개성 있는 게시물에 경품을 드립니다.",
        "per_author": "one",
        "hashtags": "",
        "criterion_label_0": "창의성",
        "criterion_min_0": "1",
        "criterion_max_0": "5",
        "criterion_label_1": "주제",
        "criterion_min_1": "1",
        "criterion_max_1": "5",
        "prize_name_0": "텀블러",
        "prize_winners_0": "1",
        "prize_stock_0": "1",
        "prize_name_1": "보틀",
        "prize_winners_1": "5",
        "prize_stock_1": "5",
        "method": "draw",
        "pool": "shortlist",
    }
    form.update(changes)
    return form


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    settings = make_settings(f"sqlite:///{tmp_path / 'contest.db'}", tmp_path / "media")
    settings.contest = ContestSettings(
        votes_per_address=3, votes_window_seconds=600, purge_interval_seconds=0.05
    )
    async with live_server(settings) as running:
        yield running


async def ingest(server: LiveServer, client: httpx.AsyncClient, handles: list[str]) -> list[str]:
    token = await make_token(server.app, "seoul2017", TokenScope.INGEST)
    ids = []
    for handle in handles:
        body = ingest_body(f"post-{handle}", author={"name": "고연실", "handle": f"@{handle}"})
        answer = await client.post(
            "/api/v1/walls/seoul2017/posts", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


async def upload(client: httpx.AsyncClient) -> tuple[str, str]:
    answer = await client.post(
        "/api/v1/walls/seoul2017/uploads",
        data={"caption": "우리 동네 소통", "name": "홍길동", "consent": "true"},
        files={"photo": ("photo.jpg", corpus.jpeg(), "image/jpeg")},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], answer.json()["status_url"]


def verify(source: str) -> Any:
    return CliRunner().invoke(main, ["contest", "verify", source])


async def test_a_whole_contest_from_setup_to_delivery(server: LiveServer, tmp_path: Path) -> None:
    url = server.url
    async with (
        console_user(server.app, Role.OWNER, url=url) as owner,
        console_user(server.app, Role.MODERATOR, url=url) as moderator,
        console_user(server.app, Role.JUDGE, "judge1@example.org", url=url) as judge1,
        console_user(server.app, Role.JUDGE, "judge2@example.org", url=url) as judge2,
        httpx.AsyncClient(base_url=url, timeout=30) as public,
    ):
        bad = await owner.post_form(
            f"{CONTESTS}/new", contest_form(prize_name_0="", prize_name_1="")
        )
        assert bad.status_code == 422
        created = await owner.post_form(f"{CONTESTS}/new", contest_form())
        assert created.status_code == 303
        page = created.headers["location"].split("?")[0]
        contest_id = page.rsplit("/", 1)[1]
        assert (await judge1.client.get(page)).status_code == 403  # judges see judging only

        network = await ingest(server, public, ["alpha", "bravo", "charlie"])
        upload_id, status_url = await upload(public)
        entries = [*network, upload_id]
        overview = (await moderator.client.get(page)).text
        assert all(f'data-entry="{post_id}"' in overview for post_id in entries)
        for post_id in entries:
            listed = await moderator.post_form(
                f"{page}/shortlist", {"post_id": post_id, "listed": "1"}
            )
            assert listed.status_code == 303
            assert "problem" not in listed.headers["location"]

        judged = await judge1.post_form(
            f"{page}/judge", {"post_id": entries[0], "c0": "5", "c1": "4"}
        )
        assert "saved=" in judged.headers["location"]
        refused = await judge1.post_form(
            f"{page}/judge", {"post_id": entries[0], "c0": "9", "c1": "4"}
        )
        assert "problem=invalid_score" in refused.headers["location"]
        blind = (await judge2.client.get(f"{page}/judge")).text
        assert 'value="5"' not in blind
        assert "judge1@example.org" in blind  # progress per judge
        assert "1/4" in blind

        assert (
            await moderator.post_form(f"{page}/judging", {"action": "close"})
        ).status_code == 403
        await owner.post_form(f"{page}/judging", {"action": "close"})
        assert "judge1@example.org: 5 / 4" in (await judge2.client.get(f"{page}/judge")).text

        committed = await owner.post_form(f"{page}/draw/commit")
        assert committed.headers["location"].endswith("?done=commit")
        record_url = f"/api/v1/walls/seoul2017/contests/{contest_id}/draw"
        before = (await public.get(record_url)).json()
        assert before["seed"] is None
        assert before["status"] == "committed"
        assert "고연실" not in json.dumps(before, ensure_ascii=False)  # masked in public
        await owner.post_form(f"{page}/draw/run")
        record = (await public.get(record_url)).json()
        assert record["status"] == "drawn"
        assert len(record["winners"]) == 4

        fetched = await asyncio.to_thread(verify, f"{url}{record_url}")
        assert fetched.exit_code == 0, fetched.output
        assert "OK:" in fetched.output
        saved = tmp_path / "record.json"
        saved.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        assert verify(str(saved)).exit_code == 0
        record["winners"][0], record["winners"][1] = record["winners"][1], record["winners"][0]
        saved.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tampered = verify(str(saved))
        assert tampered.exit_code == 1
        assert "FAILED" in tampered.output

        status_api = status_url.replace("/u/", "/api/v1/uploads/")
        assert (await public.get(status_api)).json()["prize"] is None  # not announced yet
        async with open_stream(public, "/api/v1/walls/seoul2017/events") as stream:
            assert (await stream.next()).event == "reset"
            for action in ("start", "next_prize", "next_winner"):
                moved = await owner.post_form(f"{page}/reveal", {"action": action})
                assert "problem" not in moved.headers["location"]
                event = await stream.next()
                assert event.event == "contest"
            assert event.json()["phase"] == "winner"
            assert len(event.json()["winners"]) == 1
            await owner.post_form(f"{page}/reveal", {"action": "end"})
            assert (await stream.next()).json()["phase"] == "end"

        prize = (await public.get(status_api)).json()["prize"]
        assert prize["state"] == "unclaimed"
        status_page = (await public.get(status_url)).text
        assert prize["code"] in status_page
        claim_url = prize["claim_url"]
        form = (await public.get(claim_url)).text
        assert "보유 기간" in form
        assert (await public.get("/claim/AAAA-BBBB-CCCC-DDDD")).status_code == 404
        missing = await public.post(claim_url, data={"name": "홍길동", "phone": "010-1234-5678"})
        assert missing.status_code == 422
        claimed = await public.post(
            claim_url,
            data={
                "name": "홍길동",
                "phone": "+82 10-1234-5678",
                "delivery": "desk",
                "consent": "true",
            },
        )
        assert claimed.status_code == 200, claimed.text
        assert 'data-state="done"' in claimed.text
        again = await public.post(
            claim_url,
            data={
                "name": "누군가",
                "phone": "010-0000-0000",
                "delivery": "desk",
                "consent": "true",
            },
        )
        assert again.status_code == 409
        assert (await public.get(status_api)).json()["prize"]["state"] == "claimed"

        desk = (await moderator.client.get(f"{page}/desk")).text
        assert "홍*동" in desk
        assert "홍길동" not in desk
        assert "전체 정보 보기" not in desk  # full details are for owners
        winner_id = re.findall(r"/desk/(\d+)/delivered", desk)[0]
        assert (await moderator.post_form(f"{page}/desk/{winner_id}/details")).status_code == 403
        details = await owner.post_form(f"{page}/desk/{winner_id}/details")
        assert "홍길동" in details.text
        async with server.app.state.services.db.read() as connection:
            views = await audit.entries(connection, action="contest.claim.view")
        assert [entry.actor for entry in views] == ["user:owner@example.org"]
        exported = await owner.client.get(f"{page}/claims.csv")
        assert "'+82 10-1234-5678" in exported.text  # no formula in a spreadsheet
        delivered = await moderator.post_form(f"{page}/desk/{winner_id}/delivered")
        assert delivered.status_code == 303
        report = (await owner.client.get(f"{page}/report")).text
        assert 'data-report="entries">4<' in report
        assert (await moderator.client.get(f"{page}/report")).status_code == 403

        # The deletion job of the lifespan: a claim past its time is gone without any request.
        desk_job = server.app.state.contest.desk
        async with server.app.state.services.db.write() as connection:
            await connection.execute(
                sa.text("UPDATE contest_claims SET delete_after = '2000-01-01 00:00:00'")
            )
        desk_job.purged.clear()
        await asyncio.wait_for(desk_job.purged.wait(), 10)
        async with server.app.state.services.db.read() as connection:
            assert await connection.scalar(sa.text("SELECT count(*) FROM contest_claims")) == 0


async def test_audience_votes_one_per_device_signed_and_rate_limited(server: LiveServer) -> None:
    async with (
        console_user(server.app, Role.OWNER, url=server.url) as owner,
        httpx.AsyncClient(base_url=server.url, timeout=30) as phone,
        httpx.AsyncClient(base_url=server.url, timeout=30) as forger,
    ):
        window = {"starts_at": "2000-01-01T09:00", "ends_at": "2999-01-01T09:00"}
        backwards = await owner.post_form(
            f"{CONTESTS}/new",
            contest_form(starts_at="2020-01-02T00:00", ends_at="2020-01-01T00:00"),
        )
        assert backwards.status_code == 422
        await owner.post_form(
            f"{CONTESTS}/new", contest_form(audience_votes="on", pool="eligible", **window)
        )
        edit = (await owner.client.get(f"{CONTESTS}/1/edit")).text
        assert 'value="2000-01-01T09:00"' in edit  # shown back in the contest's time zone
        first, second = await ingest(server, phone, ["alpha", "bravo"])
        page = (await phone.get("/w/seoul2017/vote")).text
        assert f'value="{first}"' in page
        assert "sotong_voter" in phone.cookies
        voted = await phone.post("/w/seoul2017/vote", data={"contest": "1", "entry": first})
        assert voted.headers["location"].startswith("/w/seoul2017/vote?state=thanks")
        moved = await phone.post("/w/seoul2017/vote", data={"contest": "1", "entry": second})
        assert "thanks" in moved.headers["location"]
        forger.cookies.set(
            "sotong_voter", "made-up-device-id-12345.0123456789abcdef0123456789abcdef"
        )
        forged = await forger.post("/w/seoul2017/vote", data={"contest": "1", "entry": first})
        assert "state=error" in forged.headers["location"]
        limited = await phone.post("/w/seoul2017/vote", data={"contest": "1", "entry": first})
        assert "state=rate_limited" in limited.headers["location"]
        overview = (await owner.client.get(f"{CONTESTS}/1")).text
        counts = re.findall(r'data-entry="([^"]+)".*?<td>(\d+)</td>\s*<td>', overview, re.S)
        assert dict(counts) == {second: "1", first: "0"}
        purged = await owner.post_form(f"{CONTESTS}/purge")
        assert purged.headers["location"].endswith("/contests?purged=0")
