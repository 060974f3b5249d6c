"""The command line as users run it, including `sotong demo` end to end in a subprocess."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from sotong.cli import main
from tests.support import SseReader

SECRET = "s3cr3t-" + "k" * 40


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "sotong.toml"
    path.write_text(
        f"""
[storage]
database_url = "sqlite:///{tmp_path / "data.db"}"
media_dir = "{tmp_path / "media"}"

[[walls]]
slug = "seoul2017"
title = "2017 서울소통컨퍼런스"
hashtags = ["#2017서울소통컨퍼런스", "#서울소셜컨퍼런스"]
{extra}
""",
        encoding="utf-8",
    )
    return path


def test_init_writes_a_config_that_checks(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "new.toml"
    assert runner.invoke(main, ["init", str(target)]).exit_code == 0
    assert "hashtags" in target.read_text(encoding="utf-8")
    assert runner.invoke(main, ["init", str(target)]).exit_code == 1


def test_check_reports_config_errors_with_exit_2(tmp_path: Path) -> None:
    path = config(tmp_path, 'moderation = "sometimes"')
    result = CliRunner().invoke(main, ["check", "-c", str(path)], env={"SOTONG_SECRET_KEY": SECRET})
    assert result.exit_code == 2
    assert str(path) in result.output
    assert "walls[0].moderation" in result.output


def test_check_refuses_a_missing_secret(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["check", "-c", str(config(tmp_path))], env={"SOTONG_SECRET_KEY": ""}
    )
    assert result.exit_code == 2
    assert "SOTONG_SECRET_KEY" in result.output


def test_check_unknown_source_type(tmp_path: Path) -> None:
    path = config(tmp_path, '[[walls.sources]]\ntype = "myspace"\n')
    result = CliRunner().invoke(main, ["check", "-c", str(path)], env={"SOTONG_SECRET_KEY": SECRET})
    assert result.exit_code == 2
    assert "walls[0].sources[0].type" in result.output
    assert "myspace" in result.output


def test_check_ok(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["check", "-c", str(config(tmp_path))], env={"SOTONG_SECRET_KEY": SECRET}
    )
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output


def test_db_upgrade_and_tokens(tmp_path: Path) -> None:
    path = config(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade", "-c", str(path)]).exit_code == 0
    created = runner.invoke(
        main, ["token", "create", "--wall", "seoul2017", "--scope", "ingest", "-c", str(path)]
    )
    assert created.exit_code == 0, created.output
    assert created.stdout.strip().startswith("sotong_")
    assert len(created.stdout.strip().splitlines()) == 1
    listed = runner.invoke(main, ["token", "list", "-c", str(path)])
    assert "seoul2017\tingest\tcli\tactive" in listed.stdout
    assert created.stdout.strip() not in listed.stdout
    assert runner.invoke(main, ["token", "revoke", "1", "-c", str(path)]).exit_code == 0
    assert runner.invoke(main, ["token", "revoke", "1", "-c", str(path)]).exit_code == 1
    wrong_wall = runner.invoke(
        main, ["token", "create", "--wall", "nope", "--scope", "read", "-c", str(path)]
    )
    assert wrong_wall.exit_code == 2
    bad_scope = runner.invoke(
        main, ["token", "create", "--wall", "seoul2017", "--scope", "admin", "-c", str(path)]
    )
    assert bad_scope.exit_code == 2


def test_serve_refuses_without_secret(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["serve", "-c", str(config(tmp_path))], env={"SOTONG_SECRET_KEY": ""}
    )
    assert result.exit_code == 2


async def test_demo_runs_end_to_end_and_stops_cleanly(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sotong",
        "demo",
        "--port",
        "0",
        "--data-dir",
        str(tmp_path / "demo"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    try:
        wall_url = await asyncio.wait_for(_read_wall_url(process.stderr), 30)
        drain = asyncio.create_task(process.stderr.read())
        async with httpx.AsyncClient(timeout=10) as client:
            page = await client.get(wall_url)
            assert page.status_code == 200
            assert "2017 서울소통컨퍼런스" in page.text
            events_url = wall_url.replace("/w/demo", "/api/v1/walls/demo/events")
            async with client.stream("GET", events_url) as response:
                reader = SseReader(response)
                reset = await reader.next(timeout=15)
                posts = reset.json()["posts"]
                while not posts:
                    posts = [(await reader.next(timeout=15)).json()]
                assert any("#" in post["text"] for post in posts)
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 30)
    output = (await drain).decode()
    assert code == 0, output
    assert "demo stopped" in output


async def _read_wall_url(stream: asyncio.StreamReader) -> str:
    while line := (await stream.readline()).decode():
        if "wall (big screen)" in line:
            return line.split()[-1]
    raise AssertionError("the demo printed no wall URL")


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_module_entry_point(args: list[str]) -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "sotong", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
