"""The demo wall's agenda: the talks of the 2017 Seoul Communication Conference's social day,
moved to today so that one is always on stage when the demo starts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sotong.display.agenda import Session

ROOM = "다목적홀"
PROGRAMME = (
    ("개회사: 소통하는 서울", "서울시 시민소통기획관", 20),
    ("기조연설: 시민과 소통하는 도시", "김소통", 40),
    ("메신저 챗봇이 전하는 뉴스·행사·날씨", "이민원", 40),
    ("시민이 소통가가 되는 법", "박시민", 40),
    ("시민의 목소리에서 나온 버스 정책", "정버스", 40),
    ("경품 추첨과 폐회", "사회자", 30),
)


def demo_agenda(now: datetime) -> list[Session]:
    """The programme, its second talk started ten minutes ago."""
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=PROGRAMME[0][2] + 10)
    sessions = []
    for title, speaker, minutes in PROGRAMME:
        end = start + timedelta(minutes=minutes)
        sessions.append(Session(title, start, end, speaker, ROOM))
        start = end
    return sessions
