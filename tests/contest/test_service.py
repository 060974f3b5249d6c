"""A contest run against the real databases: entries, judging, the committed draw, the reveal's
events, claims that never oversell, the deletion job, audited views."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from sotong.config import ContestSettings
from sotong.contest.claims import ClaimDetails
from sotong.contest.desk import PrizeDesk
from sotong.contest.draw import verify_record
from sotong.contest.reveal import RevealAction
from sotong.contest.rules import ContestRules, Criterion, Eligibility, PrizeSpec, Selection
from sotong.contest.service import ContestKeys, ContestProblem, ContestService
from sotong.domain import EventType, PostStatus, Role, Wall
from sotong.live.bus import MemoryBus
from sotong.store import audit, contest_prizes, events, users
from sotong.store.database import Database
from sotong.store.tables import author_bans
from tests.contest.helpers import NOW, Clock, make_post, store_posts, walls_in

KEYS = ContestKeys.from_secret(b"a test secret that is long enough!!")
OWNER = "user:owner@example.org"


def rules(**changes: object) -> ContestRules:
    values: dict[str, object] = {
        "name": "창의성 콘테스트",
        "rules_text": "가장 창의적인 게시물",
        "rubric": (Criterion(label="창의성"), Criterion(label="주제")),
        "prizes": (
            PrizeSpec(name="텀블러", winners=2, stock=2),
            PrizeSpec(name="보틀", winners=3, stock=3),
        ),
    }
    values.update(changes)
    return ContestRules.model_validate(values)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(db: Database, clock: Clock) -> ContestService:
    return ContestService(db, MemoryBus(), KEYS, clock=clock)


@pytest.fixture
def desk(service: ContestService) -> PrizeDesk:
    return PrizeDesk(
        service, ContestSettings(claim_retention_days=30, undelivered_retention_days=90)
    )


async def ban(db: Database, wall_id: int | None, handle: str, *, lifted: bool = False) -> None:
    async with db.write() as connection:
        await connection.execute(
            author_bans.insert().values(
                wall_id=wall_id,
                source="mastodon",
                author_key=f"@{handle}",
                author_name=handle,
                created_by="test",
                created_at=NOW,
                lifted_at=NOW if lifted else None,
            )
        )


async def test_bans_on_this_wall_and_on_every_wall_exclude_authors(
    db: Database, tmp_path: Path, service: ContestService
) -> None:
    wall, other = await walls_in(db, tmp_path)
    await store_posts(db, wall, [make_post(wall, h) for h in ["global", "here", "there", "lifted"]])
    await ban(db, None, "global")
    await ban(db, wall.id, "here")
    await ban(db, other.id, "there")
    await ban(db, wall.id, "lifted", lifted=True)
    contest_id = await service.create(wall, rules(), OWNER)
    overview = await service.overview(wall, contest_id)
    verdicts = {item.post.author.handle: item.excluded for item in overview.reviewed}
    assert verdicts == {"@global": "banned", "@here": "banned", "@there": None, "@lifted": None}


async def scored_contest(
    db: Database, tmp_path: Path, service: ContestService, **rule_changes: object
) -> tuple[Wall, int, list[str]]:
    wall, _ = await walls_in(db, tmp_path)
    items = [make_post(wall, f"author{i}", minutes=i) for i in range(8)]
    items.append(make_post(wall, "staff", minutes=9))
    items.append(make_post(wall, "author0", minutes=10))  # a second post: not an entry
    items.append(make_post(wall, "removed", status=PostStatus.REMOVED))
    await store_posts(db, wall, items)
    contest_id = await service.create(
        wall, rules(eligibility=Eligibility(staff=("@staff",)), **rule_changes), OWNER
    )
    entry_ids = [p.id for p in items[:8]]
    for post_id in entry_ids[:6]:
        await service.set_shortlisted(wall, contest_id, post_id, True, "user:mod@example.org")
    judge_ids = []
    for name in ("kim", "lee"):
        async with db.write() as connection:
            user = await users.create_user(connection, f"{name}@example.org", Role.JUDGE, "x", NOW)
        judge_ids.append(user.id)
    for judge, bias in zip(judge_ids, (0, 1), strict=True):
        for index, post_id in enumerate(entry_ids[:6]):
            await service.score(wall, contest_id, post_id, judge, [1 + index % 5, 1 + bias])
    return wall, contest_id, entry_ids


async def test_the_whole_run_from_entries_to_a_verifiable_draw_and_its_reveal(
    db: Database, tmp_path: Path, service: ContestService, desk: PrizeDesk
) -> None:
    wall, contest_id, entry_ids = await scored_contest(
        db, tmp_path, service, selection=Selection(method="top_n_draw", pool="shortlist", top_n=5)
    )
    overview = await service.overview(wall, contest_id)
    assert [p.id for p in overview.eligible] == entry_ids
    with pytest.raises(ContestProblem) as problem:
        await service.set_shortlisted(wall, contest_id, overview.reviewed[-1].post.id, True, OWNER)
    assert problem.value.code == "not_eligible"
    with pytest.raises(ContestProblem) as problem:
        await service.commit_draw(wall, contest_id, OWNER)
    assert problem.value.code == "judging_open"

    await service.set_judging(wall, contest_id, True, OWNER)
    with pytest.raises(ContestProblem):
        await service.score(wall, contest_id, entry_ids[0], 99, [5, 5])
    record = await service.commit_draw(wall, contest_id, OWNER)
    public = await service.public_record(wall, contest_id)
    assert public["seed"] is None
    assert public["commitment"] == record.commitment
    assert [e["id"] for e in public["input"]["entries"]] == sorted(entry_ids[:6])
    with pytest.raises(ContestProblem):
        await service.set_shortlisted(wall, contest_id, entry_ids[7], True, OWNER)

    winners = await service.perform_draw(wall, contest_id, OWNER)
    assert len(winners) == 5
    assert {w.post_id for w in winners} <= set(entry_ids[:6])
    public = await service.public_record(wall, contest_id)
    assert verify_record(public).ok
    with pytest.raises(ContestProblem) as problem:
        await service.perform_draw(wall, contest_id, OWNER)
    assert problem.value.code == "drawn"

    first = winners[0].post_id
    assert await desk.prize_of_post(first) is None  # not announced yet
    await service.reveal(wall, contest_id, RevealAction.START, OWNER)
    await service.reveal(wall, contest_id, RevealAction.NEXT_PRIZE, OWNER)
    state = await service.reveal(wall, contest_id, RevealAction.NEXT_WINNER, OWNER)
    assert state.shown == 1
    async with db.read() as connection:
        log = await events.events_after(connection, wall.id, 0, 100)
    contest_events = [e for e in log if e.type is EventType.CONTEST]
    assert len(contest_events) == 3
    assert '"phase":"winner"' in contest_events[-1].data
    assert "@au***" in contest_events[-1].data
    assert "참가자" not in contest_events[-1].data  # names are masked, never shown in full
    box = await desk.prize_of_post(first)
    assert box is not None
    assert box["prize"] == "텀블러"
    assert box["claim_url"] == f"/claim/{box['code']}"
    current = await service.current_reveal(wall)
    assert current["phase"] == "winner"
    assert current["winners"][0]["thumb_url"].startswith("/media/author")


async def test_simultaneous_claims_never_take_more_than_the_stock(
    db: Database, tmp_path: Path, service: ContestService, desk: PrizeDesk
) -> None:
    prizes = (PrizeSpec(name="에코백", winners=8, stock=3),)
    wall, contest_id, _ = await scored_contest(db, tmp_path, service, prizes=prizes)
    await service.commit_draw(wall, contest_id, OWNER)
    winners = await service.perform_draw(wall, contest_id, OWNER)
    assert len(winners) == 8
    targets = [await desk.target(KEYS.code(contest_id, w.rank)) for w in winners]
    details = ClaimDetails("홍길동", "010-1234-5678", "desk", None)

    async def claim(index: int) -> str:
        target = targets[index]
        assert target is not None
        try:
            await desk.claim(target, details)
        except ContestProblem as problem:
            return problem.code
        return "ok"

    outcomes = await asyncio.gather(*(claim(i) for i in range(8)))
    assert sorted(outcomes) == ["ok"] * 3 + ["out_of_stock"] * 5
    async with db.read() as connection:
        assert list((await contest_prizes.prize_stock(connection, contest_id)).values()) == [0]
        claimed = await connection.scalar(sa.text("SELECT count(*) FROM contest_claims"))
    assert claimed == 3
    again = next(t for t, o in zip(targets, outcomes, strict=True) if o == "ok")
    assert again is not None
    with pytest.raises(ContestProblem, match="claimed already"):
        await desk.claim(again, details)


async def test_claims_are_sealed_viewed_with_an_audit_entry_and_deleted_on_schedule(
    db: Database, tmp_path: Path, service: ContestService, desk: PrizeDesk, clock: Clock
) -> None:
    wall, contest_id, _ = await scored_contest(db, tmp_path, service)
    await service.commit_draw(wall, contest_id, OWNER)
    winners = await service.perform_draw(wall, contest_id, OWNER)
    first, second = winners[0], winners[1]
    for winner in (first, second):
        target = await desk.target(KEYS.code(contest_id, winner.rank).lower())
        assert target is not None
        await desk.claim(target, ClaimDetails("홍길동", "010-1234-5678", "mail", "서울 중구 1"))
    async with db.read() as connection:
        stored = (
            await connection.execute(sa.text("SELECT name, phone, address FROM contest_claims"))
        ).all()
    assert all("홍길동" not in value and "5678" not in value for row in stored for value in row)

    rows = await desk.rows(wall, contest_id)
    assert (rows[0].masked_name, rows[0].masked_phone) == ("홍*동", "***-****-5678")
    _, opened = await desk.open_claim(wall, contest_id, first.id, OWNER)
    assert opened.address == "서울 중구 1"
    async with db.read() as connection:
        views = await audit.entries(connection, action="contest.claim.view")
    assert [(v.actor, v.detail["winner"]) for v in views] == [(OWNER, first.id)]
    exported = await desk.export(wall, contest_id, OWNER)
    assert "010-1234-5678" in exported
    async with db.read() as connection:
        assert len(await audit.entries(connection, action="contest.claims.export")) == 1

    clock.advance(days=1)
    await desk.deliver(wall, contest_id, first.id, "user:desk@example.org")
    clock.advance(days=29, hours=23)
    assert await desk.purge() == 0
    clock.advance(hours=2)
    assert await desk.purge() == 1  # delivered 30 days ago
    with pytest.raises(ContestProblem):
        await desk.open_claim(wall, contest_id, first.id, OWNER)
    clock.advance(days=60)
    assert await desk.purge() == 1  # never delivered: 90 days after the claim
    async with db.read() as connection:
        assert await connection.scalar(sa.text("SELECT count(*) FROM contest_claims")) == 0
        delivered = await contest_prizes.list_winners(connection, contest_id)
    assert delivered[0].delivered_at is not None  # the report keeps what happened, not who
