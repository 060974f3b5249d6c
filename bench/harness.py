"""What the benchmarks share: real `sotong serve` processes on a temporary configuration."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

WALL = "bench"
TAG = "#서울소셜컨퍼런스"
SECRET = "bench-" + "x" * 40


def write_config(folder: Path, database_url: str, broker_url: str = "") -> Path:
    path = folder / "sotong.toml"
    path.write_text(
        f"""
[storage]
database_url = "{database_url}"
media_dir = "{folder / "media"}"
broker_url = "{broker_url}"

[live]
viewer_queue_size = 4096

[[walls]]
slug = "{WALL}"
title = "Benchmark"
hashtags = ["{TAG}"]
moderation = "post"
""",
        encoding="utf-8",
    )
    return path


@contextlib.asynccontextmanager
async def fresh_postgres(admin_url: str) -> AsyncIterator[str]:
    """A database of its own for one benchmark run, dropped afterwards."""
    base, _, _ = admin_url.rpartition("/")
    name = f"sotong_bench_{os.getpid()}"
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    try:
        yield f"{base}/{name}"
    finally:
        connection = await asyncpg.connect(admin_url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


@dataclass
class Server:
    url: str
    pid: int
    process: asyncio.subprocess.Process


@dataclass
class Deployment:
    servers: list[Server]
    ingest_token: str
    moderate_token: str


def _sotong(*args: str, config: Path) -> str:
    env = {**os.environ, "SOTONG_SECRET_KEY": SECRET}
    command = [sys.executable, "-m", "sotong", *args, "-c", str(config)]
    return subprocess.run(
        command, check=True, env=env, capture_output=True, text=True
    ).stdout.strip()


async def _start(config: Path) -> Server:
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
    while line := (await process.stderr.readline()).decode():
        if line.startswith("listening on "):
            url = line.split()[-1]
            _echoes.add(asyncio.create_task(_echo(process.stderr)))
            async with httpx.AsyncClient(timeout=60) as client:
                await client.get(f"{url}/readyz")
            return Server(url, process.pid, process)
    raise RuntimeError("sotong serve stopped before listening")


_echoes: set[asyncio.Task[None]] = set()


async def _echo(stream: asyncio.StreamReader) -> None:
    while line := await stream.readline():
        sys.stderr.write(line.decode())


@contextlib.asynccontextmanager
async def deployment(config: Path, processes: int = 1) -> AsyncIterator[Deployment]:
    await asyncio.to_thread(_sotong, "db", "upgrade", config=config)
    create = ("token", "create", "--wall", WALL, "--scope")
    ingest = await asyncio.to_thread(_sotong, *create, "ingest", config=config)
    moderate = await asyncio.to_thread(_sotong, *create, "moderate", config=config)
    servers = [await _start(config) for _ in range(processes)]
    try:
        yield Deployment(servers, ingest, moderate)
    finally:
        for server in servers:
            with contextlib.suppress(ProcessLookupError):
                server.process.send_signal(signal.SIGINT)
        for server in servers:
            await server.process.wait()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
