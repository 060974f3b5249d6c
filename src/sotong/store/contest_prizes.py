"""The draw, the winners and their prize claims in the database.

Stock is taken with one conditional UPDATE (`stock = stock - 1 WHERE stock > 0`), in the same
transaction as the claim, and the column has a CHECK (stock >= 0): two winners claiming the last
item at the same instant get one item and one refusal, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sotong.store.tables import contest_claims, contest_draws, contest_prizes, contest_winners


class AlreadyClaimed(RuntimeError):
    pass


class OutOfStock(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class DrawRecord:
    contest_id: int
    commitment: str
    seed: str
    input: str
    input_hash: str
    committed_by: str
    committed_at: datetime
    drawn_by: str | None
    drawn_at: datetime | None

    @property
    def drawn(self) -> bool:
        return self.drawn_at is not None


@dataclass(frozen=True, slots=True)
class Winner:
    id: int
    contest_id: int
    prize_id: int
    post_id: str
    rank: int
    claimed_at: datetime | None
    delivered_at: datetime | None
    delivered_by: str | None


@dataclass(frozen=True, slots=True)
class SealedClaim:
    """A claim as stored: the personal fields still sealed."""

    id: int
    winner_id: int
    name: str
    phone: str
    delivery: str
    address: str | None
    consent_version: str
    consented_at: datetime
    delete_after: datetime


async def save_commitment(connection: AsyncConnection, record: DrawRecord) -> None:
    await connection.execute(
        contest_draws.insert().values(
            contest_id=record.contest_id,
            commitment=record.commitment,
            seed=record.seed,
            input=record.input,
            input_hash=record.input_hash,
            committed_by=record.committed_by[:400],
            committed_at=record.committed_at,
        )
    )


async def get_draw(connection: AsyncConnection, contest_id: int) -> DrawRecord | None:
    row = (
        await connection.execute(
            sa.select(contest_draws).where(contest_draws.c.contest_id == contest_id)
        )
    ).first()
    if row is None:
        return None
    return DrawRecord(
        row.contest_id,
        row.commitment,
        row.seed,
        row.input,
        row.input_hash,
        row.committed_by,
        row.committed_at,
        row.drawn_by,
        row.drawn_at,
    )


async def mark_drawn(
    connection: AsyncConnection, contest_id: int, actor: str, now: datetime
) -> bool:
    """False when the draw had already run (another click, another process)."""
    done = await connection.scalar(
        contest_draws.update()
        .where(contest_draws.c.contest_id == contest_id, contest_draws.c.drawn_at.is_(None))
        .values(drawn_by=actor[:400], drawn_at=now)
        .returning(contest_draws.c.contest_id)
    )
    return done is not None


async def insert_winners(
    connection: AsyncConnection, contest_id: int, rows: Sequence[tuple[int, str, int, str]]
) -> None:
    """(prize id, post id, rank, claim code digest) per winner."""
    if rows:
        await connection.execute(
            contest_winners.insert(),
            [
                {
                    "contest_id": contest_id,
                    "prize_id": prize_id,
                    "post_id": post_id,
                    "rank": rank,
                    "code_hash": code_hash,
                }
                for prize_id, post_id, rank, code_hash in rows
            ],
        )


def _winner(row: Any) -> Winner:
    return Winner(
        row.id,
        row.contest_id,
        row.prize_id,
        row.post_id,
        row.rank,
        row.claimed_at,
        row.delivered_at,
        row.delivered_by,
    )


async def list_winners(connection: AsyncConnection, contest_id: int) -> list[Winner]:
    rows = await connection.execute(
        sa.select(contest_winners)
        .where(contest_winners.c.contest_id == contest_id)
        .order_by(contest_winners.c.rank)
    )
    return [_winner(row) for row in rows]


async def winner_by_code(connection: AsyncConnection, code_hash: str) -> Winner | None:
    row = (
        await connection.execute(
            sa.select(contest_winners).where(contest_winners.c.code_hash == code_hash)
        )
    ).first()
    return _winner(row) if row is not None else None


async def winners_of_post(connection: AsyncConnection, post_id: str) -> list[Winner]:
    rows = await connection.execute(
        sa.select(contest_winners)
        .where(contest_winners.c.post_id == post_id)
        .order_by(contest_winners.c.id)
    )
    return [_winner(row) for row in rows]


async def claim_prize(
    connection: AsyncConnection,
    winner: Winner,
    sealed: SealedClaim,
    now: datetime,
) -> int:
    """Record the claim and take one item of the prize's stock, or raise AlreadyClaimed or
    OutOfStock (the caller's transaction then rolls back). Returns the stock left."""
    claimed = await connection.scalar(
        contest_winners.update()
        .where(contest_winners.c.id == winner.id, contest_winners.c.claimed_at.is_(None))
        .values(claimed_at=now)
        .returning(contest_winners.c.id)
    )
    if claimed is None:
        raise AlreadyClaimed(winner.id)
    left = await connection.scalar(
        contest_prizes.update()
        .where(contest_prizes.c.id == winner.prize_id, contest_prizes.c.stock > 0)
        .values(stock=contest_prizes.c.stock - 1)
        .returning(contest_prizes.c.stock)
    )
    if left is None:
        raise OutOfStock(winner.prize_id)
    await connection.execute(
        contest_claims.insert().values(
            winner_id=winner.id,
            name=sealed.name,
            phone=sealed.phone,
            delivery=sealed.delivery,
            address=sealed.address,
            consent_version=sealed.consent_version,
            consented_at=sealed.consented_at,
            delete_after=sealed.delete_after,
        )
    )
    return int(left)


async def claims_of(
    connection: AsyncConnection, winner_ids: Sequence[int]
) -> dict[int, SealedClaim]:
    if not winner_ids:
        return {}
    rows = await connection.execute(
        sa.select(contest_claims).where(contest_claims.c.winner_id.in_(list(winner_ids)))
    )
    return {
        row.winner_id: SealedClaim(
            row.id,
            row.winner_id,
            row.name,
            row.phone,
            row.delivery,
            row.address,
            row.consent_version,
            row.consented_at,
            row.delete_after,
        )
        for row in rows
    }


async def mark_delivered(
    connection: AsyncConnection,
    winner_id: int,
    actor: str,
    now: datetime,
    delete_after: datetime,
) -> bool:
    """False when the prize was not claimed yet or was delivered already."""
    done = await connection.scalar(
        contest_winners.update()
        .where(
            contest_winners.c.id == winner_id,
            contest_winners.c.claimed_at.is_not(None),
            contest_winners.c.delivered_at.is_(None),
        )
        .values(delivered_at=now, delivered_by=actor[:400])
        .returning(contest_winners.c.id)
    )
    if done is None:
        return False
    await connection.execute(
        contest_claims.update()
        .where(contest_claims.c.winner_id == winner_id)
        .values(delete_after=delete_after)
    )
    return True


async def purge_claims(connection: AsyncConnection, now: datetime) -> list[int]:
    """Delete every claim whose time has come; the winner ids whose details are now gone."""
    rows = await connection.execute(
        contest_claims.delete()
        .where(contest_claims.c.delete_after <= now)
        .returning(contest_claims.c.winner_id)
    )
    return sorted(int(winner_id) for winner_id in rows.scalars())


async def prize_stock(connection: AsyncConnection, contest_id: int) -> dict[int, int]:
    rows = await connection.execute(
        sa.select(contest_prizes.c.id, contest_prizes.c.stock).where(
            contest_prizes.c.contest_id == contest_id
        )
    )
    return {int(prize_id): int(stock) for prize_id, stock in rows}
