"""Source-to-screen latency: a fake Mastodon stream -> a real `sotong serve` -> a card in Chromium.

A fake Mastodon instance runs in this process (REST for the instance and the tag timeline, and the
streaming WebSocket, all on one port, speaking the documented protocol). A real `sotong serve`
process runs a wall whose `mastodon` source streams from it with a token. A headless Chromium shows
the wall; a MutationObserver in the page records, per card, the moment it entered the DOM and the
moment the wall laid it out on screen (`performance.timeOrigin + performance.now()`, epoch ms).
The fake sends one `update` frame at a time, noting the wall-clock time just before it sends, and
waits for the card before sending the next. Latency = laid out on screen - frame sent (both clocks
are this machine's system clock). The card's entry animation that follows is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
from playwright.async_api import async_playwright
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

WALL = "bench"
TAG = "서울소셜컨퍼런스"
TOKEN = "bench-mastodon-token"
TOKEN_ENV = "SOTONG_BENCH_MASTODON_TOKEN"
FIRST_ID = 109348677773283527
CHROMIUM = os.environ.get("SOTONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
# Until the registry lists the connector, the server is started through this launcher.
LAUNCHER = (
    "from sotong.sources import registry, mastodon; "
    "registry.SOURCE_TYPES['mastodon'] = mastodon.MANIFEST; "
    "from sotong.cli import main; main()"
)
WATCHER = """
window.__dom = {}; window.__placed = {};
const note = (card, now) => {
  const id = card.dataset.postId;
  if (!id) return;
  if (!(id in window.__dom)) window.__dom[id] = now;
  if (!card.classList.contains("card--unplaced") && !(id in window.__placed)) {
    window.__placed[id] = now;
  }
};
new MutationObserver((records) => {
  const now = performance.timeOrigin + performance.now();
  for (const record of records) {
    if (record.type === "attributes") {
      if (record.target.matches?.(".card[data-post-id]")) note(record.target, now);
      continue;
    }
    for (const node of record.addedNodes) {
      if (node.nodeType !== 1) continue;
      if (node.matches(".card[data-post-id]")) note(node, now);
      node.querySelectorAll(".card[data-post-id]").forEach((card) => note(card, now));
    }
  }
}).observe(document, { childList: true, subtree: true, attributes: true,
                       attributeFilter: ["class", "data-post-id"] });
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def json_response(status: int, document: Any) -> Response:
    body = json.dumps(document, ensure_ascii=False).encode()
    headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return Response(status, "OK" if status == 200 else "Error", headers, body)


class FakeMastodon:
    """Instance, tag timeline and streaming WebSocket of one Mastodon, on one port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.statuses: list[dict[str, Any]] = []
        self.streams: set[ServerConnection] = set()
        self.subscribed = asyncio.Event()

    def status(self, index: int) -> dict[str, Any]:
        status_id = str(FIRST_ID + index)
        return {
            "id": status_id,
            "created_at": "2017-11-10T01:05:00.000Z",
            "in_reply_to_id": None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "public",
            "language": "ko",
            "uri": f"https://social.example.kr/users/bench/statuses/{status_id}",
            "url": f"https://social.example.kr/@bench/{status_id}",
            "edited_at": None,
            "content": f'<p>측정 {index} <a href="https://social.example.kr/tags/{TAG}" '
            f'class="mention hashtag" rel="tag">#<span>{TAG}</span></a></p>',
            "reblog": None,
            "account": {
                "id": "1",
                "username": "bench",
                "acct": "bench",
                "display_name": "벤치",
                "avatar_static": None,
            },
            "media_attachments": [],
            "tags": [{"name": TAG, "url": f"https://social.example.kr/tags/{TAG}"}],
            "emojis": [],
            "card": None,
            "poll": None,
        }

    def _rest(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            if request.headers.get("Authorization") != f"Bearer {TOKEN}":
                return json_response(401, {"error": "The access token is invalid"})
            return None
        parts = urlsplit(request.path)
        if parts.path == "/api/v2/instance":
            return json_response(
                200,
                {
                    "domain": "bench.local",
                    "version": "4.5.0",
                    "configuration": {
                        "urls": {"streaming": f"ws://127.0.0.1:{self.port}"},
                        "timelines_access": {
                            "hashtag_feeds": {"local": "public", "remote": "public"}
                        },
                    },
                },
            )
        if parts.path.startswith("/api/v1/timelines/tag/"):
            query = parse_qs(parts.query)
            tags = {unquote(parts.path.rsplit("/", 1)[1]).lower(), *query.get("any[]", [])}
            found = [s for s in self.statuses if s["tags"][0]["name"].lower() in tags]
            if "min_id" in query:
                found = [s for s in found if int(s["id"]) > int(query["min_id"][0])][:40]
            else:
                found = found[-40:]
            return json_response(200, found[::-1])
        return json_response(404, {"error": "Record not found"})

    async def _stream(self, connection: ServerConnection) -> None:
        self.streams.add(connection)
        try:
            async for message in connection:
                if json.loads(message).get("type") == "subscribe":
                    self.subscribed.set()
        except ConnectionClosed:
            pass
        finally:
            self.streams.discard(connection)

    async def push(self, status: dict[str, Any]) -> float:
        """Send an `update` frame to every stream; the wall-clock ms just before sending."""
        self.statuses.append(status)
        frame = json.dumps(
            {"stream": ["hashtag", TAG], "event": "update", "payload": json.dumps(status)}
        )
        sent_at = time.time() * 1000
        for connection in list(self.streams):
            await connection.send(frame)
        return sent_at

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FakeMastodon]:
        async with serve(self._stream, "127.0.0.1", self.port, process_request=self._rest):
            yield self


def write_config(folder: Path, fake: FakeMastodon) -> Path:
    path = folder / "sotong.toml"
    path.write_text(
        f"""
