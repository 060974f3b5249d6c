"""The agenda importers: CSV and iCalendar, including malformed, hostile and huge files, the
encodings Korean spreadsheets save, and time zones."""

from __future__ import annotations

import codecs
import contextlib
import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sotong.display.agenda import MAX_FILE_BYTES, MAX_SESSIONS, AgendaFileError
from sotong.display.agenda_csv import parse_csv
from sotong.display.agenda_ics import parse_ics, unfold
from sotong.display.demo import demo_agenda

SEOUL = ZoneInfo("Asia/Seoul")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


# ---------- CSV ----------

CSV_KO = (
    "제목,시작,종료,연사,장소,설명\n"
    "개회사,2017-11-10 10:00,2017-11-10 10:20,박원순,다목적홀,\n"
    '"기조연설: 시민, 도시와 말하다",2017.11.10 10:20,,김소통,다목적홀,"두 줄\n설명"\n'
    "점심,2017/11/10 12:00:00,2017/11/10 13:00:00,,,\n"
)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("cp949", "cp949"), ("utf-16", "utf-16")],
)
def test_csv_in_the_encodings_spreadsheets_save(encoding: str, expected: str) -> None:
    result = parse_csv(CSV_KO.encode(encoding), SEOUL)
    assert result.encoding == expected
    assert [s.title for s in result.sessions] == ["개회사", "기조연설: 시민, 도시와 말하다", "점심"]
    opening, keynote, lunch = result.sessions
    assert opening.starts_at == utc(2017, 11, 10, 1, 0)
    assert opening.room == "다목적홀"
    assert opening.speaker == "박원순"
    # No end: until the next session in the same room, or an hour.
    assert keynote.ends_at == utc(2017, 11, 10, 2, 20)
    assert keynote.description == "두 줄\n설명"
    assert lunch.ends_at == utc(2017, 11, 10, 4, 0)
    assert result.problems == []


def test_csv_english_headings_semicolons_a_date_column_and_offsets() -> None:
    text = (
        "Session;Day;Start;End;Speakers;Stage\n"
        "Opening;2017-11-10;10:00;10:30;Ko;Hall A\n"
        "Remote talk;2017-11-10;2017-11-10T09:00:00+01:00;2017-11-10T09:30:00+01:00;;Hall B\n"
    )
    result = parse_csv(text.encode(), SEOUL)
    assert [s.room for s in result.sessions] == ["Hall A", "Hall B"]
    remote = result.sessions[1]
    assert remote.starts_at == utc(2017, 11, 10, 8, 0)


def test_csv_rows_that_cannot_be_read_are_skipped_with_their_row_number() -> None:
    text = (
        "title,start,end\n"
        "좋은 행,2017-11-10 10:00,2017-11-10 11:00\n"
        ",2017-11-10 10:00,\n"
        "거꾸로,2017-11-10 11:00,2017-11-10 10:00\n"
        "이상한 시각,10시쯤,\n"
        "날짜 없는 시각,10:00,\n"
        "먼 미래,3017-11-10 10:00,\n"
        "사흘,2017-11-10 10:00,2017-11-13 10:00\n"
    )
    result = parse_csv(text.encode(), SEOUL)
    assert [s.title for s in result.sessions] == ["좋은 행"]
    assert result.skipped == 6
    assert result.problems[0] == "row 3: no title"
    assert result.problems[1] == "row 4: it ends before it starts"
    assert "10시쯤" in result.problems[2]
    assert "has no date" in result.problems[3]
    assert "2000–2100" in result.problems[4]
    assert "two days" in result.problems[5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"speaker,room\nKim,A\n", "missing: title, start"),
        (b"\x00\x01\x02\x03" * 8, "NUL"),
        (bytes(range(128, 256)) * 4, "not text"),
        (b"title,start\n" + b"x" * MAX_FILE_BYTES, "larger than"),
    ],
)
def test_csv_files_that_are_not_an_agenda_are_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(AgendaFileError, match=message):
        parse_csv(data, SEOUL)


