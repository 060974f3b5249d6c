"""Several `sotong serve` processes over one PostgreSQL and Redis, as in a scaled-out deployment."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sotong.clock import utc_now
from sotong.domain import TokenScope
from sotong.sources.demo.samples import load_samples
from sotong.store import tokens
from sotong.store.database import Database
from sotong.store.tables import posts
from sotong.store.walls import get_wall
from tests.conftest import _empty_postgres
from tests.live.test_bus import REDIS_URL
from tests.support import SseReader, ingest_body

SECRET = "many-processes-" + "k" * 40


@dataclass
class ServerProcess:
    process: asyncio.subprocess.Process
    url: str
    output: asyncio.Task[bytes]

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)


def write_config(folder: Path, database_url: str, *, demo_interval: float | None) -> Path:
    source = (
        f'\n[[walls.sources]]\ntype = "demo"\ninterval_seconds = {demo_interval}\nburst = 0\n'
        if demo_interval is not None
        else ""
    )
    path = folder / "sotong.toml"
    path.write_text(
        f"""
[storage]
database_url = "{database_url}"
media_dir = "{folder / "media"}"
broker_url = "{REDIS_URL}"

[[walls]]
slug = "seoul2017"
title = "2017 서울소통컨퍼런스"
hashtags = ["#2017서울소통컨퍼런스", "#서울소셜컨퍼런스"]
moderation = "post"
{source}""",
        encoding="utf-8",
    )
    return path


async def start(config: Path) -> ServerProcess:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sotong",
        "serve",
        "-c",
        str(config),
        "--port",
        "0",
        "--log-level",
        "warning",
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "SOTONG_SECRET_KEY": SECRET},
    )
    assert process.stderr is not None
    while line := (await asyncio.wait_for(process.stderr.readline(), 30)).decode():
        if line.startswith("listening on "):
            url = line.split()[-1]
            return ServerProcess(process, url, asyncio.create_task(process.stderr.read()))
    raise AssertionError("the server stopped before listening")


@contextlib.asynccontextmanager
async def cluster(
    tmp_path: Path, postgres_url: str, count: int, *, demo_interval: float | None = None
) -> AsyncIterator[list[ServerProcess]]:
    await _empty_postgres(postgres_url)
    config = write_config(tmp_path, postgres_url, demo_interval=demo_interval)
    processes = [await start(config) for _ in range(count)]
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for server in processes:
                assert (await client.get(f"{server.url}/readyz")).status_code == 200
        yield processes
    finally:
        for server in processes:
            if server.process.returncode is None:
                server.process.send_signal(signal.SIGINT)
        for server in processes:
            await asyncio.wait_for(server.process.wait(), 30)


async def a_token(postgres_url: str, scope: TokenScope) -> str:
    db = Database(postgres_url)
    try:
        async with db.write() as connection:
            wall = await get_wall(connection, "seoul2017")
            assert wall is not None
            _, value = await tokens.create_token(connection, wall.id, scope, "test", utc_now())
        return value
    finally:
        await db.close()


async def test_events_reach_viewers_on_every_process_in_order(
    tmp_path: Path, postgres_url: str
) -> None:
    async with cluster(tmp_path, postgres_url, 2) as (first, second):
        ingest = {"Authorization": f"Bearer {await a_token(postgres_url, TokenScope.INGEST)}"}
        moderate = {"Authorization": f"Bearer {await a_token(postgres_url, TokenScope.MODERATE)}"}
        events_path = "/api/v1/walls/seoul2017/events"
        posts_path = "/api/v1/walls/seoul2017/posts"
        async with httpx.AsyncClient(timeout=10) as client:
            async with client.stream("GET", second.url + events_path) as response:
                on_second = SseReader(response)
                await on_second.next()
                created = []
                for index in range(10):
                    target = (first, second)[index % 2]
                    answer = await client.post(
                        target.url + posts_path, json=ingest_body(f"m{index}"), headers=ingest
                    )
                    created.append(answer.json()["id"])
                decision = f"{first.url}{posts_path}/{created[3]}/decision"
                assert (
                    await client.post(decision, json={"action": "reject"}, headers=moderate)
                ).status_code == 200
                received = [await on_second.next() for _ in range(11)]
                assert [e.json()["id"] for e in received[:10]] == created
                assert (received[10].event, received[10].json()) == ("remove", {"id": created[3]})
                seqs = [int(e.id or 0) for e in received]
                assert seqs == sorted(seqs)
                assert len(set(seqs)) == 11
            resume_from = received[4].id
            async with client.stream(
                "GET", first.url + events_path, headers={"Last-Event-ID": resume_from or ""}
            ) as response:
                on_first = SseReader(response)
                replayed = [await on_first.next() for _ in range(6)]
                assert [e.id for e in replayed] == [e.id for e in received[5:]]


async def test_a_source_runs_once_and_another_process_takes_over(
    tmp_path: Path, postgres_url: str
) -> None:
    async with (
        cluster(tmp_path, postgres_url, 2, demo_interval=0.2) as servers,
        httpx.AsyncClient(timeout=10) as client,
    ):
        states = {}
        for server in servers:
            body = (await client.get(f"{server.url}/readyz")).json()
            states[server.url] = body["sources"]["seoul2017/demo-0"]["state"]
        leaders = [s for s in servers if states[s.url] != "standby"]
        standby = [s for s in servers if states[s.url] == "standby"]
        assert len(leaders) == 1
        assert len(standby) == 1
        async with client.stream("GET", standby[0].url + "/api/v1/walls/seoul2017/events") as r:
            stream = SseReader(r)
            await stream.next()
            await stream.next(timeout=10)
            leaders[0].kill()
            await leaders[0].process.wait()
            loop = asyncio.get_running_loop()
            killed_at = loop.time()
            while True:
                event = await stream.next(timeout=12)
                if loop.time() - killed_at > 0.5:
                    break
            takeover_seconds = loop.time() - killed_at
            assert event.event == "post"
            assert takeover_seconds < 10
    await _assert_demo_posts_have_no_gap_or_repeat(postgres_url)


async def _assert_demo_posts_have_no_gap_or_repeat(postgres_url: str) -> None:
    shown = [s.key for s in load_samples() if s.expect == "shown"]
    expected = [f"{key}-{round_}" for round_ in range(5) for key in shown]
    db = Database(postgres_url)
    try:
        async with db.read() as connection:
            rows = await connection.execute(
                sa.select(posts.c.external_id).where(posts.c.source == "demo").order_by(posts.c.id)
            )
            stored = [row.external_id for row in rows]
    finally:
        await db.close()
    assert stored == expected[: len(stored)]


pytestmark = pytest.mark.postgres