[storage]
database_url = "sqlite:///{folder / "bench.db"}"
media_dir = "{folder / "media"}"

[[walls]]
slug = "{WALL}"
title = "Benchmark"
hashtags = ["#{TAG}"]
moderation = "post"

[[walls.sources]]
type = "mastodon"
base_url = "{fake.url}"
access_token_env = "{TOKEN_ENV}"
""",
        encoding="utf-8",
    )
    return path


@contextlib.asynccontextmanager
async def sotong_server(config: Path, port: int) -> AsyncIterator[str]:
    env = {**os.environ, "SOTONG_SECRET_KEY": "bench-" + "x" * 40, TOKEN_ENV: TOKEN}
    command = [sys.executable, "-c", LAUNCHER, "serve", "-c", str(config), "--port", str(port)]
    # Set-up happens before any timing starts; blocking here is harmless.
    subprocess.run(  # noqa: ASYNC221
        [sys.executable, "-c", LAUNCHER, "db", "upgrade", "-c", str(config)],
        check=True,
        env=env,
        capture_output=True,
    )
    process = await asyncio.create_subprocess_exec(*command, "--log-level", "warning", env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{base}/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
        yield base
    finally:
        process.terminate()
        await process.wait()


async def measure(base: str, fake: FakeMastodon, posts: int, pause: float) -> None:
    await asyncio.wait_for(fake.subscribed.wait(), 30)
    sent: dict[str, float] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1920, "height": 1080})
            await page.add_init_script(WATCHER)
            await page.goto(f"{base}/w/{WALL}")
            await page.wait_for_selector("body[data-connection='live']")
            for index in range(posts):
                status = fake.status(index)
                sent[status["id"]] = await fake.push(status)
                await page.wait_for_function(
                    "n => Object.keys(window.__placed).length >= n", arg=index + 1, timeout=30_000
                )
                await asyncio.sleep(pause)
            dom: dict[str, float] = await page.evaluate("window.__dom")
            placed: dict[str, float] = await page.evaluate("window.__placed")
        finally:
            await browser.close()
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base}/api/v1/walls/{WALL}/posts", params={"limit": 200})
    external = {post["id"]: post["external_id"] for post in response.json()["posts"]}
    on_screen = [placed[post_id] - sent[external[post_id]] for post_id in placed]
    in_dom = [dom[post_id] - sent[external[post_id]] for post_id in dom]

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<30}p50 {percentile(values, 0.5):.1f} ms   p90 {percentile(values, 0.9):.1f} ms"
            f"   max {max(values):.1f} ms   mean {statistics.fmean(values):.1f} ms"
        )

    apart = f"one at a time, {pause * 1000:.0f} ms apart"
    print(f"{'posts':<30}{len(on_screen)} ({apart}; SQLite; 1 browser)")
    print(line("frame sent -> card on screen", on_screen))
    print(line("frame sent -> card in DOM", in_dom))


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--pause", type=float, default=0.1, help="seconds between posts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sotong-bench-") as folder:
        async with FakeMastodon().running() as fake:
            config = write_config(Path(folder), fake)
            async with sotong_server(config, free_port()) as base:
                await measure(base, fake, args.posts, args.pause)


if __name__ == "__main__":
    asyncio.run(main())