def test_csv_hostile_cells_are_plain_text_and_bounded() -> None:
    huge = "가" * 5000
    text = (
        "title,start,speaker\n"
        f'"=HYPERLINK(""http://x"")\u202e<script>",2017-11-10 10:00,{huge}\n'
        f'"{"x" * 9000}",2017-11-10 11:00,\n'
    )
    result = parse_csv(text.encode(), SEOUL)
    first, second = result.sessions
    assert "\u202e" not in first.title
    assert first.title.startswith("=HYPERLINK")
    assert len(first.speaker) == 200
    assert second.title == "x" * 200
    with pytest.raises(AgendaFileError, match="malformed near row 2"):
        parse_csv(f"title,start\n{'y' * 70_000},2017-11-10 10:00\n".encode(), SEOUL)


def test_csv_keeps_at_most_the_session_limit() -> None:
    rows = "".join(f"세션 {i},2017-11-10 10:{i % 60:02d},\n" for i in range(MAX_SESSIONS + 50))
    result = parse_csv(("title,start\n" + rows).encode(), SEOUL)
    assert len(result.sessions) == MAX_SESSIONS
    assert any(f"first {MAX_SESSIONS}" in problem for problem in result.problems)


# ---------- iCalendar ----------

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Example//EN\r
BEGIN:VTIMEZONE\r
TZID:Custom Seoul\r
BEGIN:STANDARD\r
DTSTART:19700101T000000\r
TZOFFSETFROM:+0900\r
TZOFFSETTO:+0900\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:1@example\r
SUMMARY:기조연설: 시민과 소통하는 \r
 도시\\, 서울\r
DTSTART;TZID=Asia/Seoul:20171110T102000\r
DTEND;TZID=Asia/Seoul:20171110T110000\r
LOCATION:다목적홀\r
DESCRIPTION:연사: 김소통\\n서울시 소통기획관\r
BEGIN:VALARM\r
TRIGGER:-PT5M\r
SUMMARY:alarm, not a session\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Panel\r
DTSTART:20171110T030000Z\r
DURATION:PT1H30M\r
ORGANIZER;CN="Lee, Panel Chair":mailto:lee@example.org\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Windows zone\r
DTSTART;TZID="Korea Standard Time":20171110T140000\r
DTEND;TZID="Korea Standard Time":20171110T143000\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:File zone\r
DTSTART;TZID=Custom Seoul:20171110T150000\r
DTEND;TZID=Custom Seoul:20171110T153000\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Floating\r
DTSTART:20171110T160000\r
DTEND:20171110T163000\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Mozilla zone\r
DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20171110T090000\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Cancelled\r
STATUS:CANCELLED\r
DTSTART:20171110T050000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Whole day\r
DTSTART;VALUE=DATE:20171110\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_ics_events_times_zones_and_speakers() -> None:
    result = parse_ics(ICS.encode(), SEOUL)
    by_title = {s.title: s for s in result.sessions}
    keynote = by_title["기조연설: 시민과 소통하는 도시, 서울"]
    assert keynote.starts_at == utc(2017, 11, 10, 1, 20)
    assert keynote.ends_at == utc(2017, 11, 10, 2, 0)
    assert keynote.room == "다목적홀"
    assert keynote.speaker == "김소통"
    assert keynote.description == "연사: 김소통\n서울시 소통기획관"
    panel = by_title["Panel"]
    assert panel.ends_at == utc(2017, 11, 10, 4, 30)
    assert panel.speaker == "Lee, Panel Chair"
    assert by_title["Windows zone"].starts_at == utc(2017, 11, 10, 5, 0)
    assert by_title["File zone"].starts_at == utc(2017, 11, 10, 6, 0)
    assert by_title["Floating"].starts_at == utc(2017, 11, 10, 7, 0)  # the wall's zone
    assert by_title["Mozilla zone"].starts_at == utc(2017, 11, 10, 14, 0)
    assert "alarm, not a session" not in by_title
    assert result.skipped == 2
    assert any("cancelled" in p for p in result.problems)
    assert any("whole-day" in p for p in result.problems)


