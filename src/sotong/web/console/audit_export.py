"""The audit log as CSV or JSON, written out a page at a time.

CSV cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or
a carriage return) get a leading `'`, so an actor name or a post's author cannot run anything in
the spreadsheet of whoever opens the export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any, Final

import orjson

from sotong.store.audit import AuditEntry

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
COLUMNS: Final = ("id", "at", "actor", "action", "wall", "post_id", "detail")
MEDIA_TYPES: Final = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def spreadsheet_safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def entry_to_record(entry: AuditEntry, slugs: dict[int, str]) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "wall": slugs.get(entry.wall_id) if entry.wall_id is not None else None,
        "post_id": entry.post_id,
        "detail": entry.detail,
    }


def csv_cells(record: dict[str, Any]) -> list[str]:
    cells = []
    for column in COLUMNS:
        value = record[column]
        if value is None:
            text = ""
        elif isinstance(value, dict):
            text = orjson.dumps(value).decode()
        else:
            text = str(value)
        cells.append(spreadsheet_safe(text))
    return cells


def csv_text(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


async def export_chunks(
    fmt: str, pages: AsyncIterator[list[dict[str, Any]]]
) -> AsyncIterator[bytes]:
    """The export, `csv` (with a header row and a BOM, so spreadsheets read UTF-8 Korean text) or
    `json` (an array of entries)."""
    if fmt == "csv":
        yield ("\ufeff" + csv_text([list(COLUMNS)])).encode()
        async for page in pages:
            yield csv_text(csv_cells(record) for record in page).encode()
        return
    yield b"["
    first = True
    async for page in pages:
        for record in page:
            yield (b"" if first else b",\n") + orjson.dumps(record)
            first = False
    yield b"]\n"
