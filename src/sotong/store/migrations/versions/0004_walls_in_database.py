"""Walls edited from the console: their whole configuration in the database, where it came from,
a version for concurrent edits; author bans.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def timestamp(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("walls") as walls:
        walls.add_column(sa.Column("settings", JSON, nullable=False, server_default="{}"))
        walls.add_column(
            sa.Column("origin", sa.String(16), nullable=False, server_default="config")
        )
        walls.add_column(sa.Column("config_hash", sa.String(64)))
        walls.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        walls.add_column(timestamp("archived_at"))
    op.create_table(
        "author_bans",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("wall_id", sa.Integer),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("author_key", sa.String(300), nullable=False),
        sa.Column("author_name", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(300)),
        sa.Column("created_by", sa.String(400), nullable=False),
        timestamp("created_at", nullable=False),
        timestamp("lifted_at"),
        sa.Column("lifted_by", sa.String(400)),
        sa.PrimaryKeyConstraint("id", name="pk_author_bans"),
        sa.ForeignKeyConstraint(
            ["wall_id"], ["walls.id"], name="fk_author_bans_wall_id_walls", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_author_bans_author", "author_bans", ["source", "author_key"])


def downgrade() -> None:
    op.drop_table("author_bans")
    with op.batch_alter_table("walls") as walls:
        for column in ("archived_at", "version", "config_hash", "origin", "settings"):
            walls.drop_column(column)
