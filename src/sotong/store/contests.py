"""Contests in the database: their rules and prizes, the shortlist, judges' scores, audience votes,
and what eligibility needs to know about a wall (its posts, its active author bans)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.contest.eligibility import AuthorId
from sotong.contest.reveal import RevealState
from sotong.contest.rules import ContestRules
from sotong.contest.scoring import ScoreRow
from sotong.domain import Post, Role
from sotong.store.database import Database
from sotong.store.posts import _load, _select_posts
from sotong.store.tables import (
    author_bans,
    contest_prizes,
    contest_scores,
    contest_shortlist,
    contest_votes,
    contests,
    posts,
    users,
)


class ContestChanged(RuntimeError):
    """Someone else saved the contest since this edit began."""


@dataclass(frozen=True, slots=True)
class Prize:
    id: int
    position: int
    name: str
    winners: int
    stock: int


@dataclass(frozen=True, slots=True)
class Contest:
    id: int
    wall_id: int
    rules: ContestRules
    prizes: tuple[Prize, ...]
    judging_closed_at: datetime | None
    reveal: RevealState
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def name(self) -> str:
        return self.rules.name

    @property
    def judging_open(self) -> bool:
        return self.judging_closed_at is None


def _rules_json(rules: ContestRules) -> dict[str, Any]:
    return rules.model_dump(mode="json")


async def create_contest(
    connection: AsyncConnection, wall_id: int, rules: ContestRules, actor: str, now: datetime
) -> int:
    contest_id = await connection.scalar(
        contests.insert()
        .values(
            wall_id=wall_id,
            name=rules.name,
            rules=_rules_json(rules),
            created_by=actor[:400],
            created_at=now,
            updated_at=now,
        )
        .returning(contests.c.id)
    )
    assert contest_id is not None
    await _insert_prizes(connection, int(contest_id), rules)
    return int(contest_id)


async def _insert_prizes(connection: AsyncConnection, contest_id: int, rules: ContestRules) -> None:
    await connection.execute(
        contest_prizes.insert(),
        [
            {
                "contest_id": contest_id,
                "position": position,
                "name": prize.name,
                "winners": prize.winners,
                "stock": prize.stock,
            }
            for position, prize in enumerate(rules.prizes)
        ],
    )


async def update_contest(
    connection: AsyncConnection,
    contest_id: int,
    rules: ContestRules,
    expected_version: int,
    now: datetime,
) -> None:
    """Replace the rules and prizes (only before the draw is committed; the caller checks)."""
    changed = await connection.scalar(
        contests.update()
        .where(contests.c.id == contest_id, contests.c.version == expected_version)
        .values(
            name=rules.name,
            rules=_rules_json(rules),
            updated_at=now,
            version=contests.c.version + 1,
        )
        .returning(contests.c.id)
    )
    if changed is None:
        raise ContestChanged(contest_id)
    await connection.execute(
        contest_prizes.delete().where(contest_prizes.c.contest_id == contest_id)
    )
    await _insert_prizes(connection, contest_id, rules)


def _contest(row: Any, prizes: Sequence[Prize]) -> Contest:
    return Contest(
        id=row.id,
        wall_id=row.wall_id,
        rules=ContestRules.model_validate(row.rules),
        prizes=tuple(prizes),
        judging_closed_at=row.judging_closed_at,
        reveal=RevealState.from_json(row.reveal),
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
    )


async def _prizes(
    connection: AsyncConnection, contest_ids: Sequence[int]
) -> dict[int, list[Prize]]:
    found: dict[int, list[Prize]] = {contest_id: [] for contest_id in contest_ids}
    if not contest_ids:
        return found
    rows = await connection.execute(
        sa.select(contest_prizes)
        .where(contest_prizes.c.contest_id.in_(list(contest_ids)))
        .order_by(contest_prizes.c.contest_id, contest_prizes.c.position)
    )
    for row in rows:
        found[row.contest_id].append(Prize(row.id, row.position, row.name, row.winners, row.stock))
    return found


async def list_contests(connection: AsyncConnection, wall_id: int) -> list[Contest]:
    rows = list(
        await connection.execute(
            sa.select(contests).where(contests.c.wall_id == wall_id).order_by(contests.c.id.desc())
        )
    )
    prizes = await _prizes(connection, [row.id for row in rows])
    return [_contest(row, prizes[row.id]) for row in rows]


async def get_contest(connection: AsyncConnection, wall_id: int, contest_id: int) -> Contest | None:
    row = (
        await connection.execute(
            sa.select(contests).where(contests.c.id == contest_id, contests.c.wall_id == wall_id)
        )
    ).first()
    if row is None:
        return None
    return _contest(row, (await _prizes(connection, [row.id]))[row.id])


async def wall_of_contest(connection: AsyncConnection, contest_id: int) -> int:
    """The id of the wall a contest belongs to; -1 for no such contest."""
    found = await connection.scalar(
        sa.select(contests.c.wall_id).where(contests.c.id == contest_id)
    )
    return int(found) if found is not None else -1


async def set_judging_closed(
    connection: AsyncConnection, contest_id: int, closed_at: datetime | None, now: datetime
) -> None:
    await connection.execute(
        contests.update()
        .where(contests.c.id == contest_id)
        .values(judging_closed_at=closed_at, updated_at=now, version=contests.c.version + 1)
    )


async def set_reveal(
    connection: AsyncConnection, contest_id: int, state: RevealState, now: datetime
) -> None:
    await connection.execute(
        contests.update()
        .where(contests.c.id == contest_id)
        .values(reveal=state.to_json(), updated_at=now)
    )


async def revealing_contest(connection: AsyncConnection, wall_id: int) -> Contest | None:
    """The wall's contest whose reveal was moved last, if any."""
    row = (
        await connection.execute(
            sa.select(contests)
            .where(contests.c.wall_id == wall_id, contests.c.reveal.is_not(None))
            .order_by(contests.c.updated_at.desc(), contests.c.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    return _contest(row, (await _prizes(connection, [row.id]))[row.id])


async def wall_posts(connection: AsyncConnection, wall_id: int) -> list[Post]:
    """Every post of the wall, whatever its status: eligibility explains each one."""
    return await _load(connection, _select_posts().where(posts.c.wall_id == wall_id))


async def posts_by_id(connection: AsyncConnection, post_ids: Iterable[str]) -> dict[str, Post]:
    wanted = list(set(post_ids))
    if not wanted:
        return {}
    found = await _load(connection, _select_posts().where(posts.c.id.in_(wanted)))
    return {post.id: post for post in found}


async def active_bans(connection: AsyncConnection, wall_id: int) -> list[AuthorId]:
    """Authors banned from this wall or from every wall, and not lifted."""
    rows = await connection.execute(
        sa.select(author_bans.c.source, author_bans.c.author_key).where(
            author_bans.c.lifted_at.is_(None),
            sa.or_(author_bans.c.wall_id == wall_id, author_bans.c.wall_id.is_(None)),
        )
    )
    return [(str(source), str(key)) for source, key in rows]


async def shortlist(connection: AsyncConnection, contest_id: int) -> set[str]:
    rows = await connection.execute(
        sa.select(contest_shortlist.c.post_id).where(contest_shortlist.c.contest_id == contest_id)
    )
    return {str(post_id) for post_id in rows.scalars()}


async def set_shortlisted(
    db: Database,
    connection: AsyncConnection,
    contest_id: int,
    post_id: str,
    listed: bool,
    actor: str,
    now: datetime,
) -> None:
    if listed:
        await connection.execute(
            db.insert_ignoring_duplicates(contest_shortlist).values(
                contest_id=contest_id, post_id=post_id, added_by=actor[:400], added_at=now
            )
        )
    else:
        await connection.execute(
            contest_shortlist.delete().where(
                contest_shortlist.c.contest_id == contest_id,
                contest_shortlist.c.post_id == post_id,
            )
        )


async def score_rows(connection: AsyncConnection, contest_id: int) -> list[ScoreRow]:
    rows = await connection.execute(
        sa.select(contest_scores.c.post_id, contest_scores.c.user_id, contest_scores.c.scores)
        .where(contest_scores.c.contest_id == contest_id)
        .order_by(contest_scores.c.post_id, contest_scores.c.user_id)
    )
    return [
        ScoreRow(str(post_id), int(user_id), tuple(int(v) for v in values))
        for post_id, user_id, values in rows
    ]


async def save_scores(
    db: Database,
    connection: AsyncConnection,
    contest_id: int,
    post_id: str,
    user_id: int,
    values: Sequence[int],
    now: datetime,
) -> None:
    statement = db.upsert(
        contest_scores, ["contest_id", "post_id", "user_id"], ["scores", "updated_at"]
    )
    await connection.execute(
        statement.values(
            contest_id=contest_id,
            post_id=post_id,
            user_id=user_id,
            scores=list(values),
            updated_at=now,
        )
    )


async def judges(connection: AsyncConnection) -> dict[int, str]:
    """Console users with the judge role, by id: the e-mail address names them."""
    rows = await connection.execute(
        sa.select(users.c.id, users.c.email).where(
            users.c.role == Role.JUDGE.value, users.c.disabled_at.is_(None)
        )
    )
    return {int(user_id): str(email) for user_id, email in rows}


async def user_names(connection: AsyncConnection, user_ids: Iterable[int]) -> dict[int, str]:
    wanted = list(set(user_ids))
    if not wanted:
        return {}
    rows = await connection.execute(
        sa.select(users.c.id, users.c.email).where(users.c.id.in_(wanted))
    )
    return {int(user_id): str(email) for user_id, email in rows}


async def cast_vote(
    db: Database,
    connection: AsyncConnection,
    contest_id: int,
    voter: str,
    post_id: str,
    now: datetime,
) -> None:
    """One vote per voter: voting again moves it."""
    statement = db.upsert(contest_votes, ["contest_id", "voter"], ["post_id", "voted_at"])
    await connection.execute(
        statement.values(contest_id=contest_id, voter=voter, post_id=post_id, voted_at=now)
    )


async def vote_counts(connection: AsyncConnection, contest_id: int) -> dict[str, int]:
    rows = await connection.execute(
        sa.select(contest_votes.c.post_id, sa.func.count())
        .where(contest_votes.c.contest_id == contest_id)
        .group_by(contest_votes.c.post_id)
    )
    return {str(post_id): int(count) for post_id, count in rows}


async def vote_of(connection: AsyncConnection, contest_id: int, voter: str) -> str | None:
    found = await connection.scalar(
        sa.select(contest_votes.c.post_id).where(
            contest_votes.c.contest_id == contest_id, contest_votes.c.voter == voter
        )
    )
    return str(found) if found is not None else None