def test_ics_daylight_saving_is_followed_by_iana_zones() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Summer\n"
        "DTSTART;TZID=Europe/Berlin:20170701T100000\nDTEND;TZID=Europe/Berlin:20170701T110000\n"
        "END:VEVENT\nBEGIN:VEVENT\nSUMMARY:Winter\n"
        "DTSTART;TZID=Europe/Berlin:20171201T100000\nDTEND;TZID=Europe/Berlin:20171201T110000\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    )
    summer, winter = parse_ics(text.encode(), SEOUL).sessions
    assert summer.starts_at == utc(2017, 7, 1, 8, 0)
    assert winter.starts_at == utc(2017, 12, 1, 9, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"BEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n", "no BEGIN:VCALENDAR"),
        (b"not a calendar at all", "no BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\n" + b"BEGIN:X\n" * 20, "nested"),
        (b"BEGIN:VCALENDAR\nX:" + b"a" * 10 + b"\n" + b" " + b"b" * 20_000 + b"\n", "longer"),
        (b"BEGIN:VCALENDAR\n" + b"X:1\n" * 300_000, "larger than|more than"),
        (codecs.BOM_UTF8 + b"\xff\xfe\x00", "not text|NUL"),
    ],
)
def test_ics_files_that_are_not_a_calendar_are_refused_whole(data: bytes, message: str) -> None:
    with pytest.raises(AgendaFileError, match=message):
        parse_ics(data, SEOUL)


def test_ics_broken_events_are_skipped_and_the_rest_kept() -> None:
    text = (
        "BEGIN:VCALENDAR\n"
        "BEGIN:VEVENT\nDTSTART:20171110T010000Z\nEND:VEVENT\n"  # no title
        "BEGIN:VEVENT\nSUMMARY:No start\nEND:VEVENT\n"
        "BEGIN:VEVENT\nSUMMARY:Bad time\nDTSTART:2017-11-10\nEND:VEVENT\n"
        "BEGIN:VEVENT\nSUMMARY:Unknown zone\n"
        "DTSTART;TZID=Nowhere/City:20171110T100000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nSUMMARY:Bad duration\nDTSTART:20171110T010000Z\nDURATION:soon\nEND:VEVENT\n"
        "BEGIN:VEVENT\nSUMMARY:Backwards\nDTSTART:20171110T010000Z\n"
        "DTEND:20171110T000000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nSUMMARY:Unclosed\nDTSTART:20171110T020000Z\n"
        "garbage line without colon\n"
        "END:VCALENDAR\n"
    )
    result = parse_ics(text.encode(), SEOUL)
    assert [s.title for s in result.sessions] == ["Unclosed"]
    assert result.skipped == 6
    assert any("Unknown zone" in p and "Nowhere/City" in p for p in result.problems)


def test_ics_zone_names_cannot_reach_files() -> None:
    text = (
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\n"
        "DTSTART;TZID=../../../../etc/passwd:20171110T100000\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    result = parse_ics(text.encode(), SEOUL)
    assert result.sessions == []
    assert "unknown time zone" in result.problems[0]


def test_unfolding_follows_rfc_5545() -> None:
    assert unfold("A:1\r\n 2\r\n\t3\r\nB:4\n") == ["A:123", "B:4"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_end_in_sessions_or_a_readable_refusal(data: bytes) -> None:
    for parse in (parse_csv, parse_ics):
        try:
            result = parse(data, SEOUL)
        except AgendaFileError:
            continue
        assert all(s.ends_at is not None and s.ends_at > s.starts_at for s in result.sessions)


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("BEGIN:VCALENDAREVENTSUMMARYDTSTART;=\r\n \\,:Z0123T"),
        max_size=600,
    )
)
def test_calendar_like_text_never_crashes(text: str) -> None:
    with contextlib.suppress(AgendaFileError):
        parse_ics(("BEGIN:VCALENDAR\n" + text).encode(), SEOUL)


def test_the_demo_agenda_has_a_session_on_stage_now_and_one_up_next() -> None:
    now = datetime(2026, 12, 3, 10, 7, 30, tzinfo=UTC)
    sessions = demo_agenda(now)
    on_now = [s for s in sessions if s.starts_at <= now < (s.ends_at or s.starts_at)]
    assert [s.title for s in on_now] == ["기조연설: 시민과 소통하는 도시"]
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(sessions))
