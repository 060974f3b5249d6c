"""The demo wall's sample contest, so `sotong demo` can run a whole contest from the console."""

from __future__ import annotations

from datetime import datetime

from sotong.contest.rules import ContestRules, PrizeSpec, Selection, default_rubric
from sotong.store import contests
from sotong.store.database import Database

DEMO_RULES = ContestRules(
    name="2017 서울소통컨퍼런스 창의성 콘테스트",
    rules_text=(
        "개성이 돋보이는 게시물을 올린 시민에게 텀블러, 에코백, 보틀을 드립니다. 승인된 게시물만, "
        "한 사람당 한 게시물이 참가합니다. 당첨자는 추첨으로 정하고, 추첨 기록은 누구나 확인할 수 "
        "있습니다."
    ),
    rubric=default_rubric(),
    prizes=(
        PrizeSpec(name="텀블러", winners=3, stock=3),
        PrizeSpec(name="에코백", winners=5, stock=5),
        PrizeSpec(name="보틀", winners=10, stock=10),
    ),
    selection=Selection(method="draw", pool="eligible"),
    audience_votes=True,
)


async def seed_demo_contest(db: Database, wall_id: int, now: datetime) -> None:
    """Create the sample contest once; a kept demo folder keeps its contest as it was."""
    async with db.write() as connection:
        if not await contests.list_contests(connection, wall_id):
            await contests.create_contest(connection, wall_id, DEMO_RULES, "demo", now)
