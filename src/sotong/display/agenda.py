"""A wall's agenda: sessions with a title, speaker, room and times, and what importers share.

Importers (CSV in `agenda_csv`, iCalendar in `agenda_ics`) are pure: bytes in, an `Imported` out,
with one readable problem per entry they skipped. Times are stored in UTC; a time written without
a zone is read in the wall's time zone.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final

MAX_FILE_BYTES: Final = 1024 * 1024
MAX_SESSIONS: Final = 500
MAX_PROBLEMS: Final = 20
TITLE_MAX: Final = 200
SPEAKER_MAX: Final = 200
ROOM_MAX: Final = 100
DESCRIPTION_MAX: Final = 2000
DEFAULT_LENGTH: Final = timedelta(minutes=60)
LONGEST: Final = timedelta(days=2)
EARLIEST_YEAR: Final = 2000
LATEST_YEAR: Final = 2100


class AgendaFileError(ValueError):
    """The whole file cannot be read (too large, not text, not the format); nothing is imported."""


@dataclass(frozen=True, slots=True)
class Session:
    title: str
    starts_at: datetime
    ends_at: datetime | None = None  # None: until the next session in the room (see below)
    speaker: str = ""
    room: str = ""
    description: str = ""


@dataclass(slots=True)
class Imported:
    sessions: list[Session] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: int = 0
    encoding: str = "utf-8"

    def skip(self, problem: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def decode(data: bytes) -> tuple[str, str]:
    """The text of an uploaded file and the encoding it was in: UTF-8 (with or without a byte
    order mark), UTF-16 with a byte order mark, or CP949/EUC-KR (what Korean Excel saves)."""
    if len(data) > MAX_FILE_BYTES:
        raise AgendaFileError(f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "cp949"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise AgendaFileError("the file is not text (it contains NUL characters)")
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise AgendaFileError("the file is not text in UTF-8, UTF-16 or CP949 (EUC-KR)")


def clean(value: str, limit: int) -> str:
    """One line of plain text: control characters out, spaces squeezed, cut at `limit`."""
    kept = "".join(
        " " if ch in "\t\r\n" else ch for ch in value if ch.isprintable() or ch in "\t\r\n"
    )
    return " ".join(kept.split())[:limit]


def clean_block(value: str, limit: int) -> str:
    """Text that keeps its line breaks (a description)."""
    lines = (clean(line, limit) for line in value.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)[:limit]


def in_range(moment: datetime) -> bool:
    return EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def settle(imported: Imported) -> Imported:
    """Orders the sessions, gives the ones without an end the start of the next session in the
    same room (or an hour), and keeps the first `MAX_SESSIONS`."""
    ordered = sorted(imported.sessions, key=lambda session: (session.starts_at, session.title))
    settled: list[Session] = []
    for index, session in enumerate(ordered):
        if session.ends_at is None:
            later = (
                other.starts_at
                for other in ordered[index + 1 :]
                if other.room == session.room and other.starts_at > session.starts_at
            )
            end = min(next(later, session.starts_at + DEFAULT_LENGTH), session.starts_at + LONGEST)
            session = replace(session, ends_at=end)
        settled.append(session)
    if len(settled) > MAX_SESSIONS:
        imported.problems.append(
            f"only the first {MAX_SESSIONS} sessions are kept; {len(settled) - MAX_SESSIONS} more "
            "were left out"
        )
        settled = settled[:MAX_SESSIONS]
    imported.sessions = settled
    return imported


def check_times(starts_at: datetime, ends_at: datetime | None) -> str | None:
    """Why these times are not a session, or None."""
    if not in_range(starts_at) or (ends_at is not None and not in_range(ends_at)):
        return f"the time is outside the years {EARLIEST_YEAR}–{LATEST_YEAR}"
    if ends_at is not None and ends_at <= starts_at:
        return "it ends before it starts"
    if ends_at is not None and ends_at - starts_at > LONGEST:
        return "it lasts more than two days"
    return None


def session_to_wire(session_id: int, session: Session) -> dict[str, Any]:
    """What screens get of a session (not its description)."""
    assert session.ends_at is not None
    return {
        "id": session_id,
        "title": session.title,
        "speaker": session.speaker,
        "room": session.room,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
    }
