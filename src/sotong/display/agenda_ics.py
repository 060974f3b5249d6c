"""Agenda sessions from an iCalendar file (RFC 5545), as calendar programs export it.

Each `VEVENT` becomes a session: `SUMMARY` the title, `DTSTART`/`DTEND` (or `DURATION`) the times,
`LOCATION` the room, `DESCRIPTION` the description; the speaker is the `ORGANIZER`'s `CN`, else a
description line starting with "Speaker:", "Speakers:", "연사:" or "발표자:". Times in UTC (`Z`),
with a `TZID` (an IANA name, a Windows name, or a `VTIMEZONE` of the file) or floating (read in
the wall's time zone). Cancelled events and whole-day events are skipped; a repeating event is
taken once, at its first date. Nested components (alarms) are ignored.

The parser is written for hostile input: the file size is capped before decoding, lines and
properties are counted, every value is cleaned to plain text, and any malformed event is skipped
with the reason instead of failing the whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

MAX_LINES: Final = 200_000
MAX_LINE_CHARS: Final = 16 * 1024
MAX_EVENTS: Final = MAX_SESSIONS * 4
MAX_DEPTH: Final = 8

WINDOWS_ZONES: Final[dict[str, str]] = {
    "Korea Standard Time": "Asia/Seoul",
    "Tokyo Standard Time": "Asia/Tokyo",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles",
    "AUS Eastern Standard Time": "Australia/Sydney",
}
SPEAKER_LINE: Final = re.compile(r"^\s*(?:speakers?|연사|발표자|강연자)\s*[:：]\s*(.+)$", re.I)
_DURATION: Final = re.compile(
    r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)
_OFFSET: Final = re.compile(r"^([+-])(\d{2})(\d{2})(\d{2})?$")


@dataclass(slots=True)
class Property:
    name: str
    params: dict[str, str]
    value: str


@dataclass(slots=True)
class Component:
    name: str
    properties: list[Property] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def first(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)


def unfold(text: str) -> list[str]:
    """Content lines: a line break followed by a space or a tab continues the line before."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            if len(lines[-1]) + len(raw) > MAX_LINE_CHARS:
                raise AgendaFileError(f"a line is longer than {MAX_LINE_CHARS} characters")
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw)
        if len(lines) > MAX_LINES:
            raise AgendaFileError(f"the file has more than {MAX_LINES} lines")
    return lines


