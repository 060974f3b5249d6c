"""Takedown latency: a moderator's decision -> the card gone from the wall in Chromium, and -> the
`remove` event received by every one of 1,000 stream viewers.

Starts `sotong serve` (one process, post-moderated wall), makes a moderator with `sotong user add`
and signs them in to the console over HTTP, connects idle stream viewers from a swarm process
(default 1,000) and opens the wall in headless Chromium. A MutationObserver in the page notes, per
card, the moment it left the wall (its `data-post-id` removed, epoch ms) and the moment its fading
ghost left the page.

Reject rounds: a few posts arrive through the ingest API; once every viewer and the page show
them, they are rejected one at a time through the console's decision API, the wall-clock time
noted just before each request. Ban rounds: an author with several cards on screen is banned from
the wall through the console's ban API; the latency is until the last of their cards is gone (in
the page, and at each viewer). All clocks are this machine's system clock.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright

import harness
from viewers import SwarmProcess

CHROMIUM = os.environ.get("SOTONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
POSTS = f"/api/v1/walls/{harness.WALL}/posts"
CONSOLE_API = f"/admin/api/walls/{harness.WALL}"
MODERATOR = "bench-moderator@example.org"
PASSWORD = "bench moderator password"
WATCHER = """
window.__gone = {}; window.__detached = {};
const ids = new WeakMap();
new MutationObserver((records) => {
  const now = performance.timeOrigin + performance.now();
  for (const record of records) {
    if (record.type === "attributes") {
      const id = record.oldValue;
      if (id && !record.target.dataset.postId && !(id in window.__gone)) {
        window.__gone[id] = now;
        ids.set(record.target, id);
      }
      continue;
    }
    for (const node of record.removedNodes) {
      const id = ids.get(node) ?? node.dataset?.postId;
      if (!id || node.isConnected) continue;  // a card moved by the layout, not removed
      if (!(id in window.__gone)) window.__gone[id] = now;
      if (!(id in window.__detached)) window.__detached[id] = now;
    }
  }
}).observe(document, { childList: true, subtree: true, attributes: true,
                       attributeFilter: ["data-post-id"], attributeOldValue: true });
"""


def add_moderator(config: Path) -> None:
    subprocess.run(
        [
            *(sys.executable, "-m", "sotong", "user", "add", MODERATOR),
            *("--role", "moderator", "--password-stdin", "-c", str(config)),
        ],
        input=PASSWORD + "\n",
        check=True,
        text=True,
        capture_output=True,
        env={**os.environ, "SOTONG_SECRET_KEY": harness.SECRET},
    )


async def sign_in(client: httpx.AsyncClient) -> str:
    """Sign the moderator in (the client keeps the cookie); the session's CSRF token."""
    reply = await client.post("/admin/login", data={"email": MODERATOR, "password": PASSWORD})
    assert reply.status_code == 303, reply.text
    page = (await client.get("/admin/password")).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


class Bench:
    def __init__(
        self,
        api: httpx.AsyncClient,
        console: httpx.AsyncClient,
        csrf: str,
        ingest_token: str,
        page: Page | None,
        swarms: list[SwarmProcess],
    ) -> None:
        self.api, self.console, self.page, self.swarms = api, console, page, swarms
        self.csrf, self.ingest = csrf, {"Authorization": f"Bearer {ingest_token}"}
        self.count = 0
        self.answered: list[float] = []
        self.in_page: list[float] = []
        self.ghost_gone: list[float] = []
        self.at_viewers: list[float] = []

    async def post(self, author: str) -> str:
        self.count += 1
        body = {
            "external_id": f"t-{self.count}-{time.time_ns()}",
            "author": {"name": author, "handle": f"@{author}"},
            "text": f"내릴 글 {self.count} {harness.TAG}",
        }
        reply = await self.api.post(POSTS, json=body, headers=self.ingest)
        post_id: str = reply.json()["id"]
        return post_id

    async def shown_everywhere(self, post_ids: list[str]) -> None:
        for crowd in self.swarms:
            await crowd.ask("arrivals", ("post", post_ids))
        if self.page is None:
            return
        await self.page.wait_for_function(
            "ids => ids.every(id => document.querySelector(`#wall .card[data-post-id='${id}']`))",
            arg=post_ids,
            timeout=30_000,
        )

    async def takedown(self, path: str, body: dict[str, str], post_ids: list[str]) -> None:
        """Send the decision; record when the last of `post_ids` left the page and each viewer."""
        started = time.time()
        reply = await self.console.post(path, json=body, headers={"X-CSRF-Token": self.csrf})
        self.answered.append((time.time() - started) * 1000)
        assert reply.status_code == 200, reply.text
        for crowd in self.swarms:
            arrivals = await crowd.ask("arrivals", ("remove", post_ids))
            self.at_viewers += [
                (max(seen.values()) - started) * 1000
                for seen in arrivals  # type: ignore[attr-defined]
            ]
        if self.page is None:
            return
        await self.page.wait_for_function(
            "ids => ids.every(id => id in window.__detached)", arg=post_ids, timeout=30_000
        )
        gone: dict[str, float] = await self.page.evaluate("window.__gone")
        detached: dict[str, float] = await self.page.evaluate("window.__detached")
        self.in_page.append(max(gone[post_id] for post_id in post_ids) - started * 1000)
        self.ghost_gone.append(max(detached[post_id] for post_id in post_ids) - started * 1000)

    def report(self, name: str) -> None:
        def line(label: str, values: list[float]) -> None:
            p50, p99 = harness.percentile(values, 0.5), harness.percentile(values, 0.99)
            print(
                f"  {label:<38}p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   max {max(values):7.1f} ms"
                f"   ({len(values)} samples)"
            )

        print(f"{name}:")
        line("decision answered (HTTP)", self.answered)
        if self.in_page:
            line("-> card gone from the wall (Chromium)", self.in_page)
            line("-> its fading ghost gone too", self.ghost_gone)
        if self.at_viewers:
            line("-> `remove` at every viewer", self.at_viewers)


