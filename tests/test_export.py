"""`sotong export`: a wall's posts in every state, as CSV a spreadsheet opens safely or as JSON."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from sotong.cli import main
from sotong.clock import utc_now
from sotong.config import WallSettings, load_settings
from sotong.domain import Author, IncomingPost
from sotong.export import spreadsheet_safe
from sotong.live.bus import MemoryBus
from sotong.pipeline.ingest import IngestPipeline
from sotong.registry import WallRegistry
from sotong.store.database import Database
from sotong.store.walls import sync_walls
from tests.test_cli import config

TAG = "#서울소셜컨퍼런스"


async def seed(path: Path) -> None:
    settings = load_settings(path)
    db = Database(settings.storage.database_url)
    await db.upgrade()
    async with db.write() as connection:
        (wall,) = await sync_walls(connection, settings.walls, utc_now())
    pipeline = IngestPipeline(db, MemoryBus())
    await pipeline.ingest_batch(
        wall,
        [
            IncomingPost("api", "1", Author("고연실", "@yeonsil"), f"소통해요! {TAG}"),
            IncomingPost("api", "2", Author("=cmd|' /C calc'!A0"), f'=HYPERLINK("x") {TAG}'),
            IncomingPost("api", "3", Author("시민"), "태그 없음"),
        ],
    )
    registry = WallRegistry(db, MemoryBus())
    await registry.load()
    await registry.create(
        WallSettings(slug="console-made", title="콘솔 벽", hashtags=["#콘솔"]), actor="test"
    )
    await db.close()


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    path = config(tmp_path)
    asyncio.run(seed(path))
    return path


def test_csv_opens_with_korean_intact_and_no_formula_runs(configured: Path, tmp_path: Path) -> None:
    target = tmp_path / "posts.csv"
    result = CliRunner().invoke(
        main,
        [
            "export",
            "--wall",
            "seoul2017",
            "--format",
            "csv",
            "-o",
            str(target),
            "-c",
            str(configured),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "exported 2 posts" in result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so spreadsheets read UTF-8"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["external_id"] for row in rows] == ["1", "2"]
    assert rows[0]["text"] == f"소통해요! {TAG}"
    assert rows[0]["author_handle"] == "@yeonsil"
    assert rows[1]["text"].startswith("'=HYPERLINK")
    assert rows[1]["author_name"].startswith("'=cmd")
    assert rows[0]["status"] == "pending"


def test_json_to_standard_output(configured: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", "--wall", "seoul2017", "--format", "json", "-c", str(configured)]
    )
    assert result.exit_code == 0, result.output
    document = orjson.loads(result.stdout)
    assert document["wall"]["slug"] == "seoul2017"
    assert [post["external_id"] for post in document["posts"]] == ["1", "2"]
    assert document["posts"][1]["text"] == f'=HYPERLINK("x") {TAG}', "JSON keeps text as it is"


def test_a_wall_made_in_the_console_exports_and_gets_tokens(configured: Path) -> None:
    runner = CliRunner()
    exported = runner.invoke(
        main, ["export", "--wall", "console-made", "--format", "json", "-c", str(configured)]
    )
    assert exported.exit_code == 0, exported.output
    assert orjson.loads(exported.stdout)["posts"] == []
    token = runner.invoke(
        main,
        ["token", "create", "--wall", "console-made", "--scope", "ingest", "-c", str(configured)],
    )
    assert token.exit_code == 0, token.output


def test_an_unknown_wall_is_a_usage_error_and_leaves_no_file(
    configured: Path, tmp_path: Path
) -> None:
    target = tmp_path / "none.csv"
    result = CliRunner().invoke(
        main,
        ["export", "--wall", "nope", "--format", "csv", "-o", str(target), "-c", str(configured)],
    )
    assert result.exit_code == 2
    assert "nope" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("@yeonsil", "@yeonsil"),
        ("\t=1", "'\t=1"),
        ("소통", "소통"),
    ],
)
def test_spreadsheet_safe(value: str, expected: str) -> None:
    assert spreadsheet_safe(value) == expected
