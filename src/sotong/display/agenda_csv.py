"""Agenda sessions from a CSV file (as spreadsheets save it), in Korean or English headings.

The first row names the columns; the order is free and unknown columns are ignored:

| column | headings understood |
| --- | --- |
| title (required) | title, session, 제목, 세션, 프로그램 |
| start (required) | start, starts, begin, 시작, 시작 시간 |
| end | end, ends, finish, 종료, 종료 시간, 끝 |
| date | date, day, 날짜, 일자 (for start and end written as a time of day) |
| speaker | speaker, speakers, presenter, 연사, 발표자, 강연자 |
| room | room, stage, location, place, 장소, 무대, 발표장 |
| description | description, notes, 설명, 내용 |

Times: `2017-11-10 10:00`, `2017.11.10 10:00`, `2017/11/10 10:00:00`, ISO 8601 with or without an
offset (`2017-11-10T10:00:00+09:00`), or a time of day (`10:00`) with a date column. A time without
an offset is in the wall's time zone. Commas, semicolons and tabs are recognised as separators.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

from sotong.display.agenda import (
    DESCRIPTION_MAX,
    MAX_SESSIONS,
    ROOM_MAX,
    SPEAKER_MAX,
    TITLE_MAX,
    AgendaFileError,
    Imported,
    Session,
    check_times,
    clean,
    clean_block,
    decode,
    settle,
)

MAX_ROWS: Final = MAX_SESSIONS * 4
MAX_FIELD: Final = 64 * 1024

HEADINGS: Final[dict[str, tuple[str, ...]]] = {
    "title": ("title", "session", "name", "제목", "세션", "프로그램", "세션명"),
    "start": ("start", "starts", "begin", "start time", "시작", "시작 시간", "시작시간"),
    "end": ("end", "ends", "finish", "end time", "종료", "종료 시간", "종료시간", "끝"),
    "date": ("date", "day", "날짜", "일자"),
    "speaker": ("speaker", "speakers", "presenter", "연사", "발표자", "강연자"),
    "room": ("room", "stage", "location", "place", "장소", "무대", "발표장"),
    "description": ("description", "notes", "설명", "내용"),
}

_DATE = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = " ".join(raw.strip().strip("\ufeff").lower().split())
        for key, names in HEADINGS.items():
            if name in names and key not in found:
                found[key] = index
    return found


def parse_date(value: str) -> date:
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a date like 2017-11-10")
    year, month, day = (int(part) for part in match.groups())
    return date(year, month, day)


def parse_time_of_day(value: str) -> time:
    match = _TIME.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time like 10:00")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    return time(hour, minute, second)


def parse_moment(value: str, day: date | None, zone: ZoneInfo) -> datetime:
    text = value.strip()
    if not text:
        raise ValueError("the time is empty")
    if _TIME.match(text):
        if day is None:
            raise ValueError(f"{text!r} is a time of day, and the row has no date")
        return datetime.combine(day, parse_time_of_day(text), zone)
    date_part, _, time_part = re.sub(r"\s+", " ", text.replace("T", " ", 1)).partition(" ")
    if _DATE.match(date_part):
        if not time_part:
            raise ValueError(f"{text!r} has a date but no time")
        moment = datetime.fromisoformat(
            f"{parse_date(date_part).isoformat()}T{time_part.replace(' ', '')}"
        )
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a time like 2017-11-10 10:00") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def parse_csv(data: bytes, zone: ZoneInfo) -> Imported:
    text, encoding = decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    result = Imported(encoding=encoding)
    old_limit = csv.field_size_limit(MAX_FIELD)
    try:
        header = next(reader, None)
        if header is None:
            raise AgendaFileError("the file is empty")
        columns = _columns(header)
        missing = [key for key in ("title", "start") if key not in columns]
        if missing:
            raise AgendaFileError(
                "the first row must name the columns; missing: " + ", ".join(missing)
            )
        for row in reader:
            if reader.line_num > MAX_ROWS:
                result.skip(f"the file has more than {MAX_ROWS} rows; the rest was not read")
                break
            if not any(cell.strip() for cell in row):
                continue
            problem = _add_row(result, row, columns, zone)
            if problem:
                result.skip(f"row {reader.line_num}: {problem}")
    except csv.Error as error:
        raise AgendaFileError(f"the CSV is malformed near row {reader.line_num}: {error}") from None
    finally:
        csv.field_size_limit(old_limit)
    return settle(result)


def _add_row(result: Imported, row: list[str], columns: dict[str, int], zone: ZoneInfo) -> str:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else ""

    title = clean(cell("title"), TITLE_MAX)
    if not title:
        return "no title"
    try:
        day = parse_date(cell("date")) if cell("date").strip() else None
        starts_at = parse_moment(cell("start"), day, zone)
        ends_at = (
            parse_moment(cell("end"), day or starts_at.date(), zone)
            if cell("end").strip()
            else None
        )
    except ValueError as error:
        return str(error)
    problem = check_times(starts_at, ends_at)
    if problem:
        return problem
    result.sessions.append(
        Session(
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            speaker=clean(cell("speaker"), SPEAKER_MAX),
            room=clean(cell("room"), ROOM_MAX),
            description=clean_block(cell("description"), DESCRIPTION_MAX),
        )
    )
    return ""