async def open_wall(stack: contextlib.AsyncExitStack, url: str) -> Page:
    playwright = await stack.enter_async_context(async_playwright())
    browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    stack.push_async_callback(browser.close)
    page = await browser.new_page(viewport={"width": 1920, "height": 1080})
    await page.add_init_script(WATCHER)
    await page.goto(f"{url}/w/{harness.WALL}")
    await page.wait_for_selector("body[data-connection='live']")
    return page


async def run(args: argparse.Namespace, plant: harness.Deployment) -> None:
    url = plant.servers[0].url
    swarms = []
    if args.viewers:
        swarms.append(SwarmProcess([url], args.viewers))
        await swarms[0].ask("connect")
    async with (
        httpx.AsyncClient(base_url=url, timeout=60) as api,
        httpx.AsyncClient(base_url=url, timeout=60) as console,
        contextlib.AsyncExitStack() as stack,
    ):
        csrf = await sign_in(console)
        page = None if args.no_browser else await open_wall(stack, url)
        print(
            f"viewers: {args.viewers} stream clients, {'no' if page is None else '1'} Chromium "
            f"page; database {args.database_url.split(':')[0] or 'sqlite'}; one server process"
        )

        def bench() -> Bench:
            return Bench(api, console, csrf, plant.ingest_token, page, swarms)

        warm = bench()
        first = [await warm.post("warm")]
        await warm.shown_everywhere(first)
        await warm.takedown(f"{CONSOLE_API}/posts/{first[0]}/decision", {"action": "reject"}, first)
        rejects = bench()
        while len(rejects.answered) < args.takedowns:
            batch = [await rejects.post("citizen") for _ in range(args.batch)]
            await rejects.shown_everywhere(batch)
            for post_id in batch:
                path = f"{CONSOLE_API}/posts/{post_id}/decision"
                await rejects.takedown(path, {"action": "reject"}, [post_id])
        bans = bench()
        for round_ in range(args.bans):
            cards = [await bans.post(f"spammer{round_}") for _ in range(args.cards)]
            await bans.shown_everywhere(cards)
            await bans.takedown(f"{CONSOLE_API}/posts/{cards[0]}/ban", {"scope": "wall"}, cards)
        rejects.report(f"reject, one post at a time ({len(rejects.answered)} takedowns)")
        bans.report(
            f"ban an author with {args.cards} cards on screen ({args.bans} bans; "
            "until the last card is gone)"
        )
    for crowd in swarms:
        print(f"stream integrity: {await crowd.ask('stats')}")
        await crowd.ask("stop")
        crowd.process.join()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--viewers", type=int, default=1000, help="idle stream clients")
    parser.add_argument("--takedowns", type=int, default=60, help="posts rejected one by one")
    parser.add_argument("--batch", type=int, default=10, help="posts on screen per reject round")
    parser.add_argument("--bans", type=int, default=50, help="authors banned")
    parser.add_argument(
        "--no-browser", action="store_true", help="stream viewers only (no Chromium page)"
    )
    parser.add_argument("--cards", type=int, default=3, help="cards of each banned author")
    parser.add_argument("--database-url", default="", help="PostgreSQL admin URL (else SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sotong-bench-") as folder:
        async with contextlib.AsyncExitStack() as stack:
            if args.database_url:
                database_url = await stack.enter_async_context(
                    harness.fresh_postgres(args.database_url)
                )
            else:
                database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            config = harness.write_config(Path(folder), database_url)
            await asyncio.to_thread(harness._sotong, "db", "upgrade", config=config)
            await asyncio.to_thread(add_moderator, config)
            plant = await stack.enter_async_context(harness.deployment(config))
            await run(args, plant)


if __name__ == "__main__":
    asyncio.run(main())