def parse_line(line: str) -> Property:
    """`NAME;PARAM=value;PARAM="quoted":value`; a colon in a quoted parameter is not the end."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            break
    else:
        raise ValueError(f"not a property line: {line[:40]!r}")
    name, *raw_params = _split_params(head)
    params: dict[str, str] = {}
    for raw in raw_params:
        key, _, param_value = raw.partition("=")
        params[key.strip().upper()] = param_value.strip().strip('"')
    return Property(name.strip().upper(), params, value)


def _split_params(head: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def components(lines: list[str]) -> list[Component]:
    """The top-level components (VCALENDARs) of the file."""
    roots: list[Component] = []
    stack: list[Component] = []
    for line in lines:
        try:
            prop = parse_line(line)
        except ValueError:
            continue
        if prop.name == "BEGIN":
            if len(stack) >= MAX_DEPTH:
                raise AgendaFileError(f"components are nested more than {MAX_DEPTH} deep")
            component = Component(prop.value.strip().upper())
            (stack[-1].children if stack else roots).append(component)
            stack.append(component)
        elif prop.name == "END":
            name = prop.value.strip().upper()
            # An END that closes an outer component closes the ones left open inside it too.
            while stack and stack[-1].name != name:
                stack.pop()
            if stack:
                stack.pop()
        elif stack:
            stack[-1].properties.append(prop)
    return roots


def unescape(value: str) -> str:
    out, index = [], 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            following = value[index + 1]
            out.append("\n" if following in "nN" else following)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def parse_duration(value: str) -> timedelta:
    match = _DURATION.match(value.strip().upper())
    if not match or not any(match.groups()[1:]):
        raise ValueError(f"{value!r} is not a duration")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    length = timedelta(
        weeks=int(weeks or 0),
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
    )
    return -length if sign == "-" else length


def _offset(value: str) -> tzinfo | None:
    match = _OFFSET.match(value.strip())
    if not match:
        return None
    sign, hours, minutes, seconds = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))
    if delta >= timedelta(hours=24):
        return None
    return timezone(-delta if sign == "-" else delta)


def _zone_named(name: str) -> tzinfo | None:
    candidates = [name, WINDOWS_ZONES.get(name, "")]
    # Some programs write "/mozilla.org/20050126_1/Asia/Seoul": the IANA name ends it.
    parts = name.strip("/").split("/")
    candidates += ["/".join(parts[-2:]), "/".join(parts[-3:])]
    for candidate in candidates:
        if not candidate or ".." in candidate or candidate.startswith("/"):
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


def file_zones(calendars: list[Component]) -> dict[str, tzinfo]:
    """VTIMEZONEs the file defines and no zone database knows: their standard offset."""
    zones: dict[str, tzinfo] = {}
    for calendar in calendars:
        for child in calendar.children:
            tzid = child.first("TZID")
            if child.name != "VTIMEZONE" or tzid is None or _zone_named(tzid.value):
                continue
            observances = [c for c in child.children if c.name in ("STANDARD", "DAYLIGHT")]
            standard = next((c for c in observances if c.name == "STANDARD"), None)
            chosen = standard or (observances[0] if observances else None)
            offset_to = chosen.first("TZOFFSETTO") if chosen else None
            found = _offset(offset_to.value) if offset_to else None
            if found is not None:
                zones[tzid.value] = found
    return zones


def parse_moment(prop: Property, zones: dict[str, tzinfo], wall_zone: tzinfo) -> datetime:
    value = prop.value.strip()
    if prop.params.get("VALUE", "").upper() == "DATE" or re.fullmatch(r"\d{8}", value):
        raise ValueError("a whole-day event")
    match = re.fullmatch(r"(\d{8})T(\d{6})(Z?)", value.upper())
    if not match:
        raise ValueError(f"{value[:40]!r} is not a date and time")
    naive = datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S")
    if match[3]:
        return naive.replace(tzinfo=UTC)
    tzid = prop.params.get("TZID")
    if tzid:
        zone = zones.get(tzid) or _zone_named(tzid)
        if zone is None:
            raise ValueError(f"unknown time zone {tzid[:60]!r}")
        return naive.replace(tzinfo=zone)
    return naive.replace(tzinfo=wall_zone)


def parse_ics(data: bytes, wall_zone: ZoneInfo) -> Imported:
    text, encoding = decode(data)
    calendars = components(unfold(text))
    if not any(calendar.name == "VCALENDAR" for calendar in calendars):
        raise AgendaFileError("this is not an iCalendar file (no BEGIN:VCALENDAR)")
    zones = file_zones(calendars)
    result = Imported(encoding=encoding)
    events = [c for calendar in calendars for c in calendar.children if c.name == "VEVENT"]
    for number, event in enumerate(events[:MAX_EVENTS], start=1):
        problem = _add_event(result, event, zones, wall_zone)
        if problem:
            summary = event.first("SUMMARY")
            label = clean(unescape(summary.value), 40) if summary else f"event {number}"
            result.skip(f"{label}: {problem}")
    if len(events) > MAX_EVENTS:
        result.skip(f"the file has more than {MAX_EVENTS} events; the rest was not read")
    return settle(result)


def _speaker(event: Component, description: str) -> str:
    organizer = event.first("ORGANIZER")
    if organizer and organizer.params.get("CN"):
        return clean(organizer.params["CN"], SPEAKER_MAX)
    for line in description.split("\n"):
        match = SPEAKER_LINE.match(line)
        if match:
            return clean(match[1], SPEAKER_MAX)
    return ""


def _add_event(
    result: Imported, event: Component, zones: dict[str, tzinfo], wall_zone: tzinfo
) -> str:
    status = event.first("STATUS")
    if status and status.value.strip().upper() == "CANCELLED":
        return "cancelled"
    summary = event.first("SUMMARY")
    title = clean(unescape(summary.value), TITLE_MAX) if summary else ""
    if not title:
        return "no SUMMARY (title)"
    start = event.first("DTSTART")
    if start is None:
        return "no DTSTART"
    try:
        starts_at = parse_moment(start, zones, wall_zone)
        end, duration = event.first("DTEND"), event.first("DURATION")
        ends_at: datetime | None = None
        if end is not None:
            ends_at = parse_moment(end, zones, wall_zone)
        elif duration is not None:
            ends_at = starts_at + parse_duration(duration.value)
    except ValueError as error:
        return str(error)
    problem = check_times(starts_at, ends_at)
    if problem:
        return problem
    description_prop = event.first("DESCRIPTION")
    description = (
        clean_block(unescape(description_prop.value), DESCRIPTION_MAX) if description_prop else ""
    )
    location = event.first("LOCATION")
    result.sessions.append(
        Session(
            title=title,
            starts_at=starts_at.astimezone(UTC),
            ends_at=ends_at.astimezone(UTC) if ends_at else None,
            speaker=_speaker(event, description),
            room=clean(unescape(location.value), ROOM_MAX) if location else "",
            description=description,
        )
    )
    return ""
