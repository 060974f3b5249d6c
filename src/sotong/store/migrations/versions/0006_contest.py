"""The creativity contest: contests, prizes with stock, shortlist, judges' scores, audience votes,
committed draws, winners and (sealed) prize claims.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def timestamp(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def foreign(
    column: str, table: str, target: str, ondelete: str = "CASCADE"
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "contests",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("wall_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rules", JSON, nullable=False),
        timestamp("judging_closed_at"),
        sa.Column("reveal", JSON),
        sa.Column("created_by", sa.String(400), nullable=False),
        timestamp("created_at", nullable=False),
        timestamp("updated_at", nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name="pk_contests"),
        foreign("wall_id", "contests", "walls"),
    )
    op.create_index("ix_contests_wall_id", "contests", ["wall_id"])
    op.create_table(
        "contest_prizes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("winners", sa.Integer, nullable=False),
        sa.Column("stock", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contest_prizes"),
        sa.CheckConstraint("stock >= 0", name="ck_contest_prizes_stock_not_negative"),
        foreign("contest_id", "contest_prizes", "contests"),
    )
    op.create_index("ix_contest_prizes_contest_id", "contest_prizes", ["contest_id", "position"])
    op.create_table(
        "contest_shortlist",
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(26), nullable=False),
        sa.Column("added_by", sa.String(400), nullable=False),
        timestamp("added_at", nullable=False),
        sa.PrimaryKeyConstraint("contest_id", "post_id", name="pk_contest_shortlist"),
        foreign("contest_id", "contest_shortlist", "contests"),
        foreign("post_id", "contest_shortlist", "posts"),
    )
    op.create_table(
        "contest_scores",
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(26), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("scores", JSON, nullable=False),
        timestamp("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("contest_id", "post_id", "user_id", name="pk_contest_scores"),
        foreign("contest_id", "contest_scores", "contests"),
        foreign("post_id", "contest_scores", "posts"),
        foreign("user_id", "contest_scores", "users"),
    )
    op.create_table(
        "contest_votes",
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("voter", sa.String(64), nullable=False),
        sa.Column("post_id", sa.String(26), nullable=False),
        timestamp("voted_at", nullable=False),
        sa.PrimaryKeyConstraint("contest_id", "voter", name="pk_contest_votes"),
        foreign("contest_id", "contest_votes", "contests"),
        foreign("post_id", "contest_votes", "posts"),
    )
    op.create_table(
        "contest_draws",
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("input", sa.Text, nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("committed_by", sa.String(400), nullable=False),
        timestamp("committed_at", nullable=False),
        sa.Column("drawn_by", sa.String(400)),
        timestamp("drawn_at"),
        sa.PrimaryKeyConstraint("contest_id", name="pk_contest_draws"),
        foreign("contest_id", "contest_draws", "contests"),
    )
    op.create_table(
        "contest_winners",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("contest_id", sa.Integer, nullable=False),
        sa.Column("prize_id", sa.Integer, nullable=False),
        sa.Column("post_id", sa.String(26), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        timestamp("claimed_at"),
        timestamp("delivered_at"),
        sa.Column("delivered_by", sa.String(400)),
        sa.PrimaryKeyConstraint("id", name="pk_contest_winners"),
        sa.UniqueConstraint("code_hash", name="uq_contest_winners_code_hash"),
        sa.UniqueConstraint("contest_id", "rank", name="uq_contest_winners_contest_rank"),
        foreign("contest_id", "contest_winners", "contests"),
        foreign("prize_id", "contest_winners", "contest_prizes"),
        foreign("post_id", "contest_winners", "posts"),
    )
    op.create_index("ix_contest_winners_post_id", "contest_winners", ["post_id"])
    op.create_table(
        "contest_claims",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("winner_id", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("delivery", sa.String(8), nullable=False),
        sa.Column("address", sa.Text),
        sa.Column("consent_version", sa.String(32), nullable=False),
        timestamp("consented_at", nullable=False),
        timestamp("delete_after", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contest_claims"),
        sa.UniqueConstraint("winner_id", name="uq_contest_claims_winner_id"),
        foreign("winner_id", "contest_claims", "contest_winners"),
    )
    op.create_index("ix_contest_claims_delete_after", "contest_claims", ["delete_after"])


def downgrade() -> None:
    for table in (
        "contest_claims",
        "contest_winners",
        "contest_draws",
        "contest_votes",
        "contest_scores",
        "contest_shortlist",
        "contest_prizes",
        "contests",
    ):
        op.drop_table(table)
