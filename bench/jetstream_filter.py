"""How many Jetstream events per second the Bluesky filter decides on one core.

Builds a realistic mix of `wantedCollections=app.bsky.feed.post` frames in memory (posts in many
languages, most without any hashtag, some with other hashtags, link and mention facets, images,
link cards, quotes, replies, self-labels, deletes, rare edits, identity and account events, and
about 1 in 1,000 posts carrying the wall's tag), serialises each as the compact JSON text frame
Jetstream sends, and times raw frame bytes -> decision (for matches: -> IncomingPost with a cached
profile). The database is not included.

A second measurement sends the same frames through a real WebSocket from a server in another
process and reports the consumer's CPU time per event (WebSocket framing, permessage-deflate when
negotiated, and the filter), i.e. how many events per second one core can take.

    .venv/bin/python bench/jetstream_filter.py [--events 200000] [--repeat 5] [--no-websocket]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import random
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from sotong.sources.base import SourceError
from sotong.sources.bluesky.client import open_jetstream
from sotong.sources.bluesky.firehose import Commit, FirehoseFilter, TagMatcher
from sotong.sources.bluesky.known import KnownPosts
from sotong.sources.bluesky.parse import Profile, datetime_from_us, post_from_record

WALL_TAGS = ("#2017서울소통컨퍼런스", "#서울소셜컨퍼런스")
B32 = "abcdefghijklmnopqrstuvwxyz234567"
TEXTS = [
    "Just finished my morning run, feeling great about the week ahead",
    "Does anyone know a good recipe for sourdough that works at high altitude?",
    "今日はとても良い天気ですね。散歩に行ってきます",
    "新しいプロジェクトを始めました！よろしくお願いします",
    "Bom dia! Alguém mais acordado cedo hoje? O café está ótimo",
    "오늘 점심은 김치찌개였어요. 정말 맛있었습니다 😋",
    "Heute war ein langer Tag im Büro, endlich Wochenende",
    "¿Alguien ha visto el partido de anoche? Increíble final",
    "这本书真的很好看，推荐给大家",
    "Je viens de terminer un excellent livre, je vous le recommande",
    "lol 😂😂 this is the best thing I've seen all day",
    "Thread: some thoughts on why distributed systems are hard (1/7)",
    "Kedves barátaim, ma este koncert lesz a parkban",
    "I can't believe it's already November. Where did the year go?",
    "Нова версія вийшла сьогодні, оновлюйтеся",
    "🌸🌸🌸",
]
OTHER_TAGS = [
    "art",
    "photography",
    "bluesky",
    "뉴스",
    "イラスト",
    "nba",
    "python",
    "caturday",
    "BookSky",
    "science",
    "música",
    "politics",
    "gamedev",
    "FotoVorschlag",
]
WEIGHTS: dict[str, float] = {
    "create, no '#' at all": 0.44,
    "create, link/mention facets": 0.18,
    "create, other hashtags (text + facets)": 0.08,
    "create, '#' in text only (C#, #1)": 0.02,
    "create, record.tags": 0.003,
    "create, self-labelled": 0.01,
    "delete": 0.20,
    "update": 0.001,
    "identity": 0.025,
    "account": 0.015,
    "create, matching the wall": 0.001,
}


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


@dataclass
class Maker:
    rng: random.Random
    time_us: int = 1_730_000_000_000_000

    def did(self) -> str:
        return "did:plc:" + rand(self.rng, B32, 24)

    def cid(self) -> str:
        return "bafyrei" + rand(self.rng, B32, 52)

    def rkey(self) -> str:
        return "3l" + rand(self.rng, B32, 11)

    def blob(self) -> dict[str, Any]:
        return {
            "$type": "blob",
            "ref": {"$link": "bafkrei" + rand(self.rng, B32, 52)},
            "mimeType": "image/jpeg",
            "size": self.rng.randint(50_000, 900_000),
        }

    def envelope(self, did: str, kind: str, **body: Any) -> dict[str, Any]:
        self.time_us += self.rng.randint(50, 900)
        return {"did": did, "time_us": self.time_us, "kind": kind, **body}

    def text(self) -> str:
        parts = [self.rng.choice(TEXTS) for _ in range(self.rng.choice((1, 1, 1, 2, 3)))]
        return " ".join(parts)

    def embed(self, did: str) -> dict[str, Any] | None:
        roll = self.rng.random()
        if roll < 0.12:
            return {
                "$type": "app.bsky.embed.images",
                "images": [
                    {
                        "alt": self.rng.choice(["", "a photo of my cat", "screenshot"]),
                        "aspectRatio": {"width": 1200, "height": 900},
                        "image": self.blob(),
                    }
                    for _ in range(self.rng.randint(1, 4))
                ],
            }
        if roll < 0.20:
            return {
                "$type": "app.bsky.embed.external",
                "external": {
                    "uri": f"https://example.com/{rand(self.rng, string.ascii_lowercase, 12)}",
                    "title": "An interesting article",
                    "description": "What happened next",
                    "thumb": self.blob(),
                },
            }
        if roll < 0.24:
            return {
                "$type": "app.bsky.embed.record",
                "record": {
                    "cid": self.cid(),
                    "uri": f"at://{self.did()}/app.bsky.feed.post/{self.rkey()}",
                },
            }
        if roll < 0.26:
            return {
                "$type": "app.bsky.embed.video",
                "video": self.blob(),
                "aspectRatio": {"width": 1080, "height": 1920},
            }
        return None

    def post(
        self,
        text: str,
        *,
        facets: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
        did: str | None = None,
    ) -> dict[str, Any]:
        did = did or self.did()
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "createdAt": "2024-11-10T09:41:02.102Z",
            "langs": [self.rng.choice(["en", "ja", "pt", "ko", "de"])],
            "text": text,
        }
        if facets:
            record["facets"] = facets
        if self.rng.random() < 0.35:
            parent = {
                "cid": self.cid(),
                "uri": f"at://{self.did()}/app.bsky.feed.post/{self.rkey()}",
            }
            record["reply"] = {"parent": parent, "root": parent}
        embed = self.embed(did)
        if embed is not None:
            record["embed"] = embed
        record.update(extra or {})
        return self.envelope(
            did,
            "commit",
            commit={
                "rev": self.rkey(),
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": self.rkey(),
                "record": record,
                "cid": self.cid(),
            },
        )

    def facet(self, kind: str, **feature: Any) -> dict[str, Any]:
        start = self.rng.randint(0, 40)
        return {
            "features": [{"$type": f"app.bsky.richtext.facet#{kind}", **feature}],
            "index": {"byteStart": start, "byteEnd": start + 12},
        }

    def make(self, category: str) -> dict[str, Any]:
        if category == "create, no '#' at all":
            return self.post(self.text())
        if category == "create, link/mention facets":
            facets = [
                self.facet("link", uri="https://example.com/a"),
                self.facet("mention", did=self.did()),
            ][: self.rng.randint(1, 2)]
            return self.post(
                self.text() + " @friend.bsky.social https://example.com/a", facets=facets
            )
        if category == "create, other hashtags (text + facets)":
            tags = self.rng.sample(OTHER_TAGS, self.rng.randint(1, 4))
            text = self.text() + " " + " ".join(f"#{t}" for t in tags)
            return self.post(text, facets=[self.facet("tag", tag=t) for t in tags])
        if category == "create, '#' in text only (C#, #1)":
            return self.post(self.text() + self.rng.choice([" in C#", " we're #1!", " issue #42"]))
        if category == "create, record.tags":
            return self.post(self.text(), extra={"tags": self.rng.sample(OTHER_TAGS, 2)})
        if category == "create, self-labelled":
            return self.post(
                self.text(),
                extra={
                    "labels": {
                        "$type": "com.atproto.label.defs#selfLabels",
                        "values": [{"val": "nudity"}],
                    }
                },
            )
        if category == "create, matching the wall":
            return self.post(
                "최고의 컨퍼런스! #서울소셜컨퍼런스",
                facets=[self.facet("tag", tag="서울소셜컨퍼런스")],
            )
        if category == "delete":
            return self.envelope(
                self.did(),
                "commit",
                commit={
                    "rev": self.rkey(),
                    "operation": "delete",
                    "collection": "app.bsky.feed.post",
                    "rkey": self.rkey(),
                },
            )
        if category == "update":
            event = self.post(self.text())
            event["commit"]["operation"] = "update"
            return event
        if category == "identity":
            did = self.did()
            return self.envelope(
                did,
                "identity",
                identity={
                    "did": did,
                    "handle": rand(self.rng, string.ascii_lowercase, 8) + ".bsky.social",
                    "seq": self.rng.randint(1, 10**10),
                    "time": "2024-11-10T09:41:02.102Z",
                },
            )
        if category == "account":
            did = self.did()
            active = self.rng.random() < 0.7
            account: dict[str, Any] = {
                "active": active,
                "did": did,
                "seq": self.rng.randint(1, 10**10),
                "time": "2024-11-10T09:41:02.102Z",
            }
            if not active:
                account["status"] = self.rng.choice(["deactivated", "takendown", "deleted"])
            return self.envelope(did, "account", account=account)
        raise ValueError(category)


def frames(count: int, seed: int = 2017) -> list[tuple[str, bytes]]:
    maker = Maker(random.Random(seed))
    categories = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    picked = maker.rng.choices(categories, weights, k=count)
    return [(category, orjson.dumps(maker.make(category))) for category in picked]


# A byte-level prefilter tried before parsing: drop a create whose frame holds no '#' other
# than those of `facet#link`, `facet#mention` and `defs#selfLabels`, no '＃' and no "tags" key.
# Kept here to show why the connector does not use it: orjson is faster than these scans.
_CREATE, _RECORD = b'"operation":"create"', b'"record":'
_NON_TAG = (b"facet#link", b"facet#mention", b"defs#selfLabels")
_HINTS = (b"\xef\xbc\x83", b"\\uff03", b'"tags"')


def with_byte_prefilter(firehose: FirehoseFilter) -> Callable[[bytes], object]:
    def decide(raw: bytes) -> object:
        at = raw.find(_CREATE)
        if at != -1 and at < raw.find(_RECORD) and not any(hint in raw for hint in _HINTS):
            hashes = raw.count(b"#")
            if not hashes or hashes == sum(raw.count(marker) for marker in _NON_TAG):
                return None
        return firehose.decide(raw)

    return decide


def run(decide: Callable[[bytes], object], data: list[bytes], repeat: int) -> tuple[float, int]:
    best = float("inf")
    matched = 0
    profile = Profile("did:plc:bench", "bench.bsky.social", "Bench", None)
    for _ in range(repeat):
        matched = 0
        started = time.perf_counter()
        for raw in data:
            decision = decide(raw)
            if isinstance(decision, Commit):
                post_from_record(
                    decision.did,
                    decision.rkey,
                    decision.record,
                    profile,
                    cdn_url="https://cdn.bsky.app",
                    seen_at=datetime_from_us(decision.time_us),
                )
                matched += 1
        best = min(best, time.perf_counter() - started)
    return len(data) / best, matched


def _serve(frames: list[bytes], compression: str | None, ports: multiprocessing.Queue[int]) -> None:
    from websockets.asyncio.server import ServerConnection, serve

    texts = [raw.decode() for raw in frames]

    async def handler(ws: ServerConnection) -> None:
        for text in texts:
            await ws.send(text)
        await ws.close()

    async def server() -> None:
        async with serve(handler, "127.0.0.1", 0, compression=compression) as running:
            ports.put(next(iter(running.sockets)).getsockname()[1])
            await asyncio.Future()

    asyncio.run(server())


async def _consume(port: int) -> tuple[int, float, float]:
    firehose = FirehoseFilter(TagMatcher(WALL_TAGS), KnownPosts())
    count, started, cpu = 0, 0.0, 0.0
    url = f"ws://127.0.0.1:{port}/subscribe"
    async with open_jetstream(url, None, user_agent=None, ping_interval=None) as stream:
        with contextlib.suppress(SourceError):
            while True:
                raw = await stream.receive()
                assert raw is not None  # no timeout given
                if not count:
                    started, cpu = time.perf_counter(), time.process_time()
                firehose.decide(raw)
                count += 1
    return count, time.process_time() - cpu, time.perf_counter() - started


def through_websocket(frames: list[bytes]) -> None:
    print("\nthrough a WebSocket from a server process (consumer CPU only):")
    spawn = multiprocessing.get_context("spawn")
    for compression in ("deflate", None):
        ports: multiprocessing.Queue[int] = spawn.Queue()
        server = spawn.Process(target=_serve, args=(frames, compression, ports), daemon=True)
        server.start()
        try:
            count, cpu, wall = asyncio.run(_consume(ports.get(timeout=120)))
        finally:
            server.kill()
            server.join()
        label = "permessage-deflate" if compression else "no compression"
        print(
            f"  {label:<20} {count:>9,} frames  {cpu / count * 1e6:5.1f} µs CPU/event "
            f"= {count / cpu:>9,.0f} events/s per core  ({count / wall:,.0f}/s wall, "
            "bounded by the sender)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-websocket", action="store_true", help="skip the WebSocket run")
    args = parser.parse_args()
    print(f"building {args.events:,} frames ...", flush=True)
    mix = frames(args.events)
    known = KnownPosts()
    firehose = FirehoseFilter(TagMatcher(WALL_TAGS), known)
    everything = [raw for _, raw in mix]
    size = sum(map(len, everything)) / len(everything)
    matching = sum(1 for category, _ in mix if category == "create, matching the wall")
    print(
        f"average frame {size:.0f} bytes; {matching:,} frames match the wall "
        f"({matching / len(mix):.2%})\n"
    )

    prefiltered = with_byte_prefilter(firehose)
    print(f"{'event mix':<42} {'frames':>9} {'events/s':>12} {'+ byte prefilter':>17}")
    rate, matched = run(firehose.decide, everything, args.repeat)
    other, _ = run(prefiltered, everything, args.repeat)
    print(f"{'realistic mix (all of the below)':<42} {len(mix):>9,} {rate:>12,.0f} {other:>17,.0f}")
    assert matched == matching, (matched, matching)
    for category in WEIGHTS:
        subset = [raw for name, raw in mix if name == category]
        if not subset:
            continue
        rate, _ = run(firehose.decide, subset, args.repeat)
        other, _ = run(prefiltered, subset, args.repeat)
        print(f"{category:<42} {len(subset):>9,} {rate:>12,.0f} {other:>17,.0f}")
    if not args.no_websocket:
        through_websocket(everything)
    print("\ntarget: 20,000 events/s per core on the realistic mix")


if __name__ == "__main__":
    main()
